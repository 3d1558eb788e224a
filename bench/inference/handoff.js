#!/usr/bin/env node
// What a hand-off to another thread or process costs on this machine, back to back and after an
// idle gap (bench/README.md, Inference: why concurrency 1 pays more per call than concurrency 8).
//
//   node bench/inference/handoff.js [--calls 3000] [--gap-ms 2]
//
// A call through the hub hands its work over five times (client -> loop -> model worker -> loop ->
// PostgreSQL -> loop -> client); at concurrency 1 each receiver has been idle for a few ms. This
// times a 1-byte round trip to a worker thread (postMessage) and to another process over loopback
// TCP, each back to back and with the receiver left idle `gap` ms before every message.
const { spawn } = require('node:child_process');
const net = require('node:net');
const { Worker } = require('node:worker_threads');

const arg = (name, fallback) => {
  const i = process.argv.indexOf(`--${name}`);
  return i < 0 ? fallback : process.argv[i + 1];
};
const CALLS = Number(arg('calls', '3000'));
const GAP_MS = Number(arg('gap-ms', '2'));

const percentile = (values, p) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))];
};
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Round-trip times in ms of `roundTrip()`, after a tenth as many unmeasured ones. */
async function timed(roundTrip, gapMs) {
  const times = [];
  for (let i = 0; i < CALLS * 1.1; i++) {
    if (gapMs) await sleep(gapMs);
    const started = process.hrtime.bigint();
    await roundTrip();
    if (i >= CALLS * 0.1) times.push(Number(process.hrtime.bigint() - started) / 1e6);
  }
  return { p50: percentile(times, 50), p95: percentile(times, 95) };
}

async function main() {
  const worker = new Worker(`require('node:worker_threads').parentPort.on('message', (m) => require('node:worker_threads').parentPort.postMessage(m));`, {
    eval: true,
  });
  const toWorker = () => new Promise((r) => worker.once('message', r).postMessage(1));

  const echo = spawn(
    process.execPath,
    [
      '-e',
      `const s = require('node:net').createServer((c) => { c.setNoDelay(true); c.on('data', (d) => c.write(d)); }).listen(0, '127.0.0.1', () => console.log(s.address().port));`,
    ],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const port = await new Promise((r) => echo.stdout.once('data', (d) => r(Number(String(d).trim()))));
  const socket = net.connect(port, '127.0.0.1');
  socket.setNoDelay(true);
  await new Promise((r) => socket.once('connect', r));
  const toProcess = () => new Promise((r) => socket.once('data', r).write('x'));

  console.log(`Hand-off round trips (${CALLS} each; idle gap ${GAP_MS} ms)`);
  console.log('to | back to back p50 / p95 ms | after an idle gap p50 / p95 ms | ratio of p50s');
  for (const [name, roundTrip] of [
    ['worker thread (postMessage)', toWorker],
    ['other process (loopback TCP)', toProcess],
  ]) {
    const hot = await timed(roundTrip, 0);
    const cold = await timed(roundTrip, GAP_MS);
    console.log(
      `${name} | ${hot.p50.toFixed(3)} / ${hot.p95.toFixed(3)} | ${cold.p50.toFixed(3)} / ${cold.p95.toFixed(3)} | ${(cold.p50 / hot.p50).toFixed(1)}`,
    );
  }
  socket.destroy();
  echo.kill();
  await worker.terminate();
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
