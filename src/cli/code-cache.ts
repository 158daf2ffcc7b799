/**
 * Runs a CommonJS bundle through a V8 code cache, the way Node 22's `module.enableCompileCache()` does for every
 * module (Node 20 has no such switch). Without a cache, V8 parses the bundle's 700 KB at load and compiles each
 * function the first time it is called; with one, it reads the bytecode of every function the last run compiled.
 *
 * The cache file is named after a hash of the bundle's text: V8 itself checks only the text's length (and its own
 * version and flags), so an edited bundle of the same length would otherwise run stale bytecode. The first run of a
 * bundle writes its cache beside it, atomically, and removes the caches of earlier builds; where the folder is
 * read-only it runs without one.
 */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, renameSync, unlinkSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { basename, dirname, join } from 'node:path';
import vm from 'node:vm';

/** What happened to the cache on this load. */
export type CacheState = 'used' | 'created' | 'rejected-and-rewritten' | 'unwritable';

/** A bundle's file name without `.js` / `.cjs`: its cache files are `<stem>-<hash>.v8cache`. */
const stemOf = (bundle: string): string => basename(bundle).replace(/\.c?js$/, '');

/** The cache file of a bundle text: `<stem>-<hash>.v8cache` beside the bundle. */
export function cacheFileFor(bundle: string, source: string): string {
  return join(dirname(bundle), `${stemOf(bundle)}-${createHash('sha1').update(source).digest('hex').slice(0, 16)}.v8cache`);
}

/**
 * Loads `bundle` (a CommonJS file) with its code cache, runs its top level, then `run` with its exports, and
 * returns the exports. The cache is written after both, so that it holds every function the run compiled.
 */
export function runWithCodeCache(bundle: string, run: (exports: unknown) => void = () => {}): { exports: unknown; cache: CacheState; file: string } {
  const source = readFileSync(bundle, 'utf8');
  const file = cacheFileFor(bundle, source);
  let cachedData: Buffer | undefined;
  try {
    cachedData = readFileSync(file);
  } catch {
    cachedData = undefined;
  }
  // The CommonJS wrapper, as Node's own loader applies it.
  const script = new vm.Script(`(function (exports, require, module, __filename, __dirname) {${source}\n})`, {
    filename: bundle,
    cachedData,
  });
  const rejected = cachedData !== undefined && script.cachedDataRejected === true;
  const fn = script.runInThisContext() as (e: unknown, r: NodeJS.Require, m: { exports: unknown }, f: string, d: string) => void;
  const module = { exports: {} as unknown };
  fn.call(module.exports, module.exports, createRequire(bundle), module, bundle, dirname(bundle));
  run(module.exports);
  if (cachedData !== undefined && !rejected) return { exports: module.exports, cache: 'used', file };
  try {
    const tmp = `${file}.${process.pid}.tmp`;
    writeFileSync(tmp, script.createCachedData());
    renameSync(tmp, file);
    const stem = stemOf(bundle);
    for (const old of readdirSync(dirname(bundle))) {
      if (old.startsWith(`${stem}-`) && old.endsWith('.v8cache') && old !== basename(file)) unlinkSync(join(dirname(bundle), old));
    }
  } catch {
    return { exports: module.exports, cache: 'unwritable', file };
  }
  return { exports: module.exports, cache: rejected ? 'rejected-and-rewritten' : 'created', file };
}
