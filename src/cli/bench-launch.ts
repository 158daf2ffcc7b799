/**
 * `npm run bench`'s entry (bundled as the CommonJS file dist/bench.cjs: Node starts a CommonJS entry faster than an
 * ES module). Runs the benchmark bundle dist/bench-main.cjs through a V8 code cache beside it (code-cache.ts), which
 * the first run of each build creates, and says which.
 */
import { basename, dirname, join } from 'node:path';
import { runWithCodeCache } from './code-cache.js';

const nodeStartMs = process.uptime() * 1000;
const { cache, file } = runWithCodeCache(join(dirname(process.argv[1]), 'bench-main.cjs'), (exports) =>
  (exports as { main: (nodeStartMs: number) => void }).main(nodeStartMs),
);
const said: Record<typeof cache, string> = {
  used: `used (dist/${basename(file)})`,
  created: `none yet for this build: created dist/${basename(file)}, so later runs start faster`,
  'rejected-and-rewritten': 'made by another Node version: rewritten, so later runs start faster',
  unwritable: 'none, and dist/ is not writable',
};
process.stdout.write(`code cache         ${said[cache]}\n`);
