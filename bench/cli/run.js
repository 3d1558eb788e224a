#!/usr/bin/env node
/**
 * The command line's benchmark (issue 15): `modelhub upload` and `modelhub download` of one 1 GiB
 * file and of a folder of 2,000 small files, against the AWS SDK straight to the same S3 server
 * and against @huggingface/hub's uploadFiles / downloadFile on the same hub, plus the CLI's peak
 * memory during the 1 GiB transfers.
 *
 *   npm run build && node bench/cli/run.js [--size-mib 1024] [--files 2000]
 *
 * PostgreSQL, the S3 server (s3rver over TCP, which the hub uses as S3_ENDPOINT) and the hub each
 * run in their own process (bench/services.js); `modelhub` runs as a child process with its
 * defaults (8 transfers in flight); the SDK and the Hugging Face client run in this process with
 * 8 in flight too. Ratios are reference time / CLI time: above 1, the CLI is faster.
 */
const {
  S3Client,
  CreateBucketCommand,
  CreateMultipartUploadCommand,
  UploadPartCommand,
  CompleteMultipartUploadCommand,
  GetObjectCommand,
  PutObjectCommand,
} = require('@aws-sdk/client-s3');
const { spawn } = require('node:child_process');
const crypto = require('node:crypto');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { pathToFileURL } = require('node:url');
const { Readable } = require('node:stream');
const { pipeline } = require('node:stream/promises');
const hf = require('@huggingface/hub');
const { startServices } = require('../services');

const args = Object.fromEntries(
  process.argv
    .slice(2)
    .join(' ')
    .split('--')
    .filter(Boolean)
    .map((a) => a.trim().split(/\s+/)),
);
const SIZE = Number(args['size-mib'] ?? 1024) * 1024 * 1024;
const FILES = Number(args.files ?? 2000);
const PART = 64 * 1024 * 1024;
const PARALLEL = 8;
const CLI = path.resolve(__dirname, '..', '..', 'apps', 'cli', 'bin', 'modelhub.js');

const now = () => process.hrtime.bigint();
const seconds = (t0) => Number(process.hrtime.bigint() - t0) / 1e9;

async function makeBigFile(file, size) {
  const out = fs.createWriteStream(file);
  for (let written = 0; written < size; written += 8 * 1024 * 1024) {
    if (!out.write(crypto.randomBytes(Math.min(8 * 1024 * 1024, size - written)))) await new Promise((r) => out.once('drain', r));
  }
  await new Promise((r) => out.end(r));
}

/** Small text files (inline in commits), 1-8 KiB, in 20 folders. */
function makeSmallFiles(dir, count) {
  const files = [];
  for (let i = 0; i < count; i++) {
    const rel = `shard-${String(i % 20).padStart(2, '0')}/file-${i}.json`;
    fs.mkdirSync(path.join(dir, path.dirname(rel)), { recursive: true });
    fs.writeFileSync(path.join(dir, rel), JSON.stringify({ i, data: crypto.randomBytes(512 + (i % 8) * 448).toString('hex') }));
    files.push(rel);
  }
  return files;
}

async function inParallel(items, limit, work) {
  const out = new Array(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      while (next < items.length) {
        const i = next++;
        out[i] = await work(items[i], i);
      }
    }),
  );
  return out;
}

/** Runs modelhub with --json; returns its result, wall time and peak RSS. */
function modelhub(cliArgs, env) {
  const rssFile = path.join(os.tmpdir(), `modelhub-rss-${process.pid}-${Date.now()}`);
  const t0 = now();
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...cliArgs, '--json', '--quiet'], {
      env: { ...process.env, ...env, NODE_OPTIONS: `--require ${path.join(__dirname, 'peak-rss.js')}`, MODELHUB_PEAK_RSS_FILE: rssFile },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    child.on('close', (code) => {
      const wall = seconds(t0);
      if (code !== 0) return reject(new Error(`modelhub ${cliArgs.join(' ')}: exit ${code}: ${err}`));
      const peakKiB = Number(fs.readFileSync(rssFile, 'utf8').trim());
      fs.rmSync(rssFile, { force: true });
      resolve({ seconds: wall, peakRssMiB: peakKiB / 1024, result: JSON.parse(out) });
    });
  });
}

async function sdkUploadBig(s3, bucket, key, file, size) {
  const t0 = now();
  const { UploadId } = await s3.send(new CreateMultipartUploadCommand({ Bucket: bucket, Key: key }));
  const parts = Array.from({ length: Math.ceil(size / PART) }, (_, i) => i);
  const etags = await inParallel(parts, PARALLEL, async (i) => {
    const start = i * PART;
    const end = Math.min(start + PART, size) - 1;
    return (
      await s3.send(
        new UploadPartCommand({
          Bucket: bucket,
          Key: key,
          UploadId,
          PartNumber: i + 1,
          Body: fs.createReadStream(file, { start, end }),
          ContentLength: end - start + 1,
        }),
      )
    ).ETag;
  });
  await s3.send(
    new CompleteMultipartUploadCommand({
      Bucket: bucket,
      Key: key,
      UploadId,
      MultipartUpload: { Parts: etags.map((ETag, i) => ({ ETag, PartNumber: i + 1 })) },
    }),
  );
  return seconds(t0);
}

async function sdkDownload(s3, bucket, key, target) {
  const out = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
  fs.mkdirSync(path.dirname(target), { recursive: true });
  await pipeline(out.Body, fs.createWriteStream(target));
}

async function hfDownload(repo, filePath, target, accessToken, hubUrl) {
  const blob = await hf.downloadFile({ repo, path: filePath, accessToken, hubUrl });
  fs.mkdirSync(path.dirname(target), { recursive: true });
  await pipeline(Readable.fromWeb(blob.stream()), fs.createWriteStream(target));
}

async function api(base, method, url, token, json) {
  const res = await fetch(`${base}${url}`, {
    method,
    headers: { 'Content-Type': 'application/json', ...(token ? { Authorization: `Bearer ${token}` } : {}) },
    body: json ? JSON.stringify(json) : undefined,
  });
  if (!res.ok) throw new Error(`${method} ${url}: ${res.status} ${await res.text()}`);
  return res.json();
}

const ratio = (reference, cli) => Number((reference / cli).toFixed(2));

async function main() {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'modelhub-bench-'));
  const big = path.join(tmp, 'big', 'weights.bin');
  // The Hugging Face client gets other bytes: the hub would skip bytes it already holds for this user.
  const bigForHf = path.join(tmp, 'big-hf', 'weights.bin');
  fs.mkdirSync(path.dirname(bigForHf), { recursive: true });
  const smallDir = path.join(tmp, 'small');
  fs.mkdirSync(path.dirname(big), { recursive: true });
  console.log(`Generating ${SIZE / 1048576} MiB and ${FILES} small files...`);
  await makeBigFile(big, SIZE);
  await makeBigFile(bigForHf, SIZE);
  const smallFiles = makeSmallFiles(smallDir, FILES);
  const services = await startServices({ env: { MULTIPART_THRESHOLD: String(PART), MULTIPART_CHUNK_SIZE: String(PART), PRESIGNED_URL_TTL_SECONDS: '3600' } });
  const hubUrl = services.hubUrl;
  const results = { sizeMiB: SIZE / 1048576, files: FILES, at: new Date().toISOString() };
  try {
    const s3 = new S3Client({
      region: 'us-east-1',
      endpoint: services.s3.endpoint,
      forcePathStyle: true,
      credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
    });
    await s3.send(new CreateBucketCommand({ Bucket: 'bench-ref' }));
    const user = await api(hubUrl, 'POST', '/api/v1/auth/register', null, { username: 'bench', email: 'bench@example.org', password: 'bench-password-123' });
    const token = (await api(hubUrl, 'POST', '/api/v1/tokens', user.accessToken, { name: 'bench', scopes: ['read', 'write'] })).token;
    for (const name of ['cli-big', 'hf-big', 'cli-small-0', 'hf-small-0', 'cli-small-1', 'hf-small-1'])
      await api(hubUrl, 'POST', '/api/v1/models', token, { namespace: 'bench', name });
    const cliEnv = { MODELHUB_ENDPOINT: hubUrl, MODELHUB_TOKEN: token, XDG_CACHE_HOME: path.join(tmp, 'cache'), XDG_CONFIG_HOME: path.join(tmp, 'config') };

    // 1 GiB upload: SDK multipart straight to S3; modelhub (hash, LFS batch, parts, hub verification, commit); @huggingface/hub.
    const sdkBigUp = await sdkUploadBig(s3, 'bench-ref', 'big', big, SIZE);
    const cliBigUp = await modelhub(['upload', 'bench/cli-big', path.dirname(big)], cliEnv);
    let t0 = now();
    await hf.uploadFiles({
      repo: 'bench/hf-big',
      accessToken: token,
      hubUrl,
      useXet: false,
      files: [{ path: 'weights.bin', content: pathToFileURL(bigForHf) }],
    });
    const hfBigUp = seconds(t0);
    const transfer = cliBigUp.result.timings.lfsSeconds - cliBigUp.result.lfs.confirmSeconds;
    results.bigUpload = {
      sdkSeconds: sdkBigUp,
      cliSeconds: cliBigUp.seconds,
      cliTimings: { ...cliBigUp.result.timings, confirmSeconds: cliBigUp.result.lfs.confirmSeconds, partsTransferSeconds: transfer },
      hfSeconds: hfBigUp,
      ratioToSdk: ratio(sdkBigUp, cliBigUp.seconds),
      ratioToSdkPartsOnly: ratio(sdkBigUp, transfer),
      ratioToHf: ratio(hfBigUp, cliBigUp.seconds),
      cliPeakRssMiB: cliBigUp.peakRssMiB,
    };
    console.log('1 GiB upload', results.bigUpload);

    // 1 GiB download to disk: SDK GetObject; modelhub (parallel ranges + sha256); @huggingface/hub downloadFile.
    t0 = now();
    await sdkDownload(s3, 'bench-ref', 'big', path.join(tmp, 'sdk-down', 'weights.bin'));
    const sdkBigDown = seconds(t0);
    const cliBigDown = await modelhub(['download', 'bench/cli-big', '--local-dir', path.join(tmp, 'cli-down')], cliEnv);
    t0 = now();
    await hfDownload('bench/hf-big', 'weights.bin', path.join(tmp, 'hf-down', 'weights.bin'), token, hubUrl);
    const hfBigDown = seconds(t0);
    results.bigDownload = {
      sdkSeconds: sdkBigDown,
      cliSeconds: cliBigDown.seconds,
      hfSeconds: hfBigDown,
      ratioToSdk: ratio(sdkBigDown, cliBigDown.seconds),
      ratioToHf: ratio(hfBigDown, cliBigDown.seconds),
      cliPeakRssMiB: cliBigDown.peakRssMiB,
    };
    console.log('1 GiB download', results.bigDownload);
    for (const d of ['sdk-down', 'cli-down', 'hf-down']) fs.rmSync(path.join(tmp, d), { recursive: true, force: true });

    // FILES small files, two rounds in turn (the hub's background work after a commit weighs on
    // whatever runs next), best of each: SDK PutObject/GetObject each (8 at a time); modelhub (one
    // commit, inline; parallel GETs); @huggingface/hub uploadFiles / downloadFile (8 at a time).
    const small = { sdkUp: [], cliUp: [], hfUp: [], sdkDown: [], cliDown: [], hfDown: [] };
    for (let round = 0; round < 2; round++) {
      t0 = now();
      await inParallel(smallFiles, PARALLEL, (rel) =>
        s3.send(new PutObjectCommand({ Bucket: 'bench-ref', Key: `small${round}/${rel}`, Body: fs.readFileSync(path.join(smallDir, rel)) })),
      );
      small.sdkUp.push(seconds(t0));
      small.cliUp.push((await modelhub(['upload', `bench/cli-small-${round}`, smallDir], cliEnv)).seconds);
      t0 = now();
      await hf.uploadFiles({
        repo: `bench/hf-small-${round}`,
        accessToken: token,
        hubUrl,
        useXet: false,
        files: smallFiles.map((rel) => ({ path: rel, content: pathToFileURL(path.join(smallDir, rel)) })),
      });
      small.hfUp.push(seconds(t0));
    }
    for (let round = 0; round < 2; round++) {
      t0 = now();
      await inParallel(smallFiles, PARALLEL, (rel) => sdkDownload(s3, 'bench-ref', `small${round}/${rel}`, path.join(tmp, `sdk-small-${round}`, rel)));
      small.sdkDown.push(seconds(t0));
      small.cliDown.push((await modelhub(['download', `bench/cli-small-${round}`, '--local-dir', path.join(tmp, `cli-small-${round}`)], cliEnv)).seconds);
      t0 = now();
      await inParallel(smallFiles, PARALLEL, (rel) => hfDownload(`bench/hf-small-${round}`, rel, path.join(tmp, `hf-small-${round}`, rel), token, hubUrl));
      small.hfDown.push(seconds(t0));
    }
    const best = (list) => Math.min(...list);
    results.smallUpload = {
      rounds: { sdk: small.sdkUp, cli: small.cliUp, hf: small.hfUp },
      ratioToSdk: ratio(best(small.sdkUp), best(small.cliUp)),
      ratioToHf: ratio(best(small.hfUp), best(small.cliUp)),
    };
    console.log(`${FILES} files upload`, results.smallUpload);
    results.smallDownload = {
      rounds: { sdk: small.sdkDown, cli: small.cliDown, hf: small.hfDown },
      ratioToSdk: ratio(best(small.sdkDown), best(small.cliDown)),
      ratioToHf: ratio(best(small.hfDown), best(small.cliDown)),
    };
    console.log(`${FILES} files download`, results.smallDownload);
  } finally {
    await services.stop();
    fs.rmSync(tmp, { recursive: true, force: true });
  }
  const out = path.resolve(__dirname, '..', 'results', `cli-${results.at.replace(/[:.]/g, '-')}.json`);
  fs.mkdirSync(path.dirname(out), { recursive: true });
  fs.writeFileSync(out, JSON.stringify(results, null, 2));
  console.log(`Results: ${out}`);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
