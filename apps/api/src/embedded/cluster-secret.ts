import { randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { Client } from 'pg';

/** The cluster's superuser, whose password is generated per cluster and kept beside its data. */
export const EMBEDDED_USER = 'hub';
/** What every embedded cluster used before passwords were generated; migrated away at the first start. */
const LEGACY_PASSWORD = 'hub-embedded';
const SECRET_FILE = 'hub-password';
/** A generated password not yet known to be the cluster's (a crash can come between the two). */
const PENDING_FILE = 'hub-password.pending';

/** The cluster's password, once it has one of its own. */
export async function readSecret(dir: string): Promise<string | undefined> {
  const text = await fs.readFile(path.join(dir, SECRET_FILE), 'utf8').catch(() => null);
  return text?.trim() || undefined;
}

/** Writes the password of a cluster that initdb is creating. */
export async function writeSecret(dir: string, secret: string): Promise<void> {
  await fs.writeFile(path.join(dir, SECRET_FILE), `${secret}\n`, { mode: 0o600 });
}

export const generateSecret = () => randomBytes(32).toString('base64url');

/**
 * Only this machine, only with the password: loopback TCP and the unix socket (which lives in the
 * 0700 data folder), SCRAM authentication; replication is not allowed at all.
 */
export async function writeHba(dir: string): Promise<void> {
  const rules = [
    '# Written by the hub at every start of its embedded PostgreSQL.',
    'local all all scram-sha-256',
    'host all all 127.0.0.1/32 scram-sha-256',
    'host all all ::1/128 scram-sha-256',
    '',
  ];
  await fs.writeFile(path.join(dir, 'pg_hba.conf'), rules.join('\n'), { mode: 0o600 });
}

/**
 * Where a client reaches `database` on the embedded server: its unix socket when it has one (a
 * query there costs the hub's event loop less than over loopback TCP: bench/README.md, Inference),
 * else 127.0.0.1.
 */
export function embeddedUrl(port: number, password: string, database: string, socketDir?: string): string {
  const url = `postgresql://${EMBEDDED_USER}:${encodeURIComponent(password)}@127.0.0.1:${port}/${database}`;
  return socketDir ? `${url}?host=${encodeURIComponent(socketDir)}` : url;
}

async function connect(port: number, password: string): Promise<Client | undefined> {
  const client = new Client({ connectionString: embeddedUrl(port, password, 'postgres') });
  try {
    await client.connect();
    return client;
  } catch (err) {
    await client.end().catch(() => undefined);
    if ((err as { code?: string }).code === '28P01') return undefined; // wrong password
    throw err;
  }
}

/**
 * Connects as the superuser to the server started on `dir`. A cluster made before passwords were
 * generated still has the fixed one: it gets a generated password (kept in a 0600 file), after
 * which the fixed one no longer works.
 */
export async function connectAsOwner(dir: string, port: number): Promise<{ client: Client; secret: string }> {
  const secret = await readSecret(dir);
  if (secret) {
    const client = await connect(port, secret);
    if (!client) throw new Error(`The password in ${path.join(dir, SECRET_FILE)} is not the embedded PostgreSQL's`);
    return { client, secret };
  }
  const pendingFile = path.join(dir, PENDING_FILE);
  const pending = (await fs.readFile(pendingFile, 'utf8').catch(() => null))?.trim() || generateSecret();
  await fs.writeFile(pendingFile, `${pending}\n`, { mode: 0o600 });
  let client = await connect(port, pending);
  if (!client) {
    client = await connect(port, LEGACY_PASSWORD);
    if (!client) throw new Error(`The embedded PostgreSQL in ${dir} has no ${SECRET_FILE} file and refuses the passwords it could have`);
    await client.query(`SET password_encryption = 'scram-sha-256'`);
    await client.query(`ALTER ROLE "${EMBEDDED_USER}" PASSWORD ${client.escapeLiteral(pending)}`);
  }
  await fs.rename(pendingFile, path.join(dir, SECRET_FILE));
  return { client, secret: pending };
}
