import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { DurationLog, TimeWeighted } from '../../src/report/tally.js';
import { fcParams } from '../fc.js';

/** The definition, computed the plain way: sort everything, nearest rank. */
function reference(values: number[]) {
  if (values.length === 0) return { count: 0, mean: 0, p50: 0, p90: 0, p99: 0, max: 0 };
  const s = [...values].sort((a, b) => a - b);
  const at = (p: number) => s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))];
  const mean = Math.round((s.reduce((a, b) => a + b, 0) / s.length) * 10) / 10;
  return { count: s.length, mean, p50: at(50), p90: at(90), p99: at(99), max: s[s.length - 1] };
}

describe('DurationLog', () => {
  it('summarises like a full sort with nearest-rank percentiles (mostly zeros, negatives, huge values)', () => {
    const value = fc.oneof(
      { arbitrary: fc.constant(0), weight: 4 },
      { arbitrary: fc.integer({ min: -1000, max: 100_000 }), weight: 3 },
      { arbitrary: fc.integer({ min: 2 ** 31 - 5, max: 2 ** 40 }), weight: 1 },
      { arbitrary: fc.double({ min: 0, max: 1e6, noNaN: true }), weight: 1 },
    );
    fc.assert(
      fc.property(fc.array(value, { maxLength: 3000 }), (values) => {
        const log = new DurationLog();
        for (const v of values) log.push(v);
        expect(log.length).toBe(values.length);
        expect(log.summary()).toEqual(reference(values));
        expect(log.values()).toEqual(values);
      }),
      fcParams(200),
    );
  });
});

describe('TimeWeighted', () => {
  it('integrates the level over time and keeps the peak', () => {
    const t = new TimeWeighted();
    t.add(2, 0);
    t.add(3, 10); // level 5 from 10
    t.add(-4, 30); // level 1 from 30
    expect(t.peak).toBe(5);
    expect(t.mean(0, 40)).toBe((2 * 10 + 5 * 20 + 1 * 10) / 40);
  });
});
