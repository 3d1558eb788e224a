import { registerUser, type TestUser } from '../support/factories';
import { startTestHub, type TestHub } from '../support/test-hub';
import { expectError, startReplica } from './platform-helpers';

const LIMITS = { LOGIN_MAX_FAILURES_PER_ACCOUNT: '3', LOGIN_FAILURE_WINDOW_SECONDS: '600' };

describe('login rate limit (counters in PostgreSQL)', () => {
  let hub: TestHub;
  let replica: TestHub;
  beforeAll(async () => {
    hub = await startTestHub({ env: LIMITS });
    replica = await startReplica(hub, LIMITS);
  });
  afterAll(async () => {
    await replica?.close();
    await hub.close();
  });

  const login = (on: TestHub, login: string, password: string) => on.http().post('/api/v1/auth/login').send({ login, password });
  const fail = async (on: TestHub, name: string) => expectError(await login(on, name, 'wrong-password'), 401, 'unauthorized');

  it('answers 429 with Retry-After once an account has used up its failures, even for the right password', async () => {
    const ada = await registerUser(hub);
    for (let i = 0; i < 3; i++) await fail(hub, ada.username);
    const res = await login(hub, ada.username, ada.password);
    expectError(res, 429, 'too_many_login_attempts');
    const retryAfter = Number(res.headers['retry-after']);
    expect(Number.isInteger(retryAfter)).toBe(true);
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(600);
    expect(res.body.error).toContain(`${retryAfter} seconds`);
  });

  it('counts an account once, whether named by username or email', async () => {
    const bob = await registerUser(hub);
    await fail(hub, bob.username);
    await fail(hub, bob.email.toUpperCase());
    await fail(hub, bob.username.toUpperCase());
    expectError(await login(hub, bob.email, bob.password), 429);
  });

  it('leaves other accounts alone', async () => {
    const locked = await registerUser(hub);
    const other = await registerUser(hub);
    for (let i = 0; i < 3; i++) await fail(hub, locked.username);
    await login(hub, other.username, other.password).expect(200);
  });

  it('counts names that match no account too', async () => {
    for (let i = 0; i < 3; i++) await fail(hub, 'ghost-account');
    expectError(await login(hub, 'ghost-account', 'whatever'), 429);
  });

  it('resets the account counter after a successful login', async () => {
    const carol = await registerUser(hub);
    await fail(hub, carol.username);
    await fail(hub, carol.username);
    await login(hub, carol.username, carol.password).expect(200);
    await fail(hub, carol.username);
    await fail(hub, carol.username);
    await login(hub, carol.username, carol.password).expect(200);
  });

  it('holds across hub processes sharing the database', async () => {
    const dave: TestUser = await registerUser(hub);
    await fail(hub, dave.username);
    await fail(replica, dave.username);
    await fail(hub, dave.username);
    const res = await login(replica, dave.username, dave.password);
    expectError(res, 429, 'too_many_login_attempts');
    expect(Number(res.headers['retry-after'])).toBeGreaterThan(0);
    expectError(await login(hub, dave.username, dave.password), 429);
  });
});

describe('login rate limit per address and window', () => {
  it('limits one address across many accounts', async () => {
    const hub = await startTestHub({ env: { LOGIN_MAX_FAILURES_PER_ADDRESS: '4' } });
    try {
      const victim = await registerUser(hub);
      for (let i = 0; i < 4; i++) {
        expectError(
          await hub
            .http()
            .post('/api/v1/auth/login')
            .send({ login: `someone-${i}`, password: 'guess' }),
          401,
        );
      }
      const res = await hub.http().post('/api/v1/auth/login').send({ login: victim.username, password: victim.password });
      expectError(res, 429, 'too_many_login_attempts');
      expect(res.headers['retry-after']).toBeDefined();
    } finally {
      await hub.close();
    }
  });

  it('lets the account try again once the window has passed', async () => {
    const hub = await startTestHub({ env: { LOGIN_MAX_FAILURES_PER_ACCOUNT: '2', LOGIN_FAILURE_WINDOW_SECONDS: '1' } });
    try {
      const erin = await registerUser(hub);
      for (let i = 0; i < 2; i++) await hub.http().post('/api/v1/auth/login').send({ login: erin.username, password: 'nope' }).expect(401);
      const limited = await hub.http().post('/api/v1/auth/login').send({ login: erin.username, password: erin.password });
      expectError(limited, 429);
      expect(limited.headers['retry-after']).toBe('1');
      await new Promise((resolve) => setTimeout(resolve, 1100));
      await hub.http().post('/api/v1/auth/login').send({ login: erin.username, password: erin.password }).expect(200);
    } finally {
      await hub.close();
    }
  });
});
