import { randomBytes } from 'node:crypto';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { Client } from 'pg';
import request from 'supertest';
import { createApp } from '../../apps/api/src/app.factory';
import { loadConfig, type ResolvedHubConfig } from '../../apps/api/src/config/hub-config';
import { readTestServices } from '../setup/test-services';

export interface TestHub {
  app: NestExpressApplication;
  config: ResolvedHubConfig;
  /** supertest against the app's HTTP server. */
  http: () => ReturnType<typeof request>;
  /** Base URL when started with `listen: true` (for real clients such as @huggingface/hub). */
  url?: string;
  databaseUrl: string;
  close(): Promise<void>;
}

/** A fresh database copied from the migrated template, for one test file. */
export async function createTestDatabase(): Promise<string> {
  const services = readTestServices();
  const name = `t_${randomBytes(6).toString('hex')}`;
  const admin = new Client({ connectionString: services.pgAdminUrl });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE "${name}" TEMPLATE "${services.templateDatabase}"`);
  } finally {
    await admin.end();
  }
  const url = new URL(services.pgAdminUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

/**
 * Boots the hub through the production bootstrap (createApp) on its own database and bucket.
 * `env` overrides environment variables exactly as an operator would set them; `databaseUrl`
 * boots it on an existing test database (a second process of the same hub).
 */
export async function startTestHub(options: { env?: Record<string, string>; listen?: boolean; databaseUrl?: string } = {}): Promise<TestHub> {
  const services = readTestServices();
  const databaseUrl = options.databaseUrl ?? (await createTestDatabase());
  const bucket = `t-${randomBytes(6).toString('hex')}`;
  const config = loadConfig({
    NODE_ENV: 'test',
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    DATABASE_URL: databaseUrl,
    DATABASE_POOL_SIZE: '5',
    S3_ENDPOINT: services.s3Endpoint,
    S3_ACCESS_KEY_ID: 'S3RVER',
    S3_SECRET_ACCESS_KEY: 'S3RVER',
    S3_BUCKET: bucket,
    JWT_SECRET: 'test-secret-test-secret-test-secret-0123456789',
    HUB_DATA_DIR: services.dataDir,
    ...options.env,
  }) as ResolvedHubConfig;
  const app = await createApp(config);
  let url: string | undefined;
  if (options.listen) {
    await app.listen(0, '127.0.0.1');
    const address = app.getHttpServer().address() as { port: number };
    url = `http://127.0.0.1:${address.port}`;
  } else {
    await app.init();
  }
  return { app, config, url, databaseUrl, http: () => request(app.getHttpServer()), close: () => app.close() };
}
