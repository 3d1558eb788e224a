import type { Response } from 'supertest';
import { MAX_JSON_DEPTH } from '../../apps/api/src/common/input-rules';
import { bearer, createToken, registerUser, type TestUser } from '../support/factories';
import { createModel } from '../support/models';
import { startTestHub, type TestHub } from '../support/test-hub';

/** Issue 9, item 6: each input that answered 500 (or was silently stored as something else). */
describe('malformed input is a 400 that says what is wrong', () => {
  let hub: TestHub;
  let owner: TestUser;
  let write: Record<string, string>;
  let repo: string;

  beforeAll(async () => {
    hub = await startTestHub();
    owner = await registerUser(hub);
    write = bearer(await createToken(hub, owner, ['write']));
    const model = await createModel(hub, owner);
    repo = `${model.namespace}/${model.name}`;
  });
  afterAll(() => hub.close());

  const rawJson = (method: 'post' | 'patch', url: string, body: string, auth: Record<string, string> = {}) =>
    hub.http()[method](url).set(auth).set('Content-Type', 'application/json').send(body);
  const ndjson = (...lines: unknown[]) => lines.map((l) => (typeof l === 'string' ? l : JSON.stringify(l))).join('\n');
  const hfCommit = (body: string) => hub.http().post(`/api/models/${repo}/commit/main`).set(write).set('Content-Type', 'application/x-ndjson').send(body);
  const header = { key: 'header', value: { summary: 'fuzz' } };
  const nativeCommit = (body: Record<string, unknown>) => hub.http().post(`/api/v1/models/${repo}/commits`).set(write).send(body);
  const files = async () =>
    (await hub.http().get(`/api/v1/models/${repo}/files`).query({ recursive: true }).expect(200)).body.entries.map((e: { path: string }) => e.path);

  function expect400(res: Response, code: string, says?: string | RegExp) {
    expect({ status: res.status, code: res.body.code }).toEqual({ status: 400, code });
    expect(res.body).toEqual(expect.objectContaining({ error: expect.any(String), requestId: expect.any(String) }));
    if (says) expect(res.body.error).toMatch(says);
  }

  describe('NUL characters', () => {
    it('in a path parameter, a wildcard path, a query value, a JSON string or key', async () => {
      expect400(await hub.http().get('/api/v1/orgs/a%00b'), 'nul_character', 'the request path contains a NUL character');
      expect400(await hub.http().get(`/api/v1/models/${repo}/files/a%00.txt`), 'nul_character');
      expect400(await hub.http().get('/api/v1/models').query({ search: 'a\u0000b' }), 'nul_character', 'query.search');
      expect400(await rawJson('post', '/api/v1/orgs', '{"name":"ab\\u0000c","kind":"company"}', owner.auth), 'nul_character', 'body.name');
      expect400(await rawJson('post', '/api/v1/auth/login', '{"login":"x","password":"y","a\\u0000":1}'), 'nul_character', 'field name');
    });

    it('in an NDJSON commit line', async () => {
      expect400(await hfCommit(ndjson({ key: 'header', value: { summary: 'a\u0000b' } })), 'nul_character', 'line 1.value.summary');
    });
  });

  describe('lone surrogates', () => {
    it('in a JSON string: a 400, also where the value ends up in the error message', async () => {
      expect400(await rawJson('post', '/api/v1/orgs', '{"name":"ab\\ud800c","kind":"company"}', owner.auth), 'invalid_unicode', 'lone UTF-16 surrogate');
      // An unknown member's name is quoted in the 404's message (and X-Error-Message).
      const org = (await rawJson('post', '/api/v1/orgs', JSON.stringify({ name: `o${Date.now().toString(36)}`, kind: 'company' }), owner.auth).expect(201)).body
        .name;
      const res = await rawJson('post', `/api/v1/orgs/${org}/members`, '{"username":"\\udc00x","role":"member"}', owner.auth);
      expect400(res, 'invalid_unicode');
      expect(res.headers['x-error-message']).toContain('surrogate');
    });
  });

  describe('deep nesting', () => {
    const deep = (levels: number) => '{"a":'.repeat(levels) + '1' + '}'.repeat(levels);
    it(`over ${MAX_JSON_DEPTH} levels, on an unauthenticated route and an authenticated one`, async () => {
      expect400(await rawJson('post', '/api/v1/auth/login', deep(3000)), 'nesting_too_deep', `more than ${MAX_JSON_DEPTH} levels`);
      expect400(await rawJson('post', '/api/v1/orgs', deep(3000), owner.auth), 'nesting_too_deep');
      expect400(await rawJson('post', '/api/v1/auth/login', `[${'['.repeat(100_000)}${']'.repeat(100_000)}]`), 'nesting_too_deep');
      expect400(await hfCommit(ndjson(header, deep(3000))), 'nesting_too_deep');
      // git-lfs bodies (application/vnd.git-lfs+json) go through the same parser and checks.
      const lfs = await hub.http().post(`/${repo}.git/info/lfs/objects/batch`).set('Content-Type', 'application/vnd.git-lfs+json').send(deep(3000));
      expect400(lfs, 'nesting_too_deep');
      // At the limit, the body is judged by its fields as usual.
      expect400(await rawJson('post', '/api/v1/auth/login', deep(MAX_JSON_DEPTH)), 'validation_failed');
    });
  });

  describe('numbers out of range', () => {
    it.each(['1e20', '9007199254740993', '-1e300', '1e400'])('offset=%s', async (offset) => {
      const res = await hub.http().get('/api/v1/orgs').query({ offset });
      expect400(res, 'validation_failed', /offset/);
    });

    it('in a JSON body', async () => {
      expect400(
        await hub
          .http()
          .post('/api/v1/tokens')
          .set(owner.auth)
          .send({ name: 'x', scopes: ['read'], expiresInDays: 1e20 }),
        'validation_failed',
      );
      expect400(
        await rawJson(
          'post',
          `/api/v1/models/${repo}/commits`,
          `{"summary":"s","operations":[{"op":"lfs","path":"w.bin","sha256":"${'a'.repeat(64)}","size":1e400}]}`,
          write,
        ),
        'validation_failed',
      );
    });

    it('the largest safe integer is a valid offset', async () => {
      await hub
        .http()
        .get('/api/v1/orgs')
        .query({ offset: String(Number.MAX_SAFE_INTEGER) })
        .expect(200, []);
    });
  });

  describe('NDJSON commits', () => {
    it.each(['null', '[]', '42', '"header"', 'true'])('a line that is %s', async (line) => {
      expect400(await hfCommit(ndjson(header, line)), 'invalid_commit_payload', 'line 2: each line must be a JSON object');
    });

    it('a value that is not an object', async () => {
      expect400(await hfCommit(ndjson(header, { key: 'file', value: [] })), 'invalid_commit_payload', "missing 'value' object");
    });

    it.each(['!!!@@@', 'aGVsbG8=!!!', 'aGVsbG8', 'aGVs bG8=', 'aGVsbG8=\n', 'aGVsbG8=aGVs', '-_8='])(
      'file content %j is refused, never stored',
      async (content) => {
        expect400(
          await hfCommit(ndjson(header, { key: 'file', value: { path: 'bad.txt', content, encoding: 'base64' } })),
          'invalid_commit_payload',
          'standard base64',
        );
        expect(await files()).not.toContain('bad.txt');
      },
    );

    it('valid base64 is stored byte for byte', async () => {
      await hfCommit(ndjson(header, { key: 'file', value: { path: 'ok.txt', content: Buffer.from('hello!').toString('base64') } })).expect(200);
      const res = await hub
        .http()
        .get(`/api/v1/models/${repo}/files/ok.txt`)
        .buffer(true)
        .parse((r, done) => {
          const chunks: Buffer[] = [];
          r.on('data', (c: Buffer) => chunks.push(c)).on('end', () => done(null, Buffer.concat(chunks)));
        });
      expect(res.status).toBe(200);
      expect(res.body.toString()).toBe('hello!');
    });

    it('a description that is not a text', async () => {
      expect400(await hfCommit(ndjson({ key: 'header', value: { summary: 's', description: { a: 1 } } })), 'invalid_commit_payload', 'description');
    });
  });

  describe('native commits', () => {
    it('refuses file content that is not standard base64', async () => {
      expect400(
        await nativeCommit({ summary: 's', operations: [{ op: 'put', path: 'bad.txt', contentBase64: 'aGVsbG8=aGVs' }] }),
        'invalid_operation',
        'standard base64',
      );
    });
  });

  describe('paths', () => {
    it.each(['a\\b.txt', 'dir/x\\..\\..\\evil', 'trailing\\'])('a backslash anywhere (%j)', async (path) => {
      expect400(await nativeCommit({ summary: 's', operations: [{ op: 'put', path, contentBase64: 'aGk=' }] }), 'invalid_path', "'\\' is not allowed");
      expect400(await hfCommit(ndjson(header, { key: 'file', value: { path, content: 'aGk=' } })), 'invalid_path');
    });

    it('the same path twice in one commit, native and Hugging Face', async () => {
      const put = { op: 'put', path: 'twice.txt', contentBase64: 'aGk=' };
      expect400(await nativeCommit({ summary: 's', operations: [put, put] }), 'duplicate_path', 'twice.txt');
      expect400(await nativeCommit({ summary: 's', operations: [put, { op: 'delete', path: 'twice.txt' }] }), 'duplicate_path');
      const line = { key: 'file', value: { path: 'twice.txt', content: 'aGk=' } };
      expect400(await hfCommit(ndjson(header, line, line)), 'duplicate_path');
      expect(await files()).not.toContain('twice.txt');
      // A copy's source is only read: "copy a to b, then delete a" (a rename) is fine.
      await nativeCommit({ summary: 's', operations: [{ op: 'put', path: 'from.txt', contentBase64: 'aGk=' }] }).expect(201);
      await nativeCommit({
        summary: 's',
        operations: [
          { op: 'copy', path: 'to.txt', fromPath: 'from.txt' },
          { op: 'delete', path: 'from.txt' },
        ],
      }).expect(201);
    });
  });

  describe('other 4xx in the error shape', () => {
    it('an unsatisfiable Range (416), and malformed git-lfs JSON', async () => {
      const range = await hub.http().get(`/${repo}/resolve/main/ok.txt`).set('Range', 'bytes=100-');
      expect({ status: range.status, type: range.headers['content-type'], code: range.body.code }).toEqual({
        status: 416,
        type: expect.stringContaining('application/json'),
        code: 'range_not_satisfiable',
      });
      expect(range.headers['content-range']).toBe('bytes */6');
      const lfs = await hub.http().post(`/${repo}.git/info/lfs/objects/batch`).set('Content-Type', 'application/vnd.git-lfs+json').send('{"operation":');
      expect400(lfs, 'malformed_json');
    });
  });

  describe('unknown query parameters', () => {
    it('are refused on every route: with a query DTO, with single parameters, with none', async () => {
      expect400(await hub.http().get('/api/v1/orgs').query({ bogus: '1' }), 'validation_failed', 'bogus');
      expect400(
        await hub.http().get(`/api/v1/models/${repo}`).query({ revison: 'main' }),
        'unknown_query_parameter',
        "Unknown query parameter 'revison' for this route (it takes none)",
      );
      const complete = await hub
        .http()
        .post(`/api/blobs/uploads/${'0'.repeat(8)}-0000-4000-8000-${'0'.repeat(12)}/complete`)
        .query({ token: 'x', tokn: 'y' })
        .send({});
      expect400(complete, 'unknown_query_parameter', 'it takes token');
    });

    it('are accepted on the Hugging Face routes, whose clients send extras', async () => {
      await hub.http().get(`/api/models/${repo}`).query({ securityStatus: 'True', files_metadata: 'False' }).expect(200);
      await hub.http().get('/api/whoami-v2').set(write).query({ anything: '1' }).expect(200);
    });
  });

  describe('token scopes', () => {
    it('a read token reads but cannot like or mark notifications read; a write token can', async () => {
      const read = bearer(await createToken(hub, owner, ['read']));
      await hub.http().get(`/api/v1/models/${repo}`).set(read).expect(200);
      for (const res of [
        await hub.http().post(`/api/v1/models/${repo}/like`).set(read),
        await hub.http().delete(`/api/v1/models/${repo}/like`).set(read),
        await hub.http().post('/api/v1/me/notifications/read').set(read),
      ]) {
        expect({ status: res.status, code: res.body.code }).toEqual({ status: 403, code: 'insufficient_scope' });
      }
      await hub.http().post(`/api/v1/models/${repo}/like`).set(write).expect(200);
      // Public routes that only read, though POSTs, take a read token (git-lfs download, paths-info).
      const batch = { operation: 'download', objects: [{ oid: 'a'.repeat(64), size: 1 }] };
      await hub.http().post(`/${repo}.git/info/lfs/objects/batch`).set(read).set('Content-Type', 'application/vnd.git-lfs+json').send(batch).expect(200);
      await hub
        .http()
        .post(`/api/models/${repo}/paths-info/main`)
        .set(read)
        .send({ paths: ['ok.txt'] })
        .expect(200);
    });
  });

  describe('free texts have limits', () => {
    it('commit summary and description, on both routes', async () => {
      expect400(await hfCommit(ndjson({ key: 'header', value: { summary: 'x'.repeat(1001) } })), 'summary_too_long', 'at most 1000');
      expect400(await hfCommit(ndjson({ key: 'header', value: { summary: 's', description: 'x'.repeat(100_001) } })), 'description_too_long');
      expect400(await nativeCommit({ summary: 'x'.repeat(1001), operations: [] }), 'validation_failed', 'summary');
    });
  });
});
