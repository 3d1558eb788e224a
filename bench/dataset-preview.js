#!/usr/bin/env node
/**
 * Dataset preview benchmark (issue 14): the preview of a large Parquet file through the hub API
 * against reading its footer alone with the same library (hyparquet `parquetMetadataAsync` over
 * ranged GETs straight to the S3 server), and the bytes the hub reads from S3 for each file size:
 *
 *   npx tsc -b && node bench/dataset-preview.js [--sizes-mib 100,1024] [--row-group-mib 8]
 *
 * The hub reaches s3rver through a counting proxy in this process (it only forwards and counts
 * the bytes of each response), so the bytes read per preview are measured, not estimated.
 */
const crypto = require('node:crypto');
const fs = require('node:fs');
const http = require('node:http');
const os = require('node:os');
const path = require('node:path');
const { execFile, spawn } = require('node:child_process');
const { parseArgs, promisify } = require('node:util');
const { S3Client, GetObjectCommand } = require('@aws-sdk/client-s3');
const { startServices } = require('./services');
const { api, benchToken } = require('./http-rate');
const { freePort } = require('../apps/api/dist/embedded/free-port.js');
const { contentKey } = require('../apps/api/dist/blobs/blob-keys.js');

const { values: args } = parseArgs({ options: { 'sizes-mib': { type: 'string', default: '100,1024' }, 'row-group-mib': { type: 'string', default: '8' } } });
const MiB = 1024 * 1024;
const SIZES = args['sizes-mib'].split(',').map((s) => Number(s) * MiB);
const ROW_GROUP_BYTES = Number(args['row-group-mib']) * MiB;
const TEXT_BYTES = 2048;
const REPEATS = 7;
const ms = (t0) => Number(process.hrtime.bigint() - t0) / 1e6;
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** A Parquet file of about `size` bytes: row groups of ROW_GROUP_BYTES of incompressible text, an id and a score. */
async function writeParquet(file, size) {
  const { ParquetWriter, fileWriter, schemaFromColumnData } = await import('hyparquet-writer');
  const rowsPerGroup = Math.floor(ROW_GROUP_BYTES / (TEXT_BYTES + 16));
  const groups = Math.ceil(size / ROW_GROUP_BYTES);
  const batch = (g) => [
    { name: 'id', data: BigInt64Array.from({ length: rowsPerGroup }, (_, i) => BigInt(g * rowsPerGroup + i)), type: 'INT64' },
    { name: 'text', data: Array.from({ length: rowsPerGroup }, () => crypto.randomBytes((TEXT_BYTES * 3) / 4).toString('base64')), type: 'STRING' },
    { name: 'score', data: Float64Array.from({ length: rowsPerGroup }, () => Math.random()), type: 'DOUBLE' },
  ];
  const writer = new ParquetWriter({ writer: fileWriter(file), schema: schemaFromColumnData({ columnData: batch(0) }), codec: 'UNCOMPRESSED' });
  for (let g = 0; g < groups; g++) await writer.write({ columnData: batch(g), rowGroupSize: rowsPerGroup });
  await writer.finish();
  const hash = crypto.createHash('sha256');
  for await (const chunk of fs.createReadStream(file)) hash.update(chunk);
  return { sha256: hash.digest('hex'), size: fs.statSync(file).size, groups, rows: groups * rowsPerGroup };
}

/** Forwards every request to `target` and counts the bytes of GET responses. */
function countingProxy(target) {
  const counter = { getBytes: 0, gets: 0 };
  const server = http.createServer((req, res) => {
    const up = http.request({ host: target.hostname, port: target.port, method: req.method, path: req.url, headers: req.headers }, (r) => {
      res.writeHead(r.statusCode, r.headers);
      if (req.method === 'GET') {
        counter.gets++;
        r.on('data', (c) => (counter.getBytes += c.length));
      }
      r.pipe(res);
    });
    up.on('error', (e) => res.destroy(e));
    req.pipe(up);
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve({ server, counter, url: `http://127.0.0.1:${server.address().port}` })));
}

/**
 * Uploads the file to the dataset with the hub's own command line (`modelhub upload --type
 * dataset`). Asynchronously: the counting proxy in this process carries the hub's S3 requests.
 */
function publish(base, token, repo, file, pathInRepo, home) {
  const cli = path.join(__dirname, '..', 'apps/cli/bin/modelhub.js');
  return promisify(execFile)(process.execPath, [cli, 'upload', repo, file, pathInRepo, '--type', 'dataset', '--quiet'], {
    env: {
      PATH: process.env.PATH,
      HOME: home,
      XDG_CONFIG_HOME: path.join(home, 'config'),
      XDG_CACHE_HOME: path.join(home, 'cache'),
      MODELHUB_ENDPOINT: base,
      MODELHUB_TOKEN: token,
    },
  });
}

/** hyparquet's footer read, over ranged GetObject calls straight to the S3 server (the reference). */
async function footerAlone(s3, bucket, key, size) {
  const { parquetMetadataAsync } = await import('hyparquet');
  let bytes = 0;
  const file = {
    byteLength: size,
    async slice(start, end = size) {
      const out = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key, Range: `bytes=${start}-${end - 1}` }));
      const buf = Buffer.from(await out.Body.transformToByteArray());
      bytes += buf.length;
      return buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.length);
    },
  };
  const t0 = process.hrtime.bigint();
  const metadata = await parquetMetadataAsync(file);
  return { ms: ms(t0), bytes, rowGroups: metadata.row_groups.length };
}

async function main() {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'hub-bench-preview-'));
  fs.chmodSync(tmp, 0o755);
  const s3Port = await freePort();
  const s3 = spawn(process.execPath, [path.join(__dirname, 's3-server.js'), String(s3Port), path.join(tmp, 's3')], { stdio: ['ignore', 'pipe', 'inherit'] });
  await new Promise((resolve) => s3.stdout.on('data', (c) => /ready/.test(c) && resolve()));
  const proxy = await countingProxy(new URL(`http://127.0.0.1:${s3Port}`));
  const bucket = 'bench-hub';
  const services = await startServices({ env: { S3_ENDPOINT: proxy.url, S3_BUCKET: bucket } });
  const client = new S3Client({
    endpoint: `http://127.0.0.1:${s3Port}`,
    region: 'us-east-1',
    forcePathStyle: true,
    credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });
  const results = [];
  try {
    const base = services.hubUrl;
    const token = await benchToken(base);
    await api(base, 'POST', '/api/repos/create', { token, json: { name: 'big-data', type: 'dataset' } });
    // A first, small file warms the hub up (hyparquet's module load, JIT), so the sizes compare alike.
    for (const [n, size] of [ROW_GROUP_BYTES, ...SIZES].entries()) {
      const file = path.join(tmp, `data-${size}.parquet`);
      const warmUp = n === 0;
      console.log(`Writing a Parquet file of ${size / MiB} MiB${warmUp ? ' (warm-up)' : ''}...`);
      const meta = await writeParquet(file, size);
      const pathInRepo = `data/${warmUp ? 'warm-up' : `${size / MiB}mib`}.parquet`;
      await publish(base, token, 'bench/big-data', file, pathInRepo, tmp);
      fs.rmSync(file);
      const key = contentKey(meta.sha256);
      const footer = [];
      for (let i = 0; i < REPEATS; i++) footer.push(await footerAlone(client, bucket, key, meta.size));
      // Cold: the first preview of these bytes (later ones come from the hub's cache by sha256).
      const before = { ...proxy.counter };
      const t0 = process.hrtime.bigint();
      const res = await api(base, 'GET', `/api/v1/datasets/bench/big-data/preview?path=${encodeURIComponent(pathInRepo)}`, { token });
      const coldMs = ms(t0);
      const body = await res.json();
      const hubBytes = proxy.counter.getBytes - before.getBytes;
      const hubGets = proxy.counter.gets - before.gets;
      const warm = [];
      for (let i = 0; i < REPEATS; i++) {
        const t1 = process.hrtime.bigint();
        await api(base, 'GET', `/api/v1/datasets/bench/big-data/preview?path=${encodeURIComponent(pathInRepo)}`, { token });
        warm.push(ms(t1));
      }
      if (warmUp) continue;
      const footerMs = median(footer.map((f) => f.ms));
      results.push({
        fileMiB: +(meta.size / MiB).toFixed(1),
        rowGroups: meta.groups,
        rows: body.rowCount,
        previewRows: body.rows.length,
        hubColdPreviewMs: +coldMs.toFixed(1),
        hubCachedPreviewMedianMs: +median(warm).toFixed(1),
        footerAloneMedianMs: +footerMs.toFixed(1),
        coldPreviewOverFooter: +(coldMs / footerMs).toFixed(2),
        hubBytesReadFromS3: hubBytes,
        hubGetsToS3: hubGets,
        footerAloneBytes: footer[0].bytes,
      });
      console.log(JSON.stringify(results.at(-1)));
    }
    console.log(JSON.stringify(results, null, 2));
  } finally {
    client.destroy();
    await services.stop();
    proxy.server.close();
    s3.kill('SIGTERM');
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
