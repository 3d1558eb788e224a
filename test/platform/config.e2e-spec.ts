import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import request from 'supertest';
import { readTestServices } from '../setup/test-services';
import { createTestDatabase, startTestHub } from '../support/test-hub';
import { expectError, runMainUntilExit, startMain } from './platform-helpers';

describe('configuration', () => {
  // Every variable's validation is unit-tested in apps/api/src/config/hub-config.spec.ts; here the
  // real entry point shows that a bad value stops the server before anything starts.
  describe('invalid values stop the hub with a message naming the variable', () => {
    it.each([
      [{ PORT: 'abc' }, 'PORT'],
      [{ DATABASE_URL: 'mysql://root@localhost/hub' }, 'DATABASE_URL'],
      [{ S3_ENDPOINT: 'http://127.0.0.1:9000' }, 'S3_ACCESS_KEY_ID'],
      [{ PUBLIC_URL: 'not-a-url' }, 'PUBLIC_URL'],
    ])('the server (main.ts) exits with 78 for %j, naming %s', async (env, variable) => {
      const { code, output } = await runMainUntilExit(env as Record<string, string>);
      expect(output).toContain('Invalid configuration');
      expect(output).toContain(variable);
      expect(code).toBe(78);
    });
  });

  it('uses DATABASE_URL and S3_ENDPOINT when set, starting nothing embedded', async () => {
    const services = readTestServices();
    const dataDir = path.join(os.tmpdir(), `hub-external-${process.pid}`);
    const hub = await startMain({
      DATABASE_URL: await createTestDatabase(),
      S3_ENDPOINT: services.s3Endpoint,
      S3_ACCESS_KEY_ID: 'S3RVER',
      S3_SECRET_ACCESS_KEY: 'S3RVER',
      S3_BUCKET: 'external-services',
      JWT_SECRET: 'external-secret-external-secret-external',
      HUB_DATA_DIR: dataDir,
      PORT: '0',
      LOG_LEVEL: 'silent',
    });
    try {
      await request(hub.url).get('/readyz').expect(200);
    } finally {
      const { output, code } = await hub.stop();
      expect(code).toBe(0);
      expect(output).not.toMatch(/Embedded/);
    }
    expect(fs.existsSync(dataDir)).toBe(false);
  });

  describe('settings take effect', () => {
    it('BODY_LIMIT and JWT_EXPIRES_IN_SECONDS', async () => {
      const hub = await startTestHub({ env: { BODY_LIMIT: '2kb', JWT_EXPIRES_IN_SECONDS: '120' } });
      try {
        const small = await hub
          .http()
          .post('/api/v1/auth/register')
          .send({ username: 'tiny', email: 'tiny@example.org', password: 'p'.repeat(100) });
        expect(small.status).toBe(201);
        const expiresIn = new Date(small.body.expiresAt).getTime() - Date.now();
        expect(expiresIn).toBeGreaterThan(110_000);
        expect(expiresIn).toBeLessThanOrEqual(120_000);
        const [, payload] = small.body.accessToken.split('.');
        const claims = JSON.parse(Buffer.from(payload, 'base64url').toString());
        expect(claims.exp - claims.iat).toBe(120);
        const big = await hub
          .http()
          .post('/api/v1/auth/login')
          .send({ login: 'tiny', password: 'p'.repeat(3000) });
        expectError(big, 413, 'payload_too_large');
      } finally {
        await hub.close();
      }
    });
  });
});
