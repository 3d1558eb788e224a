import { bearer, createOrg, createToken, registerUser, type TestUser } from '../support/factories';
import { startTestHub, type TestHub } from '../support/test-hub';
import { expectError, expectInvalidField, sql } from './platform-helpers';

describe('API tokens', () => {
  let hub: TestHub;
  let ada: TestUser;
  beforeAll(async () => {
    hub = await startTestHub();
    ada = await registerUser(hub, 'ada');
  });
  afterAll(() => hub.close());

  const tokens = () => hub.http().post('/api/v1/tokens');

  it('creates a token shown once, prefixed hf_, and stores only its hash', async () => {
    const res = await tokens()
      .set(ada.auth)
      .send({ name: 'laptop', scopes: ['read', 'write'] })
      .expect(201);
    expect(res.body).toEqual({
      id: expect.any(String),
      name: 'laptop',
      scopes: ['read', 'write'],
      org: null,
      token: expect.stringMatching(/^hf_[A-Za-z0-9_-]{30,}$/),
      expiresAt: null,
      lastUsedAt: null,
      createdAt: expect.any(String),
    });
    const rows = await sql(hub, 'SELECT * FROM api_tokens WHERE id = $1', [res.body.id]);
    expect(JSON.stringify(rows)).not.toContain(res.body.token);
  });

  it('lists tokens without their secrets', async () => {
    const secret = await createToken(hub, ada, ['read']);
    const res = await hub.http().get('/api/v1/tokens').set(ada.auth).expect(200);
    expect(res.body.length).toBeGreaterThanOrEqual(2);
    for (const t of res.body) {
      expect(Object.keys(t).sort()).toEqual(['createdAt', 'expiresAt', 'id', 'lastUsedAt', 'name', 'org', 'scopes']);
    }
    expect(JSON.stringify(res.body)).not.toContain(secret);
    expect(JSON.stringify(res.body)).not.toContain(secret.slice(3, 20));
  });

  it('lists only your own tokens', async () => {
    const other = await registerUser(hub);
    await createToken(hub, other, ['read']);
    const mine = await hub.http().get('/api/v1/tokens').set(ada.auth).expect(200);
    const theirs = await hub.http().get('/api/v1/tokens').set(other.auth).expect(200);
    expect(theirs.body).toHaveLength(1);
    expect(mine.body.map((t: { id: string }) => t.id)).not.toContain(theirs.body[0].id);
  });

  it('authenticates with the token and records when it was last used', async () => {
    const created = await tokens()
      .set(ada.auth)
      .send({ name: 'ci', scopes: ['read'] })
      .expect(201);
    const before = Date.now();
    const me = await hub.http().get('/api/v1/me').set(bearer(created.body.token)).expect(200);
    expect(me.body.username).toBe('ada');
    const list = await hub.http().get('/api/v1/tokens').set(ada.auth).expect(200);
    const listed = list.body.find((t: { id: string }) => t.id === created.body.id);
    expect(listed.lastUsedAt).not.toBeNull();
    expect(new Date(listed.lastUsedAt).getTime()).toBeGreaterThanOrEqual(before - 1000);
  });

  it('sets an expiry from expiresInDays', async () => {
    const res = await tokens()
      .set(ada.auth)
      .send({ name: 'week', scopes: ['read'], expiresInDays: 7 })
      .expect(201);
    const days = (new Date(res.body.expiresAt).getTime() - Date.now()) / 86_400_000;
    expect(days).toBeGreaterThan(6.99);
    expect(days).toBeLessThanOrEqual(7);
  });

  it('refuses an expired token', async () => {
    const created = await tokens()
      .set(ada.auth)
      .send({ name: 'short', scopes: ['read'], expiresInDays: 1 })
      .expect(201);
    await hub.http().get('/api/v1/me').set(bearer(created.body.token)).expect(200);
    await sql(hub, `UPDATE api_tokens SET expires_at = now() - interval '1 second' WHERE id = $1`, [created.body.id]);
    // A change made behind the hub's back reaches its caches when announced, as an operator would (docs/registry-internals.md).
    await sql(hub, `SELECT pg_notify('hub_cache', 'token ' || json_build_object('tokenId', $1::text)::text)`, [created.body.id]);
    await new Promise((r) => setTimeout(r, 200));
    expectError(await hub.http().get('/api/v1/me').set(bearer(created.body.token)), 401, 'unauthorized');
  });

  it('revokes a token: 204, then the token no longer works and is no longer listed', async () => {
    const created = await tokens()
      .set(ada.auth)
      .send({ name: 'doomed', scopes: ['read'] })
      .expect(201);
    await hub.http().get('/api/v1/me').set(bearer(created.body.token)).expect(200);
    const res = await hub.http().delete(`/api/v1/tokens/${created.body.id}`).set(ada.auth).expect(204);
    expect(res.text).toBe('');
    expectError(await hub.http().get('/api/v1/me').set(bearer(created.body.token)), 401);
    const list = await hub.http().get('/api/v1/tokens').set(ada.auth).expect(200);
    expect(list.body.map((t: { id: string }) => t.id)).not.toContain(created.body.id);
    expectError(await hub.http().delete(`/api/v1/tokens/${created.body.id}`).set(ada.auth), 404, 'token_not_found');
  });

  it("cannot revoke someone else's token (404, and it keeps working)", async () => {
    const other = await registerUser(hub);
    const created = await tokens()
      .set(other.auth)
      .send({ name: 'theirs', scopes: ['read'] })
      .expect(201);
    expectError(await hub.http().delete(`/api/v1/tokens/${created.body.id}`).set(ada.auth), 404, 'token_not_found');
    await hub.http().get('/api/v1/me').set(bearer(created.body.token)).expect(200);
  });

  it('needs authentication for every token route', async () => {
    expectError(await hub.http().get('/api/v1/tokens'), 401);
    expectError(await tokens().send({ name: 'x', scopes: ['read'] }), 401);
    expectError(await hub.http().delete('/api/v1/tokens/00000000-0000-4000-8000-000000000000'), 401);
  });

  describe('scopes', () => {
    let read: string;
    let write: string;
    let admin: string;
    beforeAll(async () => {
      [read, write, admin] = await Promise.all([createToken(hub, ada, ['read']), createToken(hub, ada, ['write']), createToken(hub, ada, ['admin'])]);
    });

    it('a read token reads but cannot write', async () => {
      await hub.http().get('/api/v1/me').set(bearer(read)).expect(200);
      await hub.http().get('/api/v1/tokens').set(bearer(read)).expect(200);
      expectError(await hub.http().post('/api/v1/orgs').set(bearer(read)).send({ name: 'read-org', kind: 'company' }), 403, 'insufficient_scope');
      const org = await createOrg(hub, ada);
      expectError(await hub.http().patch(`/api/v1/orgs/${org}`).set(bearer(read)).send({ description: 'x' }), 403, 'insufficient_scope');
    });

    it('a write token writes (write includes read) but cannot manage tokens', async () => {
      await hub.http().get('/api/v1/me').set(bearer(write)).expect(200);
      await hub.http().post('/api/v1/orgs').set(bearer(write)).send({ name: 'write-org', kind: 'company' }).expect(201);
      expectError(
        await tokens()
          .set(bearer(write))
          .send({ name: 'x', scopes: ['read'] }),
        403,
        'insufficient_scope',
      );
      const victim = await tokens()
        .set(ada.auth)
        .send({ name: 'victim', scopes: ['read'] })
        .expect(201);
      expectError(await hub.http().delete(`/api/v1/tokens/${victim.body.id}`).set(bearer(write)), 403, 'insufficient_scope');
    });

    it('an admin token creates and revokes tokens', async () => {
      const res = await tokens()
        .set(bearer(admin))
        .send({ name: 'minted', scopes: ['read'] })
        .expect(201);
      await hub.http().delete(`/api/v1/tokens/${res.body.id}`).set(bearer(admin)).expect(204);
      await hub.http().post('/api/v1/orgs').set(bearer(admin)).send({ name: 'admin-org', kind: 'company' }).expect(201);
    });
  });

  describe('organization-restricted tokens', () => {
    let owner: TestUser;
    let home: string;
    let elsewhere: string;
    let restricted: string;
    beforeAll(async () => {
      owner = await registerUser(hub);
      home = await createOrg(hub, owner);
      elsewhere = await createOrg(hub, owner);
      const res = await tokens()
        .set(owner.auth)
        .send({ name: 'home-only', scopes: ['admin'], org: home.toUpperCase() })
        .expect(201);
      expect(res.body.org).toBe(home);
      restricted = res.body.token;
    });

    it('can act for its organization', async () => {
      await hub.http().patch(`/api/v1/orgs/${home}`).set(bearer(restricted)).send({ description: 'ok' }).expect(200);
      const member = await registerUser(hub);
      await hub.http().post(`/api/v1/orgs/${home}/members`).set(bearer(restricted)).send({ username: member.username, role: 'member' }).expect(201);
      await hub.http().get('/api/v1/me').set(bearer(restricted)).expect(200);
    });

    it('is refused everywhere else, even where its user is owner', async () => {
      expectError(await hub.http().patch(`/api/v1/orgs/${elsewhere}`).set(bearer(restricted)).send({ description: 'no' }), 403, 'token_org_restricted');
      const member = await registerUser(hub);
      expectError(
        await hub.http().post(`/api/v1/orgs/${elsewhere}/members`).set(bearer(restricted)).send({ username: member.username, role: 'member' }),
        403,
        'token_org_restricted',
      );
      expectError(
        await hub.http().post('/api/v1/orgs').set(bearer(restricted)).send({ name: 'new-from-restricted', kind: 'company' }),
        403,
        'token_org_restricted',
      );
      expectError(
        await tokens()
          .set(bearer(restricted))
          .send({ name: 'escape', scopes: ['admin'] }),
        403,
        'token_org_restricted',
      );
    });

    it('can only be made for an organization you belong to', async () => {
      const stranger = await registerUser(hub);
      expectError(
        await tokens()
          .set(stranger.auth)
          .send({ name: 'x', scopes: ['read'], org: home }),
        403,
        'insufficient_role',
      );
      expectError(
        await tokens()
          .set(stranger.auth)
          .send({ name: 'x', scopes: ['read'], org: 'no-such-org' }),
        404,
        'org_not_found',
      );
    });

    it('lists the organization it is restricted to', async () => {
      const list = await hub.http().get('/api/v1/tokens').set(owner.auth).expect(200);
      expect(list.body.find((t: { name: string }) => t.name === 'home-only').org).toBe(home);
    });
  });

  describe('bad input', () => {
    const valid = { name: 'ok', scopes: ['read'] };
    it.each([
      ['missing name', { scopes: ['read'] }, 'name'],
      ['empty name', { ...valid, name: '' }, 'name'],
      ['numeric name', { ...valid, name: 5 }, 'name'],
      ['name of 101 characters', { ...valid, name: 'n'.repeat(101) }, 'name'],
      ['name with a control character', { ...valid, name: 'bad\u0007name' }, 'name'],
      ['missing scopes', { name: 'x' }, 'scopes'],
      ['scopes as a string', { ...valid, scopes: 'read' }, 'scopes'],
      ['empty scopes', { ...valid, scopes: [] }, 'scopes'],
      ['an unknown scope', { ...valid, scopes: ['read', 'root'] }, 'scopes'],
      ['a repeated scope', { ...valid, scopes: ['read', 'read'] }, 'scopes'],
      ['org as a number', { ...valid, org: 7 }, 'org'],
      ['org too long', { ...valid, org: 'o'.repeat(40) }, 'org'],
      ['expiresInDays of 0', { ...valid, expiresInDays: 0 }, 'expiresInDays'],
      ['expiresInDays of 3651', { ...valid, expiresInDays: 3651 }, 'expiresInDays'],
      ['fractional expiresInDays', { ...valid, expiresInDays: 1.5 }, 'expiresInDays'],
      ['expiresInDays as a string', { ...valid, expiresInDays: '5' }, 'expiresInDays'],
      ['an unknown field', { ...valid, secret: 'hf_mine' }, 'secret'],
    ])('refuses %s', async (_, body, field) => {
      expectInvalidField(
        await tokens()
          .set(ada.auth)
          .send(body as Record<string, unknown>),
        field,
      );
    });

    it('refuses a token id that is not a UUID', async () => {
      expectInvalidField(await hub.http().delete('/api/v1/tokens/not-a-uuid').set(ada.auth), 'id');
    });
  });
});
