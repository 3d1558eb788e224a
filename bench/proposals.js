#!/usr/bin/env node
/**
 * Proposals benchmark (issue 11): merging a pull request of 1,000 changed files into a model of
 * 10,000 files whose main moved meanwhile (no conflicts), against committing the same 1,000 files
 * directly to an identical model. Both go through the hub's HTTP API on the same machine in the
 * same run; the figure is their ratio (target <= 2), the median of a few alternating rounds.
 *
 *   npm run build && node bench/proposals.js [--files 10000] [--changed 1000] [--rounds 3]
 */
const { startServices } = require('./services');

const args = Object.fromEntries(
  process.argv
    .slice(2)
    .join(' ')
    .split('--')
    .filter(Boolean)
    .map((a) => a.trim().split(/\s+/)),
);
const FILES = Number(args.files ?? 10000);
const CHANGED = Number(args.changed ?? 1000);
const ROUNDS = Number(args.rounds ?? 3);

const seconds = (t0) => Number(process.hrtime.bigint() - t0) / 1e9;
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function api(base, method, url, { token, json, body, headers = {} } = {}) {
  const res = await fetch(base + url, {
    method,
    headers: { ...(token ? { Authorization: `Bearer ${token}` } : {}), ...(json ? { 'Content-Type': 'application/json' } : {}), ...headers },
    body: json ? JSON.stringify(json) : body,
  });
  if (res.status >= 400) throw new Error(`${method} ${url}: ${res.status} ${await res.text()}`);
  return res.json();
}

const path = (i) => `shard-${Math.floor(i / 1000)}/file-${i}.txt`;
const ndjson = (summary, files) =>
  [
    JSON.stringify({ key: 'header', value: { summary } }),
    ...files.map(([p, text]) => JSON.stringify({ key: 'file', value: { path: p, content: Buffer.from(text).toString('base64'), encoding: 'base64' } })),
  ].join('\n');
const commit = (base, token, repo, body, query = '') =>
  api(base, 'POST', `/api/models/${repo}/commit/main${query}`, { token, body, headers: { 'Content-Type': 'application/x-ndjson' } });

async function user(base, name) {
  const u = await api(base, 'POST', '/api/v1/auth/register', { json: { username: name, email: `${name}@example.org`, password: 'bench-password-123' } });
  return (await api(base, 'POST', '/api/v1/tokens', { token: u.accessToken, json: { name: 'bench', scopes: ['write'] } })).token;
}

async function main() {
  const services = await startServices({ embeddedStore: true, env: { COMMIT_BODY_LIMIT: '50mb' } });
  const base = services.hubUrl;
  try {
    const owner = await user(base, 'bench');
    const contributor = await user(base, 'contrib');
    const all = Array.from({ length: FILES }, (_, i) => [path(i), `file ${i}\n`]);
    for (const name of ['merged', 'direct']) {
      await api(base, 'POST', '/api/repos/create', { token: owner, json: { name } });
      await commit(base, owner, `bench/${name}`, ndjson(`${FILES} files`, all));
    }
    const rounds = [];
    for (let r = 0; r < ROUNDS; r++) {
      // The same CHANGED files, new contents each round; main moves by 100 other files before the merge.
      const changed = Array.from({ length: CHANGED }, (_, i) => [path(i * Math.floor(FILES / CHANGED)), `round ${r} file ${i}\n`]);
      const moved = Array.from({ length: 100 }, (_, i) => [path(i * Math.floor(FILES / CHANGED) + 1), `moved ${r} ${i}\n`]);
      const opened = await commit(base, contributor, 'bench/merged', ndjson(`round ${r}`, changed), '?create_pr=1');
      const number = Number(/\/discussions\/(\d+)$/.exec(opened.pullRequestUrl)[1]);
      await commit(base, owner, 'bench/merged', ndjson(`main moves ${r}`, moved));
      await commit(base, owner, 'bench/direct', ndjson(`main moves ${r}`, moved));

      let t0 = process.hrtime.bigint();
      const merged = await api(base, 'POST', `/api/v1/models/bench/merged/proposals/${number}/merge`, { token: owner, json: {} });
      const mergeSeconds = seconds(t0);
      if (merged.fastForward) throw new Error('main did not move: this would measure a fast-forward');
      t0 = process.hrtime.bigint();
      await commit(base, owner, 'bench/direct', ndjson(`round ${r}`, changed));
      const directSeconds = seconds(t0);
      rounds.push({ mergeSeconds, directSeconds, ratio: mergeSeconds / directSeconds });
      console.log(`round ${r}`, rounds[r]);
    }
    const result = {
      files: FILES,
      changed: CHANGED,
      mergeSeconds: median(rounds.map((x) => x.mergeSeconds)),
      directSeconds: median(rounds.map((x) => x.directSeconds)),
      ratio: median(rounds.map((x) => x.ratio)),
      target: 2,
    };
    console.log('proposals', JSON.stringify(result));
  } finally {
    await services.stop();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
