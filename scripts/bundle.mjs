#!/usr/bin/env node
// Bundles the CLI and the sweep worker into single ES module files. One file parses and loads several times faster
// than ~100 separate modules of yargs, zod and yaml, which matters for a CLI that sweeps run thousands of times.
// The charting libraries stay external: they are loaded from node_modules only when an HTML report is asked for.
import { build } from 'esbuild';

const common = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'esm',
  logLevel: 'warning',
  legalComments: 'none',
  external: ['vega', 'vega-lite', 'vega-canvas', 'canvas', 'playwright-core', 'piscina'],
  // CommonJS dependencies bundled into an ES module still call require().
  banner: {
    js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);",
  },
};
await build({ ...common, entryPoints: ['dist/cli/bin.js'], outfile: 'dist/warmpool-sim.mjs' });
// Sweep workers load this once per thread: one file keeps each worker's start-up short.
await build({ ...common, entryPoints: ['dist/cli/sweep-worker.js'], outfile: 'dist/sweep-worker.mjs' });
