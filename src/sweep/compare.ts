/**
 * Comparison of two settings (or scenarios) run on the same seeds: paired differences B - A of every headline
 * figure, with 95% confidence intervals and whether each difference is significant.
 */
import { COUNT_METRICS, LATENCY_METRICS } from './slo.js';
import { BRANCH_FIGURES } from './branch.js';
import { pairedDifference, type PairedDifference } from './stats.js';
import type { BranchFigureName, FigureName, SweepRow } from './types.js';

/** Figures compared, in report order: every latency figure, then every count. */
export const COMPARED_FIGURES: readonly FigureName[] = [...LATENCY_METRICS, ...COUNT_METRICS];

/** The outcome of `compare`. */
export interface Comparison {
  /** Seeds both sides ran (the pairs). */
  seeds: number[];
  /** One paired difference (B - A) per figure. */
  figures: { figure: FigureName | BranchFigureName; diff: PairedDifference }[];
}

/** The runs of `a` and `b` with the same seed, as [a, b] pairs in seed order (seeds only one side has are left out). */
export function pairBySeed(a: readonly SweepRow[], b: readonly SweepRow[]): (readonly [SweepRow, SweepRow])[] {
  const bySeed = new Map(b.map((r) => [r.seed, r]));
  return [...a]
    .filter((r) => bySeed.has(r.seed))
    .sort((x, y) => x.seed - y.seed)
    .map((r) => [r, bySeed.get(r.seed) as SweepRow] as const);
}

/** Pairs the runs of side A and side B by seed and computes B - A for every figure. */
export function compareSides(a: readonly SweepRow[], b: readonly SweepRow[]): Comparison {
  const pairs = pairBySeed(a, b);
  const branchPairs = pairs.flatMap(([x, y]) =>
    x.figures.branch && y.figures.branch ? [[x.figures.branch, y.figures.branch] as const] : [],
  );
  const branch = pairs.length > 0 && branchPairs.length === pairs.length ? BRANCH_FIGURES : [];
  return {
    seeds: pairs.map(([r]) => r.seed),
    figures: [
      ...COMPARED_FIGURES.map((f) => ({
        figure: f,
        diff: pairedDifference(
          pairs.map(([x]) => x.figures[f]),
          pairs.map(([, y]) => y.figures[f]),
        ),
      })),
      ...branch.map((f) => ({
        figure: f,
        diff: pairedDifference(
          branchPairs.map(([x]) => x[f]),
          branchPairs.map(([, y]) => y[f]),
        ),
      })),
    ],
  };
}

/** One word on a paired difference: "identical", "not significant", "B higher" or "B lower". */
export function verdict(d: PairedDifference): string {
  if (d.identical) return 'identical';
  if (d.n < 2) return 'n/a (one seed)';
  if (!d.significant) return 'not significant';
  return d.diff.mean > 0 ? 'B higher' : 'B lower';
}
