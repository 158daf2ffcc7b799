/**
 * Small-sample statistics for sweeps: means with 95% confidence intervals from Student's t distribution, and
 * paired differences (common random numbers: run k of both sides used the same seed).
 */
import type { Interval } from './types.js';

/** Two-sided 95% critical values of Student's t for 1..30 degrees of freedom. */
const T95 = [
  12.706205, 4.302653, 3.182446, 2.776445, 2.570582, 2.446912, 2.364624, 2.306004, 2.262157, 2.228139, 2.200985,
  2.178813, 2.160369, 2.144787, 2.13145, 2.119905, 2.109816, 2.100922, 2.093024, 2.085963, 2.079614, 2.073873, 2.068658,
  2.063899, 2.059539, 2.055529, 2.051831, 2.048407, 2.04523, 2.042272,
];

/** The 0.975 quantile of Student's t with `df` degrees of freedom (table up to 30, Cornish-Fisher expansion above). */
export function t975(df: number): number {
  if (!(df >= 1)) return Infinity;
  const d = Math.floor(df);
  if (d <= 30) return T95[d - 1];
  const z = 1.959963985;
  const z3 = z ** 3;
  const z5 = z ** 5;
  const z7 = z ** 7;
  return (
    z +
    (z3 + z) / (4 * d) +
    (5 * z5 + 16 * z3 + 3 * z) / (96 * d ** 2) +
    (3 * z7 + 19 * z5 + 17 * z3 - 15 * z) / (384 * d ** 3)
  );
}

/** Arithmetic mean (0 for an empty list). */
export function mean(xs: readonly number[]): number {
  if (xs.length === 0) return 0;
  let s = 0;
  for (const x of xs) s += x;
  return s / xs.length;
}

/** Sample standard deviation (n - 1 in the denominator; 0 below two values). */
export function stdev(xs: readonly number[]): number {
  if (xs.length < 2) return 0;
  const m = mean(xs);
  let s = 0;
  for (const x of xs) s += (x - m) ** 2;
  return Math.sqrt(s / (xs.length - 1));
}

/** Rounds to 4 decimals so that JSON output is stable and readable. */
export function round4(x: number): number {
  return Math.round(x * 1e4) / 1e4;
}

/**
 * Mean and 95% confidence interval (mean +- t * s / sqrt(n)). With fewer than two values there is no interval and
 * lo = hi = mean.
 */
export function interval(xs: readonly number[]): Interval {
  const m = mean(xs);
  if (xs.length < 2) return { mean: round4(m), lo: round4(m), hi: round4(m) };
  const half = (t975(xs.length - 1) * stdev(xs)) / Math.sqrt(xs.length);
  return { mean: round4(m), lo: round4(m - half), hi: round4(m + half) };
}

/** Half-width of an interval (0 when there is none). */
export function halfWidth(i: Interval): number {
  return round4((i.hi - i.lo) / 2);
}

/** A paired difference b - a over runs with the same seeds. */
export interface PairedDifference {
  /** Pairs used. */
  n: number;
  /** Means of each side over the pairs. */
  a: number;
  b: number;
  /** Mean of b - a, with its 95% interval. */
  diff: Interval;
  /** Whether the interval excludes 0 (false with fewer than two pairs, unless every pair is identical). */
  significant: boolean;
  /** Every pair had exactly the same value. */
  identical: boolean;
}

/** Paired difference of `b` minus `a` (equal lengths, index k of both from the same seed). */
export function pairedDifference(a: readonly number[], b: readonly number[]): PairedDifference {
  if (a.length !== b.length) throw new Error(`pairedDifference: ${a.length} vs ${b.length} values`);
  const d = a.map((x, k) => b[k] - x);
  const diff = interval(d);
  const identical = d.every((x) => x === 0);
  const significant = !identical && d.length >= 2 && (diff.lo > 0 || diff.hi < 0);
  return { n: d.length, a: round4(mean(a)), b: round4(mean(b)), diff, significant, identical };
}
