import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { createApp } from './app.factory';
import { HubConfig, ResolvedHubConfig } from './config/hub-config';
import { applyMigrations } from './database/schema-engine';
import { startEmbeddedPostgres } from './embedded/embedded-postgres';
import { startEmbeddedS3 } from './embedded/embedded-s3';

export interface RunningHub {
  app: NestExpressApplication;
  config: ResolvedHubConfig;
  url: string;
  stop(): Promise<void>;
}

/**
 * Starts whatever the config leaves unset (embedded PostgreSQL and S3 under the data folder),
 * applies pending migrations, and serves the API. `stop()` shuts all of it down in order.
 */
export async function startHub(config: HubConfig, log: (line: string) => void = console.log): Promise<RunningHub> {
  const stops: (() => Promise<void>)[] = [];
  const stopAll = async () => {
    for (const stop of stops.reverse()) await stop().catch((err) => log(`shutdown: ${err}`));
  };
  try {
    let databaseUrl = config.databaseUrl;
    if (!databaseUrl) {
      const pg = await startEmbeddedPostgres(path.join(config.dataDir, 'postgres'), 'hub');
      stops.push(pg.stop);
      databaseUrl = pg.urlFor('hub');
      log(`Embedded PostgreSQL started (data in ${path.join(config.dataDir, 'postgres')})`);
    }
    let s3 = config.s3 as ResolvedHubConfig['s3'];
    if (!config.s3.endpoint) {
      const embedded = await startEmbeddedS3(path.join(config.dataDir, 's3'));
      stops.push(embedded.stop);
      s3 = { ...config.s3, endpoint: embedded.endpoint, accessKeyId: embedded.accessKeyId, secretAccessKey: embedded.secretAccessKey, forcePathStyle: true };
      log(`Embedded S3 server started at ${embedded.endpoint} (data in ${path.join(config.dataDir, 's3')})`);
    }
    const applied = await migrate(databaseUrl);
    if (applied.length) log(`Applied migrations: ${applied.join(', ')}`);
    const jwtSecret = config.jwt.secret ?? (await persistentSecret(config.dataDir));
    const resolved: ResolvedHubConfig = { ...config, databaseUrl, s3, jwt: { ...config.jwt, secret: jwtSecret } };
    const app = await createApp(resolved);
    stops.push(() => app.close());
    await app.listen(config.port, config.host);
    const address = app.getHttpServer().address();
    const port = typeof address === 'object' && address ? address.port : config.port;
    // With PORT=0 the OS picks the port, so the default public URL cannot name it in advance.
    const url = config.port === 0 ? `http://localhost:${port}` : config.publicUrl;
    return { app, config: resolved, url, stop: stopAll };
  } catch (err) {
    await stopAll();
    throw err;
  }
}

/**
 * Applies pending migrations in a child process (cli/migrate.js) when running the built server:
 * the schema engine's WebAssembly memory (about 40 MB) cannot be released once loaded, so it
 * leaves with the child instead of staying in the API process. From TypeScript sources (tests)
 * there is no built CLI, and the migrations run in this process.
 */
async function migrate(databaseUrl: string): Promise<string[]> {
  const cli = path.join(__dirname, 'cli', 'migrate.js');
  if (!__filename.endsWith('.js') || !existsSync(cli)) return applyMigrations(databaseUrl);
  const { stdout } = await promisify(execFile)(process.execPath, [cli, 'deploy'], { env: { ...process.env, DATABASE_URL: databaseUrl } }).catch(
    (err: Error & { stderr?: string }) => {
      throw new Error(`Migrations failed: ${err.stderr?.trim() || err.message}`);
    },
  );
  const applied = /^Applied: (.*)$/m.exec(stdout);
  return applied ? applied[1].split(', ') : [];
}

/**
 * Without JWT_SECRET, sessions are signed with a secret kept in the data folder, so they survive
 * a restart of the same hub.
 */
async function persistentSecret(dataDir: string): Promise<string> {
  const file = path.join(dataDir, 'jwt-secret');
  const existing = await fs.readFile(file, 'utf8').catch(() => null);
  if (existing && existing.trim().length >= 32) return existing.trim();
  await fs.mkdir(dataDir, { recursive: true });
  const secret = randomBytes(48).toString('base64url');
  await fs.writeFile(file, secret, { mode: 0o600 });
  return secret;
}
