#!/usr/bin/env node
// The web marketplace in a real Chromium on the seeded 100,000-model catalogue (bench/README.md, "Web").
//
//   npm run build && node bench/web/run.js [--models 100000] [--loads 20]
//
// A scratch embedded PostgreSQL is migrated and seeded by the hub's seeder (`npm run seed`'s), the
// hub runs as its own process (apps/api/dist/main.js, serving apps/web/dist), and Debian's Chromium
// loads, `loads` times each in a fresh browser context (no cache, no cookies):
//   - /models?q=bert: navigation start → the first search result painted;
//   - a model's page: navigation start → its card painted.
// Against it: the API calls alone for the same data from Node over keep-alive HTTP (the search;
// the model page's requests in parallel, as the page sends them). Prints median and p95 and the
// ratios, and the gzipped size of the JavaScript and CSS the landing page loads (budget 150 KB).
// The functions handed to page.evaluate and addInitScript run in the browser (eslint.config.mjs gives them its globals).
const fs = require('node:fs');
const http = require('node:http');
const os = require('node:os');
const path = require('node:path');
const zlib = require('node:zlib');

const root = path.resolve(__dirname, '..', '..');
const dist = (p) => path.join(root, 'apps/api/dist', p);
const { startEmbeddedPostgres } = require(dist('embedded/embedded-postgres.js'));
const { applyMigrations } = require(dist('database/schema-engine.js'));
const { seed } = require(dist('cli/seed.js'));
const { startServices } = require('../services.js');
const { chromium } = require(path.join(root, 'node_modules/playwright-core'));

const arg = (name, fallback) => {
  const i = process.argv.indexOf(`--${name}`);
  return i < 0 ? fallback : process.argv[i + 1];
};
const MODELS = Number(arg('models', '100000'));
const LOADS = Number(arg('loads', '20'));
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

const percentile = (xs, p) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)];
};
const round = (x) => Math.round(x * 10) / 10;
const stats = (xs) => ({ median: round(percentile(xs, 50)), p95: round(percentile(xs, 95)) });

const agent = new http.Agent({ keepAlive: true, maxSockets: 16 });
function get(url) {
  return new Promise((resolve, reject) => {
    http
      .get(url, { agent, headers: { Accept: 'application/json' } }, (res) => {
        res.resume();
        res.on('end', () => (res.statusCode < 400 ? resolve() : reject(new Error(`${url}: ${res.statusCode}`))));
      })
      .on('error', reject);
  });
}
async function timed(fn) {
  const t0 = process.hrtime.bigint();
  await fn();
  return Number(process.hrtime.bigint() - t0) / 1e6;
}

/** The JavaScript and CSS index.html loads (lazy chunks are not), gzipped as served. */
function landingBytes() {
  const webDist = path.join(root, 'apps/web/dist');
  const html = fs.readFileSync(path.join(webDist, 'index.html'), 'utf8');
  const assets = [...html.matchAll(/(?:src|href)="\/(assets\/[^"]+\.(?:js|css))"/g)].map((m) => m[1]);
  let raw = 0;
  let gz = 0;
  for (const a of assets) {
    const bytes = fs.readFileSync(path.join(webDist, a));
    raw += bytes.length;
    gz += zlib.gzipSync(bytes, { level: 9 }).length;
  }
  return { assets, rawKB: round(raw / 1024), gzipKB: round(gz / 1024) };
}

/** Navigation start → the first element matching `selector` in the DOM, read in the page (performance.now()). */
async function loadTime(browser, url, selector) {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.addInitScript((sel) => {
    new MutationObserver((_, obs) => {
      if (document.querySelector(sel)) {
        window.__paintedAt = performance.now();
        obs.disconnect();
      }
    }).observe(document, { subtree: true, childList: true });
  }, selector);
  await page.goto(url);
  await page.waitForSelector(selector);
  // The frame after the element is in the DOM is when it is painted.
  const ms = await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => r(window.__paintedAt))));
  await context.close();
  return ms;
}

async function main() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hub-bench-web-'));
  fs.chmodSync(dir, 0o755);
  const pg = await startEmbeddedPostgres(path.join(dir, 'postgres'), 'postgres');
  let services;
  let browser;
  try {
    const url = pg.urlFor('postgres');
    await applyMigrations(url);
    process.stdout.write(`seeding ${MODELS.toLocaleString('en')} models... `);
    const report = await seed(url, { models: MODELS, seed: 42, password: 'bench-password' });
    console.log(`${(report.milliseconds / 1000).toFixed(1)} s`);
    services = await startServices({ env: { DATABASE_URL: url, S3_BUCKET: 'bench-web' } });
    const base = services.hubUrl;
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
    });

    const search = `${base}/api/v1/search?q=bert`;
    await get(search); // loads the hub's search index
    const top = await new Promise((resolve, reject) =>
      http
        .get(`${search}&limit=1`, { headers: { Accept: 'application/json' } }, (res) => {
          let body = '';
          res.on('data', (c) => (body += c));
          res.on('end', () => resolve(JSON.parse(body).items[0]));
        })
        .on('error', reject),
    );
    const model = `${top.namespace}/${top.name}`;
    const m = `${base}/api/v1/models/${model}`;
    // What the model page asks for, together (apps/web/src/pages/model-page.tsx).
    const modelCalls = [
      m,
      `${m}/files?revision=main&limit=200`,
      `${base}/${model}/resolve/main/README.md`,
      `${m}/versions`,
      `${m}/commits?revision=main&limit=10`,
      `${m}/offers`,
      `${m}/access`,
      `${m}/refs`,
      `${m}/downloads?days=30`,
    ];
    const searchPage = `${base}/models?q=bert`;
    const modelPage = `${base}/${model}`;
    // Warm-up: the hub's code paths and Chromium's own start.
    for (let i = 0; i < 3; i++) {
      await loadTime(browser, searchPage, '.model-row');
      await loadTime(browser, modelPage, '#card-h + *');
    }
    const browserSearch = [];
    const browserModel = [];
    const apiSearch = [];
    const apiModel = [];
    for (let i = 0; i < LOADS; i++) {
      browserSearch.push(await loadTime(browser, searchPage, '.model-row'));
      browserModel.push(await loadTime(browser, modelPage, '#card-h + *'));
      apiSearch.push(await timed(() => get(`${search}&limit=20`)));
      apiModel.push(await timed(() => Promise.all(modelCalls.map(get))));
    }
    const rows = [
      { what: 'search: first result painted', ...stats(browserSearch), apiMedian: stats(apiSearch).median, apiP95: stats(apiSearch).p95 },
      { what: 'model page: card painted', ...stats(browserModel), apiMedian: stats(apiModel).median, apiP95: stats(apiModel).p95 },
    ].map((r) => ({ ...r, ratioMedian: round(r.median / r.apiMedian), ratioP95: round(r.p95 / r.apiP95) }));
    console.log(`\n${MODELS.toLocaleString('en')} models, ${LOADS} loads each, fresh browser context per load (ms); model: ${model}`);
    console.table(rows);
    const size = landingBytes();
    console.log(`landing page: ${size.assets.join(', ')}: ${size.rawKB} KB, ${size.gzipKB} KB gzipped (budget 150 KB)`);
    const out = path.join(root, 'bench/results');
    fs.mkdirSync(out, { recursive: true });
    fs.writeFileSync(path.join(out, `web-${Date.now()}.json`), JSON.stringify({ models: MODELS, loads: LOADS, model, rows, size }, null, 2));
  } finally {
    await browser?.close();
    await services?.stop();
    await pg.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
