import { spawnSync } from 'node:child_process';
import fs from 'node:fs/promises';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { Client } from 'pg';
import request from 'supertest';
import { readPostmaster } from '../../apps/api/src/embedded/cluster-owner';
import { embeddedUrl, readSecret } from '../../apps/api/src/embedded/cluster-secret';
import { freePort } from '../../apps/api/src/embedded/free-port';
import { startPostgresServer } from '../../apps/api/src/embedded/postgres-process';
import { pidExists, waitForExit } from '../../apps/api/src/embedded/process-identity';
import { completeMultipart, lfsBatch, lfsRepo, putParts, sha256Hex, uploadLfsFile } from '../support/lfs-client';
import { type HubProcess, runMainUntilExit, startMain } from '../platform/platform-helpers';

const MiB = 1024 * 1024;

/** The hub's database (its embedded server must be running), for what no route shows. */
async function hubSql<T>(dataDir: string, text: string, params: unknown[] = []): Promise<T[]> {
  const pgDir = path.join(dataDir, 'postgres');
  const [postmaster, secret] = await Promise.all([readPostmaster(pgDir), readSecret(pgDir)]);
  const client = new Client({ connectionString: embeddedUrl(postmaster!.port, secret!, 'hub') });
  await client.connect();
  try {
    return (await client.query(text, params as unknown[])).rows as T[];
  } finally {
    await client.end();
  }
}

async function until(what: string, check: () => Promise<boolean>, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/**
 * `kill -9` of the hub that `npm start` runs (main.ts, embedded PostgreSQL and S3 under a data
 * folder below a 0700 directory) in the middle of what changes state, then a start on the same
 * folder: its PostgreSQL went with it, the next start needs no hand, nothing is half-made, and
 * the same work done again succeeds.
 */
describe('crash recovery of the embedded services', () => {
  let root: string;
  let dataDir: string;
  let hub: HubProcess | undefined;
  let base: string;
  let auth: { Authorization: string };
  const env = () => ({
    HUB_DATA_DIR: dataDir,
    PORT: '0',
    HOST: '127.0.0.1',
    LOG_LEVEL: 'silent',
    MULTIPART_THRESHOLD: String(8 * MiB),
    MULTIPART_CHUNK_SIZE: String(5 * MiB),
  });
  const start = async () => {
    hub = await startMain(env(), 90_000);
    base = hub.url.replace('//localhost:', '//127.0.0.1:');
  };
  /** kill -9, and the hub's PostgreSQL stops by itself (the kernel signals it when its parent dies). */
  const crash = async () => {
    const server = (await readPostmaster(path.join(dataDir, 'postgres')))!;
    await hub!.kill();
    hub = undefined;
    expect(await waitForExit(server.pid, 15_000)).toBe(true);
  };
  const headOf = async (model: string) => (await request(base).get(`/api/models/${model}/revision/main`).set(auth).expect(200)).body.sha as string;

  beforeAll(async () => {
    root = await fs.mkdtemp(path.join(os.tmpdir(), 'hub-crash-')); // 0700, as root's home
    dataDir = path.join(root, 'data');
    await start();
    const user = await request(base)
      .post('/api/v1/auth/register')
      .send({ username: 'crasher', email: 'crasher@example.org', password: 'correct-horse-battery' })
      .expect(201);
    auth = { Authorization: `Bearer ${user.body.accessToken}` };
  }, 120_000);
  afterAll(async () => {
    await hub?.stop();
    await fs.rm(root, { recursive: true, force: true });
  });

  it("connects to its embedded PostgreSQL over the unix socket in the cluster's folder", async () => {
    const backends = await hubSql<{ application_name: string; client_addr: string | null }>(
      dataDir,
      "SELECT application_name, client_addr FROM pg_stat_activity WHERE datname = 'hub' AND pid <> pg_backend_pid()",
    );
    expect(backends.length).toBeGreaterThan(0);
    expect(backends.filter((b) => b.client_addr !== null)).toEqual([]);
    expect((await readPostmaster(path.join(dataDir, 'postgres')))!.socketDir).toBe(path.join(dataDir, 'postgres'));
  });

  it('killed while completing a multipart upload: no blob for unverified bytes, and the upload done again succeeds', async () => {
    await request(base).post('/api/v1/models').set(auth).send({ namespace: 'crasher', name: 'weights', visibility: 'public' }).expect(201);
    const repoAt = () => lfsRepo(base, { namespace: 'crasher', name: 'weights' }, auth.Authorization.slice(7));
    const repo = repoAt();
    const bytes = Buffer.alloc(20 * MiB, 7);
    bytes.write('crash test', 0);
    const oid = sha256Hex(bytes);
    const batch = await lfsBatch(repo, 'upload', [{ oid, size: bytes.length }]);
    const upload = batch.body.objects![0].actions!.upload!;
    expect(upload.header!.chunk_size).toBe(String(5 * MiB));
    const parts = await putParts(upload, bytes);
    // Killed the moment the hub has claimed the upload, while it completes and reads it back.
    const completion = completeMultipart(upload.href, { oid, parts }).then(
      () => 'answered',
      () => 'cut off',
    );
    await until(
      'the completion to start',
      async () => (await hubSql(dataDir, 'SELECT 1 FROM uploads WHERE sha256 = $1 AND completed_at IS NOT NULL', [oid])).length > 0,
    );
    await crash();
    expect(await completion).toBe('cut off');

    await start();
    const blobs = await hubSql<{ sha256: string }>(dataDir, 'SELECT sha256 FROM blobs WHERE sha256 = $1', [oid]);
    const [row] = await hubSql<{ status: string }>(dataDir, 'SELECT status::text FROM uploads WHERE sha256 = $1', [oid]);
    // A blob exists only for bytes the hub read back completely (the kill may have come after that).
    if (blobs.length) expect(row.status).toBe('completed');
    else {
      expect(row.status).toBe('pending');
      // The dead hub's claim on the upload holds until its lease lapses (30 s without renewal);
      // then the completion URL, retried as clients retry it, completes the upload.
      await hubSql(dataDir, `UPDATE uploads SET completed_at = now() - interval '1 minute' WHERE sha256 = $1`, [oid]);
      const { pathname, search } = new URL(upload.href);
      expect(await completeMultipart(`${base}${pathname}${search}`, { oid, parts })).toMatchObject({ status: 200, body: { oid, size: bytes.length } });
    }

    const again = await uploadLfsFile(repoAt(), bytes);
    expect(again).toEqual({ oid, size: bytes.length });
    await request(base)
      .post('/api/v1/models/crasher/weights/commits')
      .set(auth)
      .send({ summary: 'weights', operations: [{ op: 'lfs', path: 'weights.bin', sha256: oid, size: bytes.length }] })
      .expect(201);
    const down = await lfsBatch(repoAt(), 'download', [{ oid, size: bytes.length }]);
    const res = await fetch(down.body.objects![0].actions!.download!.href);
    expect(sha256Hex(Buffer.from(await res.arrayBuffer()))).toBe(oid);
  }, 240_000);

  it('killed while parts are written in place: the parts sent again after the restart complete the upload, with the right bytes', async () => {
    await request(base).post('/api/v1/models').set(auth).send({ namespace: 'crasher', name: 'placed', visibility: 'public' }).expect(201);
    const repoAt = () => lfsRepo(base, { namespace: 'crasher', name: 'placed' }, auth.Authorization.slice(7));
    const bytes = Buffer.concat([Buffer.alloc(10 * MiB, 3), Buffer.alloc(10 * MiB, 9)]);
    bytes.write('placed crash', 7 * MiB);
    const oid = sha256Hex(bytes);
    const upload = (await lfsBatch(repoAt(), 'upload', [{ oid, size: bytes.length }])).body.objects![0].actions!.upload!;
    const partUrl = (n: number) => {
      const { pathname, search } = new URL(upload.header![String(n).padStart(5, '0')]);
      return `${base}${pathname}${search}`;
    };
    const part = (n: number) => bytes.subarray((n - 1) * 5 * MiB, n * 5 * MiB);
    const put = async (n: number) => ({
      partNumber: n,
      etag: (await fetch(partUrl(n), { method: 'PUT', body: part(n) as unknown as Uint8Array<ArrayBuffer> })).headers.get('etag')!,
    });
    const before = [await put(3), await put(1)];
    // Part 2 half written into its slot when the hub dies.
    const folder = path.join(dataDir, 's3', 'model-hub', '._S3rver_uploads', new URL(partUrl(1)).searchParams.get('uploadId')!);
    const cut = http.request(partUrl(2), { method: 'PUT', headers: { 'Content-Length': String(5 * MiB) } });
    cut.on('error', () => undefined);
    cut.write(part(2).subarray(0, 3 * MiB));
    // Its slot is at 5 MiB, and its last byte sent is a 3 (the file reads 0 where nothing was written).
    const lastSent = async () => {
      const file = await fs.open(path.join(folder, 'hub-assembled'), 'r');
      const { buffer } = await file.read(Buffer.alloc(1), 0, 1, 8 * MiB - 1).finally(() => file.close());
      return buffer[0] === 3;
    };
    await until('part 2 to be half written', lastSent);
    await crash();

    await start();
    const after = [await put(2), await put(4)];
    const { pathname, search } = new URL(upload.href);
    const parts = [...before, ...after].sort((a, b) => a.partNumber - b.partNumber);
    expect(await completeMultipart(`${base}${pathname}${search}`, { oid, parts })).toMatchObject({ status: 200, body: { oid, size: bytes.length } });
    await request(base)
      .post('/api/v1/models/crasher/placed/commits')
      .set(auth)
      .send({ summary: 'placed', operations: [{ op: 'lfs', path: 'placed.bin', sha256: oid, size: bytes.length }] })
      .expect(201);
    const down = await lfsBatch(repoAt(), 'download', [{ oid, size: bytes.length }]);
    expect(sha256Hex(Buffer.from(await (await fetch(down.body.objects![0].actions!.download!.href)).arrayBuffer()))).toBe(oid);
  }, 240_000);

  it('killed during a 20,000-file commit: no commit, the branch unchanged, and the same commit succeeds after the restart', async () => {
    await request(base).post('/api/v1/models').set(auth).send({ namespace: 'crasher', name: 'many', visibility: 'public' }).expect(201);
    await request(base)
      .post('/api/v1/models/crasher/many/commits')
      .set(auth)
      .send({ summary: 'card', operations: [{ op: 'put', path: 'README.md', contentBase64: Buffer.from('# many\n').toString('base64') }] })
      .expect(201);
    const before = await headOf('crasher/many');
    const commitCount = async () =>
      (await hubSql<{ n: number }>(dataDir, `SELECT count(*)::int AS n FROM commits c JOIN models m ON m.id = c.model_id WHERE m.name = 'many'`))[0].n;
    const commitsBefore = await commitCount();
    const lines = [JSON.stringify({ key: 'header', value: { summary: '20,000 files' } })];
    for (let i = 0; i < 20_000; i++)
      lines.push(
        JSON.stringify({
          key: 'file',
          value: { path: `shard${i % 100}/f${i}.txt`, content: Buffer.from(`file ${i}\n`).toString('base64'), encoding: 'base64' },
        }),
      );
    const body = lines.join('\n');
    const post = () =>
      new Promise<{ status: number; body: string }>((resolve, reject) => {
        const req = http.request(
          `${base}/api/models/crasher/many/commit/main`,
          { method: 'POST', headers: { ...auth, 'Content-Type': 'application/x-ndjson' } },
          (res) => {
            let text = '';
            res.on('data', (d) => (text += d));
            res.on('end', () => resolve({ status: res.statusCode!, body: text }));
            res.on('error', reject);
          },
        );
        req.on('error', reject);
        req.end(body);
      });

    // Killed as soon as a transaction of the hub has written something.
    const killed = post().then(
      () => 'answered',
      () => 'cut off',
    );
    await until(
      'the commit to write',
      async () =>
        (
          await hubSql(
            dataDir,
            `SELECT 1 FROM pg_stat_activity WHERE datname = 'hub' AND backend_xid IS NOT NULL AND pid <> pg_backend_pid() AND query NOT ILIKE '%pgboss%'`,
          )
        ).length > 0,
      60_000,
    );
    await crash();
    expect(await killed).toBe('cut off');

    await start();
    expect(await headOf('crasher/many')).toBe(before);
    expect(await commitCount()).toBe(commitsBefore);

    const done = await post();
    expect(done.status).toBe(200);
    const { commitOid } = JSON.parse(done.body) as { commitOid: string };
    expect(await headOf('crasher/many')).toBe(commitOid);
    const [{ n }] = await hubSql<{ n: number }>(dataDir, 'SELECT count(*)::int AS n FROM commit_files WHERE commit_id = $1', [commitOid]);
    expect(n).toBe(20_002); // the 20,000 files, README.md and the initial .gitattributes
  }, 240_000);

  it('refuses a folder whose hub is alive, and stops the server a dead hub left running', async () => {
    const second = await runMainUntilExit(env(), 90_000);
    expect(second.code).toBe(1);
    expect(second.output).toContain(`is in use by a running hub (pid ${hub!.pid}`);
    await request(base).get('/readyz').expect(200);
    // The migrate tool (as the seed) works on the running hub's server, and leaves it running.
    const pgDir = path.join(dataDir, 'postgres');
    const server = (await readPostmaster(pgDir))!;
    const migrate = spawnSync(process.execPath, [path.join(__dirname, '..', 'platform', 'fixtures', 'run-ts.js'), 'apps/api/src/cli/migrate.ts', 'deploy'], {
      env: { PATH: process.env.PATH, HUB_DATA_DIR: dataDir },
      encoding: 'utf8',
    });
    expect(migrate.stdout + migrate.stderr).toContain('No pending migrations.');
    expect((await readPostmaster(pgDir))!.pid).toBe(server.pid);
    await request(base).get('/readyz').expect(200);
    await hub!.stop();
    hub = undefined;

    // A server whose hub is gone without taking it along (no pdeathsig where it ran, say).
    const leftover = await startPostgresServer(pgDir, await freePort(), []);
    const dead = spawnSync('true').pid;
    await fs.writeFile(path.join(pgDir, 'hub-owner.json'), JSON.stringify({ pid: dead, startTime: '1' }));
    await start();
    expect(pidExists(leftover.pid)).toBe(false);
    expect(hub!.output()).toContain(`Stopping the embedded PostgreSQL (pid ${leftover.pid}) left running by a hub that is gone`);
    await request(base).post('/api/v1/auth/login').send({ login: 'crasher', password: 'correct-horse-battery' }).expect(200);
  }, 240_000);
});
