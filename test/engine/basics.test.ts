import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { Rng, Streams } from '../../src/engine/random.js';
import { sample, mean } from '../../src/engine/distribution.js';
import { fcParams } from '../fc.js';

describe('random streams', () => {
  it('gives the same draws for the same seed and name, different ones otherwise', () => {
    const a = new Streams(7).stream('x');
    const b = new Streams(7).stream('x');
    const c = new Streams(7).stream('y');
    const d = new Streams(8).stream('x');
    const da = Array.from({ length: 5 }, () => a.float());
    expect(Array.from({ length: 5 }, () => b.float())).toEqual(da);
    expect(Array.from({ length: 5 }, () => c.float())).not.toEqual(da);
    expect(Array.from({ length: 5 }, () => d.float())).not.toEqual(da);
  });

  it('gives uncorrelated streams to names that differ in one character (per-node streams of a large cluster)', () => {
    // The first draw of 4,000 sibling streams, and the draw after it, look like independent uniforms: mean near
    // 1/2, every decile near 10 %, no correlation between a stream's first and second draw or between neighbours.
    const streams = new Streams(1);
    const first: number[] = [];
    const second: number[] = [];
    for (let i = 0; i < 4000; i++) {
      const r = streams.stream(`ipam/workers-${i}/assign`);
      first.push(r.float());
      second.push(r.float());
    }
    const mean = first.reduce((x, y) => x + y, 0) / first.length;
    expect(Math.abs(mean - 0.5)).toBeLessThan(0.02);
    const deciles = Array.from(
      { length: 10 },
      (_, d) => first.filter((x) => Math.floor(x * 10) === d).length / first.length,
    );
    for (const share of deciles) expect(Math.abs(share - 0.1)).toBeLessThan(0.025);
    const corr = (xs: number[], ys: number[]): number => {
      const mx = xs.reduce((a, v) => a + v, 0) / xs.length;
      const my = ys.reduce((a, v) => a + v, 0) / ys.length;
      let sxy = 0;
      let sxx = 0;
      let syy = 0;
      for (let i = 0; i < xs.length; i++) {
        sxy += (xs[i] - mx) * (ys[i] - my);
        sxx += (xs[i] - mx) ** 2;
        syy += (ys[i] - my) ** 2;
      }
      return sxy / Math.sqrt(sxx * syy);
    };
    expect(Math.abs(corr(first, second))).toBeLessThan(0.05);
    expect(Math.abs(corr(first.slice(1), first.slice(0, -1)))).toBeLessThan(0.05);
  });

  it('keeps draws in range', () => {
    fc.assert(
      fc.property(fc.string(), fc.integer({ min: 1, max: 1000 }), (seed, n) => {
        const r = new Rng(seed);
        for (let i = 0; i < 50; i++) {
          const f = r.float();
          const k = r.int(n);
          expect(f >= 0 && f < 1).toBe(true);
          expect(Number.isInteger(k) && k >= 0 && k < n).toBe(true);
        }
      }),
      fcParams(100),
    );
  });

  it('samples distributions as integer milliseconds with the right mean', () => {
    const r = new Rng('dist');
    const d = { kind: 'exponential', meanMs: 1000 } as const;
    let sum = 0;
    for (let i = 0; i < 20_000; i++) {
      const v = sample(d, r);
      expect(Number.isInteger(v) && v >= 0).toBe(true);
      sum += v;
    }
    expect(sum / 20_000).toBeGreaterThan(950);
    expect(sum / 20_000).toBeLessThan(1050);
    const ln = { kind: 'lognormal', medianMs: 600, p99Ms: 2000 } as const;
    const vals = Array.from({ length: 20_000 }, () => sample(ln, r)).sort((x, y) => x - y);
    expect(vals[10_000]).toBeGreaterThan(560);
    expect(vals[10_000]).toBeLessThan(640);
    expect(vals[19_800]).toBeGreaterThan(1800);
    expect(vals[19_800]).toBeLessThan(2200);
    expect(mean({ kind: 'uniform', minMs: 10, maxMs: 20 })).toBe(15);
  });
});
