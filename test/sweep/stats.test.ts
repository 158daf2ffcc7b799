import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { interval, mean, pairedDifference, stdev, t975 } from '../../src/sweep/stats.js';
import { dominates, paretoFront } from '../../src/sweep/summary.js';

describe('t quantiles', () => {
  it('match published 97.5% points', () => {
    expect(t975(1)).toBeCloseTo(12.7062, 4);
    expect(t975(4)).toBeCloseTo(2.7764, 4);
    expect(t975(30)).toBeCloseTo(2.0423, 4);
    // Beyond the table: the expansion against tabulated values.
    expect(t975(40)).toBeCloseTo(2.0211, 4);
    expect(t975(60)).toBeCloseTo(2.0003, 4);
    expect(t975(120)).toBeCloseTo(1.9799, 4);
    expect(t975(1e6)).toBeCloseTo(1.96, 3);
    expect(t975(0)).toBe(Infinity);
  });
});

describe('confidence intervals', () => {
  it('match a hand computation', () => {
    // mean 3, s = sqrt(2.5), se = s / sqrt(5) = 0.70711, t(4) = 2.776445: half-width 1.96324.
    expect(interval([1, 2, 3, 4, 5])).toEqual({ mean: 3, lo: 1.0368, hi: 4.9632 });
    expect(mean([2, 4])).toBe(3);
    expect(stdev([2, 4])).toBeCloseTo(Math.SQRT2, 12);
  });

  it('have none with one value, and none needed with equal values', () => {
    expect(interval([7])).toEqual({ mean: 7, lo: 7, hi: 7 });
    expect(interval([4, 4, 4])).toEqual({ mean: 4, lo: 4, hi: 4 });
  });

  it('contain the mean and narrow as the same data repeats', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: -1000, max: 1000 }), { minLength: 2, maxLength: 20 }), (xs) => {
        const i = interval(xs);
        expect(i.lo).toBeLessThanOrEqual(i.mean);
        expect(i.hi).toBeGreaterThanOrEqual(i.mean);
        const j = interval([...xs, ...xs]);
        expect(j.hi - j.lo).toBeLessThanOrEqual(i.hi - i.lo + 1e-3);
      }),
    );
  });
});

describe('paired differences', () => {
  it('match a hand computation and say when they are not significant', () => {
    // d = [1, 2, 3]: mean 2, s = 1, se = 0.57735, t(2) = 4.302653: half-width 2.48414.
    const d = pairedDifference([1, 2, 3], [2, 4, 6]);
    expect(d.diff).toEqual({ mean: 2, lo: -0.4841, hi: 4.4841 });
    expect(d).toMatchObject({ n: 3, a: 2, b: 4, significant: false, identical: false });
  });

  it('are significant when the interval excludes 0', () => {
    expect(pairedDifference([1, 2, 3], [2, 3, 4])).toMatchObject({
      diff: { mean: 1, lo: 1, hi: 1 },
      significant: true,
    });
    expect(pairedDifference([10, 12, 11, 13], [1, 2, 1, 2])).toMatchObject({ significant: true });
    expect(pairedDifference([5, 6], [5, 6])).toMatchObject({ identical: true, significant: false });
    expect(pairedDifference([5], [9])).toMatchObject({ significant: false, n: 1 });
  });

  it('pair by position: a shift common to both sides cancels', () => {
    const a = [100, 5, 300, 40];
    const b = a.map((x) => x + 1);
    expect(pairedDifference(a, b)).toMatchObject({ diff: { mean: 1, lo: 1, hi: 1 }, significant: true });
  });
});

describe('Pareto front', () => {
  it('matches a hand-worked case', () => {
    // (1,1) dominates (2,2), (1,2), (2,1); an equal copy of (1,1) is not dominated; (0,5) trades off.
    expect(
      paretoFront([
        [1, 1],
        [2, 2],
        [1, 2],
        [2, 1],
        [1, 1],
        [0, 5],
      ]),
    ).toEqual([true, false, false, false, true, true]);
    expect(dominates([1, 1, 1], [1, 1, 1])).toBe(false);
    expect(dominates([1, 1, 0], [1, 1, 1])).toBe(true);
  });

  it('keeps exactly the non-dominated points', () => {
    const vec = fc.array(fc.integer({ min: 0, max: 5 }), { minLength: 3, maxLength: 3 });
    fc.assert(
      fc.property(fc.array(vec, { minLength: 1, maxLength: 25 }), (vs) => {
        const front = paretoFront(vs);
        expect(front.some(Boolean)).toBe(true);
        vs.forEach((v, i) => {
          const dominated = vs.some((w) => dominates(w, v));
          expect(front[i]).toBe(!dominated);
          // Every dominated point is dominated by some point on the front.
          if (dominated) expect(vs.some((w, j) => front[j] && dominates(w, v))).toBe(true);
        });
      }),
    );
  });
});
