/** Text rendering of a sweep summary: one line per settings combination, mean ± 95% CI half-width, Pareto marks. */
import type { Interval, SweepSummaryRow } from './types.js';
import { table } from '../report/table.js';
import { halfWidth } from './stats.js';
import { formatValue, type SettingValue } from './settings.js';

/** `mean±half` with `digits` decimals after dividing by `scale` (1000 turns ms into s); just the mean with one run. */
export function formatInterval(i: Interval, runs: number, scale = 1, digits = 1): string {
  const m = (i.mean / scale).toFixed(digits);
  return runs < 2 ? m : `${m}±${(halfWidth(i) / scale).toFixed(digits)}`;
}

function cell(v: SettingValue | undefined): string {
  return v === undefined ? '-' : formatValue(v);
}

/** Names of the settings that appear in the rows, in first-seen order. */
export function settingNames(rows: readonly SweepSummaryRow[]): string[] {
  const names: string[] = [];
  for (const r of rows) for (const n of Object.keys(r.settings)) if (!names.includes(n)) names.push(n);
  return names;
}

/** Columns of security groups for pods, when some row ran the VPC resource controller. */
const BRANCH_HEADER = ['branch p50 s', 'branch p99 s', 'branch cap. waits', 'trunk attach p50 s', 'ctrl EC2 calls'];

function branchCells(r: SweepSummaryRow): string[] {
  const b = r.branch;
  if (!b) return BRANCH_HEADER.map(() => '-');
  return [
    formatInterval(b.branchP50, r.runs, 1000, 2),
    formatInterval(b.branchP99, r.runs, 1000, 2),
    formatInterval(b.branchCapacityWaits, r.runs),
    formatInterval(b.trunkAttachP50, r.runs, 1000, 2),
    formatInterval(b.controllerEc2Calls, r.runs),
  ];
}

/** The summary table. Latencies in seconds; counts as means over seeds; `*` marks the Pareto front. */
export function renderSummaryTable(rows: readonly SweepSummaryRow[]): string {
  const names = settingNames(rows);
  const branch = rows.some((r) => r.branch);
  const header = [
    '#',
    ...names,
    'runs',
    'p50 s',
    'p90 s',
    'p99 s',
    'idle IPs',
    'EC2 calls',
    'never started',
    ...(branch ? BRANCH_HEADER : []),
    'pareto',
  ];
  const body = rows.map((r) => [
    String(r.point),
    ...names.map((n) => cell(r.settings[n])),
    String(r.runs),
    formatInterval(r.p50, r.runs, 1000, 2),
    formatInterval(r.p90, r.runs, 1000, 2),
    formatInterval(r.p99, r.runs, 1000, 2),
    formatInterval(r.idleMean, r.runs),
    formatInterval(r.ec2Calls, r.runs),
    formatInterval(r.neverStarted, r.runs),
    ...(branch ? branchCells(r) : []),
    r.pareto ? '*' : '',
  ]);
  const align = header.map((_, i) =>
    i > 0 && i <= names.length && !rows.every((r) => typeof r.settings[names[i - 1]] === 'number') ? 'l' : 'r',
  );
  align[align.length - 1] = 'l';
  return table(header, body, '  ', align);
}

/** The legend printed under the summary table. */
export const SUMMARY_LEGEND = [
  'Each figure is the mean over seeds ± the half-width of its 95% confidence interval (Student t); latencies are pod',
  'start latency percentiles in seconds, idle IPs the time-weighted mean of attached minus assigned addresses.',
  '* = Pareto-optimal: no other row has lower or equal mean p99, idle IPs, EC2 calls and never-started pods with one',
  'strictly lower. Rows whose intervals overlap may not really differ: run more seeds or use `warmpool-sim compare`.',
].join('\n');

/** The legend's extra line when the table has branch columns. */
export const BRANCH_LEGEND =
  "branch: security-group pods (first CNI ADD to start), pods that waited only for branch capacity, node Ready to trunk attached, the VPC resource controller's EC2 calls.";

/** The whole text summary: a heading, the table and the legend. */
export function renderSummary(rows: readonly SweepSummaryRow[], heading: string): string {
  if (rows.length === 0) return `${heading}\n  (no runs)\n`;
  const legend = rows.some((r) => r.branch) ? `${SUMMARY_LEGEND}\n${BRANCH_LEGEND}` : SUMMARY_LEGEND;
  return `${heading}\n\n${renderSummaryTable(rows)}\n\n${legend}\n`;
}
