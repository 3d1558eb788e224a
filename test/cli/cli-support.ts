import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createToken, registerUser, type TestUser } from '../support/factories';
import { startTestHub, type TestHub } from '../support/test-hub';

const root = path.resolve(__dirname, '..', '..');
export const CLI = path.join(root, 'apps', 'cli', 'bin', 'modelhub.js');

/** Small thresholds: files over 1 MiB go through LFS, over 5 MiB in 5 MiB multipart parts. */
export const CLI_HUB_ENV = {
  LFS_THRESHOLD_BYTES: String(1024 * 1024),
  MULTIPART_THRESHOLD: String(5 * 1024 * 1024),
  MULTIPART_CHUNK_SIZE: String(5 * 1024 * 1024),
};

/** Compiles the command line (tsc -b: nothing to do when it is up to date), once per test file. */
export function buildCli(): void {
  const tsc = require.resolve('typescript/bin/tsc');
  execFileSync(process.execPath, [tsc, '-b', path.join(root, 'apps', 'cli')], { stdio: 'inherit' });
}

export interface CliRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  json<T = Record<string, unknown>>(): T;
}

export interface CliEnv {
  /** A home of its own: config ($XDG_CONFIG_HOME) and cache ($XDG_CACHE_HOME) below it. */
  home: string;
  env: Record<string, string>;
}

const homes: string[] = [];
// Registered on the suite of whichever test file imports this module.
afterAll(() => {
  for (const home of homes.splice(0)) fs.rmSync(home, { recursive: true, force: true });
});

/** A fresh user environment: no login, no state, the hub as MODELHUB_ENDPOINT unless told otherwise. */
export function cliEnv(endpoint?: string, extra: Record<string, string> = {}): CliEnv {
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'modelhub-cli-'));
  homes.push(home);
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '',
    HOME: home,
    XDG_CONFIG_HOME: path.join(home, 'config'),
    XDG_CACHE_HOME: path.join(home, 'cache'),
    MODELHUB_PROGRESS_INTERVAL_MS: '200',
    ...(endpoint ? { MODELHUB_ENDPOINT: endpoint } : {}),
    ...extra,
  };
  return { home, env };
}

/** Starts `modelhub args...` as a child process (asynchronously: the hub answers in this process). */
export function startCli(args: string[], env: CliEnv, options: { input?: string; cwd?: string } = {}): { child: ChildProcess; done: Promise<CliRun> } {
  const child = spawn(process.execPath, [CLI, ...args], { env: env.env, cwd: options.cwd ?? env.home, stdio: ['pipe', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  if (options.input !== undefined) child.stdin!.end(options.input);
  else child.stdin!.end();
  const done = new Promise<CliRun>((resolve) =>
    child.on('close', (code, signal) =>
      resolve({
        code,
        signal,
        stdout,
        stderr,
        json<T>() {
          try {
            return JSON.parse(stdout) as T;
          } catch {
            throw new Error(`stdout is not JSON (exit ${code}): ${stdout}\nstderr: ${stderr}`);
          }
        },
      }),
    ),
  );
  return { child, done };
}

export const cli = (args: string[], env: CliEnv, options: { input?: string; cwd?: string } = {}) => startCli(args, env, options).done;

/** Runs and expects exit code 0, returning the parsed --json output. */
export async function cliJson<T = Record<string, unknown>>(args: string[], env: CliEnv): Promise<T> {
  const r = await cli([...args, '--json'], env);
  if (r.code !== 0) throw new Error(`modelhub ${args.join(' ')} exited ${r.code}: ${r.stderr}`);
  return r.json<T>();
}

export interface CliHub {
  hub: TestHub;
  url: string;
  user: TestUser;
  token: string;
  env: CliEnv;
}

/** A listening test hub, a user with a read+write+admin token, and a CLI environment using it. */
export async function startCliHub(env: Record<string, string> = CLI_HUB_ENV, username?: string): Promise<CliHub> {
  buildCli();
  const hub = await startTestHub({ listen: true, env });
  const user = await registerUser(hub, username);
  const token = await createToken(hub, user, ['read', 'write', 'admin']);
  return { hub, url: hub.url!, user, token, env: cliEnv(hub.url!, { MODELHUB_TOKEN: token }) };
}

/** Waits until `check()` is true (polling), or fails after `ms`. */
export async function waitFor(check: () => boolean, ms = 30_000, what = 'condition'): Promise<void> {
  const until = Date.now() + ms;
  while (!check()) {
    if (Date.now() > until) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

export function writeFiles(dir: string, files: Record<string, string | Buffer>): void {
  for (const [p, content] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, p)), { recursive: true });
    fs.writeFileSync(path.join(dir, p), content);
  }
}
