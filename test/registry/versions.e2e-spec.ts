import { registerUser, type TestUser } from '../support/factories';
import { createModel } from '../support/models';
import { startTestHub, type TestHub } from '../support/test-hub';
import { commit, put } from './commits-support';

describe('versions (immutable tags)', () => {
  let hub: TestHub;
  let alice: TestUser;
  beforeAll(async () => {
    hub = await startTestHub();
    alice = await registerUser(hub);
  });
  afterAll(() => hub.close());

  const versions = (repo: string) => `/api/v1/models/${repo}/versions`;
  const create = (repo: string, body: Record<string, unknown>, user: { auth: Record<string, string> } = alice) =>
    hub.http().post(versions(repo)).set(user.auth).send(body);

  it('creates a version of a revision, with notes and status; reads and lists it', async () => {
    const m = await createModel(hub, alice);
    const c1 = await commit(hub, alice, m.id, [put('a.txt', '1')]);
    const res = await create(m.id, { name: 'v1.0.0', revision: 'main', notes: 'First release' }).expect(201);
    expect(res.body).toEqual({
      name: 'v1.0.0',
      commitId: c1,
      notes: 'First release',
      status: 'active',
      deprecationMessage: null,
      createdBy: alice.username,
      createdAt: expect.any(String),
      deprecatedAt: null,
    });
    expect(
      (
        await hub
          .http()
          .get(`${versions(m.id)}/v1.0.0`)
          .expect(200)
      ).body,
    ).toEqual(res.body);
    // Without a revision: the head of main.
    const c2 = await commit(hub, alice, m.id, [put('a.txt', '2')]);
    expect((await create(m.id, { name: '1.1' }).expect(201)).body.commitId).toBe(c2);
    const list = await hub.http().get(versions(m.id)).expect(200);
    expect(list.body.map((v: { name: string }) => v.name)).toEqual(['1.1', 'v1.0.0']);
    const missing = await hub
      .http()
      .get(`${versions(m.id)}/v9`)
      .expect(404);
    expect(missing.body.code).toBe('version_not_found');
  });

  it('never moves: creating an existing name is 409 version_exists, and the version keeps its commit', async () => {
    const m = await createModel(hub, alice);
    const c1 = await commit(hub, alice, m.id, [put('a.txt', '1')]);
    await create(m.id, { name: 'v1' }).expect(201);
    await commit(hub, alice, m.id, [put('a.txt', '2')]);
    const again = await create(m.id, { name: 'v1' }).expect(409);
    expect(again.body.code).toBe('version_exists');
    expect(
      (
        await hub
          .http()
          .get(`${versions(m.id)}/v1`)
          .expect(200)
      ).body.commitId,
    ).toBe(c1);
    // Concurrent creations of one name: exactly one wins.
    const results = await Promise.all([create(m.id, { name: 'v2' }), create(m.id, { name: 'v2' }), create(m.id, { name: 'v2' })]);
    expect(results.map((r) => r.status).sort()).toEqual([201, 409, 409]);
  });

  it('cannot be deleted: 409 version_immutable telling to deprecate', async () => {
    const m = await createModel(hub, alice);
    await create(m.id, { name: 'v1' }).expect(201);
    const res = await hub
      .http()
      .delete(`${versions(m.id)}/v1`)
      .set(alice.auth)
      .expect(409);
    expect(res.body.code).toBe('version_immutable');
    expect(res.body.error).toContain('deprecate');
    await hub
      .http()
      .get(`${versions(m.id)}/v1`)
      .expect(200);
    await hub
      .http()
      .delete(`${versions(m.id)}/v1`)
      .expect(401);
  });

  it('deprecates with a message; deprecated versions still resolve', async () => {
    const m = await createModel(hub, alice);
    const c1 = await commit(hub, alice, m.id, [put('a.txt', '1')]);
    await create(m.id, { name: 'v1' }).expect(201);
    const res = await hub
      .http()
      .post(`${versions(m.id)}/v1/deprecate`)
      .set(alice.auth)
      .send({ message: 'Use v2' })
      .expect(200);
    expect(res.body).toMatchObject({ name: 'v1', status: 'deprecated', deprecationMessage: 'Use v2', deprecatedAt: expect.any(String), commitId: c1 });
    const files = await hub.http().get(`/api/v1/models/${m.id}/files`).query({ revision: 'v1' }).expect(200);
    expect(files.body.commitId).toBe(c1);
    await hub
      .http()
      .post(`${versions(m.id)}/v1/deprecate`)
      .set(alice.auth)
      .send({})
      .expect(400);
    await hub
      .http()
      .post(`${versions(m.id)}/nope/deprecate`)
      .set(alice.auth)
      .send({ message: 'x' })
      .expect(404);
  });

  it('latest is the highest semver that is not deprecated, else the newest', async () => {
    const m = await createModel(hub, alice);
    const latest = async () =>
      (
        await hub
          .http()
          .get(`${versions(m.id)}/latest`)
          .expect(200)
      ).body.name;
    const none = await hub
      .http()
      .get(`${versions(m.id)}/latest`)
      .expect(404);
    expect(none.body.code).toBe('no_versions');
    await create(m.id, { name: 'nightly' }).expect(201);
    expect(await latest()).toBe('nightly');
    await create(m.id, { name: 'v1.10.0' }).expect(201);
    await create(m.id, { name: 'v2.0.0-rc.1' }).expect(201);
    await create(m.id, { name: 'v1.9' }).expect(201);
    await create(m.id, { name: 'release-2024' }).expect(201);
    expect(await latest()).toBe('v2.0.0-rc.1');
    await hub
      .http()
      .post(`${versions(m.id)}/v2.0.0-rc.1/deprecate`)
      .set(alice.auth)
      .send({ message: 'broken' })
      .expect(200);
    expect(await latest()).toBe('v1.10.0');
    await hub
      .http()
      .post(`${versions(m.id)}/v1.10.0/deprecate`)
      .set(alice.auth)
      .send({ message: 'broken' })
      .expect(200);
    expect(await latest()).toBe('v1.9');
    await hub
      .http()
      .post(`${versions(m.id)}/v1.9/deprecate`)
      .set(alice.auth)
      .send({ message: 'old' })
      .expect(200);
    // No active semver version left: the newest active one.
    expect(await latest()).toBe('release-2024');
  });

  it.each(['latest', 'has space', 'a..b', 'HEAD', 'x~1', 'refs/tags/v1'])('refuses the version name %j', async (name) => {
    const m = await createModel(hub, alice);
    const res = await create(m.id, { name }).expect(400);
    expect(res.body.code).toBe('invalid_version_name');
  });

  it('refuses a version named like a branch, and an unknown revision', async () => {
    const m = await createModel(hub, alice);
    const res = await create(m.id, { name: 'main' }).expect(409);
    expect(res.body.code).toBe('ref_exists');
    const rev = await create(m.id, { name: 'v1', revision: 'nope' }).expect(404);
    expect(rev.headers['x-error-code']).toBe('RevisionNotFound');
  });

  it('needs write access to create and deprecate', async () => {
    const m = await createModel(hub, alice);
    const mallory = await registerUser(hub);
    await create(m.id, { name: 'v1' }, mallory).expect(403);
    await hub.http().post(versions(m.id)).send({ name: 'v1' }).expect(401);
    await create(m.id, { name: 'v1' }).expect(201);
    await hub
      .http()
      .post(`${versions(m.id)}/v1/deprecate`)
      .set(mallory.auth)
      .send({ message: 'x' })
      .expect(403);
    await hub
      .http()
      .delete(`${versions(m.id)}/v1`)
      .set(mallory.auth)
      .expect(403);
  });
});
