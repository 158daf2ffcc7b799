#!/usr/bin/env node
// Bundles the CLI (and the benchmark) into single ES module files. One file parses and loads several times faster
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
  banner: { js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);" },
};
await build({ ...common, entryPoints: ['dist/cli/bin.js'], outfile: 'dist/warmpool-sim.mjs' });
// The benchmark: a CommonJS bundle that its small CommonJS entry runs through a V8 code cache (src/cli/code-cache.ts).
const cjs = { ...common, format: 'cjs', banner: {} };
await build({ ...cjs, entryPoints: ['dist/cli/bench.js'], outfile: 'dist/bench-main.cjs' });
await build({ ...cjs, entryPoints: ['dist/cli/bench-launch.js'], outfile: 'dist/bench.cjs' });
// Sweep workers load this once per thread: one file keeps each worker's start-up short.
await build({ ...common, entryPoints: ['dist/cli/sweep-worker.js'], outfile: 'dist/sweep-worker.mjs' });
