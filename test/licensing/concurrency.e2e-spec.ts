import { createOrg, registerUser, type TestUser } from '../support/factories';
import { startTestHub, type TestHub } from '../support/test-hub';
import { createModelWithFiles, type GatedModel, grantTo, hubSql, publishOffer, requestOffer, uniqueName } from './licensing-support';

/**
 * Races that must have one outcome: two approvals of one request make one grant, two identical
 * requests make one pending request, and a revoke racing downloads never lets a download be
 * authorized after the revoke has committed.
 */
describe('licensing under concurrency', () => {
  let hub: TestHub;
  let owner: TestUser;
  let model: GatedModel;
  let offerId: string;

  beforeAll(async () => {
    hub = await startTestHub({ listen: true });
    owner = await registerUser(hub, uniqueName('owner'));
    const publisher = await createOrg(hub, owner, uniqueName('pub'));
    model = await createModelWithFiles(hub, owner, publisher);
    offerId = (await publishOffer(hub, owner, model.id)).id;
  });
  afterAll(() => hub.close());

  const approve = (id: string) => hub.http().post(`/api/v1/license-requests/${id}/approve`).set(owner.auth).send({});

  it('approving one request twice at once makes exactly one grant', async () => {
    for (let round = 0; round < 5; round++) {
      const admin = await registerUser(hub, uniqueName('lic'));
      const org = await createOrg(hub, admin, uniqueName('lic'));
      const req = await requestOffer(hub, admin, offerId, { org, termsVersion: 1 }).expect(201);
      const results = await Promise.all([approve(req.body.id), approve(req.body.id), approve(req.body.id)]);
      expect(results.map((r) => r.status).sort()).toEqual([200, 409, 409]);
      expect(results.find((r) => r.status === 409)!.body.code).toBe('request_not_pending');
      const grants = await hubSql<{ n: number }>(hub, `SELECT count(*)::int AS n FROM license_grants WHERE request_id = $1::uuid`, req.body.id);
      expect(grants[0].n).toBe(1);
      const audit = await hubSql<{ n: number }>(
        hub,
        `SELECT count(*)::int AS n FROM license_audit_events WHERE request_id = $1::uuid AND action = 'grant.created'`,
        req.body.id,
      );
      expect(audit[0].n).toBe(1);
    }
  });

  it('two identical requests at once make one pending request; approve and reject racing settle once', async () => {
    const admin = await registerUser(hub, uniqueName('dup'));
    const org = await createOrg(hub, admin, uniqueName('dup'));
    const results = await Promise.all([0, 1, 2, 3].map(() => requestOffer(hub, admin, offerId, { org, termsVersion: 1 })));
    expect(results.map((r) => r.status).sort()).toEqual([201, 409, 409, 409]);
    const id = results.find((r) => r.status === 201)!.body.id;
    const [a, b] = await Promise.all([approve(id), hub.http().post(`/api/v1/license-requests/${id}/reject`).set(owner.auth).send({ reason: 'no' })]);
    expect([a.status, b.status].sort()).toEqual([200, 409]);
    const rows = await hubSql<{ status: string; grants: number }>(
      hub,
      `SELECT r.status::text, (SELECT count(*)::int FROM license_grants g WHERE g.request_id = r.id) AS grants FROM license_requests r WHERE r.id = $1::uuid`,
      id,
    );
    expect(rows[0]).toEqual(a.status === 200 ? { status: 'approved', grants: 1 } : { status: 'rejected', grants: 0 });
  });

  it('a revoke racing downloads: no download is authorized after the revoke committed', async () => {
    const admin = await registerUser(hub, uniqueName('race'));
    const org = await createOrg(hub, admin, uniqueName('race'));
    const { grantId } = await grantTo(hub, admin, org, offerId, owner);
    const url = `${hub.url}/api/v1/models/${model.id}/files/${model.weightsPath}`;
    type Shot = { sentAt: number; status: number };
    const shots: Shot[] = [];
    let revokedAt = Infinity;
    let stop = false;
    // Four clients download in a loop while the revoke goes through.
    const client = async () => {
      while (!stop) {
        const sentAt = performance.now();
        const res = await fetch(url, { headers: admin.auth, redirect: 'manual' });
        await res.body?.cancel();
        shots.push({ sentAt, status: res.status });
        if (sentAt > revokedAt) stop = true;
      }
    };
    const clients = [client(), client(), client(), client()];
    await new Promise((r) => setTimeout(r, 300));
    const revoke = await hub.http().post(`/api/v1/grants/${grantId}/revoke`).set(owner.auth).send({ reason: 'race' });
    revokedAt = performance.now();
    expect(revoke.status).toBe(200);
    await Promise.all(clients);
    const after = shots.filter((s) => s.sentAt > revokedAt);
    const before = shots.filter((s) => s.status === 302);
    expect(before.length).toBeGreaterThan(0);
    expect(after.length).toBeGreaterThan(0);
    // Sent after the revoke answered: every one refused.
    expect(after.map((s) => s.status)).toEqual(after.map(() => 403));
    expect(shots.every((s) => s.status === 302 || s.status === 403)).toBe(true);
    // Every authorized download is in the audit log, and every one of them precedes the revoke.
    const [audit] = await hubSql<{ total: number; late: number }>(
      hub,
      `SELECT count(*)::int AS total, count(*) FILTER (WHERE e.at >= g.revoked_at)::int AS late
       FROM license_audit_events e JOIN license_grants g ON g.id = e.grant_id
       WHERE e.grant_id = $1::uuid AND e.action = 'file.downloaded'`,
      grantId,
    );
    expect(audit).toEqual({ total: before.length, late: 0 });
  });
});
