/** @jest-environment ./test/inference/onnx-environment.js */
import { commit, put } from '../registry/commits-support';
import { createOrg, registerUser } from '../support/factories';
import { createModel } from '../support/models';
import { startTestHub, type TestHub } from '../support/test-hub';
import { grantTo, publishOffer, twoOrganizations, uniqueName } from '../licensing/licensing-support';
import { deploy, onnx, tinyGraph } from './inference-support';

const callBody = {
  inputs: [
    { name: 'x', shape: [1, 3], datatype: 'FP32', data: [1, 2, 3] },
    { name: 'y', shape: [1, 3], datatype: 'FP32', data: [10, 20, 30] },
  ],
};

const inferenceOffer = {
  kind: 'custom',
  title: 'Hosted calls',
  terms: '# Hosted calls\n\nYou may call the model through the hub.',
  rights: ['inference'],
  seats: 1,
  quota: { callsPerDay: 5 },
  price: { amount: '0.0125', currency: 'EUR', period: 'per-call' },
  approval: 'manual',
  questions: [{ id: 'use-case', text: 'What will you use the model for?' }],
};
const downloadOffer = { kind: 'custom', title: 'Files', terms: '# Files', approval: 'manual', questions: [{ id: 'use-case', text: 'Use?' }] };

/**
 * Calls are licensed by the same decision as downloads: an inference-only grant lets its
 * organization call and never download; a download grant alone does not allow calls; quotas,
 * seats, revocation and the usage report with the amount owed.
 */
describe('licensing of hosted calls', () => {
  let hub: TestHub;
  let parties: Awaited<ReturnType<typeof twoOrganizations>>;
  let repo: string;
  let infer: string;
  let inferenceGrant: string;

  beforeAll(async () => {
    hub = await startTestHub();
    parties = await twoOrganizations(hub);
    const { id, namespace, name } = await createModel(hub, parties.owner, { namespace: parties.publisher, name: uniqueName('adder') });
    repo = `${namespace}/${name}`;
    infer = `/v2/models/${namespace}--${name}/infer`;
    await commit(hub, parties.owner, id, [put('model.onnx', tinyGraph('Add', onnx.TensorProto.DataType.FLOAT, { binary: true }))]);
    await hub.http().post(`/api/v1/models/${repo}/versions`).set(parties.owner.auth).send({ name: 'v1' }).expect(201);
    await deploy(hub, parties.owner, repo, { version: 'v1', backend: 'embedded' });
    const offer = await publishOffer(hub, parties.owner, id, inferenceOffer);
    ({ grantId: inferenceGrant } = await grantTo(hub, parties.licenseeAdmin, parties.licensee, offer.id, parties.owner));
  }, 120_000);
  afterAll(() => hub?.close());

  it('an inference-only grant: its organization calls (with the quota headers), and cannot download', async () => {
    const res = await hub.http().post(infer).set(parties.licenseeMember.auth).send(callBody).expect(200);
    expect(res.body.outputs[0]).toMatchObject({ name: 'z', datatype: 'FP32', shape: [1, 3], data: [11, 22, 33] });
    expect(res.headers['x-ratelimit-limit']).toBe('5');
    expect(res.headers['x-ratelimit-remaining']).toBe('4');
    // A bad tensor is the caller's error: counted, recorded as an error, not charged.
    const bad = await hub
      .http()
      .post(infer)
      .set(parties.licenseeMember.auth)
      .send({ inputs: [{ ...callBody.inputs[0], shape: [1, 4] }, callBody.inputs[1]] });
    expect(bad.status).toBe(400);
    expect(bad.headers['x-ratelimit-remaining']).toBe('3');
    expect(Number(res.headers['x-ratelimit-reset'])).toBeGreaterThan(0);
    const download = await hub.http().get(`/${repo}/resolve/main/model.onnx`).set(parties.licenseeMember.auth);
    expect(download.status).toBe(403);
    expect(download.body.error).toContain(`Your licence grant ${inferenceGrant} allows hosted inference only`);
  });

  it('refuses calls to outsiders and anonymous callers', async () => {
    expect((await hub.http().post(infer).set(parties.outsider.auth).send(callBody)).status).toBe(403);
    expect((await hub.http().post(infer).send(callBody)).status).toBe(401);
  });

  it('seats: the grant with 1 seat serves one user, the next gets 403 seat_limit naming the grant', async () => {
    const res = await hub.http().post(infer).set(parties.licenseeMember2.auth).send(callBody);
    expect(res.status).toBe(403);
    expect(res.body.code).toBe('seat_limit');
    expect(res.body.error).toContain(inferenceGrant);
  });

  it('quota: past calls per day, 429 with Retry-After and X-RateLimit-* headers', async () => {
    const statuses: number[] = [];
    let last;
    for (let i = 0; i < 4; i++) {
      last = await hub.http().post(infer).set(parties.licenseeMember.auth).send(callBody);
      statuses.push(last.status);
    }
    // Two calls were made in the first test: 3 more are allowed, the 4th is refused.
    expect(statuses).toEqual([200, 200, 200, 429]);
    expect(last!.body.code).toBe('quota_exceeded');
    expect(Number(last!.headers['retry-after'])).toBeGreaterThan(0);
    expect(last!.headers['x-ratelimit-limit']).toBe('5');
    expect(last!.headers['x-ratelimit-remaining']).toBe('0');
  });

  it('a download-only grant does not allow calls', async () => {
    const other = await registerUser(hub, uniqueName('dl').replace(/-/g, '_'));
    const org = await createOrg(hub, other, uniqueName('downloader'));
    const model = await hub.http().get(`/api/v1/models/${repo}`).expect(200);
    const offer = await publishOffer(hub, parties.owner, model.body.id as string, downloadOffer);
    await grantTo(hub, other, org, offer.id, parties.owner);
    await hub.http().get(`/${repo}/resolve/main/model.onnx`).set(other.auth).expect(200);
    const res = await hub.http().post(infer).set(other.auth).send(callBody);
    expect(res.status).toBe(403);
    expect(res.body.error).toContain('allows downloads only');
  });

  it('the usage report and its CSV show the calls per licensee and day, errors and the amount owed; the audit log one row per grant and hour', async () => {
    const report = await hub.http().get(`/api/v1/models/${repo}/usage`).set(parties.owner.auth).expect(200);
    const calls = report.body.calls;
    // Under the grant: 4 answered, 1 bad tensor, and the refusals it was refused under (seat 403, quota 429): every call is metered.
    expect(calls).toMatchObject({ total: 7, errors: 3 });
    expect(calls.perDay).toHaveLength(1);
    expect(calls.perDay[0]).toMatchObject({ licensee: { type: 'org', name: parties.licensee }, calls: 7, errors: 3 });
    expect(calls.perDay[0].p95Ms).toBeGreaterThanOrEqual(calls.perDay[0].p50Ms);
    expect(calls.owed).toEqual([
      { month: new Date().toISOString().slice(0, 7), licensee: { type: 'org', name: parties.licensee }, calls: 4, amount: '0.0500', currency: 'EUR' },
    ]);
    const csv = await hub.http().get(`/api/v1/models/${repo}/usage?format=csv&part=calls`).set(parties.owner.auth).expect(200);
    const [header, row] = csv.text.trim().split('\r\n');
    expect(header).toBe('day,licensee_type,licensee,calls,errors,p50_ms,p95_ms,amount,currency');
    expect(row.split(',').slice(0, 5)).toEqual([new Date().toISOString().slice(0, 10), 'org', parties.licensee, '7', '3']);
    expect(row.split(',').slice(7)).toEqual(['0.0500', 'EUR']);
    const audit = await hub.http().get(`/api/v1/orgs/${parties.publisher}/audit?action=model.called`).set(parties.owner.auth).expect(200);
    expect(audit.body.items).toHaveLength(1);
    expect(audit.body.items[0]).toMatchObject({ action: 'model.called' });
    expect(JSON.stringify(audit.body.items[0])).toContain('"calls":7');
    expect(JSON.stringify(audit.body.items[0])).toContain('"errors":3');
    // The deployment's recent calls count every refusal too (outsider 403, anonymous 401, download-only grant 403): 10 calls, 6 errors.
    const [deployment] = (await hub.http().get(`/api/v1/models/${repo}/deployments`).set(parties.owner.auth).expect(200)).body;
    expect(deployment.recent).toMatchObject({ calls: 10, errors: 6 });
    expect(deployment.recent.p95Ms).toBeGreaterThanOrEqual(deployment.recent.p50Ms);
  });

  it('a revoke stops calls at once', async () => {
    await hub.http().post(`/api/v1/grants/${inferenceGrant}/revoke`).set(parties.owner.auth).send({ reason: 'contract ended' }).expect(200);
    const res = await hub.http().post(infer).set(parties.licenseeMember.auth).send(callBody);
    expect(res.status).toBe(403);
  });
});
