import { randomBytes } from 'node:crypto';
import request from 'supertest';
import { HotRoutes } from '../../apps/api/src/hot-routes/hot-routes';
import { bearer, createOrg, createToken, registerUser, type TestUser } from '../support/factories';
import { createModel } from '../support/models';
import { startTestHub, type TestHub } from '../support/test-hub';
import { commit, put, sha256, storeBucketBlob } from './commits-support';

/**
 * The resolve route on the hot routes (hot-routes/hot-routes.ts) against the same route through
 * Express and Nest: the app's HTTP server takes the hot path, its Express handler alone (what the
 * server falls back to) does not. Every answer must be the same, headers, status and body.
 */
describe('hot routes: resolve answered before Nest, exactly as Nest answers it', () => {
  const ORIGIN = 'https://app.example.org';
  let hub: TestHub;
  let hot: HotRoutes;
  let alice: TestUser;
  let repo: string;
  let head: string;
  let weights: Buffer;
  let ids = 0;
  beforeAll(async () => {
    hub = await startTestHub({ env: { CORS_ORIGINS: ORIGIN } });
    hot = hub.app.get(HotRoutes);
    alice = await registerUser(hub);
    repo = (await createModel(hub, alice)).id;
    weights = randomBytes(64 * 1024);
    const blob = await storeBucketBlob(hub, repo, weights);
    head = await commit(hub, alice, repo, [
      { op: 'lfs', path: 'weights/model.safetensors', sha256: blob.sha256, size: blob.size },
      put('config.json', '{"hidden_size": 64}'),
      put('dir/file name é.txt', 'spaced'),
    ]);
    await hub.http().post(`/api/v1/models/${repo}/versions`).set(alice.auth).send({ name: 'v1', revision: 'main' }).expect(201);
  });
  afterAll(() => hub.close());

  type Method = 'get' | 'head';
  const viaServer = () => request(hub.app.getHttpServer());
  const viaExpress = () => request(hub.app.getHttpAdapter().getInstance());
  /** What must be equal: all but the connection's own headers, the URL's signature time (its second may differ). */
  const answer = (res: request.Response) => {
    const headers: Record<string, string> = { ...res.headers };
    for (const name of ['date', 'connection', 'keep-alive']) delete headers[name];
    if (headers.location) headers.location = headers.location.replace(/X-Amz-Date=\w+&/, '').replace(/&X-Amz-Signature=\w+/, '');
    return { status: res.status, headers, body: String(res.body) };
  };

  /** Sends the request both ways (same request id); expects the same answer and returns it, with whether the hot path took it. */
  async function both(method: Method, path: string, headers: Record<string, string> = {}) {
    const id = `hot-${ids++}`;
    const before = hot.served;
    const fast = await viaServer()
      [method](path)
      .set({ ...headers, 'X-Request-Id': id })
      .buffer(true)
      .parse(rawBody);
    const tookHot = hot.served - before === 1;
    const slow = await viaExpress()
      [method](path)
      .set({ ...headers, 'X-Request-Id': id })
      .buffer(true)
      .parse(rawBody);
    expect(hot.served - before).toBe(tookHot ? 1 : 0);
    expect(answer(fast)).toEqual(answer(slow));
    return { res: fast, text: String(fast.body), json: () => JSON.parse(String(fast.body)) as Record<string, unknown>, hot: tookHot };
  }
  const resolve = (rev: string, path: string, r = repo) => `/${r}/resolve/${rev}/${path}`;

  it.each<Method>(['head', 'get'])('%s of a bucket file: the same 302 with commit, ETag, size, Location, CORS and helmet headers', async (method) => {
    const { res, hot: tookHot } = await both(method, resolve('main', 'weights/model.safetensors'), { Origin: ORIGIN });
    expect(tookHot).toBe(true);
    expect(res.status).toBe(302);
    expect(res.headers).toMatchObject({
      'x-repo-commit': head,
      etag: `"${sha256(weights)}"`,
      'x-linked-size': String(weights.length),
      'x-linked-etag': `"${sha256(weights)}"`,
      'accept-ranges': 'bytes',
      'x-request-id': expect.stringMatching(/^hot-/),
      'access-control-allow-origin': ORIGIN,
      'x-frame-options': 'DENY',
      'cross-origin-resource-policy': 'cross-origin',
    });
    expect(res.headers['access-control-expose-headers']).toContain('X-Repo-Commit');
    expect(res.headers['content-security-policy']).toContain("frame-ancestors 'none'");
    const s3 = await fetch(res.headers.location);
    expect(Buffer.from(await s3.arrayBuffer()).equals(weights)).toBe(true);
  });

  it('serves inline files, any revision (branch, commit id, version), URL-encoded paths', async () => {
    for (const rev of ['main', head, 'v1']) {
      const { res, text, hot: tookHot } = await both('get', resolve(rev, 'config.json'));
      expect([tookHot, res.status, res.headers['x-repo-commit'], text]).toEqual([true, 200, head, '{"hidden_size": 64}']);
      expect((await both('head', resolve(rev, 'config.json'))).res.headers['content-length']).toBe('19');
    }
    const encoded = await both('get', resolve('main', 'dir/file%20name%20%C3%A9.txt'));
    expect([encoded.hot, encoded.res.status, encoded.text]).toEqual([true, 200, 'spaced']);
    expect(encoded.res.headers['content-disposition']).toContain("filename*=UTF-8''file%20name%20%C3%A9.txt");
    expect((await both('get', resolve('main', 'dir%2Ffile%20name%20%C3%A9.txt'))).res.status).toBe(200);
    expect((await both('get', resolve('main', 'config.json'), { Range: 'bytes=2-7' })).res.status).toBe(206);
    expect((await both('get', resolve('main', 'config.json'), { Range: 'bytes=100-' })).res.status).toBe(416);
  });

  it('gives the same errors: unknown model, revision and file; bad input', async () => {
    const noModel = await both('get', resolve('main', 'config.json', `${alice.username}/nope`));
    expect([noModel.hot, noModel.res.status, noModel.res.headers['x-error-code']]).toEqual([true, 404, 'RepoNotFound']);
    expect(noModel.json()).toMatchObject({ code: expect.any(String), requestId: noModel.res.headers['x-request-id'] });
    const noRev = await both('head', resolve('nope', 'config.json'));
    expect([noRev.res.status, noRev.res.headers['x-error-code']]).toEqual([404, 'RevisionNotFound']);
    const noFile = await both('get', resolve('main', 'missing.bin'));
    expect([noFile.res.status, noFile.res.headers['x-error-code'], noFile.res.headers['x-repo-commit']]).toEqual([404, 'EntryNotFound', head]);
    const nul = await both('get', resolve('main', 'a%00b'));
    expect([nul.hot, nul.res.status]).toEqual([true, 400]);
    const badToken = await both('head', resolve('main', 'config.json'), bearer('hf_not_a_token'));
    expect([badToken.hot, badToken.res.status]).toEqual([true, 401]);
  });

  it('leaves to Nest what it does not repeat, with the same answers', async () => {
    const cases: [string, Record<string, string>][] = [
      [`${resolve('main', 'config.json')}?download=true`, {}],
      [resolve('main', 'config.json'), { Cookie: 'hub_session=not-a-jwt' }],
      [resolve('main', 'config.json'), { Authorization: 'Basic YTpi' }],
      [resolve('main', 'bad%E0%A4%A'), {}],
    ];
    for (const [path, headers] of cases) expect((await both('get', path, headers)).hot).toBe(false);
    // Express's own matching decides the rest (case-insensitive, trailing slash, the fixed routes first).
    for (const path of [`/${repo.toUpperCase()}/RESOLVE/main/config.json`, `${resolve('main', 'config.json')}/`, '/api/v1/models/resolve/main/x']) {
      await both('get', path);
    }
    const generated = await viaServer().head(resolve('main', 'config.json')).expect(200);
    expect(generated.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('applies the same access decision: private 404, gated 401/403, members and tokens through', async () => {
    const owner = await registerUser(hub);
    const org = await createOrg(hub, owner);
    const other = await registerUser(hub);
    const priv = (await createModel(hub, owner, { namespace: org, visibility: 'private' })).id;
    const gated = (await createModel(hub, owner, { namespace: org, visibility: 'gated' })).id;
    await commit(hub, owner, priv, [put('a.txt', 'a')]);
    await commit(hub, owner, gated, [put('a.txt', 'a')]);
    expect((await both('get', resolve('main', 'a.txt', priv))).res.status).toBe(404);
    expect((await both('get', resolve('main', 'a.txt', priv), other.auth)).res.status).toBe(404);
    expect((await both('get', resolve('main', 'a.txt', priv), owner.auth)).res.status).toBe(200);
    const anonymous = await both('head', resolve('main', 'a.txt', gated));
    expect([anonymous.hot, anonymous.res.status, anonymous.res.headers['x-error-code']]).toEqual([true, 401, 'GatedRepo']);
    const forbidden = await both('get', resolve('main', 'a.txt', gated), other.auth);
    expect([forbidden.res.status, forbidden.res.headers['x-error-code']]).toEqual([403, 'GatedRepo']);
    const token = await createToken(hub, owner, ['read']);
    expect((await both('get', resolve('main', 'a.txt', gated), bearer(token))).res.status).toBe(200);
  });

  it('sees a revoked token and a model made private at once', async () => {
    const bob = await registerUser(hub);
    const model = (await createModel(hub, bob)).id;
    await commit(hub, bob, model, [put('a.txt', 'a')]);
    const created = await hub
      .http()
      .post('/api/v1/tokens')
      .set(bob.auth)
      .send({ name: 'hot', scopes: ['read'] })
      .expect(201);
    const path = resolve('main', 'a.txt', model);
    expect((await both('head', path, bearer(created.body.token))).res.status).toBe(200);
    await hub.http().delete(`/api/v1/tokens/${created.body.id}`).set(bob.auth).expect(204);
    expect(await within1s(401, async () => (await viaServer().head(path).set(bearer(created.body.token))).status)).toBe(401);
    expect((await both('head', path, bearer(created.body.token))).hot).toBe(true);
    await hub.http().patch(`/api/v1/models/${model}`).set(bob.auth).send({ visibility: 'private' }).expect(200);
    expect(await within1s(404, async () => (await viaServer().head(path)).status)).toBe(404);
    expect((await both('head', path, bob.auth)).res.status).toBe(200);
  });
});

/** Polls `probe` every 10 ms until it gives `expected` or one second (the invalidation bound of issue 16) has passed; its last value. */
async function within1s<T>(expected: T, probe: () => Promise<T>): Promise<T> {
  const deadline = Date.now() + 1000;
  let last = await probe();
  while (last !== expected && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 10));
    last = await probe();
  }
  return last;
}

/** supertest: keep the body as a Buffer whatever the content type. */
function rawBody(res: request.Response, callback: (err: Error | null, body: Buffer) => void) {
  // In Node, superagent hands the parser the response stream itself.
  const stream = res as unknown as NodeJS.ReadableStream;
  const chunks: Buffer[] = [];
  stream.on('data', (c: Buffer) => chunks.push(Buffer.from(c)));
  stream.on('end', () => callback(null, Buffer.concat(chunks)));
}
