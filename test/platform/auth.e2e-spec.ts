import { JwtService } from '@nestjs/jwt';
import { bearer, registerUser } from '../support/factories';
import { startTestHub, type TestHub } from '../support/test-hub';
import { expectError, expectInvalidField, sql, startReplica } from './platform-helpers';

const PASSWORD = 'correct-horse-battery';

describe('accounts: register, login, sessions, /me', () => {
  let hub: TestHub;
  beforeAll(async () => {
    hub = await startTestHub();
  });
  afterAll(() => hub.close());

  const register = (body: Record<string, unknown>) => hub.http().post('/api/v1/auth/register').send(body);
  const login = (body: Record<string, unknown>) => hub.http().post('/api/v1/auth/login').send(body);

  it('registers the first user as platform administrator, the next ones not', async () => {
    const res = await register({ username: 'Ada', email: 'Ada@Example.org', password: PASSWORD }).expect(201);
    expect(res.body).toEqual({
      user: { id: expect.any(String), username: 'Ada', email: 'Ada@Example.org', isAdmin: true },
      accessToken: expect.any(String),
      expiresAt: expect.any(String),
    });
    expect(new Date(res.body.expiresAt).getTime()).toBeGreaterThan(Date.now());
    const second = await register({ username: 'grace', email: 'grace@example.org', password: PASSWORD }).expect(201);
    expect(second.body.user.isAdmin).toBe(false);
  });

  it('stores only an argon2id hash of the password', async () => {
    const [row] = await sql<{ password_hash: string }>(hub, `SELECT password_hash FROM users WHERE username = 'grace'`);
    expect(row.password_hash).toMatch(/^\$argon2id\$/);
    expect(row.password_hash).not.toContain(PASSWORD);
  });

  it('logs in with the username or the email, in any case', async () => {
    for (const name of ['grace', 'GRACE', 'grace@example.org', 'Grace@Example.ORG']) {
      const res = await login({ login: name, password: PASSWORD }).expect(200);
      expect(res.body.user).toEqual({ id: expect.any(String), username: 'grace', email: 'grace@example.org', isAdmin: false });
      expect(res.body.accessToken).toEqual(expect.any(String));
    }
  });

  it('refuses a wrong password or an unknown account with the same 401', async () => {
    const wrong = await login({ login: 'grace', password: 'not-the-password' });
    expectError(wrong, 401, 'unauthorized');
    const unknown = await login({ login: 'nobody-here', password: PASSWORD });
    expectError(unknown, 401, 'unauthorized');
    expect(unknown.body.error).toBe(wrong.body.error);
  });

  it('answers /me for a session, with the organizations and roles', async () => {
    const user = await registerUser(hub, 'linus');
    await hub.http().post('/api/v1/orgs').set(user.auth).send({ name: 'kernel-lab', kind: 'research' }).expect(201);
    const me = await hub.http().get('/api/v1/me').set(user.auth).expect(200);
    expect(me.body).toMatchObject({ id: user.id, username: 'linus', email: user.email, isAdmin: false, orgs: [{ name: 'kernel-lab', role: 'owner' }] });
  });

  it('needs a valid bearer token for /me', async () => {
    expectError(await hub.http().get('/api/v1/me'), 401, 'unauthorized');
    expectError(await hub.http().get('/api/v1/me').set(bearer('not-a-jwt')), 401, 'unauthorized');
    expectError(await hub.http().get('/api/v1/me').set(bearer('hf_unknowntoken')), 401, 'unauthorized');
    expectError(await hub.http().get('/api/v1/me').set('Authorization', 'Basic Z3JhY2U6eA=='), 401, 'unauthorized');
  });

  it('refuses an expired session and one signed with another secret', async () => {
    const user = await registerUser(hub);
    const jwt = hub.app.get(JwtService);
    const expired = await jwt.signAsync({ sub: user.id, typ: 'session' }, { expiresIn: -10 });
    expectError(await hub.http().get('/api/v1/me').set(bearer(expired)), 401);
    const forged = await jwt.signAsync({ sub: user.id, typ: 'session' }, { secret: 'another-secret-another-secret-another-secret' });
    expectError(await hub.http().get('/api/v1/me').set(bearer(forged)), 401);
    const notSession = await jwt.signAsync({ sub: user.id, typ: 'refresh' });
    expectError(await hub.http().get('/api/v1/me').set(bearer(notSession)), 401);
  });

  it('refuses a username or email already taken, regardless of case', async () => {
    expectError(await register({ username: 'ADA', email: 'other@example.org', password: PASSWORD }), 409, 'name_taken');
    expectError(await register({ username: 'ada2', email: 'ADA@example.ORG', password: PASSWORD }), 409, 'email_taken');
  });

  it('refuses a username that an organization holds', async () => {
    const owner = await registerUser(hub);
    await hub.http().post('/api/v1/orgs').set(owner.auth).send({ name: 'Deep-Labs', kind: 'company' }).expect(201);
    expectError(await register({ username: 'deep-labs', email: 'deep@example.org', password: PASSWORD }), 409, 'name_taken');
  });

  it('answers concurrent registrations of one name with one 201 and 409s, never a 500', async () => {
    const attempts = await Promise.all([0, 1, 2, 3].map((i) => register({ username: 'racer', email: `racer${i}@example.org`, password: PASSWORD })));
    expect(attempts.map((r) => r.status).sort()).toEqual([201, 409, 409, 409]);
  });

  describe('bad input', () => {
    const valid = { username: 'valid-name', email: 'valid@example.org', password: PASSWORD };
    const cases: [string, Record<string, unknown>, string][] = [
      ['missing username', { email: valid.email, password: PASSWORD }, 'username'],
      ['numeric username', { ...valid, username: 42 }, 'username'],
      ['one-letter username', { ...valid, username: 'a' }, 'username'],
      ['40-character username', { ...valid, username: 'a'.repeat(40) }, 'username'],
      ['username with a space', { ...valid, username: 'ada lovelace' }, 'username'],
      ['username with a slash', { ...valid, username: 'ada/x' }, 'username'],
      ['username starting with a dash', { ...valid, username: '-ada' }, 'username'],
      ['username ending with a dot', { ...valid, username: 'ada.' }, 'username'],
      ['username with two dashes in a row', { ...valid, username: 'ada--l' }, 'username'],
      ['non-ASCII username', { ...valid, username: 'adà' }, 'username'],
      ['reserved username api', { ...valid, username: 'api' }, 'username'],
      ['reserved username Models', { ...valid, username: 'Models' }, 'username'],
      ['reserved username openapi.json', { ...valid, username: 'openapi.json' }, 'username'],
      ['missing email', { username: valid.username, password: PASSWORD }, 'email'],
      ['email without @', { ...valid, email: 'not-an-email' }, 'email'],
      ['email as a list', { ...valid, email: ['a@example.org'] }, 'email'],
      ['email too long', { ...valid, email: `${'a'.repeat(250)}@example.org` }, 'email'],
      ['missing password', { username: valid.username, email: valid.email }, 'password'],
      ['short password', { ...valid, password: 'short' }, 'password'],
      ['password too long', { ...valid, password: 'x'.repeat(257) }, 'password'],
      ['password as a number', { ...valid, password: 12345678 }, 'password'],
      ['an unknown field', { ...valid, isAdmin: true }, 'isAdmin'],
    ];
    it.each(cases)('refuses %s with 400 naming the field', async (_, body, field) => {
      const res = await register(body);
      expectInvalidField(res, field);
      expect(res.body.error).toMatch(new RegExp(field === 'isAdmin' ? 'isAdmin' : field));
    });

    it('says "is required" once for a missing field and "must be a string" for a wrong type', async () => {
      const res = await register({ email: 42, password: PASSWORD });
      expect(res.body.details).toEqual([
        { field: 'username', message: 'username is required' },
        { field: 'email', message: 'email must be a string' },
      ]);
    });

    it.each([
      ['missing login', { password: PASSWORD }, 'login'],
      ['empty login', { login: '', password: PASSWORD }, 'login'],
      ['numeric password', { login: 'ada', password: 1 }, 'password'],
      ['login too long', { login: 'a'.repeat(255), password: PASSWORD }, 'login'],
    ])('refuses a login with %s', async (_, body, field) => {
      expectInvalidField(await login(body as Record<string, unknown>), field);
    });
  });

  describe('HUB_ADMIN_USERNAME', () => {
    it('makes the named user administrator instead of the first one', async () => {
      const named = await startTestHub({ env: { HUB_ADMIN_USERNAME: 'Boss' } });
      try {
        const first = await named.http().post('/api/v1/auth/register').send({ username: 'first', email: 'first@example.org', password: PASSWORD }).expect(201);
        expect(first.body.user.isAdmin).toBe(false);
        const boss = await named.http().post('/api/v1/auth/register').send({ username: 'boss', email: 'boss@example.org', password: PASSWORD }).expect(201);
        expect(boss.body.user.isAdmin).toBe(true);
      } finally {
        await named.close();
      }
    });

    it('promotes an account that existed before the variable was set', async () => {
      const first = await startTestHub();
      try {
        await registerUser(first, 'early');
        const late = await registerUser(first, 'late');
        const replica = await startReplica(first, { HUB_ADMIN_USERNAME: 'LATE' });
        try {
          const me = await replica.http().get('/api/v1/me').set(late.auth).expect(200);
          expect(me.body.isAdmin).toBe(true);
        } finally {
          await replica.close();
        }
      } finally {
        await first.close();
      }
    });
  });
});
