#!/usr/bin/env node
/**
 * Resolve benchmark (issue 16): what every hf_hub_download / from_pretrained repeats per file.
 *
 *   npm run build && node bench/resolve.js [--seconds 4]
 *
 * PostgreSQL, an S3 server (s3rver) and the hub each run in their own process (bench/services.js),
 * the hub on that external S3 (so a second replica can share the bucket, and download URLs are
 * presigned the S3 way). Measured, 16 HEAD requests in flight with keep-alive:
 * - a bare Node server answering the same headers (the reference), then the hub on a public model
 *   (anonymous and with a token) and on a gated model with a licence grant;
 * - one replica, then two replicas on one database with the requests spread round-robin, and
 *   the CPU time per request of the hub and of this client, which bound the two-replica ratio;
 * - how long a revoked token, a moved branch and a revoked grant take to show on the other replica.
 */
const crypto = require('node:crypto');
const fs = require('node:fs');
const path = require('node:path');
const { Client } = require('pg');
const { startServices } = require('./services');
const { api, headRate, bareServer } = require('./http-rate');

const args = Object.fromEntries(
  process.argv
    .slice(2)
    .join(' ')
    .split('--')
    .filter(Boolean)
    .map((a) => a.trim().split(/\s+/)),
);
const DURATION_MS = Number(args.seconds ?? 4) * 1000;

const json = async (res) => res.json();

/** CPU seconds (user + system) a process has used, from /proc (clock ticks of 1/100 s). */
function cpuSeconds(pid) {
  const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

async function register(base, username) {
  const user = await json(
    await api(base, 'POST', '/api/v1/auth/register', { json: { username, email: `${username}@example.org`, password: 'bench-password-123' } }),
  );
  const token = (await json(await api(base, 'POST', '/api/v1/tokens', { token: user.accessToken, json: { name: 'bench', scopes: ['write'] } }))).token;
  const created = await json(await api(base, 'GET', '/api/v1/tokens', { token }));
  return { token, session: user.accessToken, tokenId: created.find((t) => t.name === 'bench').id };
}

/** A model with `weights.bin` (1 MiB, in the bucket through a git-lfs single PUT) and a small config. */
async function modelWithWeights(base, token, namespace, name) {
  await api(base, 'POST', '/api/v1/models', { token, json: { namespace, name, visibility: 'public' } });
  const repo = `${namespace}/${name}`;
  const bytes = crypto.randomBytes(1024 * 1024);
  const oid = crypto.createHash('sha256').update(bytes).digest('hex');
  const batch = await json(
    await api(base, 'POST', `/${repo}.git/info/lfs/objects/batch`, {
      token,
      headers: { 'Content-Type': 'application/vnd.git-lfs+json', Accept: 'application/vnd.git-lfs+json' },
      body: JSON.stringify({ operation: 'upload', transfers: ['basic'], hash_algo: 'sha256', objects: [{ oid, size: bytes.length }] }),
    }),
  );
  const { upload, verify } = batch.objects[0].actions ?? {};
  if (upload) {
    const put = await fetch(upload.href, { method: 'PUT', body: bytes, headers: upload.header ?? {} });
    if (!put.ok) throw new Error(`PUT: ${put.status} ${await put.text()}`);
  }
  if (verify)
    await api('', 'POST', verify.href, {
      headers: { ...(verify.header ?? {}), 'Content-Type': 'application/vnd.git-lfs+json' },
      body: JSON.stringify({ oid, size: bytes.length }),
    });
  await commitFiles(base, token, repo, [
    { key: 'lfsFile', value: { path: 'weights.bin', algo: 'sha256', oid, size: bytes.length } },
    { key: 'file', value: { path: 'config.json', content: Buffer.from('{"v": 1}').toString('base64'), encoding: 'base64' } },
  ]);
  return repo;
}

async function commitFiles(base, token, repo, lines) {
  const body = [{ key: 'header', value: { summary: 'bench' } }, ...lines].map((l) => JSON.stringify(l)).join('\n');
  const res = await json(await api(base, 'POST', `/api/models/${repo}/commit/main`, { token, body, headers: { 'Content-Type': 'application/x-ndjson' } }));
  return res.commitOid;
}

/** Milliseconds from `change` returning until `seen` holds on the other replica (polled every 5 ms). */
async function timeToSee(change, seen) {
  await change();
  const start = process.hrtime.bigint();
  while (!(await seen())) {
    if (Number(process.hrtime.bigint() - start) / 1e6 > 10_000) throw new Error('not seen within 10 s');
    await new Promise((r) => setTimeout(r, 5));
  }
  return Number(process.hrtime.bigint() - start) / 1e6;
}

const headStatus = async (url, token) =>
  (await fetch(url, { method: 'HEAD', redirect: 'manual', headers: token ? { Authorization: `Bearer ${token}` } : {} })).status;

async function main() {
  const services = await startServices({ embeddedStore: false });
  const a = services.hubUrl;
  const results = { durationSeconds: DURATION_MS / 1000 };
  try {
    const owner = await register(a, 'bench');
    const licensee = await register(a, 'licensee');
    const open = await modelWithWeights(a, owner.token, 'bench', 'open');
    // A gated model: an organization's model with a licence offer that needs approval, and a grant to the licensee's organization.
    await api(a, 'POST', '/api/v1/orgs', { token: owner.token, json: { name: 'benchpub', kind: 'company' } });
    await api(a, 'POST', '/api/v1/orgs', { token: licensee.token, json: { name: 'benchlic', kind: 'company' } });
    const gated = await modelWithWeights(a, owner.token, 'benchpub', 'gated');
    const offer = await json(
      await api(a, 'POST', `/api/v1/models/${gated}/offers`, {
        token: owner.token,
        json: { kind: 'custom', title: 'Commercial', description: 'bench', terms: '# Terms', approval: 'manual', questions: [] },
      }),
    );
    const request = await json(
      await api(a, 'POST', `/api/v1/offers/${offer.id}/requests`, {
        token: licensee.token,
        json: { org: 'benchlic', termsVersion: offer.termsVersion, answers: {} },
      }),
    );
    const grantId = (await json(await api(a, 'POST', `/api/v1/license-requests/${request.id}/approve`, { token: owner.token, json: {} }))).grant.id;

    const url = (base, repo, file = 'weights.bin') => `${base}/${repo}/resolve/main/${file}`;
    const head = await api(a, 'HEAD', `/${open}/resolve/main/weights.bin`);
    const same = Object.fromEntries(
      ['x-repo-commit', 'etag', 'x-linked-size', 'x-linked-etag', 'location', 'accept-ranges'].map((h) => [h, head.headers.get(h)]),
    );
    const bare = await bareServer(same);
    const rate = (u, token, ms = DURATION_MS) => headRate(u, token ? { Authorization: `Bearer ${token}` } : {}, ms);
    // Statements the database ran per request (pg_stat_statements is not loaded: transactions
    // committed, which counts every autocommit statement; the job queue's polling adds a few).
    const db = new Client({ connectionString: services.databaseUrl });
    await db.connect();
    const committed = async () => {
      await new Promise((r) => setTimeout(r, 1200)); // backends flush their statistics about once a second
      await db.query('SELECT pg_stat_clear_snapshot()');
      return Number((await db.query('SELECT xact_commit FROM pg_stat_database WHERE datname = current_database()')).rows[0].xact_commit);
    };
    // CPU time per request: of the hub processes measured (h) and of this client process (c).
    const perRequest = async (measure, pids = [services.hubPid]) => {
      const before = await committed();
      const hubBefore = pids.map(cpuSeconds);
      const clientBefore = process.cpuUsage();
      const rps = await measure();
      const client = process.cpuUsage(clientBefore);
      const hubSeconds = pids.map((pid, i) => cpuSeconds(pid) - hubBefore[i]).reduce((a, b) => a + b, 0);
      const requests = rps * (DURATION_MS / 1000);
      return {
        rps,
        transactionsPerRequest: ((await committed()) - before - 2) / requests,
        hubCpuUsPerRequest: (hubSeconds * 1e6) / requests,
        clientCpuUsPerRequest: (client.user + client.system) / requests,
      };
    };
    await rate(url(a, open)); // warm the hub's code and caches
    const bareRps = await rate(`http://127.0.0.1:${bare.address().port}/x`);
    bare.close();
    await rate(url(a, gated), licensee.token, 500);
    const publicAnonymous = await perRequest(() => rate(url(a, open)));
    const publicWithToken = await perRequest(() => rate(url(a, open), owner.token));
    const gatedWithGrant = await perRequest(() => rate(url(a, gated), licensee.token));
    const withRatio = (m) => ({ ...m, ratio: m.rps / bareRps });
    results.head = {
      bareRps,
      publicAnonymous: withRatio(publicAnonymous),
      publicWithToken: withRatio(publicWithToken),
      gatedWithGrant: withRatio(gatedWithGrant),
    };
    console.log('head', results.head);

    const replica = await services.startReplica();
    const b = replica.hubUrl;
    await rate([url(a, open), url(b, open)]);
    const one = await perRequest(() => rate(url(a, open)));
    const other = await perRequest(() => rate(url(b, open)), [replica.hubPid]);
    const two = await perRequest(() => rate([url(a, open), url(b, open)]), [services.hubPid, replica.hubPid]);
    await db.end();
    // On two cores one replica can use one core (X1 <= 1/h), and two replicas share both with
    // the client (X2 * (h + c) <= 2): the ratio cannot exceed 2h / (h + c) (bench/README.md).
    const h = one.hubCpuUsPerRequest;
    const c = one.clientCpuUsPerRequest;
    results.replicas = { one, other, two, ratio: two.rps / one.rps, ceiling: (2 * h) / (h + c) };
    console.log('replicas', results.replicas);

    // Invalidation: warm the other replica's caches, change through the first, poll the second.
    const revokedToken = await register(a, 'leaver');
    for (let i = 0; i < 3; i++) await headStatus(url(b, open), revokedToken.token);
    const tokenMs = await timeToSee(
      () => api(a, 'DELETE', `/api/v1/tokens/${revokedToken.tokenId}`, { token: revokedToken.session }),
      async () => (await headStatus(url(b, open), revokedToken.token)) === 401,
    );
    for (let i = 0; i < 3; i++) await headStatus(url(b, open, 'config.json'));
    let moved = '';
    const branchMs = await timeToSee(
      async () =>
        (moved = await commitFiles(a, owner.token, open, [
          { key: 'file', value: { path: 'config.json', content: Buffer.from('{"v": 2}').toString('base64'), encoding: 'base64' } },
        ])),
      async () => (await fetch(url(b, open, 'config.json'), { method: 'HEAD', redirect: 'manual' })).headers.get('x-repo-commit') === moved,
    );
    for (let i = 0; i < 3; i++) await headStatus(url(b, gated), licensee.token);
    const grantMs = await timeToSee(
      () => api(a, 'POST', `/api/v1/grants/${grantId}/revoke`, { token: owner.token, json: { reason: 'bench' } }),
      async () => (await headStatus(url(b, gated), licensee.token)) === 403,
    );
    results.invalidationMs = { revokedToken: tokenMs, movedBranch: branchMs, revokedGrant: grantMs, target: 1000 };
    console.log('invalidation', results.invalidationMs);
  } finally {
    await services.stop();
  }
  fs.mkdirSync(path.join(__dirname, 'results'), { recursive: true });
  fs.writeFileSync(path.join(__dirname, 'results', 'resolve.json'), JSON.stringify({ at: new Date().toISOString(), results }, null, 2));
  console.log(JSON.stringify(results, null, 2));
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
