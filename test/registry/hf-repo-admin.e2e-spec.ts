import { createToken, bearer, registerUser } from '../support/factories';
import { startTestHub, type TestHub } from '../support/test-hub';
import { createModelWithFiles, grantTo, publishOffer, requestOffer, twoOrganizations } from '../licensing/licensing-support';
import { commit, HF_DEFAULT_GITATTRIBUTES, put } from './commits-support';

/**
 * The Hugging Face routes huggingface_hub calls beyond upload and download (docs/hugging-face.md):
 * the initial commit, move_repo, likes, auth_check, super_squash_history, expand, folder deletes.
 */
describe('Hugging Face repository administration', () => {
  let hub: TestHub;
  let people: Awaited<ReturnType<typeof twoOrganizations>>;
  let ownerToken: string;
  const ndjson = (...lines: [string, unknown][]) => lines.map(([key, value]) => JSON.stringify({ key, value })).join('\n');
  const hfCommit = (repo: string, body: string, token = ownerToken) =>
    hub.http().post(`/api/models/${repo}/commit/main`).set(bearer(token)).set('Content-Type', 'application/x-ndjson').send(body);
  const titles = async (repo: string, rev = 'main') =>
    (await hub.http().get(`/api/models/${repo}/commits/${rev}`).expect(200)).body.map((c: { title: string }) => c.title) as string[];
  /** A file's text through resolve (small files are served by the hub itself). */
  const fileText = async (path: string, token?: string) => {
    const req = hub.http().get(path);
    if (token) req.set(bearer(token));
    return ((await req.responseType('blob').expect(200)).body as Buffer).toString('utf8');
  };
  const treePaths = async (repo: string, rev = 'main') =>
    (await hub.http().get(`/api/models/${repo}/tree/${rev}?recursive=true`).expect(200)).body.map((e: { path: string }) => e.path) as string[];

  beforeAll(async () => {
    hub = await startTestHub();
    people = await twoOrganizations(hub);
    ownerToken = await createToken(hub, people.owner, ['write']);
  });
  afterAll(() => hub.close());

  it("starts a repository with one commit holding Hugging Face's .gitattributes, which preupload then follows", async () => {
    const created = await hub.http().post('/api/repos/create').set(bearer(ownerToken)).send({ name: 'fresh', organization: people.publisher }).expect(200);
    const repo = created.body.name as string;
    const commits = await hub.http().get(`/api/models/${repo}/commits/main`).expect(200);
    expect(commits.body).toHaveLength(1);
    expect(commits.body[0]).toMatchObject({ title: 'Initial commit', parents: [] });
    expect(await treePaths(repo)).toEqual(['.gitattributes']);
    expect(await fileText(`/${repo}/resolve/main/.gitattributes`)).toBe(HF_DEFAULT_GITATTRIBUTES);
    const pre = await hub
      .http()
      .post(`/api/models/${repo}/preupload/main`)
      .set(bearer(ownerToken))
      .send({
        files: [
          { path: 'pytorch_model.bin', size: 5, sample: Buffer.from('tiny!').toString('base64') },
          { path: 'notes.txt', size: 2, sample: 'aGk=' },
        ],
      })
      .expect(200);
    expect(Object.fromEntries(pre.body.files.map((f: { path: string; uploadMode: string }) => [f.path, f.uploadMode]))).toEqual({
      'pytorch_model.bin': 'lfs',
      'notes.txt': 'regular',
    });
  });

  describe('move_repo (POST /api/repos/move)', () => {
    let repo: string;
    let licenseeToken: string;

    beforeAll(async () => {
      const model = await createModelWithFiles(hub, people.owner, people.publisher, 'to-rename');
      repo = model.id;
      const offer = await publishOffer(hub, people.owner, repo);
      await grantTo(hub, people.licenseeAdmin, people.licensee, offer.id, people.owner);
      await hub.http().post(`/api/models/${repo}/tag/main`).set(bearer(ownerToken)).send({ tag: 'v1.0.0' }).expect(200);
      licenseeToken = await createToken(hub, people.licenseeMember, ['read']);
    });

    it('renames keeping history, versions and grants; the old name answers for the new one', async () => {
      const before = await hub.http().get(`/api/models/${repo}`).expect(200);
      const history = await titles(repo);
      const renamed = `${people.publisher}/renamed`;
      const moved = await hub.http().post('/api/repos/move').set(bearer(ownerToken)).send({ fromRepo: repo, toRepo: renamed, type: 'model' }).expect(200);
      expect(moved.body.name).toBe(renamed);

      const after = await hub.http().get(`/api/models/${renamed}`).expect(200);
      expect(after.body).toMatchObject({ id: renamed, sha: before.body.sha, _id: before.body._id, gated: 'manual' });
      expect(await titles(renamed)).toEqual(history);
      const refs = await hub.http().get(`/api/models/${renamed}/refs`).expect(200);
      expect(refs.body.tags).toEqual([expect.objectContaining({ name: 'v1.0.0', targetCommit: before.body.sha })]);
      // The licensee's grant went with the model: it downloads under the new name, and the old one.
      for (const name of [renamed, repo]) {
        expect(await fileText(`/${name}/resolve/v1.0.0/config.json`, licenseeToken)).toBe('{"hidden_size": 64}');
      }
      const old = await hub.http().get(`/api/models/${repo}`).expect(200);
      expect(old.body.id).toBe(renamed);
      // An outsider is still refused under both names.
      const outsiderToken = await createToken(hub, people.outsider, ['read']);
      await hub.http().get(`/${repo}/resolve/main/config.json`).set(bearer(outsiderToken)).expect(403).expect('X-Error-Code', 'GatedRepo');
    });

    it('refuses a taken name, a missing namespace, ids without a namespace, and callers who are not admins', async () => {
      const other = await createModelWithFiles(hub, people.owner, people.publisher, 'other');
      const move = (body: object, token = ownerToken) => hub.http().post('/api/repos/move').set(bearer(token)).send(body);
      await move({ fromRepo: other.id, toRepo: `${people.publisher}/renamed` }).expect(409);
      await move({ fromRepo: other.id, toRepo: 'no-such-namespace/x' }).expect(404);
      await move({ fromRepo: other.id, toRepo: 'nonamespace' }).expect(400);
      const memberToken = await createToken(hub, people.publisherMember, ['write']);
      await move({ fromRepo: other.id, toRepo: `${people.publisher}/stolen` }, memberToken).expect(403);
    });

    it('transfers to another namespace; a new model taking the old name ends the redirect', async () => {
      const model = await createModelWithFiles(hub, people.owner, people.publisher, 'transfer-me');
      const target = `${people.owner.username}/transferred`;
      await hub.http().post('/api/repos/move').set(bearer(ownerToken)).send({ fromRepo: model.id, toRepo: target }).expect(200);
      expect((await hub.http().get(`/api/models/${model.id}`).expect(200)).body.id).toBe(target);
      await hub.http().post('/api/repos/create').set(bearer(ownerToken)).send({ name: 'transfer-me', organization: people.publisher }).expect(200);
      expect((await hub.http().get(`/api/models/${model.id}`).expect(200)).body.id).toBe(model.id);
      expect(await treePaths(model.id)).toEqual(['.gitattributes']);
      expect(await treePaths(target)).toEqual(expect.arrayContaining(['config.json', 'model.safetensors']));
    });
  });

  it('likes: POST and DELETE /api/models/{repo}/like, GET /api/users/{user}/likes as list_liked_repos reads it', async () => {
    const token = await createToken(hub, people.outsider, ['write']);
    const model = await createModelWithFiles(hub, people.owner, people.publisher, 'likeable');
    await hub.http().post(`/api/models/${model.id}/like`).set(bearer(token)).expect(200);
    const likes = await hub.http().get(`/api/users/${people.outsider.username}/likes`).expect(200);
    expect(likes.body).toEqual([{ createdAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/), repo: { name: model.id, type: 'model' } }]);
    expect((await hub.http().get(`/api/models/${model.id}`).expect(200)).body.likes).toBe(1);
    await hub.http().delete(`/api/models/${model.id}/like`).set(bearer(token)).expect(200);
    expect((await hub.http().get(`/api/users/${people.outsider.username}/likes`).expect(200)).body).toEqual([]);
    expect((await hub.http().get(`/api/models/${model.id}`).expect(200)).body.likes).toBe(0);
    await hub.http().get('/api/users/nobody-here/likes').expect(404);
  });

  it('auth_check: 200 with read and download access, GatedRepo for a gated model without a grant, RepoNotFound for a private one', async () => {
    const open = await createModelWithFiles(hub, people.owner, people.publisher, 'open');
    await hub.http().get(`/api/models/${open.id}/auth-check`).expect(200);
    const gated = await createModelWithFiles(hub, people.owner, people.publisher, 'gated-check');
    const offer = await publishOffer(hub, people.owner, gated.id);
    const outsiderToken = await createToken(hub, people.outsider, ['read']);
    await hub.http().get(`/api/models/${gated.id}/auth-check`).expect(401).expect('X-Error-Code', 'GatedRepo');
    await hub.http().get(`/api/models/${gated.id}/auth-check`).set(bearer(outsiderToken)).expect(403).expect('X-Error-Code', 'GatedRepo');
    await hub.http().get(`/api/models/${gated.id}/auth-check`).set(bearer(ownerToken)).expect(200);
    await grantTo(hub, people.licenseeAdmin, people.licensee, offer.id, people.owner);
    const licenseeToken = await createToken(hub, people.licenseeMember2, ['read']);
    await hub.http().get(`/api/models/${gated.id}/auth-check`).set(bearer(licenseeToken)).expect(200);
    await hub.http().post('/api/repos/create').set(bearer(ownerToken)).send({ name: 'secret', organization: people.publisher, private: true }).expect(200);
    await hub.http().get(`/api/models/${people.publisher}/secret/auth-check`).set(bearer(outsiderToken)).expect(404).expect('X-Error-Code', 'RepoNotFound');
  });

  it('super_squash_history: one parentless commit with the same files; versions keep their commits', async () => {
    const created = await hub.http().post('/api/repos/create').set(bearer(ownerToken)).send({ name: 'squash', organization: people.publisher }).expect(200);
    const repo = created.body.name as string;
    await commit(hub, people.owner, repo, [put('a.txt', 'one')]);
    const v1 = await commit(hub, people.owner, repo, [put('b.txt', 'two')]);
    await hub.http().post(`/api/models/${repo}/tag/${v1}`).set(bearer(ownerToken)).send({ tag: 'v1' }).expect(200);
    await commit(hub, people.owner, repo, [put('a.txt', 'three')]);
    const files = await treePaths(repo);
    const res = await hub.http().post(`/api/models/${repo}/super-squash/main`).set(bearer(ownerToken)).send({ message: 'Squashed' }).expect(200);

    const history = await hub.http().get(`/api/models/${repo}/commits/main`).expect(200);
    expect(history.body).toEqual([expect.objectContaining({ id: res.body.commitOid, title: 'Squashed', parents: [] })]);
    expect(await treePaths(repo)).toEqual(files);
    expect(await fileText(`/${repo}/resolve/main/a.txt`)).toBe('three');
    // The version still names its commit, with the files it had.
    const version = await hub.http().get(`/api/models/${repo}/revision/v1`).expect(200);
    expect(version.body.sha).toBe(v1);
    expect(await titles(repo, 'v1')).toHaveLength(3);
    expect(await fileText(`/${repo}/resolve/v1/a.txt`)).toBe('one');
    await hub.http().post(`/api/models/${repo}/super-squash/nope`).set(bearer(ownerToken)).send({}).expect(404).expect('X-Error-Code', 'RevisionNotFound');
  });

  it('validates expand, naming the valid values', async () => {
    const model = await createModelWithFiles(hub, people.owner, people.publisher, 'expand');
    for (const path of [
      '/api/models?expand=nope',
      `/api/models/${model.id}?expand=downloads&expand=nope`,
      `/api/models/${model.id}/revision/main?expand=nope`,
    ]) {
      const res = await hub.http().get(path).expect(400);
      expect(res.body.error).toContain('expand must be one of');
      expect(res.body.error).toContain('siblings');
    }
    await hub.http().get(`/api/models/${model.id}?expand=downloads&expand=siblings`).expect(200);
    await hub.http().get('/api/models?expand=downloads').expect(200);
  });

  it('a deletedFile naming a folder deletes the folder, as does a deletedFolder', async () => {
    const created = await hub.http().post('/api/repos/create').set(bearer(ownerToken)).send({ name: 'folders', organization: people.publisher }).expect(200);
    const repo = created.body.name as string;
    const b64 = (t: string) => Buffer.from(t).toString('base64');
    await hfCommit(
      repo,
      ndjson(
        ['header', { summary: 'files' }],
        ['file', { path: 'docs/a.txt', content: b64('a') }],
        ['file', { path: 'docs/sub/b.txt', content: b64('b') }],
        ['file', { path: 'other/c.txt', content: b64('c') }],
      ),
    ).expect(200);
    await hfCommit(repo, ndjson(['header', { summary: 'drop docs' }], ['deletedFile', { path: 'docs' }])).expect(200);
    expect(await treePaths(repo)).toEqual(['.gitattributes', 'other', 'other/c.txt']);
    await hfCommit(repo, ndjson(['header', { summary: 'drop other' }], ['deletedFolder', { path: 'other/' }])).expect(200);
    expect(await treePaths(repo)).toEqual(['.gitattributes']);
    await hfCommit(repo, ndjson(['header', { summary: 'nothing' }], ['deletedFile', { path: 'docs' }]))
      .expect(404)
      .expect('X-Error-Code', 'EntryNotFound');
  });

  it('gated access requests: list, accept, reject and grant_access over licence requests and grants', async () => {
    const model = await createModelWithFiles(hub, people.owner, people.publisher, 'access-requests');
    const offer = await publishOffer(hub, people.owner, model.id);
    const base = `/api/models/${model.id}/user-access-request`;
    const [alice, bob, carol] = await Promise.all(['hf_alice', 'hf_bob', 'hf_carol'].map((n) => registerUser(hub, n)));
    const tokenOf = (u: typeof alice) => createToken(hub, u, ['read']);
    for (const u of [alice, bob]) expect((await requestOffer(hub, u, offer.id, { termsVersion: 1 })).status).toBe(201);

    // AccessRequest (hf_api.py) reads user.user, user.fullname, user.email (optional), status, timestamp, fields.
    const pending = await hub.http().get(`${base}/pending`).set(bearer(ownerToken)).expect(200);
    expect(pending.body).toHaveLength(2);
    expect(pending.body).toEqual(
      expect.arrayContaining([
        {
          user: { user: 'hf_alice', fullname: 'hf_alice' },
          status: 'pending',
          timestamp: expect.stringMatching(/^\d{4}-/),
          fields: { 'use-case': 'Support tickets' },
        },
      ]),
    );
    await hub.http().post(`${base}/handle`).set(bearer(ownerToken)).send({ user: 'hf_alice', status: 'accepted' }).expect(200);
    await hub
      .http()
      .post(`${base}/handle`)
      .set(bearer(ownerToken))
      .send({ user: 'hf_bob', status: 'rejected', rejectionReason: 'Not for this use' })
      .expect(200);
    const names = async (status: string) =>
      (await hub.http().get(`${base}/${status}`).set(bearer(ownerToken)).expect(200)).body.map((r: { user: { user: string } }) => r.user.user) as string[];
    expect(await names('pending')).toEqual([]);
    expect(await names('accepted')).toEqual(['hf_alice']);
    expect(await names('rejected')).toEqual(['hf_bob']);
    await hub
      .http()
      .get(`/api/models/${model.id}/auth-check`)
      .set(bearer(await tokenOf(alice)))
      .expect(200);
    await hub
      .http()
      .get(`/api/models/${model.id}/auth-check`)
      .set(bearer(await tokenOf(bob)))
      .expect(403);

    // grant_access: the single open offer, granted at once, without a request by the user.
    await hub.http().post(`${base}/grant`).set(bearer(ownerToken)).send({ user: 'hf_carol' }).expect(200);
    await hub
      .http()
      .get(`/api/models/${model.id}/auth-check`)
      .set(bearer(await tokenOf(carol)))
      .expect(200);
    expect(await names('accepted')).toEqual(expect.arrayContaining(['hf_alice', 'hf_carol']));
    await hub.http().post(`${base}/grant`).set(bearer(ownerToken)).send({ user: 'hf_carol' }).expect(400);
    await hub.http().post(`${base}/grant`).set(bearer(ownerToken)).send({ user: 'nobody-at-all' }).expect(404);
    await hub.http().post(`${base}/handle`).set(bearer(ownerToken)).send({ user: 'hf_bob', status: 'accepted' }).expect(404);
    await hub.http().get(`${base}/unknown`).set(bearer(ownerToken)).expect(400);
    // Only the model's administrators see and decide requests.
    await hub
      .http()
      .get(`${base}/pending`)
      .set(bearer(await tokenOf(alice)))
      .expect(403);
  });
});
