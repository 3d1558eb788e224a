#!/usr/bin/env node
/**
 * Upload verification benchmark (issue 16): the time from the last byte of an upload to a
 * committable blob, against the transfer time, in embedded mode (every byte through the hub's
 * storage gateway). One run, one 1 GiB file:
 *
 *   npx tsc -b && node bench/upload-verification.js [--size-mib 1024]
 *
 * - single PUT (git-lfs `basic`): hashed in the stream by the gateway; the verify call commits it;
 * - multipart (Hugging Face's transfer, 64 MiB parts, 4 in flight): the store hashes the parts
 *   in order as they land; the completion renames the assembled file.
 */
const crypto = require('node:crypto');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { Readable } = require('node:stream');
const { startServices } = require('./services');
const { api, benchToken } = require('./http-rate');

const args = Object.fromEntries(
  process.argv
    .slice(2)
    .join(' ')
    .split('--')
    .filter(Boolean)
    .map((a) => a.trim().split(/\s+/)),
);
const SIZE = Number(args['size-mib'] ?? 1024) * 1024 * 1024;
const PART = 64 * 1024 * 1024;
const LFS = 'application/vnd.git-lfs+json';
const seconds = (t0) => Number(process.hrtime.bigint() - t0) / 1e9;
const now = () => process.hrtime.bigint();

async function makeFile(file, size) {
  const out = fs.createWriteStream(file);
  const hash = crypto.createHash('sha256');
  for (let written = 0; written < size; written += 8 * 1024 * 1024) {
    const buf = crypto.randomBytes(Math.min(8 * 1024 * 1024, size - written));
    hash.update(buf);
    if (!out.write(buf)) await new Promise((r) => out.once('drain', r));
  }
  await new Promise((r) => out.end(r));
  return hash.digest('hex');
}

const put = async (url, file, start, end) => {
  const res = await fetch(url, {
    method: 'PUT',
    body: Readable.toWeb(fs.createReadStream(file, { start, end })),
    duplex: 'half',
    headers: { 'Content-Length': String(end - start + 1) },
  });
  if (!res.ok) throw new Error(`PUT: ${res.status} ${await res.text()}`);
  return res.headers.get('etag');
};

async function batch(base, token, repo, oid, size, transfers) {
  const res = await api(base, 'POST', `/${repo}.git/info/lfs/objects/batch`, {
    token,
    headers: { 'Content-Type': LFS, Accept: LFS },
    body: JSON.stringify({ operation: 'upload', transfers, hash_algo: 'sha256', objects: [{ oid, size }] }),
  });
  return (await res.json()).objects[0].actions;
}

async function singlePut(base, token, repo, file, oid, size) {
  const actions = await batch(base, token, repo, oid, size, ['basic']);
  const t0 = now();
  await put(actions.upload.href, file, 0, size - 1);
  const transfer = seconds(t0);
  const t1 = now();
  const res = await fetch(actions.verify.href, {
    method: 'POST',
    headers: { 'Content-Type': LFS, Accept: LFS, Authorization: `Bearer ${token}` },
    body: JSON.stringify({ oid, size }),
  });
  if (!res.ok) throw new Error(`verify: ${res.status} ${await res.text()}`);
  return { transferSeconds: transfer, lastByteToBlobSeconds: seconds(t1) };
}

async function multipart(base, token, repo, file, oid, size) {
  const { upload } = await batch(base, token, repo, oid, size, ['basic', 'multipart']);
  const urls = Object.keys(upload.header)
    .filter((k) => /^\d+$/.test(k))
    .sort()
    .map((k) => upload.header[k]);
  const t0 = now();
  const etags = new Array(urls.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: 4 }, async () => {
      while (next < urls.length) {
        const i = next++;
        etags[i] = await put(urls[i], file, i * PART, Math.min((i + 1) * PART, size) - 1);
      }
    }),
  );
  const transfer = seconds(t0);
  const t1 = now();
  const res = await fetch(upload.href, {
    method: 'POST',
    headers: { 'Content-Type': LFS },
    body: JSON.stringify({ oid, parts: etags.map((etag, i) => ({ partNumber: i + 1, etag })) }),
  });
  if (!res.ok) throw new Error(`completion: ${res.status} ${await res.text()}`);
  return { transferSeconds: transfer, lastByteToBlobSeconds: seconds(t1) };
}

async function main() {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'hub-bench-verify-'));
  const files = [path.join(tmp, 'a.bin'), path.join(tmp, 'b.bin')];
  console.log(`Generating 2 x ${SIZE / 1024 / 1024} MiB of random bytes...`);
  const oids = [await makeFile(files[0], SIZE), await makeFile(files[1], SIZE)];
  const services = await startServices({ embeddedStore: true, env: { MULTIPART_THRESHOLD: String(PART), MULTIPART_CHUNK_SIZE: String(PART) } });
  try {
    const base = services.hubUrl;
    const token = await benchToken(base);
    await api(base, 'POST', '/api/repos/create', { token, json: { name: 'big' } });
    const results = {
      singlePut: await singlePut(base, token, 'bench/big', files[0], oids[0], SIZE),
      multipart: await multipart(base, token, 'bench/big', files[1], oids[1], SIZE),
    };
    for (const r of Object.values(results)) r.ratio = r.lastByteToBlobSeconds / r.transferSeconds;
    console.log(JSON.stringify(results, null, 2));
  } finally {
    await services.stop();
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
