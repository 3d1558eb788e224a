import { randomBytes } from 'node:crypto';
import * as hf from '@huggingface/hub';
import { put, sha256, storeBucketBlob } from '../registry/commits-support';
import { createToken, type TestUser } from '../support/factories';
import { createModel, hubSql } from '../support/models';
import { startTestHub, type TestHub } from '../support/test-hub';
import { manualCommercialOffer, requestOffer, twoOrganizations } from '../licensing/licensing-support';

/**
 * A company licenses a dataset exactly as a model: the same offers, requests, grants, download
 * decision, audit and usage, on the same routes under the `datasets` prefix.
 */
describe('licensing a gated dataset', () => {
  let hub: TestHub;
  let people: Awaited<ReturnType<typeof twoOrganizations>>;
  let id: string;
  let offerId: string;
  let grantId: string;
  const parquet = Buffer.concat([Buffer.from('PAR1'), randomBytes(32 * 1024), Buffer.from('PAR1')]);
  const csv = 'id,text\n1,hello\n';
  /** Downloads made under the grant: [username, path]. */
  const downloads: [string, string][] = [];
  const resolve = (path: string) => `/datasets/${id}/resolve/main/${path}`;
  const native = (path: string) => `/api/v1/datasets/${id}/files/${path}`;
  const as = (user: TestUser | undefined, url: string) => (user ? hub.http().get(url).set(user.auth) : hub.http().get(url));

  let hookId: string;

  beforeAll(async () => {
    // Webhook deliveries record their payload when queued; the target need not answer.
    hub = await startTestHub({ listen: true, env: { WEBHOOK_ALLOWED_TARGETS: '127.0.0.1/32', WEBHOOK_MAX_ATTEMPTS: '1' } });
    people = await twoOrganizations(hub);
    const hook = await hub
      .http()
      .post(`/api/v1/orgs/${people.publisher}/webhooks`)
      .set(people.owner.auth)
      .send({ url: 'http://127.0.0.1:9/hook', events: ['model.created', 'license.requested', 'license.approved', 'grant.revoked'] })
      .expect(201);
    hookId = hook.body.id;
    ({ id } = await createModel(hub, people.owner, { namespace: people.publisher, name: 'support-tickets', kind: 'dataset' }));
    const blob = await storeBucketBlob(hub, id, parquet);
    await hub
      .http()
      .post(`/api/v1/datasets/${id}/commits`)
      .set(people.owner.auth)
      .send({
        summary: 'data',
        operations: [
          { op: 'lfs', path: 'data/train.parquet', sha256: blob.sha256, size: blob.size },
          put('data/train.csv', csv),
          put('README.md', '---\nlicense: other\n---\n# Tickets\n'),
        ],
      })
      .expect(201);
    // A model of the same name, which the dataset's offer does not touch.
    await createModel(hub, people.owner, { namespace: people.publisher, name: 'support-tickets' });
  });
  afterAll(() => hub.close());

  it('an offer on the dataset gates it; the model of the same name stays open', async () => {
    const res = await hub.http().post(`/api/v1/datasets/${id}/offers`).set(people.owner.auth).send(manualCommercialOffer).expect(201);
    offerId = res.body.id;
    expect(res.body).toMatchObject({ model: id, repoKind: 'dataset', approval: 'manual', status: 'active' });
    expect((await hub.http().get(`/api/v1/datasets/${id}`).expect(200)).body).toMatchObject({ kind: 'dataset', visibility: 'gated', gated: 'manual' });
    expect((await hub.http().get(`/api/datasets/${id}`).expect(200)).body.gated).toBe('manual');
    expect((await hub.http().get(`/api/v1/models/${id}`).expect(200)).body).toMatchObject({ kind: 'model', visibility: 'public' });
    expect((await hub.http().get(`/api/v1/models/${id}/offers`).expect(200)).body).toEqual([]);
    const offers = await hub.http().get(`/api/v1/datasets/${id}/offers`).expect(200);
    expect(offers.body.map((o: { id: string }) => o.id)).toEqual([offerId]);
  });

  it('the licensee is refused on resolve and the native files route, told where the offers are', async () => {
    for (const url of [resolve('data/train.parquet'), resolve('data/train.csv'), native('data/train.csv')]) {
      const res = await as(people.licenseeMember, url).expect(403);
      expect(res.headers['x-error-code']).toBe('GatedRepo');
      expect(res.body.error).toContain(`dataset ${id}`);
      expect(res.body.error).toContain(`GET /api/v1/datasets/${id}/offers`);
      await as(undefined, url).expect(401);
    }
    // The card stays readable, as for a gated model.
    await as(people.licenseeMember, resolve('README.md')).expect(200);
    const status = await as(people.licenseeMember, `/api/v1/datasets/${id}/access`).expect(200);
    expect(status.body).toMatchObject({ canDownload: false, via: null });
  });

  it('a company organization requests the offer, the publisher approves: a grant on the dataset', async () => {
    const req = await requestOffer(hub, people.licenseeAdmin, offerId, { org: people.licensee, termsVersion: 1 }).expect(201);
    expect(req.body).toMatchObject({ status: 'pending', model: id, repoKind: 'dataset', grantee: { type: 'org', name: people.licensee } });
    const approved = await hub.http().post(`/api/v1/license-requests/${req.body.id}/approve`).set(people.owner.auth).send({}).expect(200);
    grantId = approved.body.grant.id;
    expect(approved.body.grant).toMatchObject({ status: 'active', model: id, repoKind: 'dataset', offerId });
    const grants = await as(people.owner, `/api/v1/datasets/${id}/grants`).expect(200);
    expect(grants.body.map((g: { id: string }) => g.id)).toEqual([grantId]);
  });

  it('members of the licensee download through resolve, the native route and @huggingface/hub', async () => {
    for (const user of [people.licenseeAdmin, people.licenseeMember]) {
      const big = await as(user, resolve('data/train.parquet')).expect(302);
      downloads.push([user.username, 'data/train.parquet']);
      expect(sha256(Buffer.from(await (await fetch(big.headers.location)).arrayBuffer()))).toBe(sha256(parquet));
      const small = await as(user, native('data/train.csv')).expect(200);
      downloads.push([user.username, 'data/train.csv']);
      expect(Buffer.from(small.body).toString()).toBe(csv);
    }
    const [{ last }] = await hubSql<{ last: string }>(hub, `SELECT max(id)::text AS last FROM license_audit_events`);
    const accessToken = await createToken(hub, people.licenseeMember2, ['read']);
    const blob = await hf.downloadFile({ repo: { type: 'dataset', name: id }, path: 'data/train.csv', hubUrl: hub.url!, accessToken });
    expect(await blob!.text()).toBe(csv);
    // The client's requests (it may HEAD before it GETs) are audited like any other download under the grant.
    const added = await hubSql<{ actor_name: string; path: string }>(
      hub,
      `SELECT actor_name, path FROM license_audit_events WHERE id > $1::bigint ORDER BY id`,
      last,
    );
    expect(added.length).toBeGreaterThan(0);
    for (const row of added) expect(row).toEqual({ actor_name: people.licenseeMember2.username, path: 'data/train.csv' });
    downloads.push(...added.map((r): [string, string] => [r.actor_name, r.path]));
    const status = await as(people.licenseeMember, `/api/v1/datasets/${id}/access`).expect(200);
    expect(status.body).toMatchObject({ canDownload: true, via: 'grant', grant: { id: grantId } });
  });

  it('the usage report and the audit log show exactly those downloads', async () => {
    const usage = await as(people.owner, `/api/v1/datasets/${id}/usage`).expect(200);
    expect(usage.body).toMatchObject({ model: id, totalDownloads: downloads.length });
    expect(usage.body.licensees).toEqual([
      expect.objectContaining({ licensee: { type: 'org', name: people.licensee }, downloads: downloads.length, users: 3, files: 2, grants: [grantId] }),
    ]);
    const csvReport = await as(people.owner, `/api/v1/datasets/${id}/usage?format=csv`).expect(200);
    const [, ...rows] = csvReport.text.trim().split('\r\n');
    expect(rows.map((r) => r.split(',')).map((c) => [c[3], c[6]])).toEqual(downloads);
    const audit = await as(people.licenseeAdmin, `/api/v1/orgs/${people.licensee}/audit?action=file.downloaded&limit=100`).expect(200);
    expect(audit.body.items).toHaveLength(downloads.length);
    expect(audit.body.items.every((e: { model: string; via: string }) => e.model === id && e.via === 'grant')).toBe(true);
  });

  it('revoking the grant stops the downloads with 403', async () => {
    const res = await hub.http().post(`/api/v1/grants/${grantId}/revoke`).set(people.owner.auth).send({ reason: 'Contract ended' }).expect(200);
    expect(res.body).toMatchObject({ id: grantId, status: 'revoked', repoKind: 'dataset' });
    for (const url of [resolve('data/train.parquet'), native('data/train.csv')]) {
      const refused = await as(people.licenseeMember, url).expect(403);
      expect(refused.headers['x-error-code']).toBe('GatedRepo');
    }
    expect((await as(people.licenseeMember, `/api/v1/datasets/${id}/access`).expect(200)).body).toMatchObject({ canDownload: false });
  });

  it("the publisher's webhooks say which kind of repository each event is about", async () => {
    const res = await as(people.owner, `/api/v1/orgs/${people.publisher}/webhooks/${hookId}/deliveries?limit=100`).expect(200);
    const payloads = (res.body as { event: string; payload: { data: { model: string; kind: string } } }[]).map((d) => [
      d.event,
      d.payload.data.model,
      d.payload.data.kind,
    ]);
    expect(payloads).toEqual(
      expect.arrayContaining([
        ['model.created', id, 'dataset'],
        ['model.created', id, 'model'],
        ['license.requested', id, 'dataset'],
        ['license.approved', id, 'dataset'],
        ['grant.revoked', id, 'dataset'],
      ]),
    );
  });
});
