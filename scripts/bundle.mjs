#!/usr/bin/env node
// Bundles the CLI (and the benchmark) into single ES module files. One file parses and loads several times faster
// than ~100 separate modules of yargs, zod and yaml, which matters for a CLI that sweeps run thousands of times.
// The charting libraries stay external: they are loaded from node_modules only when an HTML report is asked for.
import { readFileSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { build } from 'esbuild';

// yargs measures text with string-width (three copies of it), which builds an Intl.Segmenter when its module loads:
// ICU's break-iterator data, about 25 ms of every CLI start, for help text that most runs never print. Here each
// one is built on first use instead; the modules call nothing but segment() on it.
const lazySegmenter = {
  name: 'lazy-intl-segmenter',
  setup(build) {
    build.onLoad({ filter: /[\\/]string-width[\\/]index\.js$/ }, async (args) => {
      const text = await readFile(args.path, 'utf8');
      if (!text.includes('new Intl.Segmenter()')) return undefined;
      return {
        contents: text.replaceAll(
          'new Intl.Segmenter()',
          '((s) => ({ segment: (t) => (s ??= new Intl.Segmenter()).segment(t) }))()',
        ),
        loader: 'js',
      };
    });
  },
};

const common = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'esm',
  logLevel: 'warning',
  legalComments: 'none',
  plugins: [lazySegmenter],
  external: ['vega', 'vega-lite', 'vega-canvas', 'canvas', 'playwright-core', 'piscina'],
  // CommonJS dependencies bundled into an ES module still call require().
  banner: {
    js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);",
  },
};
await build({ ...common, entryPoints: ['dist/cli/bin.js'], outfile: 'dist/warmpool-sim.mjs' });
// The benchmark: a CommonJS bundle that its small CommonJS entry runs through a V8 code cache (src/cli/code-cache.ts).
const cjs = { ...common, format: 'cjs', banner: {} };
await build({ ...cjs, entryPoints: ['dist/cli/bench.js'], outfile: 'dist/bench-main.cjs' });
await build({ ...cjs, entryPoints: ['dist/cli/bench-launch.js'], outfile: 'dist/bench.cjs' });
// Sweep workers load this once per thread: one file keeps each worker's start-up short.
await build({ ...common, entryPoints: ['dist/cli/sweep-worker.js'], outfile: 'dist/sweep-worker.mjs' });

// Every bundle pure ASCII. esbuild escapes non-ASCII characters in strings, names and patterns, but a comment it
// keeps (one of zod's has a dash) can still hold one, and a single such character makes the whole 700 KB text a
// two-byte string for V8: twice the bytes to decode, hash, scan and parse at every start. In a comment, an escape
// in its place changes nothing.
for (const file of ['dist/warmpool-sim.mjs', 'dist/bench-main.cjs', 'dist/bench.cjs', 'dist/sweep-worker.mjs']) {
  const text = readFileSync(file, 'utf8');
  const ascii = text.replace(/[^\x00-\x7f]/gu, (c) => {
    if (c.length > 1)
      throw new Error(`${file}: character U+${c.codePointAt(0).toString(16)} outside the BMP; add an escape for it`);
    return `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`;
  });
  if (ascii !== text) writeFileSync(file, ascii);
}
