import { createHash, randomBytes } from 'node:crypto';
import { bearer, createToken, registerUser, type TestUser } from '../support/factories';
import { startTestHub, type TestHub } from '../support/test-hub';

const LFS = { Accept: 'application/vnd.git-lfs+json', 'Content-Type': 'application/vnd.git-lfs+json' };
// As huggingface_hub 1.x (httpx) builds its headers: its user agent, and identity for HEAD of resolve.
const PY_AGENT = { 'User-Agent': 'huggingface_hub/1.3.7; python/3.11.2; torch/N/A' };
const sha256 = (b: Buffer | string) => createHash('sha256').update(b).digest('hex');
const b64 = (b: Buffer | string) => Buffer.from(b).toString('base64');
const ndjson = (...lines: [string, unknown][]) => lines.map(([key, value]) => JSON.stringify({ key, value })).join('\n');

/**
 * The requests huggingface_hub (hf_api.py, _commit_api.py, lfs.py, file_download.py) sends with
 * `repo_type="dataset"`, one by one, paths and bodies as in its source: `/api/datasets/...` and
 * `/datasets/{repo}/resolve/...`, `/datasets/{repo}.git/info/lfs/...`.
 */
describe('huggingface_hub with repo_type="dataset", replayed', () => {
  let hub: TestHub;
  let owner: TestUser;
  let auth: Record<string, string>;
  const ns = () => owner.username;
  const repo = () => `${owner.username}/corpus`;
  const csv = Buffer.from('id,text\n1,hello\n2,world\n');
  const parquet = Buffer.concat([Buffer.from('PAR1'), randomBytes(64 * 1024), Buffer.from('PAR1')]);
  let commitOid: string;

  beforeAll(async () => {
    hub = await startTestHub({ listen: true, env: { LFS_THRESHOLD_BYTES: '1024' } });
    owner = await registerUser(hub);
    auth = { ...bearer(await createToken(hub, owner, ['write'])), ...PY_AGENT };
  });
  afterAll(() => hub.close());

  it('create_repo: {name, organization: null, visibility, type: "dataset"} answers the /datasets/ url', async () => {
    const res = await hub
      .http()
      .post('/api/repos/create')
      .set(auth)
      .send({ name: 'corpus', organization: null, visibility: 'public', type: 'dataset' })
      .expect(200);
    expect(res.body).toEqual({ url: `${hub.url}/datasets/${repo()}`, id: expect.any(String), name: repo() });
    const conflict = await hub.http().post('/api/repos/create').set(auth).send({ name: 'corpus', organization: null, type: 'dataset' }).expect(409);
    expect(conflict.body.url).toBe(`${hub.url}/datasets/${repo()}`);
    // create_repo(exist_ok=True) of a model of the same name is another repository.
    await hub.http().post('/api/repos/create').set(auth).send({ name: 'corpus', organization: null }).expect(200);
  });

  it('preupload: a CSV is regular, a Parquet file lfs', async () => {
    const res = await hub
      .http()
      .post(`/api/datasets/${repo()}/preupload/main`)
      .set(auth)
      .send({
        files: [
          { path: 'data/train.csv', sample: b64(csv), size: csv.length },
          { path: 'data/train.parquet', sample: b64(parquet.subarray(0, 512)), size: parquet.length },
        ],
      })
      .expect(200);
    expect(Object.fromEntries(res.body.files.map((f: { path: string; uploadMode: string }) => [f.path, f.uploadMode]))).toEqual({
      'data/train.csv': 'regular',
      'data/train.parquet': 'lfs',
    });
    expect(res.body.files.every((f: { shouldIgnore: boolean }) => f.shouldIgnore === false)).toBe(true);
  });

  it('LFS batch at /datasets/{repo}.git, the PUT to the presigned url, verify; then the NDJSON commit', async () => {
    const batch = await fetch(`${hub.url}/datasets/${repo()}.git/info/lfs/objects/batch`, {
      method: 'POST',
      headers: { ...LFS, ...auth },
      body: JSON.stringify({
        operation: 'upload',
        transfers: ['basic', 'multipart'],
        objects: [{ oid: sha256(parquet), size: parquet.length }],
        hash_algo: 'sha256',
        ref: { name: 'main' },
      }),
    });
    expect(batch.status).toBe(200);
    const object = ((await batch.json()) as { objects: { oid: string; actions?: Record<string, { href: string; header?: Record<string, string> }> }[] })
      .objects[0];
    expect(object.oid).toBe(sha256(parquet));
    const upload = object.actions!.upload;
    expect((await fetch(upload.href, { method: 'PUT', body: parquet, headers: upload.header })).ok).toBe(true);
    const verify = object.actions!.verify;
    if (verify) {
      expect(verify.href).toBe(`${hub.url}/datasets/${repo()}.git/info/lfs/objects/verify`);
      const verified = await fetch(verify.href, {
        method: 'POST',
        headers: { ...LFS, ...auth },
        body: JSON.stringify({ oid: sha256(parquet), size: parquet.length }),
      });
      expect(verified.status).toBe(200);
    }
    const res = await hub
      .http()
      .post(`/api/datasets/${repo()}/commit/main`)
      .set(auth)
      .set('Content-Type', 'application/x-ndjson')
      .send(
        ndjson(
          ['header', { summary: 'Upload data', description: '' }],
          ['file', { content: b64(csv), path: 'data/train.csv', encoding: 'base64' }],
          ['lfsFile', { path: 'data/train.parquet', algo: 'sha256', oid: sha256(parquet), size: parquet.length }],
        ),
      )
      .expect(200);
    commitOid = res.body.commitOid;
    expect(commitOid).toMatch(/^[0-9a-f]{40}$/);
    expect(res.body.commitUrl).toBe(`${hub.url}/datasets/${repo()}/commit/${commitOid}`);
  });

  it('list_repo_tree: recursive, and under a folder', async () => {
    const all = await hub.http().get(`/api/datasets/${repo()}/tree/main?recursive=true&expand=false`).set(auth).expect(200);
    expect(all.body.map((e: { path: string; type: string }) => [e.path, e.type])).toEqual(
      expect.arrayContaining([
        ['data', 'directory'],
        ['data/train.csv', 'file'],
        ['data/train.parquet', 'file'],
      ]),
    );
    const folder = await hub.http().get(`/api/datasets/${repo()}/tree/main/data?recursive=false&expand=true`).set(auth).expect(200);
    const parquetEntry = folder.body.find((e: { path: string }) => e.path === 'data/train.parquet');
    expect(parquetEntry).toMatchObject({ size: parquet.length, lfs: { oid: sha256(parquet), size: parquet.length }, lastCommit: { id: commitOid } });
    // The model of the same name has none of these files.
    const modelTree = await hub.http().get(`/api/models/${repo()}/tree/main?recursive=true`).set(auth).expect(200);
    expect(modelTree.body.map((e: { path: string }) => e.path)).toEqual(['.gitattributes']);
  });

  it('get_paths_info: a form body (paths repeated, expand)', async () => {
    const res = await hub
      .http()
      .post(`/api/datasets/${repo()}/paths-info/main`)
      .set(auth)
      .type('form')
      .send('paths=data%2Ftrain.csv&paths=data&paths=missing.txt&expand=false')
      .expect(200);
    expect(res.body.map((e: { path: string; type: string }) => [e.path, e.type])).toEqual([
      ['data/train.csv', 'file'],
      ['data', 'directory'],
    ]);
  });

  it('hf_hub_download: HEAD of resolve with its headers, then GET: commit, etag, size, bytes', async () => {
    const head = await fetch(`${hub.url}/datasets/${repo()}/resolve/main/data/train.csv`, {
      method: 'HEAD',
      headers: { ...auth, 'Accept-Encoding': 'identity' },
      redirect: 'manual',
    });
    expect(head.status).toBe(200);
    expect(head.headers.get('x-repo-commit')).toBe(commitOid);
    expect(head.headers.get('etag')).toMatch(/^"[0-9a-f]{40,64}"$/);
    expect(head.headers.get('content-length')).toBe(String(csv.length));
    const get = await fetch(`${hub.url}/datasets/${repo()}/resolve/main/data/train.csv`, { headers: auth });
    expect(Buffer.from(await get.arrayBuffer())).toEqual(csv);

    const lfsHead = await fetch(`${hub.url}/datasets/${repo()}/resolve/${commitOid}/data/train.parquet`, {
      method: 'HEAD',
      headers: { ...auth, 'Accept-Encoding': 'identity' },
      redirect: 'manual',
    });
    expect(lfsHead.status).toBe(302);
    expect(lfsHead.headers.get('x-linked-etag')).toBe(`"${sha256(parquet)}"`);
    expect(lfsHead.headers.get('x-linked-size')).toBe(String(parquet.length));
    expect(lfsHead.headers.get('x-repo-commit')).toBe(commitOid);
    // huggingface_hub drops Authorization for a redirect to another host.
    const bytes = await fetch(lfsHead.headers.get('location')!, { headers: PY_AGENT });
    expect(sha256(Buffer.from(await bytes.arrayBuffer()))).toBe(sha256(parquet));
    // The model of the same name has no such file.
    await hub.http().get(`/${repo()}/resolve/main/data/train.csv`).set(auth).expect(404).expect('X-Error-Code', 'EntryNotFound');
  });

  it('list_repo_commits and list_repo_refs (include_prs=1)', async () => {
    const commits = await hub.http().get(`/api/datasets/${repo()}/commits/main`).set(auth).expect(200);
    expect(commits.body.map((c: { title: string }) => c.title)).toEqual(['Upload data', 'Initial commit']);
    const refs = await hub.http().get(`/api/datasets/${repo()}/refs?include_prs=1`).set(auth).expect(200);
    expect(refs.body).toMatchObject({ branches: [{ name: 'main', ref: 'refs/heads/main', targetCommit: commitOid }], tags: [], pullRequests: [] });
  });

  it('create_tag {tag, message}, then resolve and dataset_info at the tag', async () => {
    await hub.http().post(`/api/datasets/${repo()}/tag/main`).set(auth).send({ tag: 'v1.0.0', message: 'First release' }).expect(200);
    const refs = await hub.http().get(`/api/datasets/${repo()}/refs`).set(auth).expect(200);
    expect(refs.body.tags).toEqual([{ name: 'v1.0.0', ref: 'refs/tags/v1.0.0', targetCommit: commitOid }]);
    await hub.http().post(`/api/datasets/${repo()}/tag/main`).set(auth).send({ tag: 'v1.0.0' }).expect(409);
    const atTag = await hub.http().get(`/api/datasets/${repo()}/revision/v1.0.0`).set(auth).expect(200);
    expect(atTag.body.sha).toBe(commitOid);
    const file = await hub.http().get(`/datasets/${repo()}/resolve/v1.0.0/data/train.csv`).set(auth).expect(200);
    expect(file.headers['x-repo-commit']).toBe(commitOid);
  });

  it('dataset_info: the DatasetInfo fields, and files_metadata (blobs=true) siblings', async () => {
    const info = await hub.http().get(`/api/datasets/${repo()}`).set(auth).expect(200);
    expect(info.body).toMatchObject({
      id: repo(),
      author: ns(),
      sha: commitOid,
      private: false,
      gated: false,
      disabled: false,
      downloads: expect.any(Number),
      likes: 0,
    });
    for (const key of ['_id', 'lastModified', 'createdAt', 'tags', 'siblings', 'description']) expect(info.body).toHaveProperty(key);
    expect(info.body).not.toHaveProperty('pipeline_tag');
    expect(info.body.siblings.map((s: { rfilename: string }) => s.rfilename).sort()).toEqual(['.gitattributes', 'data/train.csv', 'data/train.parquet']);
    const blobs = await hub.http().get(`/api/datasets/${repo()}/revision/main?blobs=true`).set(auth).expect(200);
    expect(blobs.body.siblings.find((s: { rfilename: string }) => s.rfilename === 'data/train.parquet')).toMatchObject({
      size: parquet.length,
      lfs: { sha256: sha256(parquet), size: parquet.length },
    });
    const expanded = await hub.http().get(`/api/datasets/${repo()}?expand=author&expand=citation&expand=description`).set(auth).expect(200);
    expect(expanded.body.id).toBe(repo());
  });

  it('list_datasets: search, author, sort, limit and the Link header; models are not listed', async () => {
    await hub.http().post('/api/repos/create').set(auth).send({ name: 'corpus-two', organization: null, type: 'dataset' }).expect(200);
    const page = await hub.http().get(`/api/datasets?author=${ns()}&search=corpus&sort=lastModified&direction=-1&limit=1`).set(auth).expect(200);
    expect(page.body).toHaveLength(1);
    const next = /<([^>]+)>;\s*rel="next"/.exec(page.headers.link)![1];
    expect(next).toMatch(new RegExp(`^${hub.url}/api/datasets\\?`));
    const rest = await hub.http().get(next.slice(hub.url!.length)).set(auth).expect(200);
    expect([...page.body, ...rest.body].map((d: { id: string }) => d.id).sort()).toEqual([repo(), `${repo()}-two`]);
    const models = await hub.http().get(`/api/models?author=${ns()}`).set(auth).expect(200);
    expect(models.body.map((m: { id: string }) => m.id)).toEqual([repo()]);
  });

  it('create_discussion and get_repo_discussions under /api/datasets', async () => {
    const created = await hub
      .http()
      .post(`/api/datasets/${repo()}/discussions`)
      .set(auth)
      .send({ title: 'Typo in row 2', description: 'world?', pullRequest: false })
      .expect(200);
    expect(created.body).toMatchObject({ num: 1, url: `/datasets/${repo()}/discussions/1` });
    const listed = await hub.http().get(`/api/datasets/${repo()}/discussions`).set(auth).expect(200);
    expect(listed.body.discussions.map((d: { title: string }) => d.title)).toEqual(['Typo in row 2']);
    const onModel = await hub.http().get(`/api/models/${repo()}/discussions`).set(auth).expect(200);
    expect(onModel.body.discussions).toEqual([]);
  });

  it('update_repo_settings (PUT settings), then delete_repo {type: "dataset"}', async () => {
    const res = await hub.http().put(`/api/datasets/${repo()}-two/settings`).set(auth).send({ private: true }).expect(200);
    expect(res.body).toMatchObject({ private: true });
    await hub.http().get(`/api/datasets/${repo()}-two`).expect(404).expect('X-Error-Code', 'RepoNotFound');
    await hub.http().delete('/api/repos/delete').set(auth).send({ name: 'corpus-two', organization: null, type: 'dataset' }).expect(200);
    await hub.http().get(`/api/datasets/${repo()}-two`).set(auth).expect(404);
  });

  it('answers RepoNotFound for datasets without a namespace, as huggingface_hub expects', async () => {
    const res = await hub.http().get('/api/datasets/squad').expect(404).expect('X-Error-Code', 'RepoNotFound');
    expect(res.body.error).toContain('dataset squad');
    await hub.http().get('/datasets/squad/resolve/main/x.csv').expect(404).expect('X-Error-Code', 'RepoNotFound');
  });
});
