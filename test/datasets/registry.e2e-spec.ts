import { createOrg, registerUser, type TestUser } from '../support/factories';
import { createModel } from '../support/models';
import { startTestHub, type TestHub } from '../support/test-hub';

/** Datasets are repositories of another kind on the same routes: creation, lookup, listings kept apart. */
describe('datasets (registry)', () => {
  let hub: TestHub;
  let alice: TestUser;
  beforeAll(async () => {
    hub = await startTestHub();
    alice = await registerUser(hub);
  });
  afterAll(() => hub.close());

  it('creates a dataset natively and finds it under /api/v1/datasets, not /api/v1/models', async () => {
    const ds = await createModel(hub, alice, { name: 'Reviews', kind: 'dataset' });
    expect(ds).toMatchObject({ id: `${alice.username}/Reviews`, kind: 'dataset', visibility: 'public' });
    expect(ds.sha).toMatch(/^[0-9a-f]{40}$/);
    const got = await hub.http().get(`/api/v1/datasets/${alice.username}/reviews`).expect(200);
    expect(got.body).toMatchObject({ id: ds.id, kind: 'dataset', sha: ds.sha });
    const asModel = await hub.http().get(`/api/v1/models/${alice.username}/Reviews`).expect(404);
    expect(asModel.body.error).toContain(`model ${alice.username}/Reviews`);
  });

  it('creates a dataset through Hugging Face repos/create with type "dataset"; its url is under /datasets/', async () => {
    const res = await hub.http().post('/api/repos/create').set(alice.auth).send({ name: 'hf-data', type: 'dataset', private: true }).expect(200);
    expect(res.body).toEqual({
      url: expect.stringMatching(new RegExp(`^http://127\\.0\\.0\\.1:\\d+/datasets/${alice.username}/hf-data$`)),
      id: expect.any(String),
      name: `${alice.username}/hf-data`,
    });
    const again = await hub.http().post('/api/repos/create').set(alice.auth).send({ name: 'HF-DATA', type: 'dataset' }).expect(409);
    expect(again.body).toMatchObject({ code: 'dataset_exists', url: expect.stringMatching(new RegExp(`/datasets/${alice.username}/hf-data$`)) });
    const got = await hub.http().get(`/api/v1/datasets/${alice.username}/hf-data`).set(alice.auth).expect(200);
    expect(got.body).toMatchObject({ kind: 'dataset', private: true });
    await hub.http().get(`/api/v1/datasets/${alice.username}/hf-data`).expect(404);
    const space = await hub.http().post('/api/repos/create').set(alice.auth).send({ name: 'a-space', type: 'space' }).expect(400);
    expect(space.body.code).toBe('unsupported_repo_type');
  });

  it('lets the same name exist as a model and as a dataset, two repositories', async () => {
    const org = await createOrg(hub, alice);
    const model = await createModel(hub, alice, { namespace: org, name: 'twin' });
    const dataset = await createModel(hub, alice, { namespace: org, name: 'twin', kind: 'dataset' });
    expect(model.kind).toBe('model');
    expect(dataset.kind).toBe('dataset');
    expect(dataset.sha).not.toBe(model.sha);
    const m = await hub.http().get(`/api/v1/models/${org}/twin`).expect(200);
    const d = await hub.http().get(`/api/v1/datasets/${org}/twin`).expect(200);
    expect([m.body.kind, d.body.kind]).toEqual(['model', 'dataset']);
  });

  it('keeps models and datasets apart in listings (native and Hugging Face)', async () => {
    const org = await createOrg(hub, alice);
    await createModel(hub, alice, { namespace: org, name: 'only-model' });
    await createModel(hub, alice, { namespace: org, name: 'only-data', kind: 'dataset' });
    const models = await hub.http().get(`/api/v1/models?author=${org}`).expect(200);
    const datasets = await hub.http().get(`/api/v1/datasets?author=${org}`).expect(200);
    expect(models.body.items.map((i: { id: string }) => i.id)).toEqual([`${org}/only-model`]);
    expect(datasets.body.items.map((i: { id: string }) => i.id)).toEqual([`${org}/only-data`]);
    const hfModels = await hub.http().get(`/api/models?author=${org}`).expect(200);
    const hfDatasets = await hub.http().get(`/api/datasets?author=${org}`).expect(200);
    expect(hfModels.body.map((i: { id: string }) => i.id)).toEqual([`${org}/only-model`]);
    expect(hfDatasets.body.map((i: { id: string }) => i.id)).toEqual([`${org}/only-data`]);
  });

  it('versions, history, likes, download counts and proposals of a dataset go through the same services', async () => {
    const bob = await registerUser(hub);
    const ds = await createModel(hub, alice, { name: 'signals', kind: 'dataset' });
    await createModel(hub, alice, { name: 'signals' });
    const v1 = (path: string) => `/api/v1/datasets/${ds.id}${path}`;
    const committed = await hub
      .http()
      .post(v1('/commits'))
      .set(alice.auth)
      .send({ summary: 'rows', operations: [{ op: 'put', path: 'data/rows.csv', contentBase64: Buffer.from('a,b\n1,2\n').toString('base64') }] })
      .expect(201);
    // Versions are the dataset's own; the model of the same name has none.
    const version = await hub.http().post(v1('/versions')).set(alice.auth).send({ name: 'v1.0.0', revision: 'main' }).expect(201);
    expect(version.body).toMatchObject({ name: 'v1.0.0', commitId: committed.body.commitId });
    expect((await hub.http().get(`/api/v1/models/${ds.id}/versions`).expect(200)).body).toEqual([]);
    const history = await hub.http().get(v1('/commits')).expect(200);
    expect(JSON.stringify(history.body)).toContain(committed.body.commitId);
    // Likes (native and Hugging Face) count on the dataset, and a user's likes say its type.
    await hub.http().post(v1('/like')).set(bob.auth).expect(200);
    await hub.http().post(`/api/datasets/${ds.id}/like`).set(alice.auth).expect(200);
    expect((await hub.http().get(v1('')).expect(200)).body.likes).toBe(2);
    expect((await hub.http().get(`/api/v1/models/${ds.id}`).expect(200)).body.likes).toBe(0);
    const liked = await hub.http().get(`/api/users/${bob.username}/likes`).expect(200);
    expect(liked.body.map((l: { repo: unknown }) => l.repo)).toEqual([{ name: ds.id, type: 'dataset' }]);
    // Downloads through resolve count once per user per day, on the dataset only.
    await hub.http().get(`/datasets/${ds.id}/resolve/main/data/rows.csv`).set(bob.auth).expect(200);
    await hub.http().get(`/datasets/${ds.id}/resolve/v1.0.0/data/rows.csv`).set(bob.auth).expect(200);
    expect((await hub.http().get(v1('')).expect(200)).body.downloads).toBe(1);
    expect((await hub.http().get(`/api/datasets/${ds.id}`).expect(200)).body.downloads).toBe(1);
    expect((await hub.http().get(`/api/v1/models/${ds.id}`).expect(200)).body.downloads).toBe(0);
    const days = await hub.http().get(v1('/downloads')).expect(200);
    expect(JSON.stringify(days.body)).toContain('"downloads":1');
    // A pull request (huggingface_hub's create_pr=1) becomes a proposal of the dataset.
    const pr = await hub
      .http()
      .post(`/api/datasets/${ds.id}/commit/main?create_pr=1`)
      .set(bob.auth)
      .set('Content-Type', 'application/x-ndjson')
      .send(
        [
          { key: 'header', value: { summary: 'Fix a row' } },
          { key: 'file', value: { path: 'data/rows.csv', content: Buffer.from('a,b\n1,3\n').toString('base64'), encoding: 'base64' } },
        ]
          .map((l) => JSON.stringify(l))
          .join('\n'),
      )
      .expect(200);
    expect(pr.body.pullRequestUrl).toMatch(new RegExp(`/datasets/${ds.id}/discussions/1$`));
    const proposals = await hub.http().get(v1('/proposals')).set(alice.auth).expect(200);
    expect(JSON.stringify(proposals.body)).toContain('Fix a row');
    expect(JSON.stringify((await hub.http().get(`/api/v1/models/${ds.id}/proposals`).set(alice.auth).expect(200)).body)).not.toContain('Fix a row');
  });

  it('OpenAPI documents both prefixes with unique operation ids', async () => {
    const doc = (await hub.http().get('/openapi.json').expect(200)).body as { paths: Record<string, Record<string, { operationId: string }>> };
    for (const path of [
      '/api/v1/datasets',
      '/api/v1/datasets/{namespace}/{name}',
      '/api/datasets',
      '/api/datasets/{ns}/{name}',
      '/datasets/{ns}/{name}/resolve/{rev}/{path}',
    ]) {
      expect(doc.paths).toHaveProperty([path]);
    }
    const ids = Object.values(doc.paths).flatMap((ops) => Object.values(ops).map((op) => op.operationId));
    expect(ids.length).toBeGreaterThan(100);
    expect(ids.filter((id, i) => ids.indexOf(id) !== i)).toEqual([]);
  });

  it('reserves datasets, models and spaces as namespace names', async () => {
    for (const name of ['datasets', 'models', 'spaces']) {
      const res = await hub.http().post('/api/v1/orgs').set(alice.auth).send({ name, kind: 'community' });
      expect(res.status).toBe(400);
    }
  });
});
