/**
 * Runs a CommonJS bundle through a V8 code cache, the way Node 22's `module.enableCompileCache()` does for every
 * module (Node 20 has no such switch). Without a cache, V8 parses the bundle's 700 KB at load and compiles each
 * function the first time it is called; with one, it reads the bytecode of every function the last run compiled.
 *
 * The cache file is named after a hash of the bundle's bytes: V8 itself checks only the text's length (and its own
 * version and flags), so an edited bundle of the same length would otherwise run stale bytecode. The hash is a plain
 * 64-bit one computed here: loading Node's crypto module for it would cost more than the hashing (about 7 ms). The
 * first run of a bundle writes its cache beside it, atomically, and removes the caches of earlier builds; where the
 * folder is read-only it runs without one.
 */
import { isAscii } from 'node:buffer';
import { readdirSync, readFileSync, renameSync, unlinkSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { basename, dirname, join } from 'node:path';
import vm from 'node:vm';

/** What happened to the cache on this load. */
export type CacheState = 'used' | 'created' | 'rejected-and-rewritten' | 'unwritable';

/** A bundle's file name without `.js` / `.cjs`: its cache files are `<stem>-<hash>.v8cache`. */
const stemOf = (bundle: string): string => basename(bundle).replace(/\.c?js$/, '');

/** The cache file of a bundle's bytes: `<stem>-<hash>.v8cache` beside the bundle. */
export function cacheFileFor(bundle: string, bytes: Uint8Array): string {
  return join(dirname(bundle), `${stemOf(bundle)}-${hash64(bytes)}.v8cache`);
}

/**
 * A 64-bit hash of `bytes` as 16 hex digits: two multiply-xor lanes over 32-bit words (FNV-1a's and MurmurHash2's
 * multipliers), the length, the tail bytes, then a final mix. Not cryptographic: it tells builds apart.
 */
export function hash64(bytes: Uint8Array): string {
  const n = bytes.length >> 3;
  const aligned = bytes.byteOffset % 4 === 0 ? bytes : Uint8Array.from(bytes);
  const words = new Int32Array(aligned.buffer, aligned.byteOffset, 2 * n);
  let h1 = 0x811c9dc5 ^ bytes.length;
  let h2 = 0x5bd1e995;
  for (let i = 0; i < 2 * n; i += 2) {
    h1 = Math.imul(h1 ^ words[i], 0x01000193) ^ (h1 >>> 13);
    h2 = Math.imul(h2 ^ words[i + 1], 0x5bd1e995) ^ (h2 >>> 15);
  }
  for (let i = 8 * n; i < bytes.length; i++) h1 = Math.imul(h1 ^ bytes[i], 0x01000193) ^ (h1 >>> 13);
  h1 = Math.imul(h1 ^ (h2 >>> 16), 0x85ebca6b);
  h2 = Math.imul(h2 ^ (h1 >>> 13), 0xc2b2ae35);
  return (h1 >>> 0).toString(16).padStart(8, '0') + (h2 >>> 0).toString(16).padStart(8, '0');
}

/**
 * Loads `bundle` (a CommonJS file) with its code cache, runs its top level, then `run` with its exports, and
 * returns the exports. The cache is written after both, so that it holds every function the run compiled.
 */
export function runWithCodeCache(
  bundle: string,
  run: (exports: unknown) => void = () => {},
): { exports: unknown; cache: CacheState; file: string } {
  const bytes = readFileSync(bundle);
  const file = cacheFileFor(bundle, bytes);
  // The bundles are pure ASCII (scripts/bundle.mjs): read as Latin-1, the text is V8's one-byte string at once.
  const source = isAscii(bytes) ? bytes.toString('latin1') : bytes.toString('utf8');
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
  const fn = script.runInThisContext() as (
    e: unknown,
    r: NodeJS.Require,
    m: { exports: unknown },
    f: string,
    d: string,
  ) => void;
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
      if (old.startsWith(`${stem}-`) && old.endsWith('.v8cache') && old !== basename(file))
        unlinkSync(join(dirname(bundle), old));
    }
  } catch {
    return { exports: module.exports, cache: 'unwritable', file };
  }
  return { exports: module.exports, cache: rejected ? 'rejected-and-rewritten' : 'created', file };
}
