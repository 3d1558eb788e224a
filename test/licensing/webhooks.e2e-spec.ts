import { commit, put } from '../registry/commits-support';
import { createOrg, registerUser, type TestUser } from '../support/factories';
import { createModel } from '../support/models';
import { startTestHub, type TestHub } from '../support/test-hub';
import { eventually, grantTo, publishOffer, restartHub, sleep, uniqueName } from './licensing-support';
import { ENV, SECRET, startReceiver, verify } from './webhook-receiver';

describe('organization webhooks', () => {
  let hub: TestHub;
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  let owner: TestUser;
  let member: TestUser;
  let licenseeAdmin: TestUser;
  let publisher: string;
  let licensee: string;
  let publisherHook: string;
  let licenseeHook: string;

  beforeAll(async () => {
    receiver = await startReceiver();
    hub = await startTestHub({ env: ENV });
    [owner, member, licenseeAdmin] = await Promise.all([
      registerUser(hub, uniqueName('owner')),
      registerUser(hub, uniqueName('member')),
      registerUser(hub, uniqueName('lic')),
    ]);
    publisher = await createOrg(hub, owner, uniqueName('pub'), [{ user: member, role: 'member' }]);
    licensee = await createOrg(hub, licenseeAdmin, uniqueName('lic'));
  });
  afterAll(async () => {
    await hub.close();
    await receiver.close();
  });

  const hooks = (org: string) => `/api/v1/orgs/${org}/webhooks`;
  const deliveries = async (org: string, id: string, as: TestUser) =>
    (
      await hub
        .http()
        .get(`${hooks(org)}/${id}/deliveries`)
        .set(as.auth)
        .expect(200)
    ).body as {
      id: string;
      event: string;
      status: string;
      attempts: number;
      lastStatusCode: number;
      attemptLog: { statusCode: number }[];
      payload: { event: string; data: Record<string, unknown> };
    }[];
  const receivedFor = (event: string, path = '/ok') => receiver.received.filter((r) => r.headers['x-hub-event'] === event && r.path === path);

  it('admins create, list and delete webhooks; members cannot; bad input is a 400', async () => {
    const created = await hub
      .http()
      .post(hooks(publisher))
      .set(owner.auth)
      .send({ url: `${receiver.base}/ok`, events: ['model.created', 'version.published', 'license.requested', 'license.approved'], secret: SECRET })
      .expect(201);
    publisherHook = created.body.id;
    expect(created.body).toMatchObject({
      org: publisher,
      url: `${receiver.base}/ok`,
      secret: SECRET,
      events: ['model.created', 'version.published', 'license.requested', 'license.approved'],
    });
    const listed = await hub.http().get(hooks(publisher)).set(owner.auth).expect(200);
    expect(listed.body).toEqual([expect.objectContaining({ id: publisherHook })]);
    expect(listed.body[0].secret).toBeUndefined();
    await hub.http().get(hooks(publisher)).set(member.auth).expect(403);
    await hub
      .http()
      .post(hooks(publisher))
      .set(member.auth)
      .send({ url: `${receiver.base}/ok`, events: ['model.created'] })
      .expect(403);
    const badEvent = await hub
      .http()
      .post(hooks(publisher))
      .set(owner.auth)
      .send({ url: `${receiver.base}/ok`, events: ['model.deleted'] })
      .expect(400);
    expect(badEvent.body.error).toContain('each event must be one of');
    const badUrl = await hub
      .http()
      .post(hooks(publisher))
      .set(owner.auth)
      .send({ url: 'ftp://example.org/x', events: ['model.created'] })
      .expect(400);
    expect(badUrl.body.code).toBe('invalid_webhook_url');
    const generated = await hub
      .http()
      .post(hooks(publisher))
      .set(owner.auth)
      .send({ url: `${receiver.base}/ok`, events: ['model.created'] })
      .expect(201);
    expect(generated.body.secret).toMatch(/^whsec_/);
    await hub
      .http()
      .delete(`${hooks(publisher)}/${generated.body.id}`)
      .set(owner.auth)
      .expect(204);
    await hub
      .http()
      .delete(`${hooks(publisher)}/${generated.body.id}`)
      .set(owner.auth)
      .expect(404);
  });

  it('model.created and version.published arrive signed, with event, delivery id and timestamp headers', async () => {
    const model = await createModel(hub, owner, { namespace: publisher, name: 'hooked' });
    const [created] = await eventually(async () => (receivedFor('model.created').length ? receivedFor('model.created') : null), 20_000, 'model.created');
    expect(verify(created)).toBe(true);
    expect(verify(created, 'wrong-secret-wrong-secret')).toBe(false);
    expect(created.headers['content-type']).toBe('application/json');
    expect(JSON.parse(created.body)).toMatchObject({
      event: 'model.created',
      occurredAt: expect.any(String),
      data: { model: model.id, visibility: 'public', createdBy: owner.username },
    });
    // The receiver answers before the dispatcher records the outcome, so the log catches up a moment later.
    const logged = await eventually(
      async () => (await deliveries(publisher, publisherHook, owner)).find((d) => d.id === created.headers['x-hub-delivery'] && d.status !== 'pending') ?? null,
      10_000,
      'model.created delivery recorded',
    );
    expect(logged).toMatchObject({ id: created.headers['x-hub-delivery'], event: 'model.created', status: 'delivered', attempts: 1, lastStatusCode: 200 });

    await commit(hub, owner, model.id, [put('README.md', '# hooked\n')]);
    await hub.http().post(`/api/v1/models/${model.id}/versions`).set(owner.auth).send({ name: 'v1.0.0', revision: 'main', notes: 'First' }).expect(201);
    const [version] = await eventually(
      async () => (receivedFor('version.published').length ? receivedFor('version.published') : null),
      20_000,
      'version.published',
    );
    expect(verify(version)).toBe(true);
    expect(JSON.parse(version.body).data).toMatchObject({ model: model.id, version: { name: 'v1.0.0', notes: 'First' } });
  });

  it('licence events reach both sides; a failing receiver is retried with backoff until it answers', async () => {
    const hook = await hub
      .http()
      .post(hooks(licensee))
      .set(licenseeAdmin.auth)
      .send({ url: `${receiver.base}/flaky`, events: ['license.approved', 'license.rejected', 'grant.revoked'], secret: SECRET })
      .expect(201);
    licenseeHook = hook.body.id;
    const down = await hub
      .http()
      .post(hooks(publisher))
      .set(owner.auth)
      .send({ url: `${receiver.base}/down`, events: ['grant.revoked'], secret: SECRET })
      .expect(201);
    const { id: modelId } = await createModel(hub, owner, { namespace: publisher, name: 'licensed' });
    const offer = await publishOffer(hub, owner, modelId);
    const { requestId, grantId } = await grantTo(hub, licenseeAdmin, licensee, offer.id, owner);

    const [requested] = await eventually(
      async () => (receivedFor('license.requested').length ? receivedFor('license.requested') : null),
      20_000,
      'license.requested',
    );
    expect(verify(requested)).toBe(true);
    expect(JSON.parse(requested.body).data).toMatchObject({
      model: modelId,
      request: { id: requestId, status: 'pending', grantee: { type: 'org', name: licensee } },
    });
    const [approvedPub] = await eventually(
      async () => (receivedFor('license.approved').length ? receivedFor('license.approved') : null),
      20_000,
      'license.approved',
    );
    expect(JSON.parse(approvedPub.body).data).toMatchObject({ grant: { id: grantId, status: 'active' } });

    // The licensee's receiver fails twice, then accepts: three attempts of one delivery.
    const attempts = await eventually(
      async () => {
        const got = receivedFor('license.approved', '/flaky');
        return got.length >= 3 && got;
      },
      30_000,
      'three attempts',
    );
    expect(attempts.map((a) => a.answered)).toEqual([500, 500, 200]);
    expect(new Set(attempts.map((a) => a.headers['x-hub-delivery'])).size).toBe(1);
    expect(new Set(attempts.map((a) => a.body)).size).toBe(1);
    for (const a of attempts) expect(verify(a)).toBe(true);
    const [logged] = await eventually(
      async () => {
        const list = await deliveries(licensee, licenseeHook, licenseeAdmin);
        return list[0]?.status === 'delivered' && list;
      },
      20_000,
      'delivered',
    );
    expect(logged).toMatchObject({ event: 'license.approved', attempts: 3, lastStatusCode: 200 });
    expect(logged.attemptLog.map((a) => a.statusCode)).toEqual([500, 500, 200]);

    // A receiver that never answers 2xx: given up after WEBHOOK_MAX_ATTEMPTS, logged as failed.
    await hub.http().post(`/api/v1/grants/${grantId}/revoke`).set(owner.auth).send({ reason: 'test' }).expect(200);
    const [failed] = await eventually(
      async () => {
        const list = await deliveries(publisher, down.body.id, owner);
        return list[0]?.status === 'failed' && list;
      },
      30_000,
      'failed delivery',
    );
    expect(failed).toMatchObject({ event: 'grant.revoked', attempts: 3, lastStatusCode: 500 });
    expect(receivedFor('grant.revoked', '/down')).toHaveLength(3);
    // The licensee hears of the revocation too (after its receiver's two failures).
    await eventually(async () => receivedFor('grant.revoked', '/flaky').some((r) => r.answered === 200), 30_000, 'grant.revoked at the licensee');
  });
});

describe('webhook deliveries survive a restart', () => {
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  let first: TestHub | undefined;
  let second: TestHub | undefined;

  beforeAll(async () => {
    receiver = await startReceiver();
  });
  afterAll(async () => {
    await first?.close();
    await second?.close();
    await receiver.close();
  });

  it('a delivery pending when the hub stops is delivered by the next start on the same database', async () => {
    // This process runs no workers: the delivery is queued in PostgreSQL and stays there.
    first = await startTestHub({ env: { ...ENV, JOBS_ENABLED: 'false' } });
    const owner = await registerUser(first, uniqueName('owner'));
    const org = await createOrg(first, owner, uniqueName('org'));
    const hook = await first
      .http()
      .post(`/api/v1/orgs/${org}/webhooks`)
      .set(owner.auth)
      .send({ url: `${receiver.base}/ok`, events: ['model.created'], secret: SECRET })
      .expect(201);
    const model = await createModel(first, owner, { namespace: org, name: 'survivor' });
    await sleep(1500);
    expect(receiver.received).toEqual([]);
    const pending = await first.http().get(`/api/v1/orgs/${org}/webhooks/${hook.body.id}/deliveries`).set(owner.auth).expect(200);
    expect(pending.body).toEqual([expect.objectContaining({ status: 'pending', attempts: 0 })]);
    const stopped = first;
    await first.close();
    first = undefined;

    // The same database, a new process: its worker finds the queued job.
    second = await restartHub(stopped, ENV);
    const [got] = await eventually(async () => (receiver.received.length ? receiver.received : null), 20_000, 'delivery after restart');
    expect(got.headers['x-hub-delivery']).toBe(pending.body[0].id);
    expect(verify(got)).toBe(true);
    expect(JSON.parse(got.body).data).toMatchObject({ model: model.id });
    const after = await second.http().get(`/api/v1/orgs/${org}/webhooks/${hook.body.id}/deliveries`).set(owner.auth).expect(200);
    expect(after.body).toEqual([expect.objectContaining({ status: 'delivered', attempts: 1 })]);
  });
});
