/**
 * `npm run bench`'s entry (bundled as dist/bench.mjs): runs the benchmark bundle dist/bench.cjs through a V8 code
 * cache beside it (code-cache.ts), which the first run of each build creates, and says which.
 */
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runWithCodeCache } from './code-cache.js';

const { cache, file } = runWithCodeCache(join(dirname(fileURLToPath(import.meta.url)), 'bench.cjs'));
const said: Record<typeof cache, string> = {
  used: `used (dist/${basename(file)})`,
  created: `none yet for this build: created dist/${basename(file)}, so later runs start faster`,
  'rejected-and-rewritten': 'made by another Node version: rewritten, so later runs start faster',
  unwritable: 'none, and dist/ is not writable',
};
process.stdout.write(`code cache         ${said[cache]}\n`);
