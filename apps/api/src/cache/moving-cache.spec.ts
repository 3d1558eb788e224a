import { CacheInvalidation } from './cache-invalidation.service';
import type { ResolvedHubConfig } from '../config/hub-config';
import { ImmutableCache } from './immutable-cache';
import { decodeNotice, encodeNotice, tag, tagsOf } from './invalidation-events';
import { MovingCache } from './moving-cache';

/** A load whose answer the test releases, to order it against an invalidation. */
function deferred<T>() {
  let resolve!: (v: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

describe('MovingCache', () => {
  let on = true;
  const cache = () => new MovingCache<string | null>('test', 3, () => on);
  beforeEach(() => (on = true));

  it('loads once, then answers from memory until a tag it carries is invalidated', async () => {
    const c = cache();
    const load = jest.fn(async () => 'v1');
    expect(await c.get('k', load, () => [tag.model('m1')])).toBe('v1');
    expect(await c.get('k', load, () => [tag.model('m1')])).toBe('v1');
    expect(load).toHaveBeenCalledTimes(1);
    c.invalidate(tagsOf('model', { modelId: 'other' }));
    await c.get('k', load, () => [tag.model('m1')]);
    expect(load).toHaveBeenCalledTimes(1);
    c.invalidate(tagsOf('model', { modelId: 'm1' }));
    await c.get('k', load, () => [tag.model('m1')]);
    expect(load).toHaveBeenCalledTimes(2);
  });

  it('keeps nothing a load marks as not to keep (e.g. an unknown token)', async () => {
    const c = cache();
    const load = jest.fn(async () => null);
    await c.get('k', load, (v) => (v ? [tag.token('t')] : null));
    await c.get('k', load, (v) => (v ? [tag.token('t')] : null));
    expect(load).toHaveBeenCalledTimes(2);
  });

  it('does not keep the answer of a load that an invalidation overtook (it may have read the old row)', async () => {
    const c = cache();
    const slow = deferred<string>();
    const first = c.get(
      'k',
      () => slow.promise,
      () => [tag.refs('m')],
    );
    c.invalidate([tag.refs('m')]);
    slow.resolve('old head');
    expect(await first).toBe('old head');
    expect(
      await c.get(
        'k',
        async () => 'new head',
        () => [tag.refs('m')],
      ),
    ).toBe('new head');
  });

  it('shares one load among concurrent misses, but not with callers arriving after an invalidation', async () => {
    const c = cache();
    const slow = deferred<string>();
    const load = jest.fn(() => slow.promise);
    const a = c.get('k', load, () => [tag.user('u')]);
    const b = c.get('k', load, () => [tag.user('u')]);
    c.invalidate([tag.user('u')]);
    const after = c.get(
      'k',
      async () => 'fresh',
      () => [tag.user('u')],
    );
    slow.resolve('stale');
    expect([await a, await b, await after]).toEqual(['stale', 'stale', 'fresh']);
    expect(load).toHaveBeenCalledTimes(1);
  });

  it('is off while notifications may be missed: every read loads, nothing is kept', async () => {
    const c = cache();
    on = false;
    const load = jest.fn(async () => 'v');
    await c.get('k', load, () => [tag.grant('m')]);
    on = true;
    await c.get('k', load, () => [tag.grant('m')]);
    expect(load).toHaveBeenCalledTimes(2);
  });

  it('forgets the least recently used entry beyond its capacity, and its tags with it', async () => {
    const c = cache();
    for (const k of ['a', 'b', 'c'])
      await c.get(
        k,
        async () => k,
        () => [tag.membership(k)],
      );
    await c.get(
      'a',
      async () => 'not loaded',
      () => null,
    );
    await c.get(
      'd',
      async () => 'd',
      () => [tag.membership('d')],
    );
    expect(c.size).toBe(3);
    const reload = jest.fn(async () => 'b again');
    expect(await c.get('b', reload, () => [tag.membership('b')])).toBe('b again');
    expect(
      await c.get(
        'a',
        async () => 'not loaded',
        () => null,
      ),
    ).toBe('a');
  });
});

describe('ImmutableCache', () => {
  it('keeps final values without expiry and reloads values that are not final yet', async () => {
    const c = new ImmutableCache<{ oid: string | null }>(10);
    const pending = jest.fn(async () => ({ oid: null }));
    await c.get('f', pending, (v) => v.oid !== null);
    await c.get('f', pending, (v) => v.oid !== null);
    expect(pending).toHaveBeenCalledTimes(2);
    const known = jest.fn(async () => ({ oid: 'abc' }));
    await c.get('f', known, (v) => v.oid !== null);
    expect(await c.get('f', known, (v) => v.oid !== null)).toEqual({ oid: 'abc' });
    expect(known).toHaveBeenCalledTimes(1);
  });
});

describe('invalidation notices', () => {
  it('round-trip every event, and refuse anything else on the channel', () => {
    expect(decodeNotice(encodeNotice('refs', { modelId: 'm1' }))).toEqual({ event: 'refs', payload: { modelId: 'm1' } });
    expect(decodeNotice(encodeNotice('token', { tokenId: 't1' }))).toEqual({ event: 'token', payload: { tokenId: 't1' } });
    expect(decodeNotice(encodeNotice('deployment', { modelId: 'm1' }))).toEqual({ event: 'deployment', payload: { modelId: 'm1' } });
    expect(decodeNotice('refs not-json')).toBeNull();
    expect(decodeNotice('nonsense {"modelId":"m"}')).toBeNull();
    expect(decodeNotice('model {"modelId":1}')).toBeNull();
  });

  it('name the tags each change drops (one rule for every cache)', () => {
    expect(tagsOf('model', { modelId: 'm' })).toEqual([tag.model('m')]);
    expect(tagsOf('refs', { modelId: 'm' })).toEqual([tag.refs('m')]);
    expect(tagsOf('grant', { modelId: 'm' })).toEqual([tag.grant('m')]);
    expect(tagsOf('deployment', { modelId: 'm' })).toEqual([tag.deployment('m')]);
    expect(tagsOf('token', { tokenId: 't' })).toEqual([tag.token('t')]);
    expect(tagsOf('user', { userId: 'u' })).toEqual([tag.user('u')]);
    expect(tagsOf('membership', { userId: 'u' })).toEqual([tag.membership('u')]);
  });

  it('publish drops the entries here at once and sends the notice through the given runner', async () => {
    const invalidation = new CacheInvalidation({} as ResolvedHubConfig);
    (invalidation as unknown as { listening: boolean }).listening = true;
    const c = invalidation.movingCache<string>('t', 10);
    await c.get(
      'k',
      async () => 'old',
      () => [tag.refs('m')],
    );
    const sent: unknown[][] = [];
    await invalidation.publish({ $executeRawUnsafe: async (...args: unknown[]) => (sent.push(args), 1) }, 'refs', { modelId: 'm' });
    expect(sent).toEqual([['SELECT pg_notify($1, $2)', 'hub_cache', 'refs {"modelId":"m"}']]);
    expect(
      await c.get(
        'k',
        async () => 'new',
        () => [tag.refs('m')],
      ),
    ).toBe('new');
  });
});
