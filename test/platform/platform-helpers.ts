import { type ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';
import { Client } from 'pg';
import request from 'supertest';
import { createApp } from '../../apps/api/src/app.factory';
import { loadConfig, type ResolvedHubConfig } from '../../apps/api/src/config/hub-config';
import type { TestHub } from '../support/test-hub';

/**
 * Another hub process on the same database and bucket as `hub` (as a second replica behind a load
 * balancer would be). `env` is the whole set of overrides for it; nothing is copied from `hub`'s.
 */
export async function startReplica(hub: TestHub, env: Record<string, string> = {}): Promise<TestHub> {
  const config = loadConfig({
    NODE_ENV: 'test',
    LOG_LEVEL: 'silent',
    DATABASE_URL: hub.databaseUrl,
    DATABASE_POOL_SIZE: '3',
    S3_ENDPOINT: hub.config.s3.endpoint,
    S3_ACCESS_KEY_ID: hub.config.s3.accessKeyId,
    S3_SECRET_ACCESS_KEY: hub.config.s3.secretAccessKey,
    S3_BUCKET: hub.config.s3.bucket,
    JWT_SECRET: hub.config.jwt.secret,
    HUB_DATA_DIR: hub.config.dataDir,
    ...env,
  }) as ResolvedHubConfig;
  const app = await createApp(config);
  await app.init();
  return { app, config, databaseUrl: hub.databaseUrl, http: () => request(app.getHttpServer()), close: () => app.close() };
}

/** Runs SQL straight on the hub's database, for states the API cannot produce (an expired token). */
export async function sql<T extends Record<string, unknown> = Record<string, unknown>>(hub: TestHub, text: string, params: unknown[] = []): Promise<T[]> {
  const client = new Client({ connectionString: hub.databaseUrl });
  await client.connect();
  try {
    return (await client.query<T>(text, params)).rows;
  } finally {
    await client.end();
  }
}

interface ErrorResponse {
  status: number;
  headers: Record<string, string>;
  body: { error?: unknown; code?: unknown; requestId?: unknown; details?: unknown };
}

/** Asserts the one error shape: `{error, code, requestId, details?}`, the id matching X-Request-Id. */
export function expectError(res: ErrorResponse, status: number, code?: string): void {
  if (res.status !== status) throw new Error(`expected ${status}, got ${res.status}: ${JSON.stringify(res.body)}`);
  expect(typeof res.body.error).toBe('string');
  expect((res.body.error as string).length).toBeGreaterThan(0);
  expect(res.body.requestId).toBe(res.headers['x-request-id']);
  if (code) expect(res.body.code).toBe(code);
  else expect(typeof res.body.code).toBe('string');
}

/** Asserts a 400 whose details name `field`. */
export function expectInvalidField(res: ErrorResponse, field: string): void {
  expectError(res, 400);
  const details = (res.body.details ?? []) as { field: string; message: string }[];
  expect(details.map((d) => d.field)).toContain(field);
}

export interface HubProcess {
  /** The URL the hub printed once it was up. */
  url: string;
  pid: number;
  /** What it printed so far. */
  output(): string;
  /** Sends SIGTERM and waits for the exit. */
  stop(): Promise<{ code: number | null; output: string }>;
  /** Sends SIGKILL (a crash: nothing of the hub runs) and waits until the process is gone. */
  kill(): Promise<void>;
}

const RUN_TS = path.join(__dirname, 'fixtures', 'run-ts.js');
const MAIN_TS = 'apps/api/src/main.ts';

/**
 * Runs `apps/api/src/main.ts` (what `npm start` runs, from source) with exactly `env` plus PATH;
 * `command` runs something else instead (`npm start` in another checkout) in `cwd`, in a process
 * group of its own that gets the signals, as a terminal's Ctrl-C reaches every process of a command.
 */
function spawnMain(
  env: Record<string, string>,
  command?: { file: string; args: string[]; cwd: string },
): ChildProcess & { output: () => string; signal: (s: NodeJS.Signals) => void } {
  const [file, args, cwd] = command ? [command.file, command.args, command.cwd] : [process.execPath, [RUN_TS, MAIN_TS], undefined];
  const child = spawn(file, args, { cwd, detached: !!command, env: { PATH: process.env.PATH ?? '', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout!.on('data', (d) => (output += d));
  child.stderr!.on('data', (d) => (output += d));
  const signal = (s: NodeJS.Signals) => {
    try {
      if (command) process.kill(-child.pid!, s);
      else child.kill(s);
    } catch {
      // gone already
    }
  };
  return Object.assign(child, { output: () => output, signal });
}

const exited = (child: ChildProcess & { output: () => string }) =>
  new Promise<{ code: number | null; output: string }>((resolve) => {
    // 'close': once every process that shares its output is done too (the hub under `npm start`).
    if (child.exitCode !== null && child.stdout!.closed) return resolve({ code: child.exitCode, output: child.output() });
    child.on('close', () => resolve({ code: child.exitCode, output: child.output() }));
  });

/** Runs the hub's entry point expecting it to stop by itself (a configuration error). */
export async function runMainUntilExit(env: Record<string, string>, timeoutMs = 30_000): Promise<{ code: number | null; output: string }> {
  const child = spawnMain(env);
  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
  try {
    return await exited(child);
  } finally {
    clearTimeout(timer);
  }
}

/** Starts the hub's entry point (or `command`) and resolves once it prints "running at <url>". */
export async function startMain(env: Record<string, string>, timeoutMs = 45_000, command?: Parameters<typeof spawnMain>[1]): Promise<HubProcess> {
  const child = spawnMain(env, command);
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`hub did not start within ${timeoutMs} ms:\n${child.output()}`)), timeoutMs);
    const check = () => {
      const match = /running at (http:\/\/\S+)/.exec(child.output());
      if (match) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    };
    child.stdout!.on('data', check);
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`hub exited with ${code} before it was up:\n${child.output()}`));
    });
  }).catch((err) => {
    child.signal('SIGKILL');
    throw err;
  });
  return {
    url,
    pid: child.pid!,
    output: child.output,
    kill: async () => {
      const done = exited(child);
      child.signal('SIGKILL');
      await done;
    },
    stop: async () => {
      const done = exited(child);
      child.signal('SIGTERM');
      const timer = setTimeout(() => child.signal('SIGKILL'), 20_000);
      try {
        return await done;
      } finally {
        clearTimeout(timer);
      }
    },
  };
}

/**
 * Hub processes (main.ts) on `setup`'s database and bucket, as replicas behind a load balancer
 * are, each with a TestHub face so the factories drive it over HTTP. `env` adds to their settings.
 */
export async function startProcessReplicas(
  setup: TestHub,
  count: number,
  env: Record<string, string> = {},
): Promise<{ processes: HubProcess[]; hubs: TestHub[] }> {
  const replicaEnv = {
    NODE_ENV: 'test',
    LOG_LEVEL: 'silent',
    PORT: '0',
    HOST: '127.0.0.1',
    DATABASE_URL: setup.databaseUrl,
    DATABASE_POOL_SIZE: '5',
    S3_ENDPOINT: setup.config.s3.endpoint!,
    S3_ACCESS_KEY_ID: setup.config.s3.accessKeyId!,
    S3_SECRET_ACCESS_KEY: setup.config.s3.secretAccessKey!,
    S3_BUCKET: setup.config.s3.bucket,
    JWT_SECRET: setup.config.jwt.secret,
    HUB_DATA_DIR: setup.config.dataDir,
    ...env,
  };
  const processes = await Promise.all(Array.from({ length: count }, () => startMain(replicaEnv, 90_000)));
  return { processes, hubs: processes.map((p) => ({ ...setup, url: p.url, http: () => request(p.url) })) };
}
