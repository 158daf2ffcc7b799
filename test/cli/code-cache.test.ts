import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { hash64, runWithCodeCache } from '../../src/cli/code-cache.js';

describe('runWithCodeCache', () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  });
  const bundleIn = (text: string): string => {
    const dir = mkdtempSync(join(tmpdir(), 'wps-cache-'));
    dirs.push(dir);
    const file = join(dir, 'prog.cjs');
    writeFileSync(file, text);
    return file;
  };
  const caches = (bundle: string): string[] => readdirSync(join(bundle, '..')).filter((f) => f.endsWith('.v8cache'));

  it('runs the bundle as CommonJS, creates the cache on the first run and uses it on the next', () => {
    const bundle = bundleIn(
      "const path = require('node:path'); module.exports = { twice: (x) => 2 * x, base: path.basename(__filename) };",
    );
    const first = runWithCodeCache(bundle);
    expect(first.cache).toBe('created');
    const ex = first.exports as { twice: (x: number) => number; base: string };
    expect(ex.twice(21)).toBe(42);
    expect(ex.base).toBe('prog.cjs');
    expect(caches(bundle)).toHaveLength(1);
    let seen: unknown;
    const second = runWithCodeCache(bundle, (exports) => (seen = exports));
    expect(second.cache).toBe('used');
    expect(seen).toBe(second.exports);
    expect((second.exports as { twice: (x: number) => number }).twice(5)).toBe(10);
  });

  it('never runs the cache of other text of the same length, and drops the old build cache', () => {
    // The function runs at load, so its bytecode is in the cache.
    const bundle = bundleIn('const f = () => 1; f(); module.exports = f;');
    runWithCodeCache(bundle);
    const before = caches(bundle);
    // Same length, different code: V8 alone would accept the old cache (it checks only the length).
    writeFileSync(bundle, 'const f = () => 2; f(); module.exports = f;');
    const run = runWithCodeCache(bundle);
    expect(run.cache).toBe('created');
    expect((run.exports as () => number)()).toBe(2);
    const after = caches(bundle);
    expect(after).toHaveLength(1);
    expect(after[0]).not.toBe(before[0]);
  });

  it('reads an ASCII bundle and one with other characters alike', () => {
    const ascii = bundleIn("module.exports = 'caf\\u00e9';");
    const utf8 = bundleIn("module.exports = 'café'; // ×");
    for (const bundle of [ascii, utf8]) {
      expect(runWithCodeCache(bundle).exports).toBe('café');
      expect(runWithCodeCache(bundle).cache).toBe('used');
    }
  });
});

describe('hash64', () => {
  it('changes with any one bit of the bytes, and reads the bytes wherever they sit in memory', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 1, maxLength: 200 }),
        fc.nat(),
        fc.integer({ min: 0, max: 7 }),
        (bytes, at, bit) => {
          const i = at % bytes.length;
          const flipped = Uint8Array.from(bytes);
          flipped[i] ^= 1 << bit;
          expect(hash64(flipped)).not.toBe(hash64(bytes));
          // The same bytes at an odd offset of a larger buffer.
          const host = new Uint8Array(bytes.length + 3);
          host.set(bytes, 3);
          expect(hash64(host.subarray(3))).toBe(hash64(bytes));
          expect(hash64(bytes)).toMatch(/^[0-9a-f]{16}$/);
        },
      ),
    );
  });

  it('tells apart lengths that differ only by trailing zeros', () => {
    const seen = new Set<string>();
    for (let n = 0; n <= 24; n++) seen.add(hash64(new Uint8Array(n)));
    expect(seen.size).toBe(25);
  });
});
