import { bearer, createToken, registerUser, type TestUser } from '../support/factories';
import { startTestHub, type TestHub } from '../support/test-hub';
import { expectError, expectInvalidField } from './platform-helpers';

describe('organizations', () => {
  let hub: TestHub;
  let admin: TestUser;
  let owner: TestUser;
  beforeAll(async () => {
    hub = await startTestHub();
    admin = await registerUser(hub, 'platform-admin');
    owner = await registerUser(hub, 'olivia');
  });
  afterAll(() => hub.close());

  const create = (user: TestUser, body: Record<string, unknown>) => hub.http().post('/api/v1/orgs').set(user.auth).send(body);

  it('creates an organization with every field; the creator is its owner', async () => {
    const body = { name: 'Acme-AI', displayName: 'ACME AI Lab', kind: 'company', description: 'Makes models.', website: 'https://acme.example' };
    const res = await create(owner, body).expect(201);
    expect(res.body).toEqual({ ...body, verified: false, createdAt: expect.any(String) });
    const me = await hub.http().get('/api/v1/me').set(owner.auth).expect(200);
    expect(me.body.orgs).toEqual([{ name: 'Acme-AI', role: 'owner' }]);
  });

  it('fills in displayName from the name and leaves the rest null', async () => {
    const res = await create(owner, { name: 'minimal', kind: 'community' }).expect(201);
    expect(res.body).toMatchObject({ name: 'minimal', displayName: 'minimal', kind: 'community', description: null, website: null, verified: false });
  });

  it('reads an organization by name, in any case, without a token', async () => {
    const res = await hub.http().get('/api/v1/orgs/acme-ai').expect(200);
    expect(res.body).toMatchObject({ name: 'Acme-AI', displayName: 'ACME AI Lab', kind: 'company' });
    expectError(await hub.http().get('/api/v1/orgs/no-such-org'), 404, 'org_not_found');
  });

  it('lists organizations with kind filter and paging', async () => {
    await create(owner, { name: 'lab-one', kind: 'research' }).expect(201);
    await create(owner, { name: 'lab-two', kind: 'research' }).expect(201);
    const all = await hub.http().get('/api/v1/orgs').expect(200);
    expect(all.body.map((o: { name: string }) => o.name)).toEqual(expect.arrayContaining(['Acme-AI', 'minimal', 'lab-one', 'lab-two']));
    const research = await hub.http().get('/api/v1/orgs?kind=research').expect(200);
    expect(research.body.map((o: { name: string }) => o.name)).toEqual(['lab-one', 'lab-two']);
    const page = await hub.http().get('/api/v1/orgs?kind=research&limit=1&offset=1').expect(200);
    expect(page.body.map((o: { name: string }) => o.name)).toEqual(['lab-two']);
  });

  it('updates an organization (owner or admin), field by field', async () => {
    const res = await hub.http().patch('/api/v1/orgs/Acme-AI').set(owner.auth).send({ description: 'Now open.', kind: 'research' }).expect(200);
    expect(res.body).toMatchObject({ name: 'Acme-AI', displayName: 'ACME AI Lab', kind: 'research', description: 'Now open.' });
    const cleared = await hub.http().patch('/api/v1/orgs/Acme-AI').set(owner.auth).send({ website: null }).expect(200);
    expect(cleared.body.website).toBeNull();
    const orgAdmin = await registerUser(hub);
    await hub.http().post('/api/v1/orgs/Acme-AI/members').set(owner.auth).send({ username: orgAdmin.username, role: 'admin' }).expect(201);
    await hub.http().patch('/api/v1/orgs/Acme-AI').set(orgAdmin.auth).send({ displayName: 'ACME' }).expect(200);
    expect((await hub.http().get('/api/v1/orgs/Acme-AI')).body.displayName).toBe('ACME');
  });

  it('refuses updates from plain members (403), strangers (403) and anonymous callers (401)', async () => {
    const member = await registerUser(hub);
    const stranger = await registerUser(hub);
    await hub.http().post('/api/v1/orgs/minimal/members').set(owner.auth).send({ username: member.username, role: 'member' }).expect(201);
    expectError(await hub.http().patch('/api/v1/orgs/minimal').set(member.auth).send({ description: 'x' }), 403, 'insufficient_role');
    expectError(await hub.http().patch('/api/v1/orgs/minimal').set(stranger.auth).send({ description: 'x' }), 403, 'insufficient_role');
    expectError(await hub.http().patch('/api/v1/orgs/minimal').send({ description: 'x' }), 401);
    expectError(await hub.http().post('/api/v1/orgs').send({ name: 'anon-org', kind: 'company' }), 401);
    expectError(await hub.http().patch('/api/v1/orgs/no-such-org').set(owner.auth).send({ description: 'x' }), 404, 'org_not_found');
  });

  describe('one namespace for users and organizations', () => {
    it('refuses an organization named like a user, regardless of case', async () => {
      expectError(await create(owner, { name: 'OLIVIA', kind: 'company' }), 409, 'name_taken');
      expectError(await create(owner, { name: 'Platform-Admin', kind: 'company' }), 409, 'name_taken');
    });

    it('refuses a second organization with the same name, regardless of case', async () => {
      expectError(await create(admin, { name: 'ACME-ai', kind: 'company' }), 409, 'name_taken');
    });

    it('refuses two concurrent creations of one name with one 201 and a 409', async () => {
      const [a, b] = await Promise.all([create(owner, { name: 'twin', kind: 'company' }), create(admin, { name: 'TWIN', kind: 'company' })]);
      expect([a.status, b.status].sort()).toEqual([201, 409]);
    });

    it.each(['api', 'models', 'docs', 'admin', 'healthz', 'readyz', 'openapi.json', 'datasets', 'settings', 'Models'])(
      'refuses the reserved name %s',
      async (name) => {
        const res = await create(owner, { name, kind: 'company' });
        expectError(res, 400, 'reserved_name');
        expect(res.body.details).toEqual([{ field: 'name', message: 'is reserved' }]);
      },
    );
  });

  describe('verification by the platform administrator', () => {
    it('only the platform administrator can verify', async () => {
      expectError(await hub.http().post('/api/v1/admin/orgs/lab-one/verify').set(owner.auth), 403, 'not_platform_admin');
      expectError(await hub.http().post('/api/v1/admin/orgs/lab-one/verify'), 401);
      const writeToken = await createToken(hub, admin, ['write']);
      expectError(await hub.http().post('/api/v1/admin/orgs/lab-one/verify').set(bearer(writeToken)), 403, 'insufficient_scope');
    });

    it('verify shows in GET and in ?verified=true; unverify withdraws it', async () => {
      const res = await hub.http().post('/api/v1/admin/orgs/lab-one/verify').set(admin.auth).expect(200);
      expect(res.body).toMatchObject({ name: 'lab-one', verified: true });
      expect((await hub.http().get('/api/v1/orgs/lab-one').expect(200)).body.verified).toBe(true);
      const verified = await hub.http().get('/api/v1/orgs?verified=true').expect(200);
      expect(verified.body.map((o: { name: string }) => o.name)).toEqual(['lab-one']);
      const unverifiedNames = (await hub.http().get('/api/v1/orgs?verified=false').expect(200)).body.map((o: { name: string }) => o.name);
      expect(unverifiedNames).not.toContain('lab-one');
      expect(unverifiedNames).toContain('lab-two');

      const adminToken = await createToken(hub, admin, ['admin']);
      await hub.http().post('/api/v1/admin/orgs/lab-one/unverify').set(bearer(adminToken)).expect(200);
      expect((await hub.http().get('/api/v1/orgs/lab-one')).body.verified).toBe(false);
      expect((await hub.http().get('/api/v1/orgs?verified=true')).body).toEqual([]);
    });

    it('an owner cannot verify their own organization through PATCH', async () => {
      expectInvalidField(await hub.http().patch('/api/v1/orgs/lab-two').set(owner.auth).send({ verified: true }), 'verified');
    });

    it('404 for an unknown organization', async () => {
      expectError(await hub.http().post('/api/v1/admin/orgs/no-such-org/verify').set(admin.auth), 404, 'org_not_found');
    });
  });

  describe('bad input', () => {
    const valid = { name: 'valid-org', kind: 'company' };
    it.each([
      ['missing name', { kind: 'company' }, 'name'],
      ['numeric name', { ...valid, name: 12 }, 'name'],
      ['one-letter name', { ...valid, name: 'x' }, 'name'],
      ['name of 40 characters', { ...valid, name: 'o'.repeat(40) }, 'name'],
      ['name with a space', { ...valid, name: 'two words' }, 'name'],
      ['name with a slash', { ...valid, name: 'acme/ai' }, 'name'],
      ['name with an underscore first', { ...valid, name: '_acme' }, 'name'],
      ['name with two dots in a row', { ...valid, name: 'acme..ai' }, 'name'],
      ['missing kind', { name: 'valid-org' }, 'kind'],
      ['unknown kind', { ...valid, kind: 'government' }, 'kind'],
      ['kind as a list', { ...valid, kind: ['company'] }, 'kind'],
      ['empty displayName', { ...valid, displayName: '' }, 'displayName'],
      ['null displayName', { ...valid, displayName: null }, 'displayName'],
      ['displayName of 101 characters', { ...valid, displayName: 'd'.repeat(101) }, 'displayName'],
      ['displayName with a newline', { ...valid, displayName: 'two\nlines' }, 'displayName'],
      ['numeric description', { ...valid, description: 3 }, 'description'],
      ['description of 2001 characters', { ...valid, description: 'd'.repeat(2001) }, 'description'],
      ['website without scheme', { ...valid, website: 'acme.example' }, 'website'],
      ['javascript: website', { ...valid, website: 'javascript:alert(1)' }, 'website'],
      ['ftp website', { ...valid, website: 'ftp://acme.example' }, 'website'],
      ['an unknown field', { ...valid, verified: true }, 'verified'],
    ])('refuses a creation with %s', async (_, body, field) => {
      expectInvalidField(await create(owner, body as Record<string, unknown>), field);
    });

    it.each([
      ['null kind', { kind: null }, 'kind'],
      ['null displayName', { displayName: null }, 'displayName'],
      ['unknown kind', { kind: 'club' }, 'kind'],
      ['a new name', { name: 'renamed' }, 'name'],
      ['bad website', { website: 'not a url' }, 'website'],
    ])('refuses an update with %s', async (_, body, field) => {
      expectInvalidField(await hub.http().patch('/api/v1/orgs/lab-two').set(owner.auth).send(body), field);
    });

    it.each([
      ['limit=abc', 'limit'],
      ['limit=0', 'limit'],
      ['limit=201', 'limit'],
      ['offset=-1', 'offset'],
      ['verified=maybe', 'verified'],
      ['kind=club', 'kind'],
      ['sort=name', 'sort'],
    ])('refuses the list query %s', async (query, field) => {
      expectInvalidField(await hub.http().get(`/api/v1/orgs?${query}`), field);
    });
  });
});
