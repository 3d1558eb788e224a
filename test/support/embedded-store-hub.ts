import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import request from 'supertest';
import { createApp } from '../../apps/api/src/app.factory';
import { loadConfig, type ResolvedHubConfig } from '../../apps/api/src/config/hub-config';
import { startEmbeddedStore } from '../../apps/api/src/embedded/embedded-store';
import { createTestDatabase, type TestHub } from './test-hub';

export interface EmbeddedStoreHub extends TestHub {
  url: string;
  /** The hub's data folder (the embedded store is in `<dataDir>/s3`). */
  dataDir: string;
  /** Stops the hub and keeps its data folder (to start it again on the same data). */
  stop(): Promise<void>;
}

/**
 * A hub in embedded-store mode (no S3_ENDPOINT), its store started as startHub starts it
 * (startEmbeddedStore): private, under a fresh data folder, served through the storage gateway on
 * the hub's port. The database is a migrated test database, as for every other test hub.
 * `close()` removes the data folder.
 */
export async function startEmbeddedStoreHub(env: Record<string, string> = {}, reuse?: { dataDir: string; databaseUrl: string }): Promise<EmbeddedStoreHub> {
  const dataDir = reuse?.dataDir ?? (await fs.mkdtemp(path.join(os.tmpdir(), 'hub-embedded-store-')));
  const databaseUrl = reuse?.databaseUrl ?? (await createTestDatabase());
  const config = loadConfig({
    NODE_ENV: 'test',
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    DATABASE_URL: databaseUrl,
    DATABASE_POOL_SIZE: '5',
    JWT_SECRET: 'test-secret-test-secret-test-secret-0123456789',
    HUB_DATA_DIR: dataDir,
    ...env,
  });
  const store = await startEmbeddedStore(config);
  const resolved = { ...config, databaseUrl, s3: store.s3, jwt: { ...config.jwt, secret: config.jwt.secret! } } as ResolvedHubConfig;
  const app = await createApp(resolved).catch(async (err) => {
    await store.stop();
    throw err;
  });
  await app.listen(0, '127.0.0.1');
  const port = (app.getHttpServer().address() as { port: number }).port;
  const stop = async () => {
    await app.close();
    await store.stop();
  };
  return {
    app,
    config: resolved,
    url: `http://127.0.0.1:${port}`,
    databaseUrl,
    dataDir,
    http: () => request(app.getHttpServer()),
    stop,
    close: async () => {
      await stop();
      await fs.rm(dataDir, { recursive: true, force: true });
    },
  };
}
