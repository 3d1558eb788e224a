import { registerUser, type TestUser } from '../support/factories';
import { LFS_MEDIA_TYPE, sha256Hex } from '../support/lfs-client';
import { startTestHub, type TestHub } from '../support/test-hub';

/**
 * Absolute links are built on the address the client called when PUBLIC_URL is unset; behind a
 * proxy, X-Forwarded-Proto/Host count only from a trusted one (TRUST_PROXY); PUBLIC_URL wins.
 */
describe('links from the address the client used', () => {
  let hub: TestHub;
  let alice: TestUser;
  let origins: string[];

  beforeAll(async () => {
    hub = await startTestHub({ listen: true });
    alice = await registerUser(hub, 'linkalice');
    origins = [hub.url!, hub.url!.replace('127.0.0.1', 'localhost')];
    // A second model, so that a listing of one per page has a next page.
    await hub.http().post('/api/repos/create').set(alice.auth).send({ name: 'links-seed' }).expect(200);
  });
  afterAll(() => hub?.close());

  const call = (origin: string, method: string, path: string, body?: unknown, headers: Record<string, string> = {}) =>
    fetch(origin + path, {
      method,
      headers: { ...alice.auth, ...(body === undefined ? {} : { 'Content-Type': headers['Content-Type'] ?? 'application/json' }), ...headers },
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    });

  it('answers each client with links on its own host: repo url, commitUrl, Link, LFS hrefs', async () => {
    for (const [i, origin] of origins.entries()) {
      const name = `links-${i}`;
      const created = await call(origin, 'POST', '/api/repos/create', { name });
      expect(await created.json()).toMatchObject({ url: `${origin}/linkalice/${name}` });
      const again = await call(origin, 'POST', '/api/repos/create', { name });
      expect(again.status).toBe(409);
      expect(await again.json()).toMatchObject({ url: `${origin}/linkalice/${name}` });

      const ndjson = [
        { key: 'header', value: { summary: 'one' } },
        { key: 'file', value: { path: 'a.txt', content: Buffer.from('a').toString('base64'), encoding: 'base64' } },
      ];
      const commit = await call(origin, 'POST', `/api/models/linkalice/${name}/commit/main`, ndjson.map((l) => JSON.stringify(l)).join('\n'), {
        'Content-Type': 'application/x-ndjson',
      });
      expect((await commit.json()).commitUrl).toMatch(new RegExp(`^${origin}/linkalice/${name}/commit/[0-9a-f]{40}$`));

      const listing = await call(origin, 'GET', '/api/models?author=linkalice&limit=1');
      expect(listing.headers.get('link')).toMatch(new RegExp(`^<${origin}/api/models\\?`));

      const big = Buffer.alloc(70 * 1024 * 1024 + 1, i);
      const batch = await call(
        origin,
        'POST',
        `/linkalice/${name}.git/info/lfs/objects/batch`,
        { operation: 'upload', transfers: ['basic', 'multipart'], objects: [{ oid: sha256Hex(big), size: big.length }] },
        { 'Content-Type': LFS_MEDIA_TYPE, Accept: LFS_MEDIA_TYPE },
      );
      expect((await batch.json()).objects[0].actions.upload.href.startsWith(`${origin}/api/blobs/uploads/`)).toBe(true);
      const basic = await call(
        origin,
        'POST',
        `/linkalice/${name}.git/info/lfs/objects/batch`,
        { operation: 'upload', objects: [{ oid: sha256Hex('x'), size: 1 }] },
        { 'Content-Type': LFS_MEDIA_TYPE, Accept: LFS_MEDIA_TYPE },
      );
      expect((await basic.json()).objects[0].actions.verify.href).toBe(`${origin}/linkalice/${name}.git/info/lfs/objects/verify`);
    }
  });

  const createdUrl = async (h: TestHub, headers: Record<string, string>) => {
    const res = await h
      .http()
      .post('/api/repos/create')
      .set(alice.auth)
      .set(headers)
      .send({ name: `fwd-${Math.random().toString(36).slice(2, 8)}` });
    return res.body.url as string;
  };
  const forwarded = { 'X-Forwarded-Proto': 'https', 'X-Forwarded-Host': 'hub.example.org' };

  it('honours X-Forwarded-Proto/Host from a trusted proxy only (TRUST_PROXY; loopback by default)', async () => {
    expect(await createdUrl(hub, forwarded)).toMatch(/^https:\/\/hub\.example\.org\/linkalice\/fwd-/);
    for (const trust of ['false', '10.0.0.0/8']) {
      const other = await startTestHub({ env: { TRUST_PROXY: trust, JWT_SECRET: hub.config.jwt.secret, DATABASE_URL: hub.databaseUrl } });
      try {
        expect(await createdUrl(other, forwarded)).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/linkalice\/fwd-/);
      } finally {
        await other.close();
      }
    }
  });

  it('uses PUBLIC_URL when set, whatever the request says', async () => {
    const other = await startTestHub({ env: { PUBLIC_URL: 'https://public.example.org/', JWT_SECRET: hub.config.jwt.secret, DATABASE_URL: hub.databaseUrl } });
    try {
      expect(await createdUrl(other, forwarded)).toMatch(/^https:\/\/public\.example\.org\/linkalice\/fwd-/);
      expect(await createdUrl(other, {})).toMatch(/^https:\/\/public\.example\.org\/linkalice\/fwd-/);
    } finally {
      await other.close();
    }
  });
});
