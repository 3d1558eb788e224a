import { realpathSync } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import { executableOf, identityOf, isRunning, parentPid, ProcessIdentity, waitForExit } from './process-identity';

/**
 * Which process runs the embedded cluster in a data folder: the hub (or the seed/migrate tool) that
 * started its server records itself in `hub-owner.json` before the server starts and removes the
 * record when it stops it. A record whose process is gone is what a crash leaves behind.
 */
const OWNER_FILE = 'hub-owner.json';

export async function readOwner(dir: string): Promise<ProcessIdentity | undefined> {
  const text = await fs.readFile(path.join(dir, OWNER_FILE), 'utf8').catch(() => null);
  if (!text) return undefined;
  try {
    const owner = JSON.parse(text) as ProcessIdentity;
    return Number.isInteger(owner.pid) ? owner : undefined;
  } catch {
    return undefined;
  }
}

/** Records this process as the cluster's owner; the returned function removes the record if it is still this process's. */
export async function recordOwner(dir: string): Promise<() => Promise<void>> {
  const file = path.join(dir, OWNER_FILE);
  const temporary = `${file}.${process.pid}`;
  await fs.writeFile(temporary, JSON.stringify(identityOf(process.pid) ?? { pid: process.pid }), { mode: 0o600 });
  await fs.rename(temporary, file);
  return async () => {
    if ((await readOwner(dir))?.pid === process.pid) await fs.rm(file, { force: true });
  };
}

export interface Postmaster {
  pid: number;
  port: number;
  /** `ready` once the server accepts connections. */
  status: string;
  /** The directory of its unix socket; none when the data folder's path is too long for one. */
  socketDir?: string;
}

/** The server's own postmaster.pid: pid, data directory, start time, port, socket directory, address, shared memory key, status. */
export async function readPostmaster(dir: string): Promise<Postmaster | undefined> {
  const text = await fs.readFile(path.join(dir, 'postmaster.pid'), 'utf8').catch(() => null);
  if (!text) return undefined;
  const lines = text.split('\n');
  return { pid: Number(lines[0]), port: Number(lines[3]), status: (lines[7] ?? '').trim(), socketDir: lines[4]?.trim() || undefined };
}

/**
 * Whether `pid` is a PostgreSQL server of the cluster in `dir` (its program is `postgres` and it
 * works in that directory), not another process that got the pid of a server that is gone.
 */
export function isServerOf(pid: number, dir: string): boolean {
  if (!identityOf(pid)) return false;
  const exe = executableOf(pid);
  if (exe === undefined) return true; // no /proc: the pid alone has to do
  if (path.basename(exe.replace(/ \(deleted\)$/, '')) !== 'postgres') return false;
  try {
    return realpathSync(`/proc/${pid}/cwd`) === realpathSync(dir);
  } catch {
    return false;
  }
}

/** The PostgreSQL of `dir` that is running, if any. */
export async function runningServer(dir: string): Promise<Postmaster | undefined> {
  const postmaster = await readPostmaster(dir);
  return postmaster && isServerOf(postmaster.pid, dir) ? postmaster : undefined;
}

/** Whether a live process owns the cluster: its recorded owner, or (clusters of hubs before the record existed) the Node process that started its server. */
function liveOwner(owner: ProcessIdentity | undefined, server: Postmaster | undefined): number | undefined {
  if (owner) return isRunning(owner) ? owner.pid : undefined;
  if (!server) return undefined;
  const parent = parentPid(server.pid);
  const program = parent && parent > 1 ? path.basename(executableOf(parent) ?? '') : '';
  return program.startsWith('node') ? parent : undefined;
}

/**
 * Makes the cluster in `dir` free for a server of this process. A cluster that a live hub owns is
 * never touched: that is an error. A server left running by an owner that is gone (a hub killed
 * before its server could follow) gets a fast shutdown, as Ctrl-C would have done, and is waited
 * for; a stale postmaster.pid is removed.
 */
export async function takeOverCluster(dir: string, log: (line: string) => void): Promise<void> {
  const owner = await readOwner(dir);
  const server = await runningServer(dir);
  const ownerPid = liveOwner(owner, server);
  if (ownerPid !== undefined) {
    const serverNote = server ? `, its PostgreSQL is pid ${server.pid}` : '';
    throw new Error(`${dir} is in use by a running hub (pid ${ownerPid}${serverNote}): is another hub running on the same HUB_DATA_DIR?`);
  }
  if (server) {
    log(`Stopping the embedded PostgreSQL (pid ${server.pid}) left running by a hub that is gone`);
    await stopServer(server.pid);
  }
  if (!(await runningServer(dir))) await fs.rm(path.join(dir, 'postmaster.pid'), { force: true });
}

/** Fast shutdown (SIGINT), then immediate shutdown (SIGQUIT, recovered from the WAL at the next start) if that takes too long. */
export async function stopServer(pid: number, timeoutMs = 60_000): Promise<void> {
  const signal = (name: NodeJS.Signals) => {
    try {
      process.kill(pid, name);
    } catch {
      // gone already
    }
  };
  signal('SIGINT');
  if (await waitForExit(pid, timeoutMs)) return;
  signal('SIGQUIT');
  if (await waitForExit(pid, 10_000)) return;
  throw new Error(`The embedded PostgreSQL (pid ${pid}) does not stop`);
}
