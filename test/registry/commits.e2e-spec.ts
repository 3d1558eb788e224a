import { createToken, bearer, registerUser, type TestUser } from '../support/factories';
import { createModel, hubSql } from '../support/models';
import { startTestHub, type TestHub } from '../support/test-hub';
import { commit, del, filePaths, type Op, postCommit, put, gitBlob, storeBucketBlob, withInitialFiles } from './commits-support';

describe('commits', () => {
  let hub: TestHub;
  let alice: TestUser;
  beforeAll(async () => {
    hub = await startTestHub();
    alice = await registerUser(hub);
  });
  afterAll(() => hub.close());

  it('applies many operations atomically and moves main', async () => {
    const m = await createModel(hub, alice);
    const ops = Array.from({ length: 50 }, (_, i) => put(`dir${i % 5}/file${i}.txt`, `content ${i}`));
    const res = await postCommit(hub, alice, m.id, ops, { summary: 'Add 50 files', description: 'many', parentCommit: m.sha }).expect(201);
    expect(res.body).toEqual({ commitId: expect.stringMatching(/^[0-9a-f]{40}$/), parentCommit: m.sha, branch: 'main' });
    expect((await filePaths(hub, m.id)).sort()).toEqual(withInitialFiles(...ops.map((o) => o.path)));
    const info = await hub.http().get(`/api/v1/models/${m.id}`).expect(200);
    expect(info.body.sha).toBe(res.body.commitId);
    expect(new Date(info.body.lastModified).getTime()).toBeGreaterThan(new Date(info.body.createdAt).getTime());
  });

  it('a failing operation leaves nothing: no commit, no moved branch, no files', async () => {
    const m = await createModel(hub, alice);
    await commit(hub, alice, m.id, [put('keep.txt', 'keep')]);
    const before = (await hub.http().get(`/api/v1/models/${m.id}`).expect(200)).body.sha;
    const res = await postCommit(hub, alice, m.id, [put('a.txt', 'a'), put('b.txt', 'b'), del('does-not-exist.txt')]).expect(404);
    expect(res.headers['x-error-code']).toBe('EntryNotFound');
    expect(res.body.error).toContain('does-not-exist.txt');
    const after = (await hub.http().get(`/api/v1/models/${m.id}`).expect(200)).body.sha;
    expect(after).toBe(before);
    expect(await filePaths(hub, m.id)).toEqual(withInitialFiles('keep.txt'));
    const [{ n }] = await hubSql<{ n: number }>(hub, `SELECT count(*)::int AS n FROM commits c JOIN models m ON m.id = c.model_id WHERE m.name = $1`, m.name);
    expect(n).toBe(2);
  });

  it('an LFS operation naming an unknown object fails the whole commit', async () => {
    const m = await createModel(hub, alice);
    const res = await postCommit(hub, alice, m.id, [put('a.txt', 'a'), { op: 'lfs', path: 'w.bin', sha256: 'ab'.repeat(32), size: 10 }]);
    expect(res.status).toBe(400);
    expect(await filePaths(hub, m.id)).toEqual(withInitialFiles());
  });

  it('two commits naming the same parent: exactly one 409 parent_mismatch, no lost file', async () => {
    const m = await createModel(hub, alice);
    const results = await Promise.all(['first', 'second'].map((name) => postCommit(hub, alice, m.id, [put(`${name}.txt`, name)], { parentCommit: m.sha })));
    const statuses = results.map((r) => r.status).sort();
    expect(statuses).toEqual([201, 409]);
    const loser = results.find((r) => r.status === 409)!;
    expect(loser.body.code).toBe('parent_mismatch');
    const winner = results.find((r) => r.status === 201)!;
    const winnerFile = results[0] === winner ? 'first.txt' : 'second.txt';
    expect(await filePaths(hub, m.id)).toEqual(withInitialFiles(winnerFile));
    // Retrying on the new head succeeds and keeps the winner's file.
    const retryFile = winnerFile === 'first.txt' ? 'second.txt' : 'first.txt';
    await commit(hub, alice, m.id, [put(retryFile, 'retry')], { parentCommit: winner.body.commitId });
    expect((await filePaths(hub, m.id)).sort()).toEqual(withInitialFiles('first.txt', 'second.txt'));
  });

  it('concurrent commits naming no parent all succeed and keep every file', async () => {
    const m = await createModel(hub, alice);
    const results = await Promise.all(Array.from({ length: 6 }, (_, i) => postCommit(hub, alice, m.id, [put(`f${i}.txt`, `file ${i}`)])));
    expect(results.map((r) => r.status)).toEqual(Array(6).fill(201));
    expect((await filePaths(hub, m.id)).sort()).toEqual(withInitialFiles('f0.txt', 'f1.txt', 'f2.txt', 'f3.txt', 'f4.txt', 'f5.txt'));
    // The commits form one chain: 7 commits (with the initial one), each the parent of the next.
    const history = await hub.http().get(`/api/v1/models/${m.id}/commits`).expect(200);
    expect(history.body.commits).toHaveLength(7);
    history.body.commits.slice(0, -1).forEach((c: { parents: string[] }, i: number) => expect(c.parents).toEqual([history.body.commits[i + 1].id]));
  });

  it('parentCommit may be a prefix of 7 or more characters; shorter is 400; a stale prefix is 409', async () => {
    const m = await createModel(hub, alice);
    const c1 = await commit(hub, alice, m.id, [put('a.txt', 'a')], { parentCommit: m.sha.slice(0, 7) });
    const short = await postCommit(hub, alice, m.id, [put('b.txt', 'b')], { parentCommit: c1.slice(0, 6) }).expect(400);
    expect(short.body.code).toBe('invalid_parent_commit');
    const notHex = await postCommit(hub, alice, m.id, [put('b.txt', 'b')], { parentCommit: 'zzzzzzzz' }).expect(400);
    expect(notHex.body.code).toBe('invalid_parent_commit');
    await commit(hub, alice, m.id, [put('b.txt', 'b')], { parentCommit: c1.slice(0, 12).toUpperCase() });
    const stale = await postCommit(hub, alice, m.id, [put('c.txt', 'c')], { parentCommit: c1.slice(0, 7) }).expect(409);
    expect(stale.body.code).toBe('parent_mismatch');
  });

  it.each([
    ['../escape.txt', "'..' segments"],
    ['a/../../b', "'..' segments"],
    ['/etc/passwd', 'absolute paths'],
    ['\\windows\\file', "'\\' is not allowed"],
    ['C:\\file', 'drive-letter'],
    ['bad\u0001name', 'control character'],
    ['line\nbreak', 'control character'],
    ['.git/config', "'.git/'"],
    ['sub/.git/hooks/x', "'.git/'"],
    ['a//b', 'empty segments'],
    ['trailing/', 'empty segments'],
    ['./x', "'.' segments"],
    ['x'.repeat(1025), 'the limit is 1024'],
  ])('refuses the path %j with a 400 naming it', async (path, why) => {
    const m = await createModel(hub, alice);
    const res = await postCommit(hub, alice, m.id, [put('ok.txt', 'ok'), put(path, 'x')]).expect(400);
    expect(res.body.code).toBe('invalid_path');
    expect(res.body.error).toContain(why);
    expect(res.body.error).toContain(JSON.stringify(path.slice(0, 50)).slice(1, -1));
    expect(await filePaths(hub, m.id)).toEqual(withInitialFiles());
  });

  it('checks copy sources and delete-folder paths with the same rules', async () => {
    const m = await createModel(hub, alice);
    await postCommit(hub, alice, m.id, [{ op: 'copy', path: 'ok.txt', fromPath: '../x' }]).expect(400);
    await postCommit(hub, alice, m.id, [{ op: 'deleteFolder', path: '/abs' }]).expect(400);
  });

  it('refuses malformed operations with a 400 naming the operation', async () => {
    const m = await createModel(hub, alice);
    const res = await postCommit(hub, alice, m.id, [put('a', 'a'), { op: 'rename', path: 'x' } as unknown as Op]).expect(400);
    expect(res.body).toMatchObject({ code: 'invalid_operation', error: expect.stringContaining('operations[1]') });
    const b64 = await postCommit(hub, alice, m.id, [{ op: 'put', path: 'a', contentBase64: 'not base64!' }]).expect(400);
    expect(b64.body.error).toContain('base64');
    await hub.http().post(`/api/v1/models/${m.id}/commits`).set(alice.auth).send({ operations: [] }).expect(400);
  });

  it('deletes files and folders; deleting what does not exist is 404 EntryNotFound', async () => {
    const m = await createModel(hub, alice);
    await commit(hub, alice, m.id, [put('a/1.txt', '1'), put('a/b/2.txt', '2'), put('ab.txt', 'ab'), put('c.txt', 'c')]);
    await commit(hub, alice, m.id, [{ op: 'deleteFolder', path: 'a/' }, del('c.txt')]);
    expect(await filePaths(hub, m.id)).toEqual(withInitialFiles('ab.txt'));
    const missingFolder = await postCommit(hub, alice, m.id, [{ op: 'deleteFolder', path: 'a' }]).expect(404);
    expect(missingFolder.headers['x-error-code']).toBe('EntryNotFound');
    // One operation a path: adding and deleting one file in the same commit is a 400, not an order game.
    const twice = await postCommit(hub, alice, m.id, [put('tmp.txt', 't'), del('tmp.txt'), put('new/x.txt', 'x')]).expect(400);
    expect(twice.body.code).toBe('duplicate_path');
    expect(await filePaths(hub, m.id)).toEqual(withInitialFiles('ab.txt'));
  });

  it('copies files from the head or another revision, keeping blob and LFS flag', async () => {
    const m = await createModel(hub, alice);
    const blob = await storeBucketBlob(hub, m.id, Buffer.from('weights '.repeat(1000)));
    const c1 = await commit(hub, alice, m.id, [{ op: 'lfs', path: 'w.bin', sha256: blob.sha256, size: blob.size }, put('config.json', '{"v":1}')]);
    await commit(hub, alice, m.id, [put('config.json', '{"v":2}')]);
    await commit(hub, alice, m.id, [
      { op: 'copy', path: 'copy/w.bin', fromPath: 'w.bin' },
      { op: 'copy', path: 'config.v1.json', fromPath: 'config.json', fromRevision: c1 },
    ]);
    const tree = await hub.http().get(`/api/v1/models/${m.id}/files`).query({ recursive: true }).expect(200);
    const byPath = Object.fromEntries(tree.body.entries.map((e: { path: string }) => [e.path, e]));
    expect(byPath['copy/w.bin'].lfs).toEqual({ oid: blob.sha256, size: blob.size, pointerSize: expect.any(Number) });
    expect(byPath['config.v1.json'].oid).toBe(gitBlob('{"v":1}'));
    const missing = await postCommit(hub, alice, m.id, [{ op: 'copy', path: 'x', fromPath: 'nope.bin' }]).expect(404);
    expect(missing.headers['x-error-code']).toBe('EntryNotFound');
  });

  it('refuses a file and a folder of the same name', async () => {
    const m = await createModel(hub, alice);
    await commit(hub, alice, m.id, [put('model', 'file')]);
    const res = await postCommit(hub, alice, m.id, [put('model/weights.bin', 'inside')]).expect(400);
    expect(res.body.code).toBe('path_conflict');
    // Replacing the file by the folder in one commit is fine.
    await commit(hub, alice, m.id, [del('model'), put('model/weights.bin', 'inside')]);
    expect(await filePaths(hub, m.id)).toEqual(withInitialFiles('model/weights.bin'));
  });

  it('rewriting a file with the same bytes keeps its last commit', async () => {
    const m = await createModel(hub, alice);
    const c1 = await commit(hub, alice, m.id, [put('same.txt', 'same'), put('other.txt', 'v1')]);
    const c2 = await commit(hub, alice, m.id, [put('same.txt', 'same'), put('other.txt', 'v2')]);
    const tree = await hub.http().get(`/api/v1/models/${m.id}/files`).query({ expand: true }).expect(200);
    const last = Object.fromEntries(tree.body.entries.map((e: { path: string; lastCommit: { id: string } }) => [e.path, e.lastCommit.id]));
    expect(last).toEqual({ '.gitattributes': m.sha, 'same.txt': c1, 'other.txt': c2 });
  });

  it('re-reads the model card when README.md changes on main (only main)', async () => {
    const m = await createModel(hub, alice);
    await commit(hub, alice, m.id, [put('README.md', '---\nlicense: mit\ntags: [alpha]\n---\n# Hi')]);
    expect((await hub.http().get(`/api/v1/models/${m.id}`).expect(200)).body).toMatchObject({ license: 'mit', tags: expect.arrayContaining(['alpha']) });
    await hub.http().post(`/api/v1/models/${m.id}/branches`).set(alice.auth).send({ name: 'dev' }).expect(201);
    await commit(hub, alice, m.id, [put('README.md', '---\nlicense: apache-2.0\n---\n')], { branch: 'dev' });
    expect((await hub.http().get(`/api/v1/models/${m.id}`).expect(200)).body.license).toBe('mit');
    await commit(hub, alice, m.id, [del('README.md')]);
    expect((await hub.http().get(`/api/v1/models/${m.id}`).expect(200)).body.license).toBeNull();
  });

  it('commits to other branches; an unknown branch is 404 RevisionNotFound', async () => {
    const m = await createModel(hub, alice);
    await hub.http().post(`/api/v1/models/${m.id}/branches`).set(alice.auth).send({ name: 'feature/x' }).expect(201);
    await commit(hub, alice, m.id, [put('only-on-branch.txt', 'b')], { branch: 'feature/x' });
    expect(await filePaths(hub, m.id, 'feature/x')).toEqual(withInitialFiles('only-on-branch.txt'));
    expect(await filePaths(hub, m.id, 'main')).toEqual(withInitialFiles());
    const res = await postCommit(hub, alice, m.id, [put('a', 'a')], { branch: 'nope' }).expect(404);
    expect(res.headers['x-error-code']).toBe('RevisionNotFound');
  });

  it('needs write access: anonymous 401, read token 403, non-member 403', async () => {
    const m = await createModel(hub, alice);
    await hub.http().post(`/api/v1/models/${m.id}/commits`).send({ summary: 's', operations: [] }).expect(401);
    const readToken = await createToken(hub, alice, ['read']);
    await postCommit(hub, { auth: bearer(readToken) }, m.id, [put('a', 'a')]).expect(403);
    const mallory = await registerUser(hub);
    const res = await postCommit(hub, mallory, m.id, [put('a', 'a')]).expect(403);
    expect(res.body.code).toBe('not_namespace_member');
    const writeToken = await createToken(hub, alice, ['write']);
    await postCommit(hub, { auth: bearer(writeToken) }, m.id, [put('a', 'a')]).expect(201);
  });

  // Its speed is measured by bench/registry.js (target < 10 s), not asserted here: timings on a shared machine are noise.
  it('commits 10,000 files in one commit', async () => {
    const m = await createModel(hub, alice);
    const ops = Array.from({ length: 10_000 }, (_, i) => put(`shard${i % 100}/f${i}.txt`, `${i}`));
    const started = Date.now();
    const res = await postCommit(hub, alice, m.id, ops, { summary: '10k files' });
    const ms = Date.now() - started;
    console.log(`commit of 10,000 files: ${ms} ms`);
    expect(res.body).toEqual(expect.objectContaining({ commitId: expect.any(String) }));
    // A second commit on top copies the 10,000 rows and changes one.
    const started2 = Date.now();
    await commit(hub, alice, m.id, [put('shard0/f0.txt', 'changed')]);
    console.log(`commit of 1 file over a 10,000-file manifest: ${Date.now() - started2} ms`);
    const [{ n }] = await hubSql<{ n: number }>(hub, `SELECT count(*)::int AS n FROM commit_files WHERE commit_id = $1`, res.body.commitId);
    expect(n).toBe(10_001); // with the initial .gitattributes
    expect(await filePaths(hub, m.id)).toHaveLength(10_001);
  }, 60_000);
});

describe('commit limits', () => {
  let hub: TestHub;
  let alice: TestUser;
  beforeAll(async () => {
    hub = await startTestHub({ env: { MAX_COMMIT_OPERATIONS: '3', MAX_PATH_LENGTH: '20' } });
    alice = await registerUser(hub);
  });
  afterAll(() => hub.close());

  it('enforces MAX_COMMIT_OPERATIONS and MAX_PATH_LENGTH with clear 400s', async () => {
    const m = await createModel(hub, alice);
    const many = await postCommit(hub, alice, m.id, [put('a', 'a'), put('b', 'b'), put('c', 'c'), put('d', 'd')]).expect(400);
    expect(many.body).toMatchObject({ code: 'too_many_operations', error: expect.stringContaining('at most 3') });
    const long = await postCommit(hub, alice, m.id, [put('x'.repeat(21), 'a')]).expect(400);
    expect(long.body.error).toContain('the limit is 20');
    await postCommit(hub, alice, m.id, [put('x'.repeat(20), 'a')]).expect(201);
  });
});
