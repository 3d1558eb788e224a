#!/usr/bin/env node
// Search latency at 10,000 and at 100,000 models (bench/README.md, "Search").
//
//   npm run build && node bench/search/run.js [--sizes 10000,100000] [--runs 40]
//
// For each size: a fresh database in a scratch embedded PostgreSQL, migrated and seeded by the
// hub's own seeder (bulk SQL, timed), then the hub itself (apps/api/dist/main.js, its own process,
// with an s3rver) answering ten representative GET /api/v1/search queries over HTTP with
// keep-alive, one at a time: the first search of each right after the hub's start-up warm-up
// (discovery/search/search-warmup.service.ts, timed from its log line), warm-up rounds, then
// `runs` timed rounds in shuffled order, then `runs / 2` rounds with a model card
// rewritten before every search (so every refresh re-matches a document). Prints median and p95
// per query and overall, the ratio p95(largest) / p95(smallest), and the seed times; writes the
// numbers to bench/results/search-<timestamp>.json.
const fs = require('node:fs');
const http = require('node:http');
const os = require('node:os');
const path = require('node:path');

const root = path.resolve(__dirname, '..', '..');
const dist = (p) => path.join(root, 'apps/api/dist', p);
const { startEmbeddedPostgres } = require(dist('embedded/embedded-postgres.js'));
const { startServices, currentRss, peakRss } = require('../services.js');
const { timedGet } = require('../timed-get.js');
const { applyMigrations } = require(dist('database/schema-engine.js'));
const { seed } = require(dist('cli/seed.js'));

const arg = (name, fallback) => {
  const i = process.argv.indexOf(`--${name}`);
  return i < 0 ? fallback : process.argv[i + 1];
};
const SIZES = arg('sizes', '10000,100000').split(',').map(Number);
const RUNS = Number(arg('runs', '40'));
const WARMUP = 5;

/** The ten queries: free text (English, Chinese, a typo), filters, facets over everything, sorts. */
const queries = (org) => [
  { name: 'text: bert', q: { q: 'bert' } },
  { name: 'text zh: 情感分析', q: { q: '情感分析' } },
  { name: 'typo: lama 7b chat', q: { q: 'lama 7b chat' } },
  { name: 'landing: no filter, trending', q: {} },
  { name: 'task + downloads sort', q: { task: 'text-generation', sort: 'downloads' } },
  { name: 'licence + commercial + zh', q: { license: 'apache-2.0', commercial: 'true', language: 'zh' } },
  { name: 'verified, trending', q: { verified: 'true', sort: 'trending' } },
  { name: 'params 1B-10B, likes', q: { minParams: '1B', maxParams: '10B', sort: 'likes' } },
  { name: 'text + tag, updated', q: { q: 'chat', tag: 'chat', sort: 'updated' } },
  { name: 'org, created', q: { org, sort: 'created' } },
];

const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
function get(base, query, pathname = '/api/v1/search') {
  const url = new URL(pathname, base);
  for (const [k, v] of Object.entries(query)) url.searchParams.set(k, v);
  return timedGet(agent, url);
}

const percentile = (xs, p) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)];
};
const round = (x) => Math.round(x * 10) / 10;

function shuffle(xs) {
  const a = [...xs];
  for (let i = a.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [a[i], a[j]] = [a[j], a[i]];
  }
  return a;
}

/** Waits for the hub's "Search warmed" log line; what it reports. */
async function warmedUp(logFile) {
  const deadline = Date.now() + 10 * 60_000;
  for (;;) {
    const log = fs.existsSync(logFile) ? fs.readFileSync(logFile, 'utf8') : '';
    const m = /Search warmed in (\d+) ms: \d+ models indexed, (\d+) frequent words matched \((\d+) parts, (\d+) matches\)/.exec(log);
    if (m) return { ms: Number(m[1]), words: Number(m[2]), parts: Number(m[3]), matches: Number(m[4]) };
    if (Date.now() > deadline) throw new Error(`no warm-up line in ${logFile}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

async function measure(pg, size) {
  const db = `search_${size}`;
  const { Client } = require(path.join(root, 'node_modules/pg'));
  const admin = new Client({ connectionString: pg.urlFor('postgres') });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS ${db}`);
  await admin.query(`CREATE DATABASE ${db}`);
  await admin.end();
  const url = pg.urlFor(db);
  await applyMigrations(url);
  process.stdout.write(`\n== ${size.toLocaleString('en')} models: seeding... `);
  const report = await seed(url, { models: size, seed: 42, password: 'bench-password' });
  console.log(`${(report.milliseconds / 1000).toFixed(1)} s (${report.likes} likes, ${report.offers} offers)`);

  const client = new Client({ connectionString: url });
  await client.connect();
  const [{ name: org }] = (
    await client.query(
      `SELECT n.name FROM models m JOIN namespaces n ON n.id = m.namespace_id WHERE n.kind = 'org' GROUP BY n.name ORDER BY count(*) DESC LIMIT 1`,
    )
  ).rows;
  const { rows: sample } = await client.query(`SELECT id FROM models TABLESAMPLE SYSTEM (5) LIMIT 500`);

  // The hub in its own process (bench/services.js: with an s3rver), on the seeded database.
  // LOG_LEVEL info: the warm-up's log line says when it is over and what it cost.
  const services = await startServices({ env: { DATABASE_URL: url, S3_BUCKET: 'bench-search', LOG_LEVEL: 'info' } });
  const base = services.hubUrl;
  try {
    const set = queries(org);
    const warmup = await warmedUp(services.hubLog);
    const totals = {};
    // The first search of each query in a process just started and warmed up (nothing searched before).
    const first = {};
    for (const { name, q } of set) first[name] = round((await get(base, q)).ms);
    const firstP95 = round(percentile(Object.values(first), 95));
    for (const { name, q } of set) {
      for (let i = 0; i < WARMUP; i++) totals[name] = (await get(base, q)).body.total;
    }
    const times = Object.fromEntries(set.map((s) => [s.name, []]));
    for (let run = 0; run < RUNS; run++) {
      for (const { name, q } of shuffle(set)) times[name].push((await get(base, q)).ms);
    }
    // Under writes: a card changes (as a commit of README.md does) before every search.
    const underWrites = [];
    for (let run = 0; run < Math.ceil(RUNS / 2); run++) {
      for (const { q } of shuffle(set)) {
        const { id } = sample[Math.floor(Math.random() * sample.length)];
        await client.query(`UPDATE models SET search_body = search_body || ' chat bert' WHERE id = $1`, [id]);
        underWrites.push((await get(base, q)).ms);
      }
    }
    // The hub's memory: the catalogue index and the cached matches of every query part above.
    const memory = { rssMiB: Math.round(currentRss(services.hubPid) / 2 ** 20), peakMiB: Math.round(peakRss(services.hubPid) / 2 ** 20) };
    const all = Object.values(times).flat();
    const rows = set.map(({ name }) => ({
      query: name,
      matches: totals[name],
      first: first[name],
      median: round(percentile(times[name], 50)),
      p95: round(percentile(times[name], 95)),
    }));
    console.table(rows);
    const overall = { median: round(percentile(all, 50)), p95: round(percentile(all, 95)) };
    const writes = { median: round(percentile(underWrites, 50)), p95: round(percentile(underWrites, 95)) };
    console.log(
      `overall: median ${overall.median} ms, p95 ${overall.p95} ms; with a card rewritten before each search: median ${writes.median} ms, p95 ${writes.p95} ms; hub RSS ${memory.rssMiB} MiB (peak ${memory.peakMiB} MiB)`,
    );
    console.log(
      `first search of each query right after start: p95 ${firstP95} ms (target < 50), ratio to the warm p95 ${round(firstP95 / overall.p95)}; start-up warm-up in the background: ${warmup.ms} ms (${warmup.words} words, ${warmup.parts} parts, ${warmup.matches} matches)`,
    );
    return { size, seedMs: report.milliseconds, seed: report, warmup, firstP95, memory, org, queries: rows, overall, underWrites: writes };
  } finally {
    await services.stop();
    await client.end();
  }
}

async function main() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hub-bench-search-'));
  fs.chmodSync(dir, 0o755);
  const pg = await startEmbeddedPostgres(path.join(dir, 'postgres'), 'postgres');
  const results = [];
  try {
    for (const size of SIZES) results.push(await measure(pg, size));
  } finally {
    await pg.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
  const small = results[0];
  const large = results[results.length - 1];
  const perQuery = large.queries.map((q, i) => ({
    query: q.query,
    [`p95 ${small.size}`]: small.queries[i].p95,
    [`p95 ${large.size}`]: q.p95,
    ratio: round(q.p95 / small.queries[i].p95),
  }));
  console.log(`\np95(${large.size}) / p95(${small.size}) per query:`);
  console.table(perQuery);
  const ratio = round(large.overall.p95 / small.overall.p95);
  console.log(`overall p95: ${small.overall.p95} ms at ${small.size}, ${large.overall.p95} ms at ${large.size}: ratio ${ratio}`);
  console.log(
    `with a card rewritten before each search, p95: ${small.underWrites.p95} ms at ${small.size}, ${large.underWrites.p95} ms at ${large.size}: ratio ${round(large.underWrites.p95 / small.underWrites.p95)}`,
  );
  console.log(`hub RSS after the run: ${results.map((r) => `${r.memory.rssMiB} MiB at ${r.size} (peak ${r.memory.peakMiB})`).join(', ')}`);
  console.log(`seed: ${results.map((r) => `${r.size} models in ${(r.seedMs / 1000).toFixed(1)} s`).join(', ')}`);
  const out = path.join(root, 'bench/results');
  fs.mkdirSync(out, { recursive: true });
  const file = path.join(out, `search-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
  fs.writeFileSync(file, JSON.stringify({ node: process.version, cpus: os.cpus().length, runs: RUNS, results, perQuery, ratio }, null, 2));
  console.log(`written to ${path.relative(root, file)}`);
}

// The queries and their timing, for bench/search/first-search.js.
module.exports = { queries, get, percentile, round };

if (require.main === module) {
  main().then(
    () => process.exit(0),
    (err) => {
      console.error(err);
      process.exit(1);
    },
  );
}
