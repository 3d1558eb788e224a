#!/usr/bin/env node
// The `modelhub` command: runs the compiled CLI in ../dist. In a fresh clone of the repository
// (after `npm ci`, before `npm run build`) dist is missing: it is compiled once from ../src with
// the repository's own TypeScript (nothing is downloaded).
'use strict';
const fs = require('node:fs');
const path = require('node:path');

const root = path.join(__dirname, '..');
const main = path.join(root, 'dist', 'main.js');
if (!fs.existsSync(main)) {
  let tsc;
  try {
    tsc = require.resolve('typescript/bin/tsc', { paths: [root] });
  } catch {
    process.stderr.write('modelhub is not built: run `npm run build` in the repository first.\n');
    process.exit(1);
  }
  process.stderr.write('modelhub: first run, compiling the command line once (tsc; up to a minute on a busy machine)...\n');
  const built = require('node:child_process').spawnSync(process.execPath, [tsc, '-b', path.join(root, 'tsconfig.json')], { stdio: 'inherit' });
  if (built.status !== 0 || !fs.existsSync(main)) process.exit(1);
}
require(main).main(process.argv);
