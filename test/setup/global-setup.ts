import { execFileSync } from 'node:child_process';
import fs from 'node:fs/promises';
import path from 'node:path';
import { Client } from 'pg';
import { applyMigrations } from '../../apps/api/src/database/schema-engine';
import { startEmbeddedPostgres } from '../../apps/api/src/embedded/embedded-postgres';
import { startEmbeddedS3 } from '../../apps/api/src/embedded/embedded-s3';
import { servicesFileFor, type TestServices } from './test-services';

/**
 * Starts a real PostgreSQL and a real S3-compatible server for the whole run, and migrates a
 * template database that every test file copies into a database of its own.
 */
export default async function globalSetup(): Promise<void> {
  // The OpenAPI response contract the app loads (git-ignored): regenerated when a source is newer.
  execFileSync(process.execPath, [path.join(__dirname, '../../scripts/openapi-responses.js'), '--if-stale'], { stdio: 'inherit' });
  const servicesFile = servicesFileFor(process.pid);
  const dataDir = path.join(path.dirname(servicesFile), `run-${process.pid}`);
  await fs.rm(dataDir, { recursive: true, force: true });
  await fs.mkdir(dataDir, { recursive: true });
  const pg = await startEmbeddedPostgres(path.join(dataDir, 'postgres'), 'hub_template');
  const s3 = await startEmbeddedS3(path.join(dataDir, 's3'));
  const templateUrl = pg.urlFor('hub_template');
  await applyMigrations(templateUrl);
  // A template database must have no open connections when it is copied.
  const admin = new Client({ connectionString: pg.urlFor('postgres') });
  await admin.connect();
  await admin.query(`UPDATE pg_database SET datistemplate = true WHERE datname = 'hub_template'`);
  await admin.end();
  const services: TestServices = { pgAdminUrl: pg.urlFor('postgres'), templateDatabase: 'hub_template', s3Endpoint: s3.endpoint, dataDir };
  // It holds the password of the run's PostgreSQL.
  await fs.writeFile(servicesFile, JSON.stringify(services), { mode: 0o600 });
  // Workers start after this and inherit the environment.
  process.env.HUB_TEST_SERVICES_FILE = servicesFile;
  (globalThis as Record<string, unknown>).__hubTestServices = { pg, s3, dataDir, servicesFile };
}
