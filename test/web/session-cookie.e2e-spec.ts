import type request from 'supertest';
import { registerUser } from '../support/factories';
import { startTestHub, type TestHub } from '../support/test-hub';

/** The browser session (docs/web.md#sessions): cookies, CSRF, and bearer tokens unchanged. */
describe('browser session cookies', () => {
  let hub: TestHub;
  beforeAll(async () => {
    hub = await startTestHub();
  });
  afterAll(() => hub.close());

  const cookiesOf = (res: request.Response) => ([] as string[]).concat(res.headers['set-cookie'] ?? []);
  const value = (cookies: string[], name: string) =>
    cookies
      .find((c) => c.startsWith(`${name}=`))!
      .split(';')[0]
      .slice(name.length + 1);

  async function signUp() {
    const username = `cookie${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;
    const res = await hub
      .http()
      .post('/api/v1/auth/session/register')
      .send({ username, email: `${username}@example.org`, password: 'correct-horse-battery' })
      .expect(201);
    const cookies = cookiesOf(res);
    return { username, res, cookies, cookie: cookies.map((c) => c.split(';')[0]).join('; '), csrf: decodeURIComponent(value(cookies, 'hub_csrf')) };
  }

  it('signs up into an httpOnly SameSite=Lax cookie; the body holds no token', async () => {
    const { res, cookies, username, cookie } = await signUp();
    expect(res.body.user.username).toBe(username);
    expect(res.body).not.toHaveProperty('accessToken');
    expect(cookies.find((c) => c.startsWith('hub_session='))).toMatch(/HttpOnly/i);
    expect(cookies.find((c) => c.startsWith('hub_session='))).toMatch(/SameSite=Lax/i);
    expect(cookies.find((c) => c.startsWith('hub_csrf='))).not.toMatch(/HttpOnly/i);
    const me = await hub.http().get('/api/v1/me').set('Cookie', cookie).expect(200);
    expect(me.body.username).toBe(username);
  });

  it('refuses a change made with the cookie unless X-CSRF-Token carries the session token', async () => {
    const { cookie, csrf } = await signUp();
    const create = () =>
      hub
        .http()
        .post('/api/v1/tokens')
        .set('Cookie', cookie)
        .send({ name: 'web', scopes: ['read'] });
    const missing = await create().expect(403);
    expect(missing.body).toMatchObject({ code: 'csrf_failed', requestId: expect.any(String) });
    await create().set('X-CSRF-Token', 'forged').expect(403);
    // Another session's token does not fit this session.
    const other = await signUp();
    await create().set('X-CSRF-Token', other.csrf).expect(403);
    await create().set('X-CSRF-Token', csrf).expect(201);
  });

  it('keeps bearer tokens working without CSRF, and an Authorization header wins over a cookie', async () => {
    const user = await registerUser(hub);
    await hub
      .http()
      .post('/api/v1/tokens')
      .set(user.auth)
      .send({ name: 'cli', scopes: ['read'] })
      .expect(201);
    const { cookie } = await signUp();
    const me = await hub.http().get('/api/v1/me').set('Cookie', cookie).set(user.auth).expect(200);
    expect(me.body.username).toBe(user.username);
  });

  it('logs in with username or email; a wrong password is the hub error next to no cookie', async () => {
    const { username } = await signUp();
    const byEmail = await hub
      .http()
      .post('/api/v1/auth/session')
      .send({ login: `${username}@example.org`, password: 'correct-horse-battery' })
      .expect(200);
    expect(cookiesOf(byEmail).some((c) => c.startsWith('hub_session='))).toBe(true);
    await hub.http().post('/api/v1/auth/session').send({ login: username, password: 'correct-horse-battery' }).expect(200);
    const wrong = await hub.http().post('/api/v1/auth/session').send({ login: username, password: 'not-the-password' }).expect(401);
    expect(wrong.body).toMatchObject({ error: expect.any(String), requestId: expect.any(String) });
    expect(cookiesOf(wrong)).toEqual([]);
  });

  it('treats a forged or expired cookie as no session (public pages stay open) and clears it', async () => {
    const res = await hub.http().get('/api/v1/search').set('Cookie', 'hub_session=not.a.jwt').expect(200);
    expect(cookiesOf(res).some((c) => /^hub_session=;/.test(c))).toBe(true);
    await hub.http().get('/api/v1/me').set('Cookie', 'hub_session=not.a.jwt').expect(401);
  });

  it('signs out: both cookies cleared (with the CSRF token, as every change)', async () => {
    const { cookie, csrf } = await signUp();
    await hub.http().delete('/api/v1/auth/session').set('Cookie', cookie).expect(403);
    const out = await hub.http().delete('/api/v1/auth/session').set('Cookie', cookie).set('X-CSRF-Token', csrf).expect(204);
    expect(cookiesOf(out).filter((c) => /^(hub_session|hub_csrf)=;/.test(c))).toHaveLength(2);
  });
});
