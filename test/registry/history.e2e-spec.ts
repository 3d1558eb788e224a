import { createHash } from 'node:crypto';
import { registerUser, type TestUser } from '../support/factories';
import { createModel } from '../support/models';
import { startTestHub, type TestHub } from '../support/test-hub';
import { commit, filePaths, put, gitBlob, storeBucketBlob, withInitialFiles, initialGitattributesEntry } from './commits-support';

describe('revisions, trees, history and branches', () => {
  let hub: TestHub;
  let alice: TestUser;
  let repo: string;
  let initial: string;
  let c1: string;
  let c2: string;
  let c3: string;
  let lfsSha: string;
  beforeAll(async () => {
    hub = await startTestHub();
    alice = await registerUser(hub);
    const m = await createModel(hub, alice);
    repo = m.id;
    initial = m.sha;
    const blob = await storeBucketBlob(hub, repo, Buffer.alloc(4096, 7));
    lfsSha = blob.sha256;
    c1 = await commit(
      hub,
      alice,
      repo,
      [put('README.md', '# r'), put('config.json', '{}'), { op: 'lfs', path: 'weights/model.safetensors', sha256: blob.sha256, size: blob.size }],
      {
        summary: 'First',
      },
    );
    c2 = await commit(hub, alice, repo, [put('weights/extra/notes.txt', 'notes'), put('tokenizer.json', 'tok')], {
      summary: 'Second',
      description: 'With a body',
    });
    c3 = await commit(hub, alice, repo, [put('config.json', '{"a":1}')], { summary: 'Third' });
    await hub.http().post(`/api/v1/models/${repo}/versions`).set(alice.auth).send({ name: 'v1.0', revision: c1 }).expect(201);
    await hub.http().post(`/api/v1/models/${repo}/branches`).set(alice.auth).send({ name: 'dev', startingPoint: c2 }).expect(201);
  });
  afterAll(() => hub.close());

  const commitAt = async (revision: string) => (await hub.http().get(`/api/v1/models/${repo}/files`).query({ revision }).expect(200)).body.commitId;

  describe('revisions', () => {
    it.each([
      ['HEAD', () => c3],
      ['main', () => c3],
      ['refs/heads/main', () => c3],
      ['dev', () => c2],
      ['refs/heads/dev', () => c2],
      ['v1.0', () => c1],
      ['refs/tags/v1.0', () => c1],
    ])('resolves %s', async (revision, expected) => {
      expect(await commitAt(revision)).toBe(expected());
    });

    it('resolves full commit ids (any case) and unique prefixes of 7+ characters', async () => {
      expect(await commitAt(c2)).toBe(c2);
      expect(await commitAt(c2.toUpperCase())).toBe(c2);
      expect(await commitAt(c2.slice(0, 7))).toBe(c2);
      expect(await commitAt(c2.slice(0, 20))).toBe(c2);
      expect(await commitAt(initial)).toBe(initial);
    });

    it.each([['nope'], ['refs/heads/v1.0'], ['refs/tags/main'], ['refs/pr/1'], ['abcdef0'], ['0'.repeat(40)]])(
      'answers 404 RevisionNotFound for %s',
      async (revision) => {
        const res = await hub.http().get(`/api/v1/models/${repo}/files`).query({ revision }).expect(404);
        expect(res.headers['x-error-code']).toBe('RevisionNotFound');
      },
    );

    it('a 6-character prefix is not a revision', async () => {
      const res = await hub
        .http()
        .get(`/api/v1/models/${repo}/files`)
        .query({ revision: c2.slice(0, 6) })
        .expect(404);
      expect(res.headers['x-error-code']).toBe('RevisionNotFound');
    });

    it("does not resolve another model's commit", async () => {
      const other = await createModel(hub, alice);
      await hub.http().get(`/api/v1/models/${other.id}/files`).query({ revision: c1 }).expect(404);
    });
  });

  describe('tree', () => {
    it('lists the root: files and directories, sorted, with sizes and oids', async () => {
      const res = await hub.http().get(`/api/v1/models/${repo}/files`).expect(200);
      expect(res.body.nextCursor).toBeNull();
      expect(res.body.entries).toEqual([
        initialGitattributesEntry(),
        { type: 'file', path: 'README.md', size: 3, oid: gitBlob('# r') },
        { type: 'file', path: 'config.json', size: 7, oid: gitBlob('{"a":1}') },
        { type: 'file', path: 'tokenizer.json', size: 3, oid: gitBlob('tok') },
        { type: 'directory', path: 'weights', size: 0, oid: expect.stringMatching(/^[0-9a-f]{40}$/) },
      ]);
    });

    it('gives LFS files their sha256 and the git oid of their pointer', async () => {
      const res = await hub.http().get(`/api/v1/models/${repo}/files`).query({ path: 'weights' }).expect(200);
      const file = res.body.entries.find((e: { path: string }) => e.path === 'weights/model.safetensors');
      const pointer = `version https://git-lfs.github.com/spec/v1\noid sha256:${lfsSha}\nsize 4096\n`;
      const gitOid = createHash('sha1').update(`blob ${pointer.length}\0${pointer}`).digest('hex');
      expect(file).toEqual({
        type: 'file',
        path: 'weights/model.safetensors',
        size: 4096,
        oid: gitOid,
        lfs: { oid: lfsSha, size: 4096, pointerSize: pointer.length },
      });
      expect(res.body.entries.map((e: { path: string; type: string }) => `${e.type}:${e.path}`)).toEqual([
        'directory:weights/extra',
        'file:weights/model.safetensors',
      ]);
    });

    it('lists recursively with directories, and expands last commits (a directory: its newest)', async () => {
      const res = await hub.http().get(`/api/v1/models/${repo}/files`).query({ recursive: true, expand: true }).expect(200);
      const last = Object.fromEntries(
        res.body.entries.map((e: { type: string; path: string; lastCommit: { id: string } }) => [`${e.type}:${e.path}`, e.lastCommit.id]),
      );
      expect(last).toEqual({
        'file:.gitattributes': initial,
        'file:README.md': c1,
        'file:config.json': c3,
        'file:tokenizer.json': c2,
        'directory:weights': c2,
        'directory:weights/extra': c2,
        'file:weights/extra/notes.txt': c2,
        'file:weights/model.safetensors': c1,
      });
      const readme = res.body.entries.find((e: { path: string }) => e.path === 'README.md');
      expect(readme.lastCommit).toEqual({ id: c1, title: 'First', date: expect.any(String) });
    });

    it('lists older revisions as they were', async () => {
      expect(await filePaths(hub, repo, 'v1.0')).toEqual(withInitialFiles('README.md', 'config.json', 'weights/model.safetensors'));
      expect(await filePaths(hub, repo, initial)).toEqual(withInitialFiles());
    });

    it('pages with a cursor', async () => {
      const seen: string[] = [];
      let cursor: string | undefined;
      do {
        const res = await hub
          .http()
          .get(`/api/v1/models/${repo}/files`)
          .query({ recursive: true, limit: 2, ...(cursor ? { cursor } : {}) })
          .expect(200);
        expect(res.body.entries.length).toBeLessThanOrEqual(2);
        seen.push(...res.body.entries.map((e: { path: string }) => e.path));
        cursor = res.body.nextCursor ?? undefined;
      } while (cursor);
      expect(seen).toEqual([
        '.gitattributes',
        'README.md',
        'config.json',
        'tokenizer.json',
        'weights',
        'weights/extra',
        'weights/extra/notes.txt',
        'weights/model.safetensors',
      ]);
      await hub.http().get(`/api/v1/models/${repo}/files`).query({ cursor: '!!' }).expect(400);
    });

    it('answers 404 EntryNotFound for a missing folder, 400 for a file', async () => {
      const res = await hub.http().get(`/api/v1/models/${repo}/files`).query({ path: 'nope' }).expect(404);
      expect(res.headers['x-error-code']).toBe('EntryNotFound');
      await hub.http().get(`/api/v1/models/${repo}/files`).query({ path: 'config.json' }).expect(400);
    });

    it('directory oids change exactly when something inside changes', async () => {
      const weightsOid = async (revision: string) =>
        (await hub.http().get(`/api/v1/models/${repo}/files`).query({ revision }).expect(200)).body.entries.find((e: { path: string }) => e.path === 'weights')
          ?.oid;
      expect(await weightsOid(c2)).toBe(await weightsOid(c3));
      expect(await weightsOid(c1)).not.toBe(await weightsOid(c2));
    });
  });

  describe('history', () => {
    it('lists commits newest first with authors, messages and parents', async () => {
      const res = await hub.http().get(`/api/v1/models/${repo}/commits`).expect(200);
      expect(res.body.nextCursor).toBeNull();
      expect(res.body.commits.map((c: { id: string }) => c.id)).toEqual([c3, c2, c1, initial]);
      expect(res.body.commits[1]).toEqual({
        id: c2,
        title: 'Second',
        message: 'With a body',
        authors: [{ user: alice.username }],
        date: expect.any(String),
        parents: [c1],
      });
      expect(res.body.commits[3].parents).toEqual([]);
    });

    it('follows the ancestry of the revision, not other branches', async () => {
      await commit(hub, alice, repo, [put('dev-only.txt', 'd')], { branch: 'dev', summary: 'On dev' });
      const dev = await hub.http().get(`/api/v1/models/${repo}/commits`).query({ revision: 'dev' }).expect(200);
      expect(dev.body.commits.map((c: { title: string }) => c.title)).toEqual(['On dev', 'Second', 'First', 'Initial commit']);
      const tag = await hub.http().get(`/api/v1/models/${repo}/commits`).query({ revision: 'v1.0' }).expect(200);
      expect(tag.body.commits.map((c: { id: string }) => c.id)).toEqual([c1, initial]);
    });

    it('pages with limit and cursor', async () => {
      const p1 = await hub.http().get(`/api/v1/models/${repo}/commits`).query({ limit: 3 }).expect(200);
      expect(p1.body.commits.map((c: { id: string }) => c.id)).toEqual([c3, c2, c1]);
      expect(p1.body.nextCursor).toBe(initial);
      const p2 = await hub.http().get(`/api/v1/models/${repo}/commits`).query({ limit: 3, cursor: p1.body.nextCursor }).expect(200);
      expect(p2.body).toEqual({ commits: [expect.objectContaining({ id: initial })], nextCursor: null });
    });
  });

  describe('branches and refs', () => {
    it('creates branches at a revision; 409 when it exists or a version has the name', async () => {
      const res = await hub.http().post(`/api/v1/models/${repo}/branches`).set(alice.auth).send({ name: 'from-tag', startingPoint: 'v1.0' }).expect(201);
      expect(res.body).toEqual({ name: 'from-tag', ref: 'refs/heads/from-tag', targetCommit: c1 });
      const head = await hub.http().post(`/api/v1/models/${repo}/branches`).set(alice.auth).send({ name: 'from-head' }).expect(201);
      expect(head.body.targetCommit).toBe(c3);
      const again = await hub.http().post(`/api/v1/models/${repo}/branches`).set(alice.auth).send({ name: 'from-tag' }).expect(409);
      expect(again.body.code).toBe('branch_exists');
      const tagName = await hub.http().post(`/api/v1/models/${repo}/branches`).set(alice.auth).send({ name: 'v1.0' }).expect(409);
      expect(tagName.body.code).toBe('ref_exists');
      await hub.http().post(`/api/v1/models/${repo}/branches`).set(alice.auth).send({ name: 'x', startingPoint: 'nope' }).expect(404);
    });

    it.each([
      'HEAD',
      'a..b',
      'has space',
      'a~1',
      'a^',
      'a:b',
      'a?',
      'a*',
      'a[b',
      'a\\b',
      '/a',
      'a/',
      'a.lock',
      '.hidden',
      '-x',
      'refs/heads/x',
      'a@{1}',
      'a//b',
      'c'.repeat(40),
    ])('refuses the branch name %j', async (name) => {
      const res = await hub.http().post(`/api/v1/models/${repo}/branches`).set(alice.auth).send({ name }).expect(400);
      expect(res.body.code).toBe('invalid_branch_name');
    });

    it('deletes branches but never main', async () => {
      await hub.http().post(`/api/v1/models/${repo}/branches`).set(alice.auth).send({ name: 'tmp/feature' }).expect(201);
      await hub
        .http()
        .delete(`/api/v1/models/${repo}/branches/${encodeURIComponent('tmp/feature')}`)
        .set(alice.auth)
        .expect(204);
      const gone = await hub.http().delete(`/api/v1/models/${repo}/branches/tmp`).set(alice.auth).expect(404);
      expect(gone.headers['x-error-code']).toBe('RevisionNotFound');
      const main = await hub.http().delete(`/api/v1/models/${repo}/branches/main`).set(alice.auth).expect(409);
      expect(main.body.code).toBe('default_branch');
      const mallory = await registerUser(hub);
      await hub.http().delete(`/api/v1/models/${repo}/branches/dev`).set(mallory.auth).expect(403);
    });

    it('lists refs: branches and versions with their commits', async () => {
      const res = await hub.http().get(`/api/v1/models/${repo}/refs`).expect(200);
      expect(res.body.branches).toEqual(expect.arrayContaining([{ name: 'main', ref: 'refs/heads/main', targetCommit: c3 }]));
      expect(res.body.branches.map((b: { name: string }) => b.name)).toEqual(expect.arrayContaining(['dev', 'main']));
      expect(res.body.tags).toEqual([{ name: 'v1.0', ref: 'refs/tags/v1.0', targetCommit: c1 }]);
    });
  });

  describe('private models', () => {
    it('hide tree, history and refs from non-members (404)', async () => {
      const priv = await createModel(hub, alice, { visibility: 'private' });
      const mallory = await registerUser(hub);
      for (const path of ['files', 'commits', 'refs', 'versions']) {
        const res = await hub.http().get(`/api/v1/models/${priv.id}/${path}`).set(mallory.auth).expect(404);
        expect(res.headers['x-error-code']).toBe('RepoNotFound');
      }
      await hub.http().get(`/api/v1/models/${priv.id}/files`).set(alice.auth).expect(200);
    });
  });
});
