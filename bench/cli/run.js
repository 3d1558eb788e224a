#!/usr/bin/env node
/**
 * The command line's benchmark (issue 15): `modelhub upload` and `modelhub download` of one 1 GiB
 * file and of a folder of 2,000 small files, against the AWS SDK straight to the same store and
 * against @huggingface/hub's uploadFiles / downloadFile on the same hub, plus the CLI's peak
 * memory during the 1 GiB transfers.
 *
 *   npm run build && node bench/cli/run.js [--size-mib 1024] [--files 2000] [--store both|external|embedded]
 *
 * Two stores, one hub each in turn (both by default): `external`, an s3rver process over TCP as
 * the hub's S3_ENDPOINT (presigned URLs lead straight to it; the hub reads each completed upload
 * back to check its sha256); `embedded`, the hub's default `npm start` store (no S3_ENDPOINT), whose
 * bytes pass through the hub's storage gateway and are hashed as they stream, so completing an
 * upload reads nothing back. The SDK reference goes straight to that same store: TCP for external,
 * the embedded store's private unix socket for embedded. PostgreSQL, s3rver and the hub each run
 * in their own process (bench/services.js); `modelhub` runs as a child process with its defaults
 * (8 transfers in flight); the SDK and the Hugging Face client run in this process with 8 in
 * flight too. Ratios are reference time / CLI time: above 1, the CLI is faster.
 */
const { spawn } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { pathToFileURL } = require('node:url');
const { CreateBucketCommand, PutObjectCommand } = require('@aws-sdk/client-s3');
const hf = require('@huggingface/hub');
const { startServices } = require('../services');
const { now, seconds, s3ClientFor, makeBigFile, makeSmallFiles, inParallel, sdkUploadBig, sdkDownload, hfDownload, api } = require('./references');

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
const STORES = { both: ['external', 'embedded'], external: ['external'], embedded: ['embedded'] }[args.store ?? 'both'];
if (!STORES) throw new Error(`--store must be both, external or embedded, not ${args.store}`);
const PART = 64 * 1024 * 1024;
const PARALLEL = 8;
const CLI = path.resolve(__dirname, '..', '..', 'apps', 'cli', 'bin', 'modelhub.js');

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
      resolve({ seconds: wall, peakRssMiB: Math.round(peakKiB / 1024), result: JSON.parse(out) });
    });
  });
}

const ratio = (reference, cli) => Number((reference / cli).toFixed(2));
const best = (list) => Math.min(...list);

/** Every measurement on one hub with the given store. */
async function runStore(store, data) {
  const { tmp, big, bigForHf, smallDir, smallFiles } = data;
  const services = await startServices({
    embeddedStore: store === 'embedded',
    env: { MULTIPART_THRESHOLD: String(PART), MULTIPART_CHUNK_SIZE: String(PART), PRESIGNED_URL_TTL_SECONDS: '3600' },
  });
  const hubUrl = services.hubUrl;
  const results = { loadAverageAtStart: os.loadavg().map((l) => Number(l.toFixed(2))) };
  const work = path.join(tmp, store);
  try {
    const s3 = s3ClientFor(services);
    await s3.send(new CreateBucketCommand({ Bucket: 'bench-ref' }));
    const user = await api(hubUrl, 'POST', '/api/v1/auth/register', null, { username: 'bench', email: 'bench@example.org', password: 'bench-password-123' });
    const token = (await api(hubUrl, 'POST', '/api/v1/tokens', user.accessToken, { name: 'bench', scopes: ['read', 'write'] })).token;
    for (const name of ['cli-big', 'hf-big', 'cli-small-0', 'hf-small-0', 'cli-small-1', 'hf-small-1'])
      await api(hubUrl, 'POST', '/api/v1/models', token, { namespace: 'bench', name });
    const cliEnv = { MODELHUB_ENDPOINT: hubUrl, MODELHUB_TOKEN: token, XDG_CACHE_HOME: path.join(work, 'cache'), XDG_CONFIG_HOME: path.join(work, 'config') };

    // 1 GiB upload: SDK multipart straight to the store; modelhub (hash, LFS batch, parts, the hub's completion, commit); @huggingface/hub.
    const sdkBigUp = await sdkUploadBig(s3, 'bench-ref', 'big', big, SIZE, PART, PARALLEL);
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
    const { timings, lfs } = cliBigUp.result;
    const partsSeconds = timings.lfsSeconds - lfs.confirmSeconds;
    results.bigUpload = {
      sdkSeconds: sdkBigUp,
      cliSeconds: cliBigUp.seconds,
      cliTimings: { ...timings, confirmSeconds: lfs.confirmSeconds, partsSeconds },
      hfSeconds: hfBigUp,
      ratioToSdk: ratio(sdkBigUp, cliBigUp.seconds),
      // What the hub's completion (its read-back on the external store) leaves aside.
      ratioToSdkWithoutCompletion: ratio(sdkBigUp, cliBigUp.seconds - lfs.confirmSeconds),
      ratioToHf: ratio(hfBigUp, cliBigUp.seconds),
      cliPeakRssMiB: cliBigUp.peakRssMiB,
    };
    console.log(store, `${SIZE / 1048576} MiB upload`, results.bigUpload);

    // 1 GiB download to disk: SDK GetObject; modelhub (parallel ranges + sha256); @huggingface/hub downloadFile.
    t0 = now();
    await sdkDownload(s3, 'bench-ref', 'big', path.join(work, 'sdk-down', 'weights.bin'));
    const sdkBigDown = seconds(t0);
    const cliBigDown = await modelhub(['download', 'bench/cli-big', '--local-dir', path.join(work, 'cli-down')], cliEnv);
    t0 = now();
    await hfDownload('bench/hf-big', 'weights.bin', path.join(work, 'hf-down', 'weights.bin'), token, hubUrl);
    const hfBigDown = seconds(t0);
    results.bigDownload = {
      sdkSeconds: sdkBigDown,
      cliSeconds: cliBigDown.seconds,
      hfSeconds: hfBigDown,
      ratioToSdk: ratio(sdkBigDown, cliBigDown.seconds),
      ratioToHf: ratio(hfBigDown, cliBigDown.seconds),
      cliPeakRssMiB: cliBigDown.peakRssMiB,
    };
    console.log(store, `${SIZE / 1048576} MiB download`, results.bigDownload);
    for (const d of ['sdk-down', 'cli-down', 'hf-down']) fs.rmSync(path.join(work, d), { recursive: true, force: true });

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
      await inParallel(smallFiles, PARALLEL, (rel) => sdkDownload(s3, 'bench-ref', `small${round}/${rel}`, path.join(work, `sdk-small-${round}`, rel)));
      small.sdkDown.push(seconds(t0));
      small.cliDown.push((await modelhub(['download', `bench/cli-small-${round}`, '--local-dir', path.join(work, `cli-small-${round}`)], cliEnv)).seconds);
      t0 = now();
      await inParallel(smallFiles, PARALLEL, (rel) => hfDownload(`bench/hf-small-${round}`, rel, path.join(work, `hf-small-${round}`, rel), token, hubUrl));
      small.hfDown.push(seconds(t0));
    }
    results.smallUpload = {
      rounds: { sdk: small.sdkUp, cli: small.cliUp, hf: small.hfUp },
      ratioToSdk: ratio(best(small.sdkUp), best(small.cliUp)),
      ratioToHf: ratio(best(small.hfUp), best(small.cliUp)),
    };
    console.log(store, `${FILES} files upload`, results.smallUpload);
    results.smallDownload = {
      rounds: { sdk: small.sdkDown, cli: small.cliDown, hf: small.hfDown },
      ratioToSdk: ratio(best(small.sdkDown), best(small.cliDown)),
      ratioToHf: ratio(best(small.hfDown), best(small.cliDown)),
    };
    console.log(store, `${FILES} files download`, results.smallDownload);
    results.loadAverageAtEnd = os.loadavg().map((l) => Number(l.toFixed(2)));
    return results;
  } finally {
    await services.stop();
    fs.rmSync(work, { recursive: true, force: true });
  }
}

async function main() {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'modelhub-bench-'));
  // The Hugging Face client gets other bytes: the hub would skip bytes it already holds for this user.
  const data = { tmp, big: path.join(tmp, 'big', 'weights.bin'), bigForHf: path.join(tmp, 'big-hf', 'weights.bin'), smallDir: path.join(tmp, 'small') };
  const results = { sizeMiB: SIZE / 1048576, files: FILES, stores: STORES, at: new Date().toISOString() };
  try {
    console.log(`Generating ${SIZE / 1048576} MiB (twice) and ${FILES} small files...`);
    await makeBigFile(data.big, SIZE);
    await makeBigFile(data.bigForHf, SIZE);
    data.smallFiles = makeSmallFiles(data.smallDir, FILES);
    for (const store of STORES) results[store] = await runStore(store, data);
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
  const out = path.resolve(__dirname, '..', 'results', `cli-${results.at.replace(/[:.]/g, '-')}.json`);
  fs.mkdirSync(path.dirname(out), { recursive: true });
  fs.writeFileSync(out, JSON.stringify(results, null, 2));
  for (const store of STORES) {
    const r = results[store];
    console.log(
      `${store}: 1 GiB up vs SDK ${r.bigUpload.ratioToSdk} (without completion ${r.bigUpload.ratioToSdkWithoutCompletion}), vs HF ${r.bigUpload.ratioToHf}; ` +
        `down vs SDK ${r.bigDownload.ratioToSdk}, vs HF ${r.bigDownload.ratioToHf}; peak RSS up ${r.bigUpload.cliPeakRssMiB} / down ${r.bigDownload.cliPeakRssMiB} MiB; ` +
        `small up vs HF ${r.smallUpload.ratioToHf}, down vs HF ${r.smallDownload.ratioToHf}`,
    );
  }
  console.log(`Results: ${out}`);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
