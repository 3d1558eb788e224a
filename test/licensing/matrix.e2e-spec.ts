import { bearer, createOrg, createToken, registerUser, type TestUser } from '../support/factories';
import { startTestHub, type TestHub } from '../support/test-hub';
import { createModelWithFiles, type GatedModel, grantTo, hubSql, publishOffer, requestOffer, uniqueName } from './licensing-support';

/**
 * Every byte-serving route × every kind of caller → the expected status, from one table. Bucket
 * files answer 302 (to the presigned URL) and inline files 200 when allowed; refusals are 401 for
 * anonymous callers and 403 otherwise, always with X-Error-Code: GatedRepo.
 */
type Who =
  | 'anonymous'
  | 'outsider'
  | 'pending requester'
  | 'grantee member'
  | 'grantee member, token of its org'
  | 'grantee member, token of another org'
  | 'revoked grantee'
  | 'expired grantee'
  | 'owner member';

const ROUTES: { name: string; method: 'get' | 'head'; url: (m: GatedModel, path: string) => string }[] = [
  { name: 'native GET files/{path}', method: 'get', url: (m, p) => `/api/v1/models/${m.id}/files/${p}` },
  { name: 'native HEAD files/{path}', method: 'head', url: (m, p) => `/api/v1/models/${m.id}/files/${p}` },
  { name: 'native GET files/{path}?revision=', method: 'get', url: (m, p) => `/api/v1/models/${m.id}/files/${p}?revision=main` },
  { name: 'HF GET resolve/main/{path}', method: 'get', url: (m, p) => `/${m.id}/resolve/main/${p}` },
  { name: 'HF HEAD resolve/main/{path}', method: 'head', url: (m, p) => `/${m.id}/resolve/main/${p}` },
  { name: 'HF GET raw/main/{path}', method: 'get', url: (m, p) => `/${m.id}/raw/main/${p}` },
];

/** Allowed or refused, per caller (the statuses follow from the file kind and the caller). */
const TABLE: Record<Who, 'allowed' | 401 | 403> = {
  anonymous: 401,
  outsider: 403,
  'pending requester': 403,
  'grantee member': 'allowed',
  'grantee member, token of its org': 'allowed',
  'grantee member, token of another org': 403,
  'revoked grantee': 403,
  'expired grantee': 403,
  'owner member': 'allowed',
};

describe('download matrix of a gated model', () => {
  let hub: TestHub;
  let model: GatedModel;
  const auth = {} as Record<Who, Record<string, string> | undefined>;

  beforeAll(async () => {
    hub = await startTestHub();
    const names = ['owner', 'ownerMember', 'outsider', 'pending', 'grantee', 'revoked', 'expired'] as const;
    const u = Object.fromEntries(await Promise.all(names.map(async (n) => [n, await registerUser(hub, uniqueName(n.toLowerCase()))]))) as Record<
      (typeof names)[number],
      TestUser
    >;
    const publisher = await createOrg(hub, u.owner, uniqueName('pub'), [{ user: u.ownerMember, role: 'member' }]);
    model = await createModelWithFiles(hub, u.owner, publisher);
    const offer = await publishOffer(hub, u.owner, model.id);
    const orgOf = async (admin: TestUser) => createOrg(hub, admin, uniqueName('org'));
    const [pendingOrg, granteeOrg, revokedOrg, expiredOrg, otherOrg] = await Promise.all([
      orgOf(u.pending),
      orgOf(u.grantee),
      orgOf(u.revoked),
      orgOf(u.expired),
      orgOf(u.grantee),
    ]);
    await requestOffer(hub, u.pending, offer.id, { org: pendingOrg, termsVersion: 1 }).expect(201);
    await grantTo(hub, u.grantee, granteeOrg, offer.id, u.owner);
    const revoked = await grantTo(hub, u.revoked, revokedOrg, offer.id, u.owner);
    await hub.http().post(`/api/v1/grants/${revoked.grantId}/revoke`).set(u.owner.auth).send({ reason: 'test' }).expect(200);
    const expired = await grantTo(hub, u.expired, expiredOrg, offer.id, u.owner);
    await hubSql(hub, `UPDATE license_grants SET ends_at = now() - interval '1 second' WHERE id = $1::uuid`, expired.grantId);
    Object.assign(auth, {
      anonymous: undefined,
      outsider: u.outsider.auth,
      'pending requester': u.pending.auth,
      'grantee member': u.grantee.auth,
      'grantee member, token of its org': bearer(await createToken(hub, u.grantee, ['read'], { org: granteeOrg })),
      'grantee member, token of another org': bearer(await createToken(hub, u.grantee, ['read'], { org: otherOrg })),
      'revoked grantee': u.revoked.auth,
      'expired grantee': u.expired.auth,
      'owner member': u.ownerMember.auth,
    });
  });
  afterAll(() => hub.close());

  it('answers every route × caller as the table says, for bucket and inline files', async () => {
    const expected: Record<string, number> = {};
    const actual: Record<string, number> = {};
    const codes: string[] = [];
    for (const [who, rule] of Object.entries(TABLE) as [Who, (typeof TABLE)[Who]][]) {
      for (const route of ROUTES) {
        for (const [kind, path] of [
          ['bucket', model.weightsPath],
          ['inline', model.configPath],
        ] as const) {
          const key = `${who} | ${route.name} | ${kind}`;
          expected[key] = rule === 'allowed' ? (kind === 'bucket' ? 302 : 200) : rule;
          const req = hub.http()[route.method](route.url(model, path));
          const res = await (auth[who] ? req.set(auth[who]!) : req);
          actual[key] = res.status;
          if (res.status >= 400) codes.push(`${key}: ${res.headers['x-error-code']}`);
        }
      }
    }
    expect(actual).toEqual(expected);
    // Every refusal says GatedRepo, for the Hugging Face clients.
    expect(codes.filter((c) => !c.endsWith(': GatedRepo'))).toEqual([]);
  });

  it('serves the card and .gitattributes to every caller on every route, as Hugging Face does, and nothing else with them', async () => {
    for (const who of Object.keys(TABLE) as Who[]) {
      for (const route of ROUTES) {
        for (const path of ['README.md', '.gitattributes']) {
          const req = hub.http()[route.method](route.url(model, path));
          const res = await (auth[who] ? req.set(auth[who]!) : req);
          expect([who, route.name, path, res.status]).toEqual([who, route.name, path, 200]);
          if (route.method === 'get' && path === 'README.md') expect(res.text ?? (res.body as Buffer).toString()).toContain('# Gated');
        }
      }
    }
    // A folder of the card's name or a path beside it stays gated.
    await hub.http().get(`/${model.id}/resolve/main/README.md.bak`).set(auth.outsider!).expect(403);
  });

  it('the access route agrees with the downloads for every caller', async () => {
    for (const [who, rule] of Object.entries(TABLE) as [Who, (typeof TABLE)[Who]][]) {
      const req = hub.http().get(`/api/v1/models/${model.id}/access`);
      const res = await (auth[who] ? req.set(auth[who]!) : req).expect(200);
      expect([who, res.body.canDownload]).toEqual([who, rule === 'allowed']);
    }
  });
});
