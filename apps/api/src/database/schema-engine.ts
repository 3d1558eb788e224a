import fs from 'node:fs/promises';
import path from 'node:path';
import { PrismaPg } from '@prisma/adapter-pg';
import { Pool } from 'pg';
import { bindMigrationAwareSqlAdapterFactory } from '@prisma/driver-adapter-utils';
import type { MigrationList, SchemaEngine } from '@prisma/schema-engine-wasm' with { 'resolution-mode': 'import' };
import { migrationsDir, schemaPath } from './repo-paths';

/**
 * Migrations through Prisma's WebAssembly schema engine. The Prisma CLI downloads a native
 * engine at start-up, which these machines cannot; the WebAssembly engine reads and writes the
 * same `prisma/migrations/<name>/migration.sql` layout and `_prisma_migrations` table, so
 * `prisma migrate deploy` elsewhere applies the same files.
 */
// The engine cannot be unloaded: callbacks it scheduled (its timers) still call into its memory.
let loaded: Promise<{ Engine: typeof SchemaEngine }> | undefined;

async function loadEngine(): Promise<{ Engine: typeof SchemaEngine }> {
  // The package is ESM and expects a bundler to wire its .wasm; wire it by hand once per process
  // (wasm-bindgen keeps module-level state, so a second instantiation would break it).
  const runtime = await import('@prisma/schema-engine-wasm/schema_engine_bg');
  const wasmPath = require.resolve('@prisma/schema-engine-wasm/schema_engine_bg').replace(/\.js$/, '.wasm');
  const module = new WebAssembly.Module(await fs.readFile(wasmPath));
  // The engine arms 10 s timers that would keep a finished process (a CLI, the test runner)
  // alive; unref them, since they only guard work that something else is already awaiting.
  const imports: Record<string, unknown> = { ...runtime };
  for (const [name, fn] of Object.entries(runtime)) {
    if (name.startsWith('__wbg_setTimeout') && typeof fn === 'function') {
      imports[name] = (...args: unknown[]) => {
        const timer = (fn as (...a: unknown[]) => unknown)(...args);
        (timer as NodeJS.Timeout | undefined)?.unref?.();
        return timer;
      };
    }
  }
  const instance = new WebAssembly.Instance(module, { './schema_engine_bg.js': imports as never });
  runtime.__wbg_set_wasm(instance.exports);
  (instance.exports.__wbindgen_start as () => void)();
  return { Engine: runtime.SchemaEngine };
}

async function withEngine<T>(databaseUrl: string, run: (engine: SchemaEngine) => Promise<T>): Promise<T> {
  loaded ??= loadEngine();
  const { Engine } = await loaded;
  // Our own pool, so that it is closed when the engine is done (the engine never disposes it).
  const pool = new Pool({ connectionString: databaseUrl, max: 2, allowExitOnIdle: true });
  const adapter = bindMigrationAwareSqlAdapterFactory(new PrismaPg(pool));
  const datamodel = await fs.readFile(schemaPath(), 'utf8');
  const engine = await Engine.new({ datamodels: [[schemaPath(), datamodel]] }, () => undefined, adapter);
  try {
    return await run(engine);
  } finally {
    engine.free();
    await pool.end();
  }
}

async function readMigrations(baseDir = migrationsDir()): Promise<MigrationList> {
  await fs.mkdir(baseDir, { recursive: true });
  const entries = (await fs.readdir(baseDir, { withFileTypes: true }))
    .filter((e) => e.isDirectory())
    .map((e) => e.name)
    .sort();
  const lockPath = path.join(baseDir, 'migration_lock.toml');
  const lock = await fs.readFile(lockPath, 'utf8').catch(() => null);
  return {
    baseDir,
    lockfile: { path: 'migration_lock.toml', content: lock },
    shadowDbInitScript: '',
    migrationDirectories: await Promise.all(
      entries.map(async (name) => {
        const content = await fs.readFile(path.join(baseDir, name, 'migration.sql'), 'utf8').then(
          (ok) => ({ tag: 'ok' as const, value: ok }),
          (err: Error) => ({ tag: 'error' as const, value: err.message }),
        );
        return { path: name, migrationFile: { path: 'migration.sql', content } };
      }),
    ),
  };
}

const noFilters = { externalTables: [], externalEnums: [] };

/** Applies every migration not yet recorded in `_prisma_migrations`; returns their names. */
export async function applyMigrations(databaseUrl: string): Promise<string[]> {
  const migrationsList = await readMigrations();
  return withEngine(databaseUrl, async (engine) => {
    const out = await engine.applyMigrations({ migrationsList, filters: noFilters });
    return out.appliedMigrationNames;
  });
}

/**
 * The schema that the migrations so far produce, kept beside them. The WebAssembly engine can
 * neither open a shadow database nor introspect PostgreSQL 18's catalogs here, so a new migration
 * is the diff between this snapshot and schema.prisma, computed without any database.
 */
export const snapshotPath = () => path.join(migrationsDir(), 'schema.snapshot.prisma');

/** SQL that takes a database from the snapshot to schema.prisma ('' when they match). */
export async function pendingSchemaSql(anyDatabaseUrl: string): Promise<string> {
  const current = await fs.readFile(schemaPath(), 'utf8');
  const previous = await fs.readFile(snapshotPath(), 'utf8').catch(() => null);
  return withEngine(anyDatabaseUrl, async (engine) => {
    const diff = await engine.diff({
      from: previous === null ? { tag: 'empty' } : { tag: 'schemaDatamodel', files: [{ path: snapshotPath(), content: previous }] },
      to: { tag: 'schemaDatamodel', files: [{ path: schemaPath(), content: current }] },
      script: true,
      exitCode: null,
      filters: noFilters,
    });
    const script = diff.stdout ?? '';
    return /^-- This is an empty migration/.test(script.trim()) ? '' : script;
  });
}

/**
 * Writes prisma/migrations/<timestamp>_<name>/migration.sql from the schema change since the
 * last migration and moves the snapshot forward. Returns the folder, or null when nothing changed.
 */
export async function createMigration(anyDatabaseUrl: string, name: string): Promise<string | null> {
  const script = await pendingSchemaSql(anyDatabaseUrl);
  if (!script.trim()) return null;
  const stamp = new Date().toISOString().replace(/\D/g, '').slice(0, 14);
  const dir = path.join(migrationsDir(), `${stamp}_${name}`);
  await fs.mkdir(dir, { recursive: true });
  await fs.writeFile(path.join(dir, 'migration.sql'), script);
  await fs.writeFile(
    path.join(migrationsDir(), 'migration_lock.toml'),
    '# Please do not edit this file manually\n# It should be added in your version-control system (e.g., Git)\nprovider = "postgresql"\n',
  );
  await fs.copyFile(schemaPath(), snapshotPath());
  return dir;
}
