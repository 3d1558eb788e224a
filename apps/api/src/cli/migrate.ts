/**
 * Offline migrations, without the Prisma CLI's native engine:
 *   node apps/api/dist/cli/migrate.js deploy          apply pending migrations
 *   node apps/api/dist/cli/migrate.js create <name>   write prisma/migrations/<ts>_<name> from schema.prisma
 * Both use DATABASE_URL when set; otherwise `deploy` uses the hub's embedded PostgreSQL under
 * HUB_DATA_DIR and `create` a throw-away embedded cluster.
 */
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { loadConfig } from '../config/hub-config';
import { attachOrStartEmbeddedPostgres, startEmbeddedPostgres } from '../embedded/embedded-postgres';
import { applyMigrations, createMigration } from '../database/schema-engine';

async function main(): Promise<void> {
  const [command, name] = process.argv.slice(2);
  const config = loadConfig();
  if (command !== 'deploy' && command !== 'create') {
    throw new Error('usage: migrate deploy | migrate create <name>');
  }
  if (command === 'create' && !/^[a-z0-9_]+$/.test(name ?? '')) {
    throw new Error('migrate create needs a name of lower-case letters, digits and underscores');
  }
  let url = config.databaseUrl;
  let stop = async () => {};
  let scratch: string | undefined;
  if (!url) {
    const dir = command === 'create' ? (scratch = await fs.mkdtemp(path.join(os.tmpdir(), 'hub-migrate-'))) : path.join(config.dataDir, 'postgres');
    // deploy: the running hub's server when there is one; create: a throw-away cluster.
    const pg = command === 'create' ? await startEmbeddedPostgres(path.join(dir, 'pg'), 'hub') : await attachOrStartEmbeddedPostgres(dir, 'hub');
    url = pg.urlFor('hub');
    stop = pg.stop;
  }
  try {
    if (command === 'deploy') {
      const applied = await applyMigrations(url);
      console.log(applied.length ? `Applied: ${applied.join(', ')}` : 'No pending migrations.');
    } else {
      const dir = await createMigration(url, name);
      console.log(dir ? `Created ${path.relative(process.cwd(), dir)}` : 'schema.prisma matches the migrations; nothing to create.');
    }
  } finally {
    await stop();
    if (scratch) await fs.rm(scratch, { recursive: true, force: true });
  }
}

// The schema engine leaves a timer behind; exit once the work is done.
main().then(
  () => process.exit(0),
  (err: Error) => {
    console.error(err.message);
    process.exit(1);
  },
);
