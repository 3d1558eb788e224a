import { createOrg, registerUser, type TestUser } from '../support/factories';
import { createModel } from '../support/models';
import { startTestHub, type TestHub } from '../support/test-hub';
import { eventually, uniqueName } from './licensing-support';
import { createWebhook, ENV, startReceiver, verify } from './webhook-receiver';

interface Delivery {
  id: string;
  event: string;
  status: string;
  attempts: number;
  lastStatusCode: number | null;
  payload: unknown;
  redelivery: boolean;
  redeliveryOf: string | null;
}

describe('webhook redelivery', () => {
  let hub: TestHub;
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  let owner: TestUser;
  let member: TestUser;
  let org: string;

  beforeAll(async () => {
    receiver = await startReceiver();
    hub = await startTestHub({ env: ENV });
    [owner, member] = await Promise.all([registerUser(hub, uniqueName('owner')), registerUser(hub, uniqueName('member'))]);
    org = await createOrg(hub, owner, uniqueName('pub'), [{ user: member, role: 'member' }]);
  });
  afterAll(async () => {
    await hub.close();
    await receiver.close();
  });

  const path = (hook: string, rest = '') => `/api/v1/orgs/${org}/webhooks/${hook}/deliveries${rest}`;
  const list = async (hook: string) => (await hub.http().get(path(hook)).set(owner.auth).expect(200)).body as Delivery[];

  it('a settled delivery is sent again as a new delivery of the same body, marked as a redelivery', async () => {
    const hook = await createWebhook(hub, owner, org, `${receiver.base}/switch`);
    const model = await createModel(hub, owner, { namespace: org, name: 'redelivered' });

    // Still being retried: a redelivery now would send it twice at once.
    const [pending] = await eventually(async () => {
      const got = await list(hook);
      return got.length > 0 && got;
    }, 20_000);
    expect(pending.status).toBe('pending');
    const early = await hub
      .http()
      .post(path(hook, `/${pending.id}/redeliver`))
      .set(owner.auth)
      .expect(409);
    expect(early.body.code).toBe('delivery_pending');

    // The receiver answers 500 until it is switched on: the delivery fails after WEBHOOK_MAX_ATTEMPTS.
    const failed = await eventually(async () => (await list(hook)).find((d) => d.id === pending.id && d.status === 'failed'), 30_000, 'failed');
    expect(failed).toMatchObject({ attempts: 3, lastStatusCode: 500, redelivery: false, redeliveryOf: null });

    receiver.switchOn = true;
    const again = await hub
      .http()
      .post(path(hook, `/${pending.id}/redeliver`))
      .set(owner.auth)
      .expect(201);
    expect(again.body).toMatchObject({ event: 'model.created', status: 'pending', attempts: 0, redelivery: true, redeliveryOf: pending.id });
    expect(again.body.id).not.toBe(pending.id);
    expect(again.body.payload).toEqual(failed.payload);

    const got = await eventually(async () => receiver.received.find((r) => r.headers['x-hub-delivery'] === again.body.id), 20_000, 'redelivery received');
    expect(got.answered).toBe(200);
    expect(verify(got)).toBe(true);
    const original = receiver.received.find((r) => r.headers['x-hub-delivery'] === pending.id)!;
    expect(got.body).toBe(original.body);
    expect(JSON.parse(got.body)).toMatchObject({ event: 'model.created', data: { model: model.id } });

    // Newest first: the redelivery delivered, the original's log untouched.
    const after = await eventually(async () => {
      const all = await list(hook);
      return all[0]?.status === 'delivered' && all;
    }, 10_000);
    expect(after.map((d) => [d.id, d.status, d.attempts, d.redeliveryOf])).toEqual([
      [again.body.id, 'delivered', 1, pending.id],
      [pending.id, 'failed', 3, null],
    ]);
  });

  it('only admins redeliver, and only deliveries of that webhook', async () => {
    const a = await createWebhook(hub, owner, org, `${receiver.base}/ok`);
    const b = await createWebhook(hub, owner, org, `${receiver.base}/ok`);
    await createModel(hub, owner, { namespace: org, name: 'two-hooks' });
    const delivered = await eventually(async () => (await list(a)).find((d) => d.status === 'delivered'), 20_000, 'delivered');

    await hub
      .http()
      .post(path(a, `/${delivered.id}/redeliver`))
      .set(member.auth)
      .expect(403);
    const other = await hub
      .http()
      .post(path(b, `/${delivered.id}/redeliver`))
      .set(owner.auth)
      .expect(404);
    expect(other.body.code).toBe('delivery_not_found');
    const bad = await hub.http().post(path(a, '/not-a-uuid/redeliver')).set(owner.auth).expect(400);
    expect(bad.body.error).toContain('deliveryId must be a UUID');
    await hub
      .http()
      .post(path(a, `/${delivered.id}/redeliver`))
      .set(owner.auth)
      .expect(201);
  });
});
