#!/usr/bin/env node
/**
 * Registry benchmark (issue 3). Every figure is a ratio against a reference measured in the same
 * run on the same machine, because these machines are shared and noisy.
 *
 *   npm run build && node bench/registry.js [--size-mib 1024] [--files 10000]
 *
 * PostgreSQL, a reference S3 server (s3rver) and the hub each run in their own process
 * (bench/services.js); this process is the client. The hub runs with its embedded store (no
 * S3_ENDPOINT), so every byte sent or read through the hub goes through its storage gateway; the
 * references are the same S3 server software reached directly over TCP with the AWS SDK (as
 * clients reached the store before the gateway), and, for downloads, the hub's own store reached
 * directly through its private unix socket.
 */
const {
  S3Client,
  CreateBucketCommand,
  CreateMultipartUploadCommand,
  UploadPartCommand,
  CompleteMultipartUploadCommand,
  GetObjectCommand,
} = require('@aws-sdk/client-s3');
const crypto = require('node:crypto');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { Readable } = require('node:stream');
const { startServices, peakRss, currentRss } = require('./services');
const { api, headRate, bareServer } = require('./http-rate');
const { UnixSocketAgent } = require('../apps/api/dist/storage/unix-socket-agent.js');

const args = Object.fromEntries(
  process.argv
    .slice(2)
    .join(' ')
    .split('--')
    .filter(Boolean)
    .map((a) => a.trim().split(/\s+/)),
);
const SIZE = Number(args['size-mib'] ?? 1024) * 1024 * 1024;
const FILES = Number(args.files ?? 10000);
const PART = 64 * 1024 * 1024;
const PARALLEL = 4;

const seconds = (t0) => Number(process.hrtime.bigint() - t0) / 1e9;
const now = () => process.hrtime.bigint();

async function makeFile(file, size) {
  const out = fs.createWriteStream(file);
  const hash = crypto.createHash('sha256');
  const chunk = 8 * 1024 * 1024;
  for (let written = 0; written < size; written += chunk) {
    const buf = crypto.randomBytes(Math.min(chunk, size - written));
    hash.update(buf);
    if (!out.write(buf)) await new Promise((r) => out.once('drain', r));
  }
  await new Promise((r) => out.end(r));
  return hash.digest('hex');
}

/** Sends part `index` of `file` to a presigned URL; returns the ETag. */
async function putPart(url, file, index, size) {
  const start = index * PART;
  const end = Math.min(start + PART, size) - 1;
  const res = await fetch(url, {
    method: 'PUT',
    body: Readable.toWeb(fs.createReadStream(file, { start, end })),
    duplex: 'half',
    headers: { 'Content-Length': String(end - start + 1) },
  });
  if (!res.ok) throw new Error(`part ${index + 1}: ${res.status} ${await res.text()}`);
  return res.headers.get('etag');
}

async function inParallel(count, limit, work) {
  const results = new Array(count);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, count) }, async () => {
      while (next < count) {
        const i = next++;
        results[i] = await work(i);
      }
    }),
  );
  return results;
}

/** Upload through the Hugging Face protocol: LFS batch, presigned parts, signed completion. */
async function hubUpload(base, token, repo, file, oid, size) {
  const t0 = now();
  const batch = await (
    await api(base, 'POST', `/${repo}.git/info/lfs/objects/batch`, {
      token,
      headers: { 'Content-Type': 'application/vnd.git-lfs+json', Accept: 'application/vnd.git-lfs+json' },
      body: JSON.stringify({ operation: 'upload', transfers: ['basic', 'multipart'], hash_algo: 'sha256', objects: [{ oid, size }] }),
    })
  ).json();
  const action = batch.objects[0].actions.upload;
  const parts = Object.keys(action.header)
    .filter((k) => /^\d+$/.test(k))
    .sort();
  const chunk = Number(action.header.chunk_size);
  if (chunk !== PART) throw new Error(`hub chunk size ${chunk} differs from the reference's ${PART}; set MULTIPART_CHUNK_SIZE`);
  const etags = await inParallel(parts.length, PARALLEL, (i) => putPart(action.header[parts[i]], file, i, size));
  const transfer = seconds(t0);
  const t1 = now();
  const done = await fetch(action.href, {
    method: 'POST',
    headers: { 'Content-Type': 'application/vnd.git-lfs+json' },
    body: JSON.stringify({ oid, parts: etags.map((etag, i) => ({ partNumber: i + 1, etag })) }),
  });
  if (!done.ok) throw new Error(`completion: ${done.status} ${await done.text()}`);
  return { transfer, verification: seconds(t1) };
}

/** The reference: the same multipart upload straight to S3 with the AWS SDK. */
async function directUpload(s3, bucket, file, size) {
  const t0 = now();
  const { UploadId } = await s3.send(new CreateMultipartUploadCommand({ Bucket: bucket, Key: 'ref' }));
  const count = Math.ceil(size / PART);
  const etags = await inParallel(count, PARALLEL, async (i) => {
    const start = i * PART;
    const end = Math.min(start + PART, size) - 1;
    const out = await s3.send(
      new UploadPartCommand({
        Bucket: bucket,
        Key: 'ref',
        UploadId,
        PartNumber: i + 1,
        Body: fs.createReadStream(file, { start, end }),
        ContentLength: end - start + 1,
      }),
    );
    return out.ETag;
  });
  await s3.send(
    new CompleteMultipartUploadCommand({
      Bucket: bucket,
      Key: 'ref',
      UploadId,
      MultipartUpload: { Parts: etags.map((ETag, i) => ({ ETag, PartNumber: i + 1 })) },
    }),
  );
  return seconds(t0);
}

async function drain(body) {
  let bytes = 0;
  for await (const chunk of body) bytes += chunk.length;
  return bytes;
}

async function hubDownload(base, token, repo, filePath) {
  const t0 = now();
  const res = await api(base, 'GET', `/${repo}/resolve/main/${filePath}`, { token });
  const s3res = await fetch(res.headers.get('location'));
  const bytes = await drain(s3res.body);
  return { seconds: seconds(t0), bytes };
}

async function directDownload(s3, bucket, key) {
  const t0 = now();
  const out = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
  const bytes = await drain(out.Body);
  return { seconds: seconds(t0), bytes };
}

async function main() {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'hub-bench-data-'));
  const file = path.join(tmp, 'weights.bin');
  console.log(`Generating ${SIZE / 1024 / 1024} MiB of random bytes...`);
  const oid = await makeFile(file, SIZE);
  const services = await startServices({
    embeddedStore: true,
    env: { MULTIPART_THRESHOLD: String(PART), MULTIPART_CHUNK_SIZE: String(PART), COMMIT_BODY_LIMIT: '50mb' },
  });
  const base = services.hubUrl;
  const results = {};
  try {
    const s3Options = {
      region: 'us-east-1',
      forcePathStyle: true,
      credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
    };
    const s3 = new S3Client({ ...s3Options, endpoint: services.s3.endpoint });
    const store = new S3Client({ ...s3Options, endpoint: 'http://localhost', requestHandler: { httpAgent: new UnixSocketAgent(services.embeddedSocket) } });
    await s3.send(new CreateBucketCommand({ Bucket: 'bench-ref' }));
    const user = await (
      await api(base, 'POST', '/api/v1/auth/register', { json: { username: 'bench', email: 'bench@example.org', password: 'bench-password-123' } })
    ).json();
    const token = (await (await api(base, 'POST', '/api/v1/tokens', { token: user.accessToken, json: { name: 'bench', scopes: ['write'] } })).json()).token;
    await api(base, 'POST', '/api/repos/create', { token, json: { name: 'big' } });
    const repo = 'bench/big';

    // Upload: reference first, then through the hub; both 64 MiB parts, 4 in flight.
    const direct = await directUpload(s3, 'bench-ref', file, SIZE);
    const viaHub = await hubUpload(base, token, repo, file, oid, SIZE);
    results.upload = {
      directSeconds: direct,
      hubTransferSeconds: viaHub.transfer,
      hubVerificationSeconds: viaHub.verification,
      transferRatio: direct / viaHub.transfer,
    };
    console.log('upload', results.upload);

    const ndjson = [
      { key: 'header', value: { summary: 'weights' } },
      { key: 'lfsFile', value: { path: 'weights.bin', algo: 'sha256', oid, size: SIZE } },
    ]
      .map((l) => JSON.stringify(l))
      .join('\n');
    await api(base, 'POST', `/api/models/${repo}/commit/main`, { token, body: ndjson, headers: { 'Content-Type': 'application/x-ndjson' } });

    // Download: straight from S3 vs resolve → 302 → the hub's gateway, alternating, best of two each.
    const dl = { direct: [], hub: [], store: [] };
    const storeKey = `blobs/sha256/${oid.slice(0, 2)}/${oid}`;
    for (let i = 0; i < 2; i++) {
      dl.direct.push((await directDownload(s3, 'bench-ref', 'ref')).seconds);
      dl.hub.push((await hubDownload(base, token, repo, 'weights.bin')).seconds);
      dl.store.push((await directDownload(store, 'bench-hub', storeKey)).seconds);
    }
    const best = (list) => Math.min(...list);
    results.download = {
      directSeconds: best(dl.direct),
      hubSeconds: best(dl.hub),
      ratio: best(dl.direct) / best(dl.hub),
      storeSocketSeconds: best(dl.store),
      ratioToStoreSocket: best(dl.store) / best(dl.hub),
    };
    console.log('download', results.download);

    // Memory: four concurrent transfers of SIZE bytes (two uploads of new content, two downloads).
    const others = [path.join(tmp, 'other1.bin'), path.join(tmp, 'other2.bin')];
    const otherOids = [await makeFile(others[0], SIZE), await makeFile(others[1], SIZE)];
    await api(base, 'POST', '/api/repos/create', { token, json: { name: 'mem' } });
    const idle = currentRss(services.hubPid);
    let peak = idle;
    const sampler = setInterval(() => (peak = Math.max(peak, currentRss(services.hubPid))), 25);
    await Promise.all([
      hubDownload(base, token, repo, 'weights.bin'),
      hubDownload(base, token, repo, 'weights.bin'),
      hubUpload(base, token, 'bench/mem', others[0], otherOids[0], SIZE),
      hubUpload(base, token, 'bench/mem', others[1], otherOids[1], SIZE),
    ]);
    clearInterval(sampler);
    // RSS sampled every 25 ms during the four transfers; VmHWM is the peak since the process started.
    results.memory = {
      hubRssBeforeMiB: idle / 1048576,
      hubPeakRssDuringMiB: peak / 1048576,
      hubHighWaterMarkMiB: peakRss(services.hubPid) / 1048576,
      limitMiB: 300,
    };
    console.log('memory', results.memory);

    // One commit of FILES small files.
    await api(base, 'POST', '/api/repos/create', { token, json: { name: 'many' } });
    const lines = [JSON.stringify({ key: 'header', value: { summary: `${FILES} files` } })];
    for (let i = 0; i < FILES; i++)
      lines.push(
        JSON.stringify({
          key: 'file',
          value: { path: `shard-${Math.floor(i / 1000)}/file-${i}.txt`, content: Buffer.from(`file ${i}\n`).toString('base64'), encoding: 'base64' },
        }),
      );
    const t0 = now();
    await api(base, 'POST', '/api/models/bench/many/commit/main', { token, body: lines.join('\n'), headers: { 'Content-Type': 'application/x-ndjson' } });
    results.commit = { files: FILES, seconds: seconds(t0), limitSeconds: 10 };
    console.log('commit', results.commit);

    // HEAD resolve vs a bare Node server answering the same headers.
    const head = await api(base, 'HEAD', `/${repo}/resolve/main/weights.bin`, { token });
    const same = Object.fromEntries(
      ['x-repo-commit', 'etag', 'x-linked-size', 'x-linked-etag', 'location', 'accept-ranges'].map((h) => [h, head.headers.get(h)]),
    );
    const bare = await bareServer(same);
    const bareRps = await headRate(`http://127.0.0.1:${bare.address().port}/x`, {});
    bare.close();
    const hubRps = await headRate(`${base}/${repo}/resolve/main/weights.bin`, { Authorization: `Bearer ${token}` });
    results.headResolve = { hubRps, bareRps, ratio: hubRps / bareRps };
    console.log('head', results.headResolve);
  } finally {
    await services.stop();
    fs.rmSync(tmp, { recursive: true, force: true });
  }
  fs.mkdirSync(path.join(__dirname, 'results'), { recursive: true });
  fs.writeFileSync(path.join(__dirname, 'results', 'registry.json'), JSON.stringify({ at: new Date().toISOString(), sizeBytes: SIZE, results }, null, 2));
  console.log(JSON.stringify(results, null, 2));
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
