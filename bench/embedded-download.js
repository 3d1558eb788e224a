#!/usr/bin/env node
/**
 * Downloads through the embedded store's gateway against the same bytes read directly, many times
 * alternating (medians), because one run of bench/registry.js on a loaded machine varies 2-5x:
 *
 *   npm run build && node bench/embedded-download.js [size MiB, 256] [rounds, 7]
 *
 * tcpDirect: a separate s3rver process over TCP with the AWS SDK (how clients reached the store
 * before the gateway); gateway: a URL the hub signed, fetched from the hub's port (s3rver inside the
 * hub answers it); socketDirect: the hub's own store through its private unix socket with the SDK.
 */
const { S3Client, PutObjectCommand, GetObjectCommand, CreateBucketCommand } = require('@aws-sdk/client-s3');
const crypto = require('node:crypto');
const fs = require('node:fs');
const path = require('node:path');
const { startServices } = require('./services');
const { UnixSocketAgent } = require('../apps/api/dist/storage/unix-socket-agent.js');
const { StorageUrlSigner } = require('../apps/api/dist/storage/storage-url-signer.js');
const SIZE = Number(process.argv[2] ?? 256) * 1024 * 1024;
const REPS = Number(process.argv[3] ?? 7);
const t = () => process.hrtime.bigint();
const s = (t0) => Number(process.hrtime.bigint() - t0) / 1e9;
async function drain(body) {
  let n = 0;
  for await (const c of body) n += c.length;
  return n;
}
const median = (a) => [...a].sort((x, y) => x - y)[Math.floor(a.length / 2)];
(async () => {
  const services = await startServices({ embeddedStore: true });
  try {
    const opts = {
      region: 'us-east-1',
      forcePathStyle: true,
      credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
    };
    const tcp = new S3Client({ ...opts, endpoint: services.s3.endpoint });
    const sock = new S3Client({ ...opts, endpoint: 'http://localhost', requestHandler: { httpAgent: new UnixSocketAgent(services.embeddedSocket) } });
    const bytes = crypto.randomBytes(SIZE);
    await tcp.send(new CreateBucketCommand({ Bucket: 'ref' }));
    await tcp.send(new PutObjectCommand({ Bucket: 'ref', Key: 'micro', Body: bytes, ContentLength: SIZE }));
    await sock.send(new PutObjectCommand({ Bucket: 'bench-hub', Key: 'micro', Body: bytes, ContentLength: SIZE }));
    const signer = new StorageUrlSigner(fs.readFileSync(path.join(services.dir, 'hub', 'storage-url-secret'), 'utf8').trim());
    const r = { tcpDirect: [], gateway: [], socketDirect: [] };
    for (let i = 0; i < REPS; i++) {
      let t0 = t();
      await drain((await tcp.send(new GetObjectCommand({ Bucket: 'ref', Key: 'micro' }))).Body);
      r.tcpDirect.push(s(t0));
      t0 = t();
      await drain((await fetch(services.hubUrl + signer.sign('GET', 'micro', {}, 300))).body);
      r.gateway.push(s(t0));
      t0 = t();
      await drain((await sock.send(new GetObjectCommand({ Bucket: 'bench-hub', Key: 'micro' }))).Body);
      r.socketDirect.push(s(t0));
    }
    const m = Object.fromEntries(Object.entries(r).map(([k, v]) => [k, median(v)]));
    console.log(
      JSON.stringify({ sizeMiB: SIZE / 1048576, reps: REPS, medians: m, ratioTcp: m.tcpDirect / m.gateway, ratioSocket: m.socketDirect / m.gateway, all: r }),
    );
  } finally {
    await services.stop();
  }
})();
