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

  it('reserves datasets, models and spaces as namespace names', async () => {
    for (const name of ['datasets', 'models', 'spaces']) {
      const res = await hub.http().post('/api/v1/orgs').set(alice.auth).send({ name, kind: 'community' });
      expect(res.status).toBe(400);
    }
  });
});
