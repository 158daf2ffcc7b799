import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { cdfPoints, histogram } from '../../src/report/latency-charts.js';

/** The CDF points as they were computed before the charts read the latency log in place: a full sorted copy. */
function cdfBySorting(values: readonly number[], total = values.length): [number, number][] {
  const sorted = Float64Array.from(values).sort();
  const n = sorted.length;
  if (n === 0) return [];
  const k = Math.min(n, 400);
  const out: [number, number][] = [[0, 0]];
  for (let j = 1; j <= k; j++) {
    const i = Math.ceil((j * n) / k) - 1;
    out.push([sorted[i] / 1000, (i + 1) / total]);
  }
  return out;
}

const durations = fc.array(
  fc.oneof(
    fc.constant(0),
    fc.integer({ min: 1, max: 60_000 }),
    fc.integer({ min: -5, max: 5 }),
    fc.double({ min: 0.5, max: 3e9, noNaN: true }),
  ),
  { maxLength: 1200 },
);

describe('latency charts read the latency log in place', () => {
  it('gives the same CDF points as sorting a full copy, from a plain list or a typed view', () => {
    fc.assert(
      fc.property(durations, fc.nat(50), (values, censored) => {
        const want = cdfBySorting(values, values.length + censored);
        expect(cdfPoints(values, values.length + censored)).toEqual(want);
        if (values.every((v) => (v | 0) === v)) {
          const log = Int32Array.from([7, 7, ...values, 9]).subarray(2, 2 + values.length);
          expect(cdfPoints(log, values.length + censored)).toEqual(want);
        }
      }),
    );
  });

  it('bins a typed view as it bins the same values in a list', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 200_000 }), { minLength: 1, maxLength: 500 }), (values) => {
        expect(histogram(Int32Array.from(values))).toEqual(histogram(values));
        expect(histogram(values).reduce((a, b) => a + b.n, 0)).toBe(values.length);
      }),
    );
  });
});
