#!/usr/bin/env node
// Bundles the CLI (and the benchmark) into single CommonJS files. One file parses and loads several times faster
// than ~100 ESM modules of yargs, zod and yaml, which matters for a CLI that sweeps run thousands of times.
import { build } from 'esbuild';

const common = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  logLevel: 'warning',
  legalComments: 'none',
  // ESM-only dependencies (yargs) read import.meta.url; give them the bundle's own URL.
  define: { 'import.meta.url': '__bundleUrl' },
  banner: { js: "const __bundleUrl = require('node:url').pathToFileURL(__filename).href;" },
};
await build({ ...common, entryPoints: ['dist/cli/bin.js'], outfile: 'dist/warmpool-sim.cjs' });
await build({ ...common, entryPoints: ['dist/cli/bench.js'], outfile: 'dist/bench.cjs' });
