/**
 * What the sweep report needs beyond the rows: a fallback summary (plain means per settings point, for a
 * results file that comes without one), Pareto fronts, and which swept settings make the heatmap's axes.
 */
import { branchSummary } from './branch.js';
import type { Interval, FigureName, SweepRow, SweepSummaryRow } from './types.js';

/** Figures of a summary row that are intervals, i.e. what a heatmap can colour by. */
export const SUMMARY_FIGURES = ['p50', 'p90', 'p99', 'idleMean', 'ec2Calls', 'neverStarted'] as const;
/** One of {@link SUMMARY_FIGURES}. */
export type SummaryFigure = (typeof SUMMARY_FIGURES)[number];

/** Smaller is better for every objective: "a dominates b" when it is no worse in all and better in one. */
export function dominates(a: readonly number[], b: readonly number[]): boolean {
  let better = false;
  for (let i = 0; i < a.length; i++) {
    if (a[i] > b[i]) return false;
    if (a[i] < b[i]) better = true;
  }
  return better;
}

/**
 * For each objective vector, whether no other vector dominates it (O(n^2): sweeps have hundreds of points). Equal
 * vectors do not dominate each other.
 */
export function paretoFlags(vectors: readonly (readonly number[])[]): boolean[] {
  return vectors.map((o, i) => !vectors.some((p, j) => j !== i && dominates(p, o)));
}

/** The objectives of {@link SweepSummaryRow.pareto}, all minimised: p99 latency (ms), idle addresses, EC2 calls, pods never started. */
export function objectives(r: SweepSummaryRow): number[] {
  return [r.p99.mean, r.idleMean.mean, r.ec2Calls.mean, r.neverStarted.mean];
}

/**
 * Summarises rows by `point` with plain means (lo = hi = mean: no interval is estimated) and flags the Pareto
 * front as {@link SweepSummaryRow.pareto} defines it. Rows sorted by point.
 */
export function meanByPoint(rows: readonly SweepRow[]): SweepSummaryRow[] {
  const byPoint = new Map<number, SweepRow[]>();
  for (const r of rows) {
    const list = byPoint.get(r.point);
    if (list) list.push(r);
    else byPoint.set(r.point, [r]);
  }
  const mean = (list: SweepRow[], f: FigureName): Interval => {
    const m = list.reduce((a, r) => a + r.figures[f], 0) / list.length;
    return { mean: m, lo: m, hi: m };
  };
  const out: SweepSummaryRow[] = [...byPoint.entries()]
    .sort(([a], [b]) => a - b)
    .map(([point, list]) => {
      const branch = branchSummary(list, (v) => {
        const m = v.reduce((a, b) => a + b, 0) / v.length;
        return { mean: m, lo: m, hi: m };
      });
      return {
        point,
        settings: list[0].settings,
        runs: list.length,
        p50: mean(list, 'p50'),
        p90: mean(list, 'p90'),
        p99: mean(list, 'p99'),
        idleMean: mean(list, 'idleMean'),
        ec2Calls: mean(list, 'ec2Calls'),
        neverStarted: mean(list, 'neverStarted'),
        pareto: false,
        ...(branch ? { branch } : {}),
      };
    });
  paretoFlags(out.map(objectives)).forEach((f, i) => (out[i].pareto = f));
  return out;
}

/** Swept setting names with their distinct values (numbers sorted numerically, others as text), most values first. */
export function sweptSettings(
  summary: readonly SweepSummaryRow[],
): { name: string; values: (string | number | boolean)[] }[] {
  const names: string[] = [];
  for (const s of summary) for (const k of Object.keys(s.settings)) if (!names.includes(k)) names.push(k);
  return names
    .map((name) => {
      const seen = new Map<string, string | number | boolean>();
      for (const s of summary) if (name in s.settings) seen.set(JSON.stringify(s.settings[name]), s.settings[name]);
      const values = [...seen.values()];
      values.sort((a, b) =>
        typeof a === 'number' && typeof b === 'number' ? a - b : String(a).localeCompare(String(b)),
      );
      return { name, values };
    })
    .filter((s) => s.values.length > 1)
    .sort((a, b) => b.values.length - a.values.length);
}

/** The heatmap's two settings: the ones asked for, else the two with most distinct values; undefined if fewer than two vary. */
export function heatmapAxes(
  summary: readonly SweepSummaryRow[],
  x?: string,
  y?: string,
): { x: string; y: string } | undefined {
  const swept = sweptSettings(summary).map((s) => s.name);
  const all = new Set(summary.flatMap((s) => Object.keys(s.settings)));
  for (const [flag, name] of [
    ['x', x],
    ['y', y],
  ] as const) {
    if (name !== undefined && !all.has(name)) {
      throw new RangeError(
        `heatmap ${flag} setting "${name}" is not a swept setting (swept: ${[...all].join(', ') || 'none'})`,
      );
    }
  }
  const rest = swept.filter((n) => n !== x && n !== y);
  const ax = x ?? rest.shift();
  const ay = y ?? rest.shift();
  return ax !== undefined && ay !== undefined && ax !== ay ? { x: ax, y: ay } : undefined;
}
