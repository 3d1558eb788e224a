import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import request from 'supertest';
import { type HubProcess, startMain } from './platform-helpers';

/**
 * What `npm start` runs (main.ts: embedded PostgreSQL and S3 under HUB_DATA_DIR), stopped with
 * SIGTERM and started again on the same folder, finds every account, token, organization and
 * session where it was. The folder is below a 0700 directory, as a clone in root's home is.
 */
describe('restart keeps data', () => {
  let root: string;
  let dataDir: string;
  let hub: HubProcess | undefined;
  beforeAll(async () => {
    root = await fs.mkdtemp(path.join(os.tmpdir(), 'hub-restart-'));
    expect((await fs.stat(root)).mode & 0o777).toBe(0o700);
    dataDir = path.join(root, 'clone', '.hub-data');
  });
  afterAll(async () => {
    await hub?.stop();
    await fs.rm(root, { recursive: true, force: true });
  });

  const start = () => startMain({ HUB_DATA_DIR: dataDir, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'silent' });

  it('starts, stops cleanly and starts again with accounts, tokens, organizations and sessions intact', async () => {
    hub = await start();
    expect(hub.url).toMatch(/^http:\/\/localhost:\d+$/);
    let http = request(hub.url);
    await http.get('/readyz').expect(200);
    const registered = await http
      .post('/api/v1/auth/register')
      .send({ username: 'keeper', email: 'keeper@example.org', password: 'correct-horse-battery' })
      .expect(201);
    const jwt = registered.body.accessToken as string;
    const token = (
      await http
        .post('/api/v1/tokens')
        .set('Authorization', `Bearer ${jwt}`)
        .send({ name: 'kept', scopes: ['write'] })
        .expect(201)
    ).body.token as string;
    await http.post('/api/v1/orgs').set('Authorization', `Bearer ${token}`).send({ name: 'kept-org', kind: 'research' }).expect(201);
    await expect(fs.stat(path.join(dataDir, 'postgres', 'PG_VERSION'))).resolves.toBeTruthy();
    await expect(fs.stat(path.join(dataDir, 'jwt-secret'))).resolves.toBeTruthy();
    const stopped = await hub.stop();
    hub = undefined;
    expect(stopped.output).toContain('SIGTERM received, shutting down');
    expect(stopped.code).toBe(0);
    await expect(fs.stat(path.join(dataDir, 'postgres', 'postmaster.pid'))).rejects.toThrow();

    hub = await start();
    expect(hub.url).not.toBe('');
    http = request(hub.url);
    const login = await http.post('/api/v1/auth/login').send({ login: 'keeper@example.org', password: 'correct-horse-battery' }).expect(200);
    expect(login.body.user).toMatchObject({ username: 'keeper', isAdmin: true });
    const viaOldJwt = await http.get('/api/v1/me').set('Authorization', `Bearer ${jwt}`).expect(200);
    expect(viaOldJwt.body.orgs).toEqual([{ name: 'kept-org', role: 'owner' }]);
    await http.get('/api/v1/me').set('Authorization', `Bearer ${token}`).expect(200);
    const tokens = await http.get('/api/v1/tokens').set('Authorization', `Bearer ${login.body.accessToken}`).expect(200);
    expect(tokens.body).toEqual([expect.objectContaining({ name: 'kept', scopes: ['write'], lastUsedAt: expect.any(String) })]);
    expect((await http.get('/api/v1/orgs/kept-org').expect(200)).body).toMatchObject({ name: 'kept-org', kind: 'research' });
  });
});
