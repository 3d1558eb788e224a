#!/usr/bin/env node
// First searches of a process just started, with and without the start-up warm-up
// (bench/README.md, "Search from the first query"), on a catalogue seeded beforehand:
//
//   DATABASE_URL=postgres://... npm run seed -- --models 100000
//   npx tsc -b && DATABASE_URL=postgres://... node bench/search/first-search.js
//
// Starts the hub (apps/api/dist/main.js, embedded store, its own data folder) twice on that
// database, SEARCH_WARMUP=true then false; in each, once it is ready (the warm-up's log line, or
// the listening line without it) and three GET /healthz that open the client's connection, times
// the ten queries of bench/search/run.js one at a time, then three more rounds of them, and prints
// the first round against the third.
const { spawn } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { queries, get, percentile, round } = require('./run.js');

const databaseUrl = process.env.DATABASE_URL;
if (!databaseUrl) throw new Error('Set DATABASE_URL to a seeded database (npm run seed)');
const root = path.resolve(__dirname, '..', '..');

async function run(warmup) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hub-first-search-'));
  const port = 39000 + Math.floor(Math.random() * 1000);
  const env = {
    ...process.env,
    NODE_ENV: 'production',
    JWT_SECRET: 'bench-secret-bench-secret-bench-secret-0123',
    LOG_LEVEL: 'info',
    PORT: String(port),
    HOST: '127.0.0.1',
    HUB_DATA_DIR: dir,
    SEARCH_WARMUP: String(warmup),
  };
  const hub = spawn(process.execPath, [path.join(root, 'apps/api/dist/main.js')], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let log = '';
  hub.stdout.on('data', (c) => (log += c));
  hub.stderr.on('data', (c) => (log += c));
  try {
    const ready = warmup ? /Search warmed in (\d+) ms[^"]*/ : /Model Hub is running/;
    const started = Date.now();
    while (!ready.test(log)) {
      if (Date.now() - started > 10 * 60_000 || hub.exitCode !== null) throw new Error(`the hub did not get ready: ${log.slice(-2000)}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    const base = `http://127.0.0.1:${port}`;
    const set = queries('acme');
    // The benchmark's own client first (its connection, its code's first run), on an endpoint that does not search.
    for (let i = 0; i < 3; i++) await get(base, {}, '/healthz');
    const first = [];
    for (const { q } of set) first.push((await get(base, q)).ms);
    let third = [];
    for (let r = 0; r < 3; r++) {
      third = [];
      for (const { q } of set) third.push((await get(base, q)).ms);
    }
    const line = warmup ? ready.exec(log)[0] : 'no warm-up';
    return { warmup, line, rows: set.map(({ name }, i) => ({ query: name, first: round(first[i]), third: round(third[i]) })), first, third };
  } finally {
    hub.kill('SIGTERM');
    if (hub.exitCode === null) await new Promise((r) => hub.once('exit', r));
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

async function main() {
  const results = [];
  for (const warmup of [true, false]) {
    const r = await run(warmup);
    console.log(`\nSEARCH_WARMUP=${warmup}: ${r.line}`);
    console.table(r.rows);
    const stats = (xs) => ({ median: round(percentile(xs, 50)), max: round(Math.max(...xs)) });
    r.stats = { first: stats(r.first), third: stats(r.third) };
    console.log(
      `first: median ${r.stats.first.median} ms, max ${r.stats.first.max} ms; third round: median ${r.stats.third.median} ms, max ${r.stats.third.max} ms`,
    );
    results.push(r);
  }
  const [warm, cold] = results.map((r) => r.stats.first);
  const ratio = (a, b) => Math.round((a / b) * 100) / 100;
  console.log(`\nfirst searches, warmed / not warmed: median ${ratio(warm.median, cold.median)}, max ${ratio(warm.max, cold.max)}`);
}

if (require.main === module)
  main().catch((err) => {
    console.error(err);
    process.exit(1);
  });
