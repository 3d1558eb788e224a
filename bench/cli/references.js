// What bench/cli/run.js measures the command line against, and the data it moves: the AWS SDK
// straight to the store (multipart upload, GetObject), @huggingface/hub's downloadFile, and the
// generated files.
const { S3Client, CreateMultipartUploadCommand, UploadPartCommand, CompleteMultipartUploadCommand, GetObjectCommand } = require('@aws-sdk/client-s3');
const crypto = require('node:crypto');
const fs = require('node:fs');
const path = require('node:path');
const { Readable } = require('node:stream');
const { pipeline } = require('node:stream/promises');
const hf = require('@huggingface/hub');
const { UnixSocketAgent } = require('../../apps/api/dist/storage/unix-socket-agent.js');

const now = () => process.hrtime.bigint();
const seconds = (t0) => Number(process.hrtime.bigint() - t0) / 1e9;

/**
 * The SDK client for a store: the s3rver process over TCP (external), or the hub's embedded store
 * through its private unix socket (the same s3rver the hub's gateway serves, without the hub).
 */
function s3ClientFor(services) {
  return new S3Client({
    region: 'us-east-1',
    forcePathStyle: true,
    credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
    ...(services.embeddedSocket
      ? { endpoint: 'http://localhost', requestHandler: { httpAgent: new UnixSocketAgent(services.embeddedSocket) } }
      : { endpoint: services.s3.endpoint }),
  });
}

async function makeBigFile(file, size) {
  fs.mkdirSync(path.dirname(file), { recursive: true });
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

async function sdkUploadBig(s3, bucket, key, file, size, part, parallel) {
  const t0 = now();
  const { UploadId } = await s3.send(new CreateMultipartUploadCommand({ Bucket: bucket, Key: key }));
  const parts = Array.from({ length: Math.ceil(size / part) }, (_, i) => i);
  const etags = await inParallel(parts, parallel, async (i) => {
    const start = i * part;
    const end = Math.min(start + part, size) - 1;
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

module.exports = { now, seconds, s3ClientFor, makeBigFile, makeSmallFiles, inParallel, sdkUploadBig, sdkDownload, hfDownload, api };
