import { ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';
import { Client } from 'pg';
import request from 'supertest';
import { createApp } from '../../apps/api/src/app.factory';
import { loadConfig, ResolvedHubConfig } from '../../apps/api/src/config/hub-config';
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
  /** Sends SIGTERM and waits for the exit. */
  stop(): Promise<{ code: number | null; output: string }>;
}

const RUN_TS = path.join(__dirname, 'fixtures', 'run-ts.js');
const MAIN_TS = 'apps/api/src/main.ts';

/** Runs `apps/api/src/main.ts` (what `npm start` runs, from source) with exactly `env` plus PATH. */
function spawnMain(env: Record<string, string>): ChildProcess & { output: () => string } {
  const child = spawn(process.execPath, [RUN_TS, MAIN_TS], { env: { PATH: process.env.PATH ?? '', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout!.on('data', (d) => (output += d));
  child.stderr!.on('data', (d) => (output += d));
  return Object.assign(child, { output: () => output });
}

const exited = (child: ChildProcess & { output: () => string }) =>
  new Promise<{ code: number | null; output: string }>((resolve) => {
    if (child.exitCode !== null) return resolve({ code: child.exitCode, output: child.output() });
    child.on('exit', (code) => resolve({ code, output: child.output() }));
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

/** Starts the hub's entry point and resolves once it prints "running at <url>". */
export async function startMain(env: Record<string, string>, timeoutMs = 45_000): Promise<HubProcess> {
  const child = spawnMain(env);
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
    child.kill('SIGKILL');
    throw err;
  });
  return {
    url,
    stop: async () => {
      const done = exited(child);
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
      try {
        return await done;
      } finally {
        clearTimeout(timer);
      }
    },
  };
}
