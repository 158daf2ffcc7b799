import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  expandGrid,
  factorial,
  gridRuns,
  parseShard,
  rowKey,
  sampleCombos,
  seedList,
  shardRuns,
  type Dimension,
} from '../../src/sweep/grid.js';

const site = { file: 'f', line: 1, col: 1, path: '' };
const dim = (name: string, values: (string | number | boolean)[]): Dimension => ({
  name,
  values,
  sites: values.map(() => site),
  nameSite: site,
});

/** Arbitrary dimensions: 0-3 settings with 1-4 distinct integer values each. */
const dimsArb = fc
  .array(fc.uniqueArray(fc.integer({ min: -5, max: 50 }), { minLength: 1, maxLength: 4 }), { maxLength: 3 })
  .map((vs) => vs.map((v, i) => dim(`S${i}`, v)));

describe('grid expansion', () => {
  it('gives every combination exactly once, last dimension fastest', () => {
    const pts = factorial([dim('A', [1, 2]), dim('B', ['x', 'y', 'z'])]);
    expect(pts.map((p) => p.map((s) => s.value).join(''))).toEqual(['1x', '1y', '1z', '2x', '2y', '2z']);
    fc.assert(
      fc.property(dimsArb, (dims) => {
        const combos = factorial(dims);
        expect(combos.length).toBe(dims.reduce((n, d) => n * d.values.length, 1));
        expect(new Set(combos.map((c) => rowKey(c, 0))).size).toBe(combos.length);
      }),
    );
  });

  it('samples distinct combinations deterministically, in grid order', () => {
    fc.assert(
      fc.property(dimsArb, fc.integer({ min: 1, max: 30 }), fc.integer({ min: 0, max: 1000 }), (dims, count, seed) => {
        const a = sampleCombos(dims, count, seed);
        expect(sampleCombos(dims, count, seed)).toEqual(a);
        const space = dims.reduce((n, d) => n * d.values.length, 1);
        expect(a.length).toBe(Math.min(count, space));
        const keys = a.map((c) => rowKey(c, 0));
        expect(new Set(keys).size).toBe(a.length);
        const all = factorial(dims).map((c) => rowKey(c, 0));
        const positions = keys.map((k) => all.indexOf(k));
        expect(positions.every((p) => p >= 0)).toBe(true);
        expect([...positions].sort((x, y) => x - y)).toEqual(positions);
      }),
    );
  });

  it('crosses the factorial part with the sample', () => {
    const pts = expandGrid({
      set: [dim('A', [1, 2])],
      sample: { count: 2, seed: 1, dims: [dim('B', [1, 2, 3, 4, 5]), dim('C', [0, 1])] },
    });
    expect(pts.length).toBe(4);
    expect(pts.map((p) => p.index)).toEqual([0, 1, 2, 3]);
    expect(pts.map((p) => p.settings[0].value)).toEqual([1, 1, 2, 2]);
    expect(pts[0].settings.slice(1)).toEqual(pts[2].settings.slice(1));
  });

  it('keys runs by settings regardless of their order', () => {
    expect(rowKey({ B: 1, A: 'x' }, 3)).toBe(
      rowKey(
        [
          { name: 'A', value: 'x' },
          { name: 'B', value: 1 },
        ],
        3,
      ),
    );
    expect(rowKey({ A: 1 }, 3)).not.toBe(rowKey({ A: '1' }, 3));
    expect(rowKey({ A: 1 }, 3)).not.toBe(rowKey({ A: 1 }, 4));
  });

  it('gives every point the same seeds (common random numbers)', () => {
    const runs = gridRuns(expandGrid({ set: [dim('A', [1, 2, 3])] }), seedList(42, 4));
    expect(runs.filter((r) => r.point === 2).map((r) => r.seed)).toEqual([42, 43, 44, 45]);
    expect(runs.map((r) => r.index)).toEqual([...Array(12).keys()]);
  });
});

describe('sharding', () => {
  it('partitions the runs, balanced to within one run, deterministically', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 200 }), fc.integer({ min: 1, max: 12 }), (n, count) => {
        const runs = Array.from({ length: n }, (_, index) => ({ index }));
        const shards = Array.from({ length: count }, (_, index) => shardRuns(runs, { index, count }));
        const seen = shards
          .flat()
          .map((r) => r.index)
          .sort((a, b) => a - b);
        expect(seen).toEqual(runs.map((r) => r.index));
        const sizes = shards.map((s) => s.length);
        expect(Math.max(...sizes) - Math.min(...sizes)).toBeLessThanOrEqual(1);
        expect(shardRuns(runs, { index: 0, count })).toEqual(shards[0]);
      }),
    );
  });

  it('reads i/n and rejects what is not a shard', () => {
    expect(parseShard('3/8')).toEqual({ index: 3, count: 8 });
    expect(parseShard(' 0 / 1 ')).toEqual({ index: 0, count: 1 });
    expect(parseShard('8/8')).toHaveProperty('error', expect.stringContaining('below 8'));
    expect(parseShard('1/0')).toHaveProperty('error');
    expect(parseShard('a/b')).toHaveProperty('error', expect.stringContaining('i/n'));
    expect(parseShard('-1/4')).toHaveProperty('error');
  });
});
