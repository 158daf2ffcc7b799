import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { censoredSummary, DurationLog, TimeWeighted } from '../../src/report/tally.js';
import { fcParams } from '../fc.js';

/** The definition, computed the plain way: sort everything, nearest rank. */
function reference(values: number[]) {
  if (values.length === 0) return { count: 0, mean: null, p50: null, p90: null, p99: null, max: null };
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
        const summaryOnly = new DurationLog(false);
        for (const v of values) {
          log.push(v);
          summaryOnly.push(v);
        }
        expect(log.length).toBe(values.length);
        expect(log.summary()).toEqual(reference(values));
        expect(log.values()).toEqual(values);
        expect(summaryOnly.length).toBe(values.length);
        expect(summaryOnly.summary()).toEqual(reference(values));
        expect(() => summaryOnly.values()).toThrow(/only its summary/);
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

/** Censored summary by definition: every pod in one sorted list (censored after exact among equals), nearest rank. */
function censoredReference(exact: number[], bounds: number[]) {
  const all = [...exact.map((v) => ({ v, c: 0 })), ...bounds.map((v) => ({ v, c: 1 }))].sort(
    (a, b) => a.v - b.v || a.c - b.c,
  );
  const n = all.length;
  const out: Record<string, number | null> = { count: exact.length, censored: bounds.length };
  for (const [k, p] of [
    ['p50', 50],
    ['p90', 90],
    ['p99', 99],
    ['max', 100],
  ] as const) {
    const e = all[Math.min(n - 1, Math.max(0, Math.ceil((p / 100) * n) - 1))];
    if (e.c || k === 'max') {
      out[k] = null;
      out[`${k}AtLeast`] = e.v;
    } else out[k] = e.v;
  }
  out.mean = null;
  out.meanAtLeast = Math.round((all.reduce((a, e) => a + e.v, 0) / n) * 10) / 10;
  return out;
}

describe('censoredSummary', () => {
  it('ranks pods that never got an address at their wait so far; a percentile landing on one is a lower bound', () => {
    const ms = fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 50 }), fc.integer({ min: 0, max: 10_000_000 }));
    fc.assert(
      fc.property(fc.array(ms, { maxLength: 300 }), fc.array(ms, { minLength: 1, maxLength: 60 }), (exact, bounds) => {
        const log = new DurationLog();
        const summaryOnly = new DurationLog(false);
        for (const v of exact) {
          log.push(v);
          summaryOnly.push(v);
        }
        expect(censoredSummary(log, bounds)).toEqual(censoredReference(exact, bounds));
        expect(censoredSummary(summaryOnly, bounds)).toEqual(censoredReference(exact, bounds));
      }),
      fcParams(300),
    );
  });

  it('is the plain summary with censored 0 when every pod got an address, and all null for no pod', () => {
    const log = new DurationLog();
    expect(censoredSummary(log, [])).toEqual({
      count: 0,
      mean: null,
      p50: null,
      p90: null,
      p99: null,
      max: null,
      censored: 0,
    });
    for (const v of [0, 0, 5]) log.push(v);
    expect(censoredSummary(log, [])).toEqual({ ...log.summary(), censored: 0 });
  });

  it('reads "p99 at least" beside 31 pods that never started, not "p99 0ms"', () => {
    const log = new DurationLog();
    for (let i = 0; i < 224; i++) log.push(0);
    const s = censoredSummary(log, new Array<number>(31).fill(3_600_000));
    expect(s).toMatchObject({
      p50: 0,
      p90: null,
      p90AtLeast: 3_600_000,
      p99: null,
      p99AtLeast: 3_600_000,
      censored: 31,
    });
  });
});
