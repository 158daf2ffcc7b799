/**
 * The sweep summary: runs grouped by settings combination, each figure's mean and 95% confidence interval over
 * seeds, and the Pareto front of the trade-off between start latency, idle addresses, EC2 calls and pods that
 * never started.
 */
import { settingsKey } from './grid.js';
import { interval } from './stats.js';
import type { FigureName, SweepRow, SweepSummaryRow } from './types.js';
import { branchSummary } from './branch.js';
import { objectives, paretoFlags } from './pareto.js';

// The Pareto front is the sweep report's own (one definition for summaries made here and in the HTML report).
export { dominates, objectives, paretoFlags as paretoFront } from './pareto.js';

/** Rows grouped by settings combination (in order of point, then first appearance), each group sorted by seed. */
export function groupByPoint(rows: readonly SweepRow[]): SweepRow[][] {
  const groups = new Map<string, SweepRow[]>();
  for (const r of rows) {
    const k = settingsKey(r.settings);
    const g = groups.get(k);
    if (g) g.push(r);
    else groups.set(k, [r]);
  }
  const out = [...groups.values()].map((g) => [...g].sort((a, b) => a.seed - b.seed));
  const first = (g: SweepRow[]): number => firstPoint(g);
  return out.sort((a, b) => first(a) - first(b));
}

/** The lowest grid point of a group's rows (rows of one combination normally share it). */
function firstPoint(g: readonly SweepRow[]): number {
  return g.reduce((m, r) => Math.min(m, r.point), Infinity);
}

/** Values of one figure over a group's runs. */
export function figure(group: readonly SweepRow[], name: FigureName): number[] {
  return group.map((r) => r.figures[name]);
}

/** Aggregates rows (one per run; keys unique) into one summary row per settings combination, sorted by point. */
export function summarise(rows: readonly SweepRow[]): SweepSummaryRow[] {
  const out: SweepSummaryRow[] = groupByPoint(rows).map((g) => {
    const branch = branchSummary(g, interval);
    return {
      point: firstPoint(g),
      settings: g[0].settings,
      runs: g.length,
      p50: interval(figure(g, 'p50')),
      p90: interval(figure(g, 'p90')),
      p99: interval(figure(g, 'p99')),
      idleMean: interval(figure(g, 'idleMean')),
      ec2Calls: interval(figure(g, 'ec2Calls')),
      neverStarted: interval(figure(g, 'neverStarted')),
      pareto: false,
      ...(branch ? { branch } : {}),
    };
  });
  const front = paretoFlags(out.map(objectives));
  out.forEach((r, i) => (r.pareto = front[i]));
  return out;
}
