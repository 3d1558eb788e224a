import * as hf from '@huggingface/hub';
import { GRANT_EXPIRY_QUEUE } from '../../apps/api/src/licensing/grants.service';
import { JobQueueService } from '../../apps/api/src/jobs/job-queue.service';
import { createToken, type TestUser } from '../support/factories';
import { startTestHub, type TestHub } from '../support/test-hub';
import {
  createModelWithFiles,
  type GatedModel,
  grantTo,
  hubSql,
  manualCommercialOffer,
  publishOffer,
  requestOffer,
  sleep,
  twoOrganizations,
} from './licensing-support';

/**
 * The whole licensing story between two organizations: a publisher gates a model with a manual
 * commercial offer; the licensee is refused on every download path (native, Hugging Face resolve,
 * the real @huggingface/hub client), requests, is approved, and every member downloads; the audit
 * log and the CSV usage report show exactly those downloads; new terms leave the grant valid;
 * revocation and expiry stop access.
 */
describe('licensing between two organizations', () => {
  let hub: TestHub;
  let people: Awaited<ReturnType<typeof twoOrganizations>>;
  let model: GatedModel;
  let offerId: string;
  let requestId: string;
  let grantId: string;
  /** Downloads made under the grant, in order: [username, path]. */
  const downloads: [string, string][] = [];

  beforeAll(async () => {
    hub = await startTestHub({ listen: true });
    people = await twoOrganizations(hub);
    model = await createModelWithFiles(hub, people.owner, people.publisher, 'sentiment-pro');
  });
  afterAll(() => hub.close());

  const native = (path: string) => `/api/v1/models/${model.id}/files/${path}`;
  const resolve = (path: string) => `/${model.id}/resolve/main/${path}`;
  const as = (user: TestUser | undefined, url: string) => (user ? hub.http().get(url).set(user.auth) : hub.http().get(url));
  /** A GET under the grant that must succeed; remembered for the audit and usage checks. */
  async function download(user: TestUser, url: string, path: string) {
    const res = await as(user, url);
    expect([200, 302]).toContain(res.status);
    downloads.push([user.username, path]);
    return res;
  }

  it('a manual commercial offer is published and gates the model; card, tree and offers stay public', async () => {
    expect((await hub.http().get(`/api/v1/models/${model.id}`).expect(200)).body.visibility).toBe('public');
    const offer = await publishOffer(hub, people.owner, model.id);
    offerId = offer.id;
    expect(offer).toMatchObject({
      kind: 'custom',
      title: 'Commercial licence',
      termsVersion: 1,
      terms: manualCommercialOffer.terms,
      commercialUse: true,
      fieldsOfUse: ['customer-support', 'search'],
      territories: ['EU', 'CH'],
      seats: 25,
      durationDays: 365,
      price: { amount: '1200', currency: 'EUR', period: 'year' },
      approval: 'manual',
      questions: [{ id: 'use-case', text: 'What will you use the model for?', required: true }],
      status: 'active',
      model: model.id,
    });
    const info = await hub.http().get(`/api/v1/models/${model.id}`).expect(200);
    expect(info.body).toMatchObject({ visibility: 'gated', gated: 'manual' });
    await hub.http().get(`/api/v1/models/${model.id}/files`).expect(200);
    await hub.http().get(`/api/models/${model.id}`).expect(200);
    const offers = await hub.http().get(`/api/v1/models/${model.id}/offers`).expect(200);
    expect(offers.body.map((o: { id: string }) => o.id)).toEqual([offerId]);
  });

  it('a publisher member who is not an admin cannot publish offers', async () => {
    const res = await hub.http().post(`/api/v1/models/${model.id}/offers`).set(people.publisherMember.auth).send(manualCommercialOffer).expect(403);
    expect(res.body.code).toBe('insufficient_role');
  });

  it('the other organization is refused on the native and Hugging Face paths, with how to request access', async () => {
    for (const url of [native(model.weightsPath), resolve(model.weightsPath), resolve(model.configPath), native(model.configPath)]) {
      const res = await as(people.licenseeMember, url).expect(403);
      expect(res.headers['x-error-code']).toBe('GatedRepo');
      expect(res.body.error).toContain(`GET /api/v1/models/${model.id}/offers`);
      expect(res.body.error).toContain('POST /api/v1/offers/{offerId}/requests');
      const anonymous = await as(undefined, url).expect(401);
      expect(anonymous.headers['x-error-code']).toBe('GatedRepo');
    }
    const head = await hub.http().head(resolve(model.weightsPath)).set(people.licenseeMember.auth).expect(403);
    expect(head.headers['x-error-code']).toBe('GatedRepo');
  });

  it('the real @huggingface/hub client sees the gated error', async () => {
    const accessToken = await createToken(hub, people.licenseeMember, ['read']);
    const error = await hf.downloadFile({ repo: { type: 'model', name: model.id }, path: model.weightsPath, hubUrl: hub.url!, accessToken }).then(
      () => null,
      (e: hf.HubApiError) => e,
    );
    expect(error).toBeInstanceOf(hf.HubApiError);
    expect(error!.statusCode).toBe(403);
    expect(error!.message).toContain('gated');
  });

  it('access status: refused, no request yet', async () => {
    const res = await as(people.licenseeMember, `/api/v1/models/${model.id}/access`).expect(200);
    expect(res.body).toMatchObject({ canDownload: false, via: null });
    expect(res.body.request).toBeUndefined();
    expect(res.body.howToRequest).toContain('/offers');
    expect((await as(people.publisherMember, `/api/v1/models/${model.id}/access`).expect(200)).body).toMatchObject({ canDownload: true, via: 'member' });
  });

  it('only an admin of the licensee can request for it; answers are required', async () => {
    const member = await requestOffer(hub, people.licenseeMember, offerId, { org: people.licensee, termsVersion: 1 }).expect(403);
    expect(member.body.code).toBe('insufficient_role');
    const unanswered = await requestOffer(hub, people.licenseeAdmin, offerId, { org: people.licensee, termsVersion: 1, answers: {} }).expect(400);
    expect(unanswered.body.code).toBe('invalid_answers');
    const unknown = await requestOffer(hub, people.licenseeAdmin, offerId, {
      org: people.licensee,
      termsVersion: 1,
      answers: { 'use-case': 'x', other: 'y' },
    }).expect(400);
    expect(unknown.body.error).toContain("no question 'other'");
  });

  it('the licensee requests the offer: pending; a second request is 409', async () => {
    const res = await requestOffer(hub, people.licenseeAdmin, offerId, { org: people.licensee, termsVersion: 1, message: 'We would like to ship it.' }).expect(
      201,
    );
    requestId = res.body.id;
    expect(res.body).toMatchObject({
      status: 'pending',
      grantee: { type: 'org', name: people.licensee },
      termsVersion: 1,
      answers: { 'use-case': 'Support tickets' },
      requester: people.licenseeAdmin.username,
    });
    expect(res.body.grant).toBeUndefined();
    const again = await requestOffer(hub, people.licenseeAdmin, offerId, { org: people.licensee, termsVersion: 1 }).expect(409);
    expect(again.body).toMatchObject({ code: 'request_pending', pendingRequestId: requestId });
    const status = await as(people.licenseeMember, `/api/v1/models/${model.id}/access`).expect(200);
    expect(status.body).toMatchObject({ canDownload: false, via: null, request: { id: requestId, status: 'pending' } });
    await as(people.licenseeMember, native(model.weightsPath)).expect(403);
  });

  it('both sides list the request; the publisher admins are notified', async () => {
    const incoming = await as(people.publisherMember, `/api/v1/orgs/${people.publisher}/license-requests?direction=incoming&status=pending`).expect(200);
    expect(incoming.body.map((r: { id: string }) => r.id)).toEqual([requestId]);
    const outgoing = await as(people.licenseeMember, `/api/v1/orgs/${people.licensee}/license-requests?direction=outgoing`).expect(200);
    expect(outgoing.body.map((r: { id: string }) => r.id)).toEqual([requestId]);
    await as(people.outsider, `/api/v1/orgs/${people.licensee}/license-requests`).expect(403);
    const notes = await as(people.owner, '/api/v1/me/notifications').expect(200);
    expect(notes.body.items[0]).toMatchObject({ kind: 'license.requested', read: false, data: { requestId } });
    expect((await as(people.publisherMember, '/api/v1/me/notifications').expect(200)).body.items).toEqual([]);
  });

  it('a publisher member who is not an admin cannot approve; an admin approves', async () => {
    await hub.http().post(`/api/v1/license-requests/${requestId}/approve`).set(people.publisherMember.auth).send({}).expect(403);
    await hub.http().post(`/api/v1/license-requests/${requestId}/approve`).set(people.licenseeAdmin.auth).send({}).expect(403);
    const res = await hub.http().post(`/api/v1/license-requests/${requestId}/approve`).set(people.owner.auth).send({ note: 'Welcome aboard' }).expect(200);
    grantId = res.body.grant.id;
    expect(res.body).toMatchObject({ status: 'approved', decidedBy: people.owner.username, note: 'Welcome aboard', grantId });
    expect(res.body.grant).toMatchObject({ status: 'active', grantee: { type: 'org', name: people.licensee }, termsVersion: 1, offerId, model: model.id });
    // The offer lasts 365 days.
    const days = (Date.parse(res.body.grant.endsAt) - Date.parse(res.body.grant.startsAt)) / 86_400_000;
    expect(Math.round(days)).toBe(365);
    await hub.http().post(`/api/v1/license-requests/${requestId}/approve`).set(people.owner.auth).send({}).expect(409);
    const notes = await as(people.licenseeAdmin, '/api/v1/me/notifications').expect(200);
    expect(notes.body.items[0]).toMatchObject({ kind: 'license.approved', data: { grantId } });
  });

  it('every member of the licensee downloads, on both paths', async () => {
    for (const user of [people.licenseeAdmin, people.licenseeMember, people.licenseeMember2]) {
      const res = await download(user, native(model.weightsPath), model.weightsPath);
      expect(res.status).toBe(302);
      const bytes = Buffer.from(await (await fetch(res.headers.location)).arrayBuffer());
      expect(bytes.equals(model.weights)).toBe(true);
      const config = await download(user, resolve(model.configPath), model.configPath);
      expect(config.status).toBe(200);
      expect(Buffer.from(config.body).toString()).toBe(model.config);
    }
    // A HEAD answered with a presigned URL hands out the bytes (huggingface_hub downloads from that
    // URL without coming back), so it is recorded like a GET.
    await hub.http().head(resolve(model.weightsPath)).set(people.licenseeMember.auth).expect(302);
    downloads.push([people.licenseeMember.username, model.weightsPath]);
    // A member of the publisher downloads as a member: audited, but not licensee usage.
    await as(people.publisherMember, native(model.configPath)).expect(200);
    const status = await as(people.licenseeMember2, `/api/v1/models/${model.id}/access`).expect(200);
    expect(status.body).toMatchObject({
      canDownload: true,
      via: 'grant',
      grant: { id: grantId, status: 'active' },
      request: { id: requestId, status: 'approved' },
    });
    // Personal grants do not exist for the outsider.
    await as(people.outsider, native(model.weightsPath)).expect(403);
  });

  it("the licensee's audit log shows the decisions and exactly those downloads", async () => {
    const res = await as(people.licenseeAdmin, `/api/v1/orgs/${people.licensee}/audit?limit=1000`).expect(200);
    const items = [...res.body.items].reverse() as {
      action: string;
      actor: string;
      path: string | null;
      grantId: string | null;
      via: string | null;
      licensee: { name: string } | null;
      revision: string;
      commitId: string;
    }[];
    expect(items.filter((e) => e.action !== 'file.downloaded').map((e) => e.action)).toEqual(['request.created', 'request.approved', 'grant.created']);
    const got = items.filter((e) => e.action === 'file.downloaded');
    expect(got.map((e) => [e.actor, e.path])).toEqual(downloads);
    for (const e of got)
      expect(e).toMatchObject({
        grantId,
        via: 'grant',
        licensee: { type: 'org', name: people.licensee },
        revision: 'main',
        commitId: expect.stringMatching(/^[0-9a-f]{40}$/),
      });
    // Members read the requests but not the audit log.
    await as(people.licenseeMember, `/api/v1/orgs/${people.licensee}/audit`).expect(403);
    // The publisher sees the same downloads, and its own member's.
    const pub = await as(people.owner, `/api/v1/orgs/${people.publisher}/audit?action=file.downloaded&limit=1000`).expect(200);
    expect(pub.body.items).toHaveLength(downloads.length + 1);
    expect(pub.body.items[0]).toMatchObject({ via: 'member', actor: people.publisherMember.username, licensee: null });
  });

  it('the usage report (JSON and CSV) shows exactly those downloads, per licensee', async () => {
    const json = await as(people.owner, `/api/v1/models/${model.id}/usage`).expect(200);
    expect(json.body).toMatchObject({ model: model.id, totalDownloads: downloads.length });
    expect(json.body.licensees).toEqual([
      expect.objectContaining({ licensee: { type: 'org', name: people.licensee }, downloads: downloads.length, users: 3, files: 2, grants: [grantId] }),
    ]);
    const csv = await as(people.owner, `/api/v1/models/${model.id}/usage?format=csv`).expect(200);
    expect(csv.headers['content-type']).toContain('text/csv');
    expect(csv.headers['content-disposition']).toMatch(/attachment; filename="usage-.*\.csv"/);
    const [header, ...rows] = csv.text.trim().split('\r\n');
    expect(header).toBe('at,licensee_type,licensee,user,grant_id,terms_version,path,revision,commit_id');
    expect(rows.map((r) => r.split(',')).map((c) => [c[3], c[6]])).toEqual(downloads);
    for (const r of rows) expect(r.split(',').slice(1, 3).concat(r.split(',')[4])).toEqual(['org', people.licensee, grantId]);
    // A period before the downloads is empty; only the model's admins read usage.
    const empty = await as(people.owner, `/api/v1/models/${model.id}/usage?from=2020-01-01&to=2020-02-01&format=csv`).expect(200);
    expect(empty.text.trim().split('\r\n')).toHaveLength(1);
    await as(people.publisherMember, `/api/v1/models/${model.id}/usage`).expect(403);
    await as(people.licenseeAdmin, `/api/v1/models/${model.id}/usage`).expect(403);
  });

  it('the real @huggingface/hub client downloads under the grant', async () => {
    const [{ last }] = await hubSql<{ last: string }>(hub, `SELECT max(id)::text AS last FROM license_audit_events`);
    const accessToken = await createToken(hub, people.licenseeMember, ['read']);
    const blob = await hf.downloadFile({ repo: { type: 'model', name: model.id }, path: model.weightsPath, hubUrl: hub.url!, accessToken });
    expect(Buffer.from(await blob!.arrayBuffer()).equals(model.weights)).toBe(true);
    // The client's GET of resolve is audited like any other download under the grant.
    const added = await hubSql<{ action: string; actor_name: string; path: string; grant_id: string }>(
      hub,
      `SELECT action, actor_name, path, grant_id::text FROM license_audit_events WHERE id > $1::bigint ORDER BY id`,
      last,
    );
    expect(added.length).toBeGreaterThan(0);
    for (const row of added)
      expect(row).toEqual({ action: 'file.downloaded', actor_name: people.licenseeMember.username, path: model.weightsPath, grant_id: grantId });
    for (const row of added) downloads.push([row.actor_name, row.path]);
  });

  it('terms v2: the offer gets a new terms version, the v1 grant stays valid, new requests must accept v2', async () => {
    const res = await hub
      .http()
      .patch(`/api/v1/offers/${offerId}`)
      .set(people.owner.auth)
      .send({ terms: '# Commercial licence v2\n\nStricter.', seats: 10 })
      .expect(200);
    expect(res.body).toMatchObject({ termsVersion: 2, seats: 10, terms: '# Commercial licence v2\n\nStricter.' });
    // A change that touches neither terms nor conditions keeps the version.
    const renamed = await hub.http().patch(`/api/v1/offers/${offerId}`).set(people.owner.auth).send({ title: 'Commercial licence (2027)' }).expect(200);
    expect(renamed.body).toMatchObject({ termsVersion: 2, title: 'Commercial licence (2027)' });
    const offer = await hub.http().get(`/api/v1/offers/${offerId}`).expect(200);
    expect(offer.body.termsVersions.map((v: { version: number; seats: number }) => [v.version, v.seats])).toEqual([
      [2, 10],
      [1, 25],
    ]);
    const grants = await as(people.licenseeMember, `/api/v1/orgs/${people.licensee}/grants?direction=held`).expect(200);
    expect(grants.body).toEqual([expect.objectContaining({ id: grantId, termsVersion: 1, status: 'active', model: model.id, offerId })]);
    await download(people.licenseeMember, native(model.weightsPath), model.weightsPath);
    const outdated = await requestOffer(hub, people.outsider, offerId, { termsVersion: 1 }).expect(409);
    expect(outdated.body).toMatchObject({ code: 'terms_outdated', currentTermsVersion: 2 });
    expect(outdated.body.error).toContain('accept version 2');
  });

  it('revocation stops access at once', async () => {
    const issued = await as(people.owner, `/api/v1/orgs/${people.publisher}/grants?direction=issued&status=active`).expect(200);
    expect(issued.body.map((g: { id: string }) => g.id)).toEqual([grantId]);
    await hub.http().post(`/api/v1/grants/${grantId}/revoke`).set(people.licenseeAdmin.auth).send({ reason: 'mine' }).expect(403);
    const res = await hub.http().post(`/api/v1/grants/${grantId}/revoke`).set(people.owner.auth).send({ reason: 'Payment overdue' }).expect(200);
    expect(res.body).toMatchObject({ id: grantId, status: 'revoked', revokeReason: 'Payment overdue' });
    for (const url of [native(model.weightsPath), resolve(model.configPath)]) {
      const refused = await as(people.licenseeMember, url).expect(403);
      expect(refused.headers['x-error-code']).toBe('GatedRepo');
    }
    expect((await as(people.licenseeMember, `/api/v1/models/${model.id}/access`).expect(200)).body).toMatchObject({ canDownload: false, via: null });
    await hub.http().post(`/api/v1/grants/${grantId}/revoke`).set(people.owner.auth).send({ reason: 'again' }).expect(409);
    const notes = await as(people.licenseeAdmin, '/api/v1/me/notifications?unread=true').expect(200);
    expect(notes.body.items[0]).toMatchObject({ kind: 'grant.revoked', body: 'Payment overdue' });
  });

  it('a request can be cancelled by its side and rejected with a reason by the publisher', async () => {
    const first = await requestOffer(hub, people.licenseeAdmin, offerId, { org: people.licensee, termsVersion: 2 }).expect(201);
    await hub.http().post(`/api/v1/license-requests/${first.body.id}/cancel`).set(people.outsider.auth).send({}).expect(403);
    const cancelled = await hub.http().post(`/api/v1/license-requests/${first.body.id}/cancel`).set(people.licenseeAdmin.auth).send({}).expect(200);
    expect(cancelled.body.status).toBe('cancelled');
    await hub.http().post(`/api/v1/license-requests/${first.body.id}/approve`).set(people.owner.auth).send({}).expect(409);
    const second = await requestOffer(hub, people.licenseeAdmin, offerId, { org: people.licensee, termsVersion: 2 }).expect(201);
    await hub.http().post(`/api/v1/license-requests/${second.body.id}/reject`).set(people.owner.auth).send({}).expect(400);
    const rejected = await hub
      .http()
      .post(`/api/v1/license-requests/${second.body.id}/reject`)
      .set(people.owner.auth)
      .send({ reason: 'Territory not covered' })
      .expect(200);
    expect(rejected.body).toMatchObject({ status: 'rejected', reason: 'Territory not covered', decidedBy: people.owner.username });
    const notes = await as(people.licenseeAdmin, '/api/v1/me/notifications').expect(200);
    expect(notes.body.items[0]).toMatchObject({ kind: 'license.rejected', body: 'Territory not covered' });
  });

  it('expiry stops access the moment the grant ends, and holders are told beforehand', async () => {
    const expiresAt = new Date(Date.now() + 3000).toISOString();
    const { grantId: shortGrant } = await grantTo(hub, people.licenseeAdmin, people.licensee, offerId, people.owner, { expiresAt }, 2);
    await as(people.licenseeMember, native(model.weightsPath)).expect(302);
    const outcome = await hub.app.get(JobQueueService).runNow(GRANT_EXPIRY_QUEUE);
    expect(outcome).toMatchObject({ state: 'completed', output: { notified: 1 } });
    const notes = await as(people.licenseeAdmin, '/api/v1/me/notifications').expect(200);
    expect(notes.body.items[0]).toMatchObject({ kind: 'grant.expiring', data: { grantId: shortGrant } });
    await sleep(3200);
    const refused = await as(people.licenseeMember, native(model.weightsPath)).expect(403);
    expect(refused.body.code).toBe('gated_repo');
    const held = await as(people.licenseeMember, `/api/v1/orgs/${people.licensee}/grants?status=expired`).expect(200);
    expect(held.body.map((g: { id: string }) => g.id)).toEqual([shortGrant]);
    // An expired grant no longer blocks a new request.
    await requestOffer(hub, people.licenseeAdmin, offerId, { org: people.licensee, termsVersion: 2 }).expect(201);
  });

  it('a withdrawn offer takes no new requests; its grants stay', async () => {
    const open = await publishOffer(hub, people.owner, model.id, { kind: 'open', title: 'Research use', spdxId: 'cc-by-nc-4.0', commercialUse: false });
    const mine = await requestOffer(hub, people.outsider, open.id, { termsVersion: 1, answers: {} }).expect(201);
    expect(mine.body).toMatchObject({ status: 'approved', grantee: { type: 'user', name: people.outsider.username }, grant: { status: 'active' } });
    await as(people.outsider, native(model.weightsPath)).expect(302);
    const withdrawn = await hub.http().post(`/api/v1/offers/${open.id}/withdraw`).set(people.owner.auth).send().expect(200);
    expect(withdrawn.body).toMatchObject({ status: 'withdrawn' });
    const late = await requestOffer(hub, people.licenseeMember2, open.id, { termsVersion: 1, answers: {} }).expect(409);
    expect(late.body.code).toBe('offer_withdrawn');
    await as(people.outsider, native(model.weightsPath)).expect(302);
    expect((await as(people.outsider, '/api/v1/me/grants').expect(200)).body).toEqual([
      expect.objectContaining({ id: mine.body.grant.id, grantee: { type: 'user', name: people.outsider.username } }),
    ]);
  });
});
