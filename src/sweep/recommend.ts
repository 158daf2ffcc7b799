/**
 * Recommendation: among the settings combinations that hold an SLO, the one with the fewest idle addresses
 * (ties: fewer EC2 calls, then lower p99, then grid order), how close the runner-up is, or the nearest miss.
 */
import { clauseHolds, judged, shortfall, type SloBasis, type SloClause } from './slo.js';
import { figure, groupByPoint, summarise } from './summary.js';
import { pairedDifference, round4, type PairedDifference } from './stats.js';
import { settingsKey } from './grid.js';
import type { FigureName, SweepRow, SweepSummaryRow } from './types.js';
import { pairBySeed } from './compare.js';

/** A settings combination that misses the SLO, with the clauses it misses. */
export interface Miss {
  summary: SweepSummaryRow;
  /** Clauses not held, each with the statistic the basis judged (latencies in ms). */
  missed: { clause: string; figure: FigureName; what: string; value: number }[];
  /** Sum of relative shortfalls of the mean (ranks the misses; 0 when only the basis, not the mean, misses). */
  shortfall: number;
}

/** The outcome of `recommend`. */
export interface Recommendation {
  /** Settings combinations considered. */
  points: number;
  /** Combinations that hold the SLO, best first. */
  holding: SweepSummaryRow[];
  best?: SweepSummaryRow;
  /** Second-best holding combination and its paired difference in idle addresses (runner-up minus best). */
  runnerUp?: { summary: SweepSummaryRow; idleDiff: PairedDifference };
  /** When nothing holds: the combination that misses least. */
  closest?: Miss;
}

const rounded = (j: { what: string; value: number }): { what: string; value: number } => ({
  what: j.what,
  value: round4(j.value),
});

function rank(a: SweepSummaryRow, b: SweepSummaryRow): number {
  return (
    a.idleMean.mean - b.idleMean.mean ||
    a.ec2Calls.mean - b.ec2Calls.mean ||
    a.p99.mean - b.p99.mean ||
    a.point - b.point
  );
}

/** Paired difference of idle addresses of `b` minus `a`, over the seeds both have. */
export function idleDifference(a: readonly SweepRow[], b: readonly SweepRow[]): PairedDifference {
  const pairs = pairBySeed(a, b);
  return pairedDifference(
    pairs.map(([ra]) => ra.figures.idleMean),
    pairs.map(([, rb]) => rb.figures.idleMean),
  );
}

/** Picks the settings that hold every clause with the fewest idle addresses. Rows: one per run, keys unique. */
export function recommend(rows: readonly SweepRow[], clauses: readonly SloClause[], basis: SloBasis): Recommendation {
  const groups = new Map(groupByPoint(rows).map((g) => [settingsKey(g[0].settings), g]));
  const summaries = summarise(rows);
  const holding: SweepSummaryRow[] = [];
  const misses: Miss[] = [];
  for (const s of summaries) {
    const g = groups.get(settingsKey(s.settings)) as SweepRow[];
    const missed = clauses.filter((c) => !clauseHolds(c, figure(g, c.metric), basis));
    if (missed.length === 0) holding.push(s);
    else {
      const total = missed.reduce((acc, c) => acc + shortfall(c, figure(g, c.metric)), 0);
      misses.push({
        summary: s,
        missed: missed.map((c) => ({
          clause: c.text,
          figure: c.metric,
          ...rounded(judged(c, figure(g, c.metric), basis)),
        })),
        shortfall: total,
      });
    }
  }
  holding.sort(rank);
  const out: Recommendation = { points: summaries.length, holding };
  if (holding.length === 0) {
    misses.sort((a, b) => a.missed.length - b.missed.length || a.shortfall - b.shortfall || rank(a.summary, b.summary));
    if (misses.length > 0) out.closest = misses[0];
    return out;
  }
  out.best = holding[0];
  if (holding.length > 1) {
    const second = holding[1];
    const ga = groups.get(settingsKey(out.best.settings)) as SweepRow[];
    const gb = groups.get(settingsKey(second.settings)) as SweepRow[];
    out.runnerUp = { summary: second, idleDiff: idleDifference(ga, gb) };
  }
  return out;
}
