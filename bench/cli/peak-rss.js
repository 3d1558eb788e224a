// Preloaded into the measured `modelhub` process (NODE_OPTIONS=--require): on exit, appends the
// process's peak resident memory (KiB) to $MODELHUB_PEAK_RSS_FILE. VmHWM, the high-water mark of
// this process's own memory since its exec: getrusage's maxrss also counts the image of the
// parent it was forked from (the benchmark, after its own 1 GiB transfers: ~330 MiB).
const fs = require('node:fs');

process.on('exit', () => {
  if (!process.env.MODELHUB_PEAK_RSS_FILE) return;
  const kib = Number(/VmHWM:\s+(\d+)/.exec(fs.readFileSync('/proc/self/status', 'utf8'))[1]);
  fs.appendFileSync(process.env.MODELHUB_PEAK_RSS_FILE, `${kib}\n`);
});
