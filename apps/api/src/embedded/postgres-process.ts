import { ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';
import { readPostmaster, stopServer } from './cluster-owner';
import { postgresCommand } from './postgres-command';

/** Longest unix socket path (sun_path, 108 bytes with its NUL). */
const MAX_SOCKET_PATH = 107;

/** Runs one of PostgreSQL's programs to its end; rejects with its output if it fails. */
export function runPostgresProgram(program: 'initdb', args: string[]): Promise<void> {
  const { file, args: prefix } = postgresCommand(program);
  return new Promise((resolve, reject) => {
    const child = spawn(file, [...prefix, ...args], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, LC_MESSAGES: 'C' } });
    let output = '';
    child.stdout!.on('data', (d) => (output += d));
    child.stderr!.on('data', (d) => (output += d));
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`${program} failed (${code}): ${output.trim()}`))));
  });
}

export interface PostgresServer {
  pid: number;
  /** Where its unix socket is, if it has one. */
  socketDir?: string;
  stop(): Promise<void>;
}

/**
 * Starts the server on the cluster in `dir`, listening on 127.0.0.1:`port` and on a unix socket in
 * `dir` itself (private to its owner) when that path is short enough for a socket, else on TCP only.
 * Resolves once postmaster.pid says `ready`.
 */
export async function startPostgresServer(dir: string, port: number, flags: string[]): Promise<PostgresServer> {
  const absolute = path.resolve(dir);
  const socketDir = `${absolute}/.s.PGSQL.${port}`.length <= MAX_SOCKET_PATH ? absolute : '';
  const { file, args } = postgresCommand('postgres');
  const child = spawn(file, [...args, '-D', absolute, '-p', String(port), '-k', socketDir, '-c', 'listen_addresses=127.0.0.1', ...flags], {
    stdio: ['ignore', 'ignore', 'pipe'],
    env: { ...process.env, LC_MESSAGES: 'C' },
    // Out of the hub's process group: a Ctrl-C reaches the hub, which stops the server after
    // its own connections are closed. (If the hub dies, the death signal stops it.)
    detached: true,
  });
  // The last lines the server wrote, to say why it did not start.
  const lines: string[] = [];
  child.stderr!.on('data', (d: Buffer) => {
    lines.push(...String(d).split('\n').filter(Boolean));
    lines.splice(0, Math.max(0, lines.length - 20));
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const failed = new Promise<never>((_, reject) => {
    child.once('error', reject);
    void exited.then(() => reject(new Error(`The embedded PostgreSQL did not start: ${lines.join('\n')}`)));
  });
  failed.catch(() => undefined); // it also settles when the server stops later on
  try {
    await Promise.race([failed, ready(dir, child)]);
  } catch (err) {
    await stop(child, exited);
    throw err;
  }
  return { pid: child.pid!, socketDir: socketDir || undefined, stop: () => stop(child, exited) };
}

async function ready(dir: string, child: ChildProcess): Promise<void> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const postmaster = await readPostmaster(dir);
    if (postmaster && postmaster.pid === child.pid && postmaster.status === 'ready') return;
    if (child.exitCode !== null) return new Promise(() => {}); // `failed` says why
    if (Date.now() > deadline) throw new Error('The embedded PostgreSQL did not get ready within 60 s');
    await new Promise((r) => setTimeout(r, 25));
  }
}

async function stop(child: ChildProcess, exited: Promise<void>): Promise<void> {
  if (child.exitCode === null && child.signalCode === null) await Promise.all([exited, stopServer(child.pid!)]);
  // The server's helper processes can hold the stderr pipe open for a while after it exited,
  // which would keep Node alive.
  child.stderr?.destroy();
  child.unref();
}
