import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { createApp } from './app.factory';
import { HubConfig, ResolvedHubConfig } from './config/hub-config';
import { applyMigrations } from './database/schema-engine';
import { startEmbeddedPostgres } from './embedded/embedded-postgres';
import { dataFolderSecret } from './embedded/data-folder-secret';
import { startEmbeddedStore } from './embedded/embedded-store';

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
      const pg = await startEmbeddedPostgres(path.join(config.dataDir, 'postgres'), 'hub', log);
      stops.push(pg.stop);
      databaseUrl = pg.urlFor('hub');
      log(`Embedded PostgreSQL started (data in ${path.join(config.dataDir, 'postgres')})`);
    }
    let s3 = config.s3 as ResolvedHubConfig['s3'];
    if (!config.s3.endpoint) {
      // Private: on a unix socket only the hub can open; clients go through the hub's storage gateway.
      const store = await startEmbeddedStore(config);
      stops.push(store.stop);
      s3 = store.s3;
      log(`Embedded S3 store started (data in ${path.join(config.dataDir, 's3')}, served to clients at /_storage on the hub's port)`);
    }
    const applied = await migrate(databaseUrl);
    if (applied.length) log(`Applied migrations: ${applied.join(', ')}`);
    const jwtSecret = config.jwt.secret ?? (await dataFolderSecret(config.dataDir, 'jwt-secret'));
    const resolved: ResolvedHubConfig = { ...config, databaseUrl, s3, jwt: { ...config.jwt, secret: jwtSecret } };
    const app = await createApp(resolved);
    stops.push(() => app.close());
    await app.listen(config.port, config.host);
    const address = app.getHttpServer().address();
    const port = typeof address === 'object' && address ? address.port : config.port;
    const url = config.publicUrl ?? `http://localhost:${port}`;
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
