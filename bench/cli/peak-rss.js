// Preloaded into the measured `modelhub` process (NODE_OPTIONS=--require): on exit, appends the
// process's peak resident memory (getrusage maxrss, KiB on Linux) to $MODELHUB_PEAK_RSS_FILE.
const fs = require('node:fs');

process.on('exit', () => {
  if (process.env.MODELHUB_PEAK_RSS_FILE) fs.appendFileSync(process.env.MODELHUB_PEAK_RSS_FILE, `${process.resourceUsage().maxRSS}\n`);
});
