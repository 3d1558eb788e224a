import { randomBytes } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { commit, postCommit, put, storeBucketBlob } from '../registry/commits-support';
import { createOrg, registerUser, type TestUser } from '../support/factories';
import { createModel, hubSql } from '../support/models';
import { startTestHub, type TestHub } from '../support/test-hub';
import { createModelWithFiles, eventually, publishOffer, requestOffer, sleep, uniqueName } from '../licensing/licensing-support';
import { type HubProcess, startProcessReplicas } from '../platform/platform-helpers';

/**
 * How a user scales out: two real hub processes (main.ts) on one PostgreSQL and one bucket.
 * Whatever either of them is asked, the outcome is the one a single process gives: concurrent
 * commits to one branch lose nothing, one licence request is approved once, each webhook event is
 * delivered once, and a housekeeping job runs once.
 */
describe('two hub processes on one database and one store', () => {
  let setup: TestHub;
  let replicas: HubProcess[] = [];
  let a: TestHub;
  let b: TestHub;
  let owner: TestUser;
  let org: string;
  let receiver: { deliveries: string[]; base: string; close(): Promise<void> };

  beforeAll(async () => {
    receiver = await startReceiver();
    // Jobs off in the test's own process: every job must be run by one of the two replicas.
    setup = await startTestHub({ env: { JOBS_ENABLED: 'false' } });
    ({
      processes: replicas,
      hubs: [a, b],
    } = await startProcessReplicas(setup, 2, { WEBHOOK_RETRY_DELAY_SECONDS: '1', WEBHOOK_ALLOWED_TARGETS: '127.0.0.1/32', BLOB_GC_GRACE_HOURS: '1' }));
    owner = await registerUser(a, uniqueName('owner'));
    org = await createOrg(b, owner, uniqueName('scale'));
  }, 180_000);
  afterAll(async () => {
    await Promise.all(replicas.map((r) => r.stop()));
    await setup?.close();
    await receiver?.close();
  });

  /** Alternates the two processes. */
  const either = (i: number) => (i % 2 ? b : a);

  it('concurrent commits to one branch through both processes keep every file', async () => {
    const model = await createModel(a, owner, { namespace: org, name: uniqueName('busy') });
    const results = await Promise.all(
      Array.from({ length: 16 }, (_, i) => postCommit(either(i), owner, model.id, [put(`part-${i}.txt`, `part ${i}\n`)], { summary: `part ${i}` })),
    );
    expect(results.map((r) => r.status)).toEqual(Array(16).fill(201));
    const files = (await b.http().get(`/api/v1/models/${model.id}/files`).query({ recursive: true, limit: 100 }).expect(200)).body.entries.map(
      (e: { path: string }) => e.path,
    );
    expect(files.filter((p: string) => p.startsWith('part-')).sort()).toEqual(Array.from({ length: 16 }, (_, i) => `part-${i}.txt`).sort());
    const history = await hubSql<{ n: number }>(
      setup,
      'SELECT count(*)::int AS n FROM commits c JOIN models m ON m.id = c.model_id JOIN namespaces n ON n.id = m.namespace_id WHERE n.name_key = lower($1) AND m.name_key = lower($2)',
      model.namespace,
      model.name,
    );
    expect(history[0].n).toBe(17); // the initial commit and the 16

    // The same expected parent from both sides: exactly one wins, the others are told why.
    const head = await commit(a, owner, model.id, [put('base.txt', 'base\n')]);
    const racing = await Promise.all(
      Array.from({ length: 6 }, (_, i) => postCommit(either(i), owner, model.id, [put('race.txt', `${i}\n`)], { parentCommit: head })),
    );
    expect(racing.map((r) => r.status).sort()).toEqual([201, 409, 409, 409, 409, 409]);
    expect(racing.find((r) => r.status === 409)!.body.code).toBe('parent_mismatch');
  });

  it('one licence request approved through both processes at once makes one grant', async () => {
    const model = await createModelWithFiles(a, owner, org);
    const offer = await publishOffer(b, owner, model.id);
    for (let round = 0; round < 3; round++) {
      const admin = await registerUser(a, uniqueName('lic'));
      const licensee = await createOrg(a, admin, uniqueName('lic'));
      const req = await requestOffer(b, admin, offer.id, { org: licensee, termsVersion: 1 }).expect(201);
      const approvals = await Promise.all([a, b, a, b].map((h) => h.http().post(`/api/v1/license-requests/${req.body.id}/approve`).set(owner.auth).send({})));
      expect(approvals.map((r) => r.status).sort()).toEqual([200, 409, 409, 409]);
      const grants = await hubSql<{ n: number }>(setup, 'SELECT count(*)::int AS n FROM license_grants WHERE request_id = $1::uuid', req.body.id);
      expect(grants[0].n).toBe(1);
    }
  });

  it('each webhook event is delivered once, whichever process raised it', async () => {
    const hook = await a
      .http()
      .post(`/api/v1/orgs/${org}/webhooks`)
      .set(owner.auth)
      .send({ url: `${receiver.base}/hook`, events: ['model.created'] });
    expect(hook.status).toBe(201);
    const names = Array.from({ length: 10 }, (_, i) => uniqueName(`hooked${i}`));
    await Promise.all(names.map((name, i) => createModel(either(i), owner, { namespace: org, name })));
    await eventually(async () => receiver.deliveries.length >= names.length, 30_000, 'ten deliveries');
    // Both workers poll the queue: give a second delivery time to show up if it were to.
    await sleep(3_000);
    expect(receiver.deliveries).toHaveLength(names.length);
    expect(new Set(receiver.deliveries).size).toBe(names.length);
    const rows = await hubSql<{ status: string; n: number }>(
      setup,
      'SELECT status::text, count(*)::int AS n FROM webhook_deliveries WHERE webhook_id = $1::uuid GROUP BY status',
      hook.body.id,
    );
    expect(rows).toEqual([{ status: 'delivered', n: names.length }]);
  });

  it('a housekeeping job asked of both processes at once runs once', async () => {
    // The first account is the platform administrator.
    const admin = (await hubSql<{ username: string }>(setup, 'SELECT username FROM users ORDER BY created_at LIMIT 1'))[0];
    expect(admin.username).toBe(owner.username);
    const model = await createModel(a, owner, { namespace: org, name: uniqueName('gc') });
    // Uploaded bytes that no commit ever referenced, past the grace period.
    const orphans = await Promise.all([1, 2, 3].map(() => storeBucketBlob(setup, model.id, randomBytes(2048))));
    const shas = orphans.map((o) => o.sha256);
    await hubSql(setup, `UPDATE blobs SET created_at = now() - interval '2 hours' WHERE sha256 = ANY($1)`, shas);
    const runs = await Promise.all([a, b].map((h) => h.http().post('/api/v1/admin/housekeeping/blobGc').set(owner.auth)));
    expect(runs.map((r) => r.status)).toEqual([200, 200]);
    const deleted = runs.map((r) => (r.body.report as { deletedBlobs: number }).deletedBlobs);
    // The blobs were collected once: by one run, the other finding nothing left (or both waited on the same run).
    const sameRun = runs[0].body.id === runs[1].body.id;
    expect(sameRun ? deleted : [...deleted].sort()).toEqual(sameRun ? [shas.length, shas.length] : [0, shas.length]);
    expect(await hubSql(setup, 'SELECT sha256 FROM blobs WHERE sha256 = ANY($1)', shas)).toEqual([]);
  });
});

/** A loopback receiver recording each delivery id it gets. */
async function startReceiver() {
  const deliveries: string[] = [];
  const server = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      deliveries.push(String(req.headers['x-hub-delivery']));
      res.writeHead(200).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { deliveries, base, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}
