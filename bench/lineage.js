#!/usr/bin/env node
// The lineage query at depth 5 against depth 1 (bench/README.md, "Lineage").
//
//   npm run build && node bench/lineage.js [--models 100000] [--datasets 20000] [--roots 150]
//
// A fresh database in a scratch embedded PostgreSQL, migrated and seeded by the hub's own seeder
// (100,000 models, 20,000 datasets, the lineage graph in generations up to depth 6), then the hub
// itself (apps/api/dist/main.js, its own process) answering GET /api/v1/lineage over HTTP with
// keep-alive, one request at a time, anonymously: `up` from models that have a base model and
// `down` from the most downloaded foundation models and datasets, each root at depth 1 and at
// depth 5 (shuffled, after a warm-up). Prints median and p95 per case, the p95 ratio depth 5 /
// depth 1, and the nodes returned; writes bench/results/lineage-<timestamp>.json.
const fs = require('node:fs');
const http = require('node:http');
const os = require('node:os');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
const dist = (p) => path.join(root, 'apps/api/dist', p);
const { startEmbeddedPostgres } = require(dist('embedded/embedded-postgres.js'));
const { startServices } = require('./services.js');
const { timedGet } = require('./timed-get.js');
const { applyMigrations } = require(dist('database/schema-engine.js'));
const { seed } = require(dist('cli/seed.js'));

const arg = (name, fallback) => {
  const i = process.argv.indexOf(`--${name}`);
  return i < 0 ? fallback : Number(process.argv[i + 1]);
};
const MODELS = arg('models', 100000);
const DATASETS = arg('datasets', 20000);
const ROOTS = arg('roots', 150);

const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
const get = (base, pathAndQuery) => timedGet(agent, new URL(pathAndQuery, base));

const percentile = (xs, p) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)];
};
const round = (x) => Math.round(x * 100) / 100;

async function main() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hub-bench-lineage-'));
  fs.chmodSync(dir, 0o755);
  const pg = await startEmbeddedPostgres(path.join(dir, 'postgres'), 'postgres');
  const { Client } = require(path.join(root, 'node_modules/pg'));
  let services;
  let client;
  try {
    const admin = new Client({ connectionString: pg.urlFor('postgres') });
    await admin.connect();
    await admin.query('CREATE DATABASE lineage_bench');
    await admin.end();
    const url = pg.urlFor('lineage_bench');
    await applyMigrations(url);
    process.stdout.write(`seeding ${MODELS.toLocaleString('en')} models and ${DATASETS.toLocaleString('en')} datasets... `);
    const report = await seed(url, { models: MODELS, datasets: DATASETS, seed: 42, password: 'bench-password' });
    console.log(`${(report.milliseconds / 1000).toFixed(1)} s (${report.lineage.edges} edges, generations up to ${report.lineage.maxDepth})`);

    client = new Client({ connectionString: url });
    await client.connect();
    const refs = async (sql) => (await client.query(sql)).rows.map((r) => r.ref);
    const ups = await refs(
      `SELECT n.name || '/' || m.name AS ref FROM models m JOIN namespaces n ON n.id = m.namespace_id
       WHERE m.kind = 'model' AND NOT m.private AND cardinality(m.base_models) > 0 ORDER BY md5(m.id::text) LIMIT ${ROOTS}`,
    );
    const downs = await refs(
      `SELECT ref FROM (
         (SELECT 'models/' || n.name || '/' || m.name AS ref FROM models m JOIN namespaces n ON n.id = m.namespace_id
          WHERE m.kind = 'model' AND NOT m.private AND m.base_model_relation IS NULL ORDER BY m.downloads DESC LIMIT ${Math.ceil(ROOTS / 2)})
         UNION ALL
         (SELECT 'datasets/' || n.name || '/' || m.name FROM models m JOIN namespaces n ON n.id = m.namespace_id
          WHERE m.kind = 'dataset' AND NOT m.private ORDER BY m.downloads DESC LIMIT ${Math.floor(ROOTS / 2)})) r`,
    );
    services = await startServices({ env: { DATABASE_URL: url, S3_BUCKET: 'bench-lineage' } });
    const base = services.hubUrl;
    const cases = [];
    for (const depth of [1, 5]) {
      for (const ref of ups) cases.push({ name: `up, depth ${depth}`, path: `/api/v1/lineage/models/${ref}?direction=up&depth=${depth}` });
      for (const ref of downs) cases.push({ name: `down, depth ${depth}`, path: `/api/v1/lineage/${ref}?direction=down&depth=${depth}` });
    }
    for (const c of cases.slice(0, 40)) await get(base, c.path); // warm-up
    for (let i = cases.length - 1; i > 0; i--) {
      const j = Math.floor(Math.random() * (i + 1));
      [cases[i], cases[j]] = [cases[j], cases[i]];
    }
    const times = {};
    const nodes = {};
    for (const c of cases) {
      const { ms, body } = await get(base, c.path);
      (times[c.name] ??= []).push(ms);
      (nodes[c.name] ??= []).push(body.nodes.length + body.hidden.total);
    }
    const names = ['up, depth 1', 'up, depth 5', 'down, depth 1', 'down, depth 5'];
    const rows = names.map((name) => ({
      case: name,
      requests: times[name].length,
      median: round(percentile(times[name], 50)),
      p95: round(percentile(times[name], 95)),
      'nodes (mean)': round(nodes[name].reduce((a, b) => a + b, 0) / nodes[name].length),
      'nodes (max)': Math.max(...nodes[name]),
    }));
    console.table(rows);
    const ratio = (dir) => round(rows.find((r) => r.case === `${dir}, depth 5`).p95 / rows.find((r) => r.case === `${dir}, depth 1`).p95);
    console.log(`p95 depth 5 / depth 1: up ${ratio('up')}, down ${ratio('down')}`);
    const out = path.join(root, 'bench/results');
    fs.mkdirSync(out, { recursive: true });
    const file = path.join(out, `lineage-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
    fs.writeFileSync(
      file,
      JSON.stringify(
        {
          node: process.version,
          cpus: os.cpus().length,
          models: MODELS,
          datasets: DATASETS,
          seed: report,
          rows,
          ratio: { up: ratio('up'), down: ratio('down') },
        },
        null,
        2,
      ),
    );
    console.log(`written to ${path.relative(root, file)}`);
  } finally {
    await services?.stop();
    await client?.end();
    await pg.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

main().then(
  () => process.exit(0),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
