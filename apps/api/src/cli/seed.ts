/**
 * A realistic catalogue for a hub to show, or to measure search on:
 *   node apps/api/dist/cli/seed.js [--models 1000] [--datasets 200] [--seed 42]
 * Uses DATABASE_URL when set, otherwise the hub's embedded PostgreSQL under HUB_DATA_DIR (the
 * running hub's server, or one started for the seed); applies pending migrations first. Every
 * seeded user's password is printed at the end (they are demo accounts: do not seed a production
 * hub).
 */
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { Pool } from 'pg';
import { PasswordHasher } from '../auth/password-hasher';
import { loadConfig, ResolvedHubConfig } from '../config/hub-config';
import { applyMigrations } from '../database/schema-engine';
import { PrismaService } from '../database/prisma.service';
import { seedCatalogue, SeedReport } from '../discovery/seed/catalogue-seed';
import { TrendingRepository } from '../discovery/signals/trending.repository';
import { attachOrStartEmbeddedPostgres } from '../embedded/embedded-postgres';
import { LineageSeedReport, seedLineage } from '../lineage/lineage-seed';

function option(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  if (i < 0) return fallback;
  const v = Number(process.argv[i + 1]);
  if (!Number.isSafeInteger(v) || v < 1) throw new Error(`--${name} needs a whole number above 0`);
  return v;
}

/**
 * Seeds `databaseUrl` (migrated) and computes trending scores; for the CLI and the benches.
 * `datasets` (default: a fifth of `models`) and the lineage graph between them and the models.
 */
export async function seed(
  databaseUrl: string,
  opts: { models: number; datasets?: number; seed?: number; password: string; log?: (line: string) => void },
): Promise<SeedReport & { lineage: LineageSeedReport }> {
  const pool = new Pool({ connectionString: databaseUrl, max: 2 });
  const prisma = new PrismaService({ databaseUrl, databasePoolSize: 2 } as ResolvedHubConfig);
  try {
    const passwordHash = await new PasswordHasher().hash(opts.password);
    const report = await seedCatalogue(pool, { models: opts.models, seed: opts.seed, passwordHash, log: opts.log });
    const started = Date.now();
    const lineage = await seedLineage(pool, { datasets: opts.datasets ?? Math.ceil(opts.models / 5), seed: opts.seed });
    opts.log?.(`seed: ${lineage.datasets} datasets, ${lineage.edges} lineage edges (generations up to ${lineage.maxDepth})`);
    await new TrendingRepository(prisma).recompute();
    await pool.query('ANALYZE');
    return { ...report, lineage, milliseconds: report.milliseconds + Date.now() - started };
  } finally {
    await prisma.$disconnect();
    await pool.end();
  }
}

async function main(): Promise<void> {
  const models = option('models', 1000);
  const datasets = option('datasets', Math.ceil(models / 5));
  const seedValue = option('seed', 42);
  const config = loadConfig();
  let url = config.databaseUrl;
  let stop = async () => {};
  if (!url) {
    const pg = await attachOrStartEmbeddedPostgres(path.join(config.dataDir, 'postgres'), 'hub');
    url = pg.urlFor('hub');
    stop = pg.stop;
  }
  try {
    await applyMigrations(url);
    const password = randomBytes(9).toString('base64url');
    const report = await seed(url, { models, datasets, seed: seedValue, password, log: console.log });
    console.log(
      `Seeded ${report.models} models, ${report.lineage.datasets} datasets, ${report.organizations} organizations, ${report.users} users, ${report.likes} likes, ` +
        `${report.offers} licence offers in ${(report.milliseconds / 1000).toFixed(1)} s. Every seeded user's password: ${password}`,
    );
  } finally {
    await stop();
  }
}

if (require.main === module) {
  main().then(
    () => process.exit(0),
    (err: Error) => {
      console.error(err.message);
      process.exit(1);
    },
  );
}
