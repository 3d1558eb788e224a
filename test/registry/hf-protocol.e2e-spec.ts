import { createHash } from 'node:crypto';
import { createOrg, createToken, registerUser, type TestUser, bearer } from '../support/factories';
import { startTestHub, type TestHub } from '../support/test-hub';
import { storeBucketBlob } from './commits-support';

/**
 * The Hugging Face routes as huggingface_hub (Python) calls them, request by request: the JS
 * client test (hf-client.e2e-spec.ts) covers the flows @huggingface/hub drives itself.
 */
describe('Hugging Face protocol', () => {
  let hub: TestHub;
  let owner: TestUser;
  let outsider: TestUser;
  let writeToken: string;
  let readToken: string;
  const card = [
    '---',
    'license: mit',
    'pipeline_tag: text-generation',
    'library_name: transformers',
    'tags: [chat]',
    'language: en',
    'datasets: [wiki]',
    '---',
    '# Card',
    '',
  ].join('\n');

  const ndjson = (...lines: [string, unknown][]) => lines.map(([key, value]) => JSON.stringify({ key, value })).join('\n');
  const b64 = (text: string) => Buffer.from(text).toString('base64');
  const commit = (repo: string, body: string, auth = bearer(writeToken), rev = 'main') =>
    hub.http().post(`/api/models/${repo}/commit/${rev}`).set(auth).set('Content-Type', 'application/x-ndjson').send(body);

  beforeAll(async () => {
    hub = await startTestHub({ env: { PUBLIC_URL: 'https://hub.example.org' } });
    owner = await registerUser(hub, 'hfowner');
    outsider = await registerUser(hub, 'hfoutsider');
    writeToken = await createToken(hub, owner, ['write']);
    readToken = await createToken(hub, owner, ['read']);
  });
  afterAll(() => hub.close());

  describe('whoami-v2', () => {
    it('describes the user, organizations and token role', async () => {
      await createOrg(hub, owner, 'hf-org-a');
      await createOrg(hub, owner, 'hf-org-b');
      const res = await hub.http().get('/api/whoami-v2').set(bearer(writeToken)).expect(200);
      expect(res.body).toMatchObject({
        type: 'user',
        name: 'hfowner',
        email: 'hfowner@example.org',
        auth: { type: 'access_token', accessToken: { role: 'write' } },
      });
      expect(res.body.orgs.map((o: { name: string }) => o.name).sort()).toEqual(['hf-org-a', 'hf-org-b']);
      const read = await hub.http().get('/api/whoami-v2').set(bearer(readToken)).expect(200);
      expect(read.body.auth.accessToken.role).toBe('read');
    });

    it('shows only its organization to an organization-restricted token', async () => {
      const restricted = await createToken(hub, owner, ['write'], { org: 'hf-org-a' });
      const res = await hub.http().get('/api/whoami-v2').set(bearer(restricted)).expect(200);
      expect(res.body.orgs.map((o: { name: string }) => o.name)).toEqual(['hf-org-a']);
    });

    it('is 401 without a token', async () => {
      await hub.http().get('/api/whoami-v2').expect(401);
    });
  });

  describe('repos/create, settings, delete', () => {
    it('creates with the Python body (organization null, private) and answers url, id, name', async () => {
      const res = await hub.http().post('/api/repos/create').set(bearer(writeToken)).send({ name: 'py-model', organization: null, private: true }).expect(200);
      expect(res.body).toEqual({ url: 'https://hub.example.org/hfowner/py-model', id: expect.any(String), name: 'hfowner/py-model' });
      const info = await hub.http().get('/api/models/hfowner/py-model').set(bearer(writeToken)).expect(200);
      expect(info.body.private).toBe(true);
      await hub.http().get('/api/models/hfowner/py-model').expect(404).expect('X-Error-Code', 'RepoNotFound');
    });

    it('creates with the JS body (visibility, organization, type, extra fields) in an organization', async () => {
      await hub
        .http()
        .post('/api/repos/create')
        .set(bearer(writeToken))
        .send({ name: 'js-model', organization: 'hf-org-a', visibility: 'public', type: 'model', resourceGroupId: null, license: 'mit' })
        .expect(200);
      await hub.http().get('/api/models/hf-org-a/js-model').expect(200);
    });

    it('answers 409 with the url when the repo exists', async () => {
      const res = await hub.http().post('/api/repos/create').set(bearer(writeToken)).send({ name: 'PY-MODEL' }).expect(409);
      // The url of the model that exists (names are case-insensitive).
      expect(res.body.url).toBe('https://hub.example.org/hfowner/py-model');
      expect(res.body.error).toMatch(/already/);
    });

    it('refuses other repository types, read tokens and anonymous callers', async () => {
      const space = await hub.http().post('/api/repos/create').set(bearer(writeToken)).send({ name: 'sp', type: 'space' }).expect(400);
      expect(space.body.error).toMatch(/models and datasets/);
      await hub.http().post('/api/repos/create').set(bearer(readToken)).send({ name: 'nope' }).expect(403);
      await hub.http().post('/api/repos/create').send({ name: 'nope' }).expect(401);
      await hub.http().post('/api/repos/create').set(bearer(writeToken)).send({ name: 'x', organization: 'hfoutsider' }).expect(403);
    });

    it('changes private and gated through settings', async () => {
      await hub
        .http()
        .put('/api/models/hfowner/py-model/settings')
        .set(bearer(writeToken))
        .send({ private: false })
        .expect(200, { private: false, gated: false });
      await hub
        .http()
        .put('/api/models/hfowner/py-model/settings')
        .set(bearer(writeToken))
        .send({ gated: 'manual' })
        .expect(200, { private: false, gated: 'manual' });
      const info = await hub.http().get('/api/models/hfowner/py-model').expect(200);
      expect(info.body.gated).toBe('manual');
      const bad = await hub.http().put('/api/models/hfowner/py-model/settings').set(bearer(writeToken)).send({ gated: 'sometimes' }).expect(400);
      expect(bad.body.details[0].field).toBe('gated');
      await hub.http().put('/api/models/hfowner/py-model/settings').set(outsider.auth).send({ private: true }).expect(403);
    });

    it('deletes a repo (200) and then it is gone', async () => {
      await hub.http().post('/api/repos/create').set(bearer(writeToken)).send({ name: 'doomed' }).expect(200);
      await hub.http().delete('/api/repos/delete').set(bearer(writeToken)).send({ name: 'doomed', organization: 'hfowner', type: 'model' }).expect(200);
      await hub.http().get('/api/models/hfowner/doomed').expect(404).expect('X-Error-Code', 'RepoNotFound');
      await hub.http().delete('/api/repos/delete').set(bearer(writeToken)).send({ name: 'doomed' }).expect(404);
    });
  });

  describe('validate-yaml', () => {
    it('answers errors and warnings', async () => {
      await hub.http().post('/api/validate-yaml').send({ content: card, repoType: 'model' }).expect(200, { errors: [], warnings: [] });
      const typed = await hub.http().post('/api/validate-yaml').send({ content: '---\ntags: 12\n---\n', repoType: 'model' }).expect(200);
      expect(typed.body.warnings.length).toBeGreaterThan(0);
      const broken = await hub.http().post('/api/validate-yaml').send({ content: '---\nlicense: [mit\n---\n', repoType: 'model' }).expect(400);
      expect(broken.body.errors[0].message).toEqual(expect.any(String));
    });

    it('refuses a model-index that is not a list and warns of an unknown pipeline_tag, as Hugging Face does', async () => {
      const index = await hub.http().post('/api/validate-yaml').send({ content: '---\nmodel-index:\n  name: x\n---\n', repoType: 'model' }).expect(400);
      expect(index.body.errors).toEqual([{ message: expect.stringContaining('"model-index" must be an array') }]);
      const listed = '---\nmodel-index:\n  - name: x\n    results: []\n---\n';
      await hub.http().post('/api/validate-yaml').send({ content: listed, repoType: 'model' }).expect(200, { errors: [], warnings: [] });
      const task = await hub.http().post('/api/validate-yaml').send({ content: '---\npipeline_tag: text-juggling\n---\n', repoType: 'model' }).expect(200);
      expect(task.body).toEqual({ errors: [], warnings: [{ message: expect.stringContaining("'text-juggling' is not a known task") }] });
    });
  });

  describe('preupload and NDJSON commits', () => {
    beforeAll(async () => {
      await hub.http().post('/api/repos/create').set(bearer(writeToken)).send({ name: 'proto' }).expect(200);
    });

    it('picks lfs for large, binary and .gitattributes-matched files, regular otherwise', async () => {
      const head = (await hub.http().get('/api/models/hfowner/proto').expect(200)).body.sha;
      const res = await hub
        .http()
        .post('/api/models/hfowner/proto/preupload/main')
        .set(bearer(writeToken))
        .send({
          gitAttributes: '*.safetensors filter=lfs diff=lfs merge=lfs -text\n',
          files: [
            { path: 'README.md', size: 10, sample: b64('# hello') },
            { path: 'big.txt', size: 50 * 1024 * 1024, sample: b64('text') },
            { path: 'blob.dat', size: 3, sample: Buffer.from([0, 1, 2]).toString('base64') },
            { path: 'm/model.safetensors', size: 10, sample: b64('abc') },
            { path: 'empty.bin', size: 0, sample: '' },
          ],
        })
        .expect(200);
      expect(res.body.commitOid).toBe(head);
      expect(Object.fromEntries(res.body.files.map((f: { path: string; uploadMode: string }) => [f.path, f.uploadMode]))).toEqual({
        'README.md': 'regular',
        'big.txt': 'lfs',
        'blob.dat': 'lfs',
        'm/model.safetensors': 'lfs',
        'empty.bin': 'regular',
      });
      // create_pr=1 compares with the target branch (pull requests: test/proposals).
      await hub.http().post('/api/models/hfowner/proto/preupload/main?create_pr=1').set(bearer(writeToken)).send({ files: [] }).expect(200);
    });

    it("reads the revision's .gitattributes and .gitignore, and answers each existing file's oid as _commit_api.py compares it", async () => {
      await hub.http().post('/api/repos/create').set(bearer(writeToken)).send({ name: 'pre' }).expect(200);
      const weights = await storeBucketBlob(hub, 'hfowner/pre', Buffer.from('weights'));
      await commit(
        'hfowner/pre',
        ndjson(
          ['header', { summary: 'rules' }],
          ['file', { path: '.gitattributes', content: b64('*.ckpt filter=lfs diff=lfs merge=lfs -text\n') }],
          ['file', { path: '.gitignore', content: b64('*.log\ncache/\n!keep.log\n') }],
          ['file', { path: 'config.json', content: b64('{"a": 1}') }],
          ['lfsFile', { path: 'w.ckpt', algo: 'sha256', oid: weights.sha256, size: weights.size }],
        ),
      ).expect(200);
      const preupload = (body: object) => hub.http().post('/api/models/hfowner/pre/preupload/main').set(bearer(writeToken)).send(body).expect(200);
      const files = [
        { path: 'config.json', size: 8, sample: b64('{"a": 1}') },
        { path: 'w.ckpt', size: 7, sample: b64('weights') },
        { path: 'sub/x.ckpt', size: 3, sample: b64('abc') },
        { path: 'run.log', size: 3, sample: b64('log') },
        { path: 'keep.log', size: 3, sample: b64('log') },
        { path: 'cache/a/b.txt', size: 3, sample: b64('abc') },
        { path: 'new.txt', size: 3, sample: b64('abc') },
      ];
      const res = await preupload({ files });
      const byPath = Object.fromEntries(res.body.files.map((f: { path: string }) => [f.path, f]));
      const gitBlob = (text: string) =>
        createHash('sha1')
          .update(`blob ${Buffer.byteLength(text)}\0${text}`)
          .digest('hex');
      expect(byPath['config.json']).toEqual({ path: 'config.json', uploadMode: 'regular', shouldIgnore: false, oid: gitBlob('{"a": 1}') });
      expect(byPath['w.ckpt']).toEqual({ path: 'w.ckpt', uploadMode: 'lfs', shouldIgnore: false, oid: weights.sha256 });
      expect(byPath['sub/x.ckpt']).toMatchObject({ uploadMode: 'lfs', oid: null });
      expect([byPath['run.log'].shouldIgnore, byPath['keep.log'].shouldIgnore, byPath['cache/a/b.txt'].shouldIgnore]).toEqual([true, false, true]);
      expect(byPath['new.txt']).toEqual({ path: 'new.txt', uploadMode: 'regular', shouldIgnore: false, oid: null });
      // A .gitignore sent with the request (upload_folder's) replaces the revision's.
      const sent = await preupload({ files, gitIgnore: 'new.txt\n' });
      expect(sent.body.files.map((f: { shouldIgnore: boolean }) => f.shouldIgnore)).toEqual([false, false, false, false, false, false, true]);
    });

    it('commits files, parses the card, and answers commitOid and commitUrl', async () => {
      const res = await commit(
        'hfowner/proto',
        ndjson(
          ['header', { summary: 'Add card', description: 'first' }],
          ['file', { path: 'README.md', content: b64(card), encoding: 'base64' }],
          ['file', { path: 'docs/a.txt', content: b64('a') }],
          ['file', { path: 'docs/b.txt', content: b64('b') }],
        ),
      ).expect(200);
      expect(res.body.commitOid).toMatch(/^[0-9a-f]{40}$/);
      expect(res.body.commitUrl).toBe(`https://hub.example.org/hfowner/proto/commit/${res.body.commitOid}`);
      const info = await hub.http().get('/api/models/hfowner/proto').expect(200);
      expect(info.body).toMatchObject({ sha: res.body.commitOid, pipeline_tag: 'text-generation', library_name: 'transformers', cardData: { license: 'mit' } });
      expect(info.body.tags).toEqual(expect.arrayContaining(['chat', 'transformers', 'text-generation', 'en', 'license:mit', 'dataset:wiki']));
      expect(info.body.siblings.map((s: { rfilename: string }) => s.rfilename).sort()).toEqual(['.gitattributes', 'README.md', 'docs/a.txt', 'docs/b.txt']);
    });

    it('deletes files and folders, and refuses a stale parentCommit with 412 as Hugging Face does', async () => {
      const head = (await hub.http().get('/api/models/hfowner/proto').expect(200)).body.sha as string;
      await commit('hfowner/proto', ndjson(['header', { summary: 'extra', parentCommit: head }], ['file', { path: 'x.txt', content: b64('x') }])).expect(200);
      const stale = await commit(
        'hfowner/proto',
        ndjson(['header', { summary: 'late', parentCommit: head.slice(0, 7) }], ['file', { path: 'y.txt', content: b64('y') }]),
      ).expect(412);
      expect(stale.body).toMatchObject({ code: 'parent_mismatch', error: expect.stringMatching(/refresh and try again/) });
      await commit(
        'hfowner/proto',
        ndjson(['header', { summary: 'cleanup' }], ['deletedFolder', { path: 'docs/' }], ['deletedFile', { path: 'x.txt' }]),
      ).expect(200);
      const info = await hub.http().get('/api/models/hfowner/proto').expect(200);
      expect(info.body.siblings.map((s: { rfilename: string }) => s.rfilename)).toEqual(['.gitattributes', 'README.md']);
    });

    it('refuses bad payloads clearly', async () => {
      const badLine = await commit('hfowner/proto', `${JSON.stringify({ key: 'header', value: { summary: 's' } })}\n{nope`).expect(400);
      expect(badLine.body.error).toMatch(/line 2/);
      const unknownBlob = await commit(
        'hfowner/proto',
        ndjson(['header', { summary: 's' }], ['lfsFile', { path: 'w.bin', algo: 'sha256', oid: 'f'.repeat(64), size: 5 }]),
      ).expect(400);
      expect(unknownBlob.body.error).toEqual(expect.any(String));
      // A pull request targets a branch only (pull requests: test/proposals).
      await commit('hfowner/proto', ndjson(['header', { summary: 's' }]), bearer(writeToken), 'no-such-branch?create_pr=1')
        .expect(404)
        .expect('X-Error-Code', 'RevisionNotFound');
      await hub.http().post('/api/models/hfowner/proto/commit/main').set(bearer(writeToken)).send({ summary: 'json' }).expect(415);
      await commit('hfowner/proto', ndjson(['header', { summary: 's' }]), bearer(readToken)).expect(403);
      await commit('hfowner/proto', ndjson(['header', { summary: 's' }]), outsider.auth).expect(403);
    });
  });

  describe('reading: info at revisions, tree, paths-info, commits, refs, tags, branches', () => {
    let first: string;
    beforeAll(async () => {
      await hub.http().post('/api/repos/create').set(bearer(writeToken)).send({ name: 'reader' }).expect(200);
      first = (
        await commit(
          'hfowner/reader',
          ndjson(
            ['header', { summary: 'one' }],
            ['file', { path: 'a/1.txt', content: b64('1') }],
            ['file', { path: 'a/2.txt', content: b64('22') }],
            ['file', { path: 'b.txt', content: b64('333') }],
          ),
        ).expect(200)
      ).body.commitOid;
      await commit('hfowner/reader', ndjson(['header', { summary: 'two' }], ['file', { path: 'c.txt', content: b64('4444') }])).expect(200);
    });

    it('answers model info at HEAD, a branch, an encoded ref, a version and a commit id', async () => {
      await hub.http().post(`/api/models/hfowner/reader/tag/${first}`).set(bearer(writeToken)).send({ tag: 'v1.0.0', message: 'first release' }).expect(200);
      for (const rev of ['HEAD', 'main', 'refs%2Fheads%2Fmain']) {
        const res = await hub.http().get(`/api/models/hfowner/reader/revision/${rev}`).expect(200);
        expect(res.body.siblings).toHaveLength(5); // with the initial .gitattributes
      }
      for (const rev of ['v1.0.0', first, first.slice(0, 8), 'refs%2Ftags%2Fv1.0.0']) {
        const res = await hub.http().get(`/api/models/hfowner/reader/revision/${rev}`).expect(200);
        expect(res.body.sha).toBe(first);
        expect(res.body.siblings).toHaveLength(4);
      }
      await hub.http().get('/api/models/hfowner/reader/revision/nope').expect(404).expect('X-Error-Code', 'RevisionNotFound');
    });

    it('answers model_info(files_metadata=True) (?blobs=True): siblings with size, blobId and lfs', async () => {
      await hub.http().post('/api/repos/create').set(bearer(writeToken)).send({ name: 'blobs' }).expect(200);
      const weights = Buffer.from('not really weights');
      const blob = await storeBucketBlob(hub, 'hfowner/blobs', weights);
      await commit(
        'hfowner/blobs',
        ndjson(
          ['header', { summary: 'files' }],
          ['file', { path: 'config.json', content: b64('{"a": 1}') }],
          ['lfsFile', { path: 'model.bin', algo: 'sha256', oid: blob.sha256, size: blob.size }],
        ),
      ).expect(200);
      const gitBlob = (bytes: string | Buffer) =>
        createHash('sha1')
          .update(`blob ${Buffer.byteLength(bytes)}\0`)
          .update(bytes)
          .digest('hex');
      const pointer = `version https://git-lfs.github.com/spec/v1\noid sha256:${blob.sha256}\nsize ${blob.size}\n`;
      // requests sends params={"blobs": True} as blobs=True.
      for (const path of ['/api/models/hfowner/blobs?blobs=True', '/api/models/hfowner/blobs/revision/main?blobs=True']) {
        const res = await hub.http().get(path).expect(200);
        const byName = Object.fromEntries(res.body.siblings.map((s: { rfilename: string }) => [s.rfilename, s]));
        expect(byName['config.json']).toEqual({ rfilename: 'config.json', size: 8, blobId: gitBlob('{"a": 1}') });
        expect(byName['model.bin']).toEqual({
          rfilename: 'model.bin',
          size: weights.length,
          blobId: gitBlob(pointer),
          lfs: { sha256: blob.sha256, size: weights.length, pointerSize: Buffer.byteLength(pointer) },
        });
      }
      const plain = await hub.http().get('/api/models/hfowner/blobs').expect(200);
      expect(plain.body.siblings).toEqual(expect.arrayContaining([{ rfilename: 'config.json' }]));
    });

    it('lists the tree with absolute Link pagination, folders and last commits', async () => {
      const page1 = await hub.http().get('/api/models/hfowner/reader/tree/main?limit=3').expect(200);
      expect(page1.body.map((e: { path: string }) => e.path)).toEqual(['.gitattributes', 'a', 'b.txt']);
      const link = page1.headers.link as string;
      expect(link).toMatch(/^<https:\/\/hub\.example\.org\/api\/models\/hfowner\/reader\/tree\/main\?.*cursor=.*>; rel="next"$/);
      const next = new URL(link.slice(1, link.indexOf('>')));
      const page2 = await hub.http().get(`${next.pathname}${next.search}`).expect(200);
      expect(page2.body.map((e: { path: string }) => e.path)).toEqual(['c.txt']);
      expect(page2.headers.link).toBeUndefined();
      const sub = await hub.http().get('/api/models/hfowner/reader/tree/main/a?expand=true').expect(200);
      expect(sub.body).toEqual([
        expect.objectContaining({ type: 'file', path: 'a/1.txt', size: 1, lastCommit: expect.objectContaining({ id: first, title: 'one' }) }),
        expect.objectContaining({ type: 'file', path: 'a/2.txt', size: 2 }),
      ]);
      // RepoFile (hf_api.py) reads securityFileStatus["status"], ["avScan"] and ["pickleImportScan"]:
      // no antivirus runs here, and no pickle scan applies to a text file.
      for (const entry of sub.body) {
        expect(entry.securityFileStatus).toEqual({
          status: 'unscanned',
          avScan: { status: 'unscanned', virusFound: null, virusNames: null },
          pickleImportScan: null,
        });
      }
      const plain = await hub.http().get('/api/models/hfowner/reader/tree/main/a').expect(200);
      expect(plain.body[0].securityFileStatus).toBeUndefined();
      const recursive = await hub.http().get('/api/models/hfowner/reader/tree/main?recursive=true').expect(200);
      expect(recursive.body.map((e: { path: string }) => e.path)).toEqual(['.gitattributes', 'a', 'a/1.txt', 'a/2.txt', 'b.txt', 'c.txt']);
      await hub.http().get('/api/models/hfowner/reader/tree/main/missing').expect(404).expect('X-Error-Code', 'EntryNotFound');
    });

    it('answers paths-info for files and folders, leaving out missing paths', async () => {
      const res = await hub
        .http()
        .post('/api/models/hfowner/reader/paths-info/main')
        .send({ paths: ['b.txt', 'a', 'nope'], expand: true })
        .expect(200);
      expect(res.body.map((e: { path: string; type: string }) => [e.path, e.type])).toEqual([
        ['b.txt', 'file'],
        ['a', 'directory'],
      ]);
      expect(res.body[0].securityFileStatus).toEqual(expect.objectContaining({ status: 'unscanned', avScan: expect.any(Object), pickleImportScan: null }));
      expect(res.body[1].securityFileStatus).toBeUndefined();
    });

    it('lists commits newest first with pagination', async () => {
      const res = await hub.http().get('/api/models/hfowner/reader/commits/main').expect(200);
      expect(res.body.map((c: { title: string }) => c.title)).toEqual(['two', 'one', 'Initial commit']);
      expect(res.body[0].authors).toEqual([{ user: 'hfowner' }]);
      const paged = await hub.http().get('/api/models/hfowner/reader/commits/main?limit=1').expect(200);
      expect(paged.headers.link).toMatch(/rel="next"/);
    });

    it('creates branches and immutable tags, lists refs', async () => {
      await hub.http().post('/api/models/hfowner/reader/branch/dev').set(bearer(writeToken)).send({ startingPoint: first }).expect(200);
      await hub.http().post('/api/models/hfowner/reader/tag/main').set(bearer(writeToken)).send({ tag: 'v1.0.0' }).expect(409);
      // create_tag on a missing revision: RevisionNotFoundError first, whatever the tag name is.
      for (const tag of ['v1.0.0', 'not a version']) {
        await hub
          .http()
          .post('/api/models/hfowner/reader/tag/nope')
          .set(bearer(writeToken))
          .send({ tag })
          .expect(404)
          .expect('X-Error-Code', 'RevisionNotFound');
      }
      const del = await hub.http().delete('/api/models/hfowner/reader/tag/v1.0.0').set(bearer(writeToken)).expect(409);
      expect(del.body.error).toMatch(/deprecate/i);
      const refs = await hub.http().get('/api/models/hfowner/reader/refs').expect(200);
      expect(refs.body.branches.map((b: { name: string }) => b.name).sort()).toEqual(['dev', 'main']);
      expect(refs.body.tags).toEqual([{ name: 'v1.0.0', ref: 'refs/tags/v1.0.0', targetCommit: first }]);
      await hub.http().delete('/api/models/hfowner/reader/branch/dev').set(bearer(writeToken)).expect(200);
      await hub
        .http()
        .delete('/api/models/hfowner/reader/branch/main')
        .set(bearer(writeToken))
        .expect((r) => expect([400, 409]).toContain(r.status));
    });
  });

  describe('resolve', () => {
    beforeAll(async () => {
      await hub.http().post('/api/repos/create').set(bearer(writeToken)).send({ name: 'files' }).expect(200);
      await commit('hfowner/files', ndjson(['header', { summary: 'files' }], ['file', { path: 'config.json', content: b64('{"a": 1}') }])).expect(200);
    });

    it('serves small files inline with commit, ETag and ranges', async () => {
      const head = (await hub.http().get('/api/models/hfowner/files').expect(200)).body.sha;
      const get = await hub.http().get('/hfowner/files/resolve/main/config.json').expect(200);
      expect(get.text ?? get.body.toString()).toBe('{"a": 1}');
      expect(get.headers['x-repo-commit']).toBe(head);
      expect(get.headers.etag).toMatch(/^"[0-9a-f]{64}"$/);
      const range = await hub.http().get('/hfowner/files/resolve/main/config.json').set('Range', 'bytes=0-0').expect(206);
      expect(range.headers['content-range']).toBe('bytes 0-0/8');
      const head200 = await hub.http().head('/hfowner/files/resolve/main/config.json').expect(200);
      expect(head200.headers['content-length']).toBe('8');
    });

    it('answers 404 EntryNotFound with X-Repo-Commit, RepoNotFound and RevisionNotFound', async () => {
      const missing = await hub.http().get('/hfowner/files/resolve/main/nope.bin').expect(404);
      expect(missing.headers['x-error-code']).toBe('EntryNotFound');
      expect(missing.headers['x-repo-commit']).toMatch(/^[0-9a-f]{40}$/);
      await hub.http().get('/hfowner/absent/resolve/main/a').expect(404).expect('X-Error-Code', 'RepoNotFound');
      // A repo id without a namespace (hf_hub_download("gpt2", ...)): RepositoryNotFoundError, not a route error.
      for (const path of ['/gpt2/resolve/main/config.json', '/api/models/gpt2', '/api/models/gpt2/revision/main', '/api/models/gpt2/tree/main/a']) {
        const res = await hub.http().get(path).expect(404).expect('X-Error-Code', 'RepoNotFound');
        expect(res.body).toMatchObject({ code: 'repo_not_found', error: expect.stringMatching(/^Repository Not Found for model gpt2/) });
      }
      await hub.http().head('/gpt2/resolve/main/config.json').expect(404).expect('X-Error-Code', 'RepoNotFound');
      await hub.http().post('/api/models/gpt2/preupload/main').set(bearer(writeToken)).send({ files: [] }).expect(404).expect('X-Error-Code', 'RepoNotFound');
      await hub
        .http()
        .get('/api/nothing-here')
        .expect(404)
        .expect((r) => expect(r.body.code).toBe('route_not_found'));
      await hub.http().get('/hfowner/files/resolve/nope/config.json').expect(404).expect('X-Error-Code', 'RevisionNotFound');
    });

    it('refuses the bytes of a gated model: 401 anonymous, 403 outsider, members served', async () => {
      await hub.http().put('/api/models/hfowner/files/settings').set(bearer(writeToken)).send({ gated: 'auto' }).expect(200);
      await hub.http().get('/api/models/hfowner/files/tree/main').expect(200);
      await hub.http().get('/hfowner/files/resolve/main/config.json').expect(401).expect('X-Error-Code', 'GatedRepo');
      await hub.http().get('/hfowner/files/resolve/main/config.json').set(outsider.auth).expect(403).expect('X-Error-Code', 'GatedRepo');
      await hub.http().get('/hfowner/files/resolve/main/config.json').set(bearer(readToken)).expect(200);
    });
  });

  describe('GET /api/models', () => {
    it('filters by author, search and tag, and paginates with an absolute Link', async () => {
      const all = await hub.http().get('/api/models?author=hfowner').expect(200);
      expect(all.body.map((m: { id: string }) => m.id).sort()).toEqual([
        'hfowner/blobs',
        'hfowner/files',
        'hfowner/pre',
        'hfowner/proto',
        'hfowner/py-model',
        'hfowner/reader',
      ]);
      const searched = await hub.http().get('/api/models?search=read').expect(200);
      expect(searched.body.map((m: { id: string }) => m.id)).toEqual(['hfowner/reader']);
      const tagged = await hub.http().get('/api/models?filter=chat&filter=license:mit').expect(200);
      expect(tagged.body.map((m: { id: string }) => m.id)).toEqual(['hfowner/proto']);
      const page = await hub.http().get('/api/models?author=hfowner&limit=1&sort=createdAt').expect(200);
      expect(page.body).toHaveLength(1);
      expect(page.headers.link).toMatch(/^<https:\/\/hub\.example\.org\/api\/models\?.*>; rel="next"$/);
      const full = await hub.http().get('/api/models?author=hfowner&full=true&limit=1').expect(200);
      expect(full.body[0].siblings).toEqual(expect.any(Array));
    });
  });
});
