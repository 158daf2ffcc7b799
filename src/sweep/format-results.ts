/** Text rendering of `compare` (paired differences) and `recommend` (the chosen settings and the runner-up). */
import { formatDuration } from '../util/duration.js';
import { verdict, type Comparison } from './compare.js';
import { BRANCH_LATENCIES } from './branch.js';
import type { Recommendation } from './recommend.js';
import { LATENCY_METRICS } from './slo.js';
import { formatInterval } from './format-summary.js';
import { table } from '../report/table.js';
import { formatValue } from './settings.js';
import type { BranchFigureName, FigureName, SweepSummaryRow } from './types.js';

const LABELS: Record<FigureName | BranchFigureName, string> = {
  p50: 'p50 start latency',
  p90: 'p90 start latency',
  p99: 'p99 start latency',
  max: 'max start latency',
  mean: 'mean start latency',
  idleMean: 'idle IPs (mean)',
  attachedPeak: 'attached IPs (peak)',
  ec2Calls: 'EC2 calls',
  failedAddAttempts: 'failed CNI ADDs',
  neverStarted: 'pods never started',
  started: 'pods started',
  branchP50: 'p50 branch-ENI pod start',
  branchP99: 'p99 branch-ENI pod start',
  branchCapacityWaits: 'pods pending for branch capacity',
  trunkAttachP50: 'p50 trunk attach',
  trunkAttachMax: 'max trunk attach',
  controllerEc2Calls: 'controller EC2 calls',
};

/** A figure's value for reading: durations for latencies (ms), else up to 2 decimals. */
export function formatFigure(f: FigureName | BranchFigureName, v: number, signed = false): string {
  const sign = signed && v > 0 ? '+' : '';
  if ((LATENCY_METRICS as readonly string[]).includes(f) || (BRANCH_LATENCIES as readonly string[]).includes(f))
    return sign + formatDuration(v);
  return sign + String(Math.round(v * 100) / 100);
}

/** Settings as `A=1 B=2` (or "(scenario as written)" when there are none). */
export function formatSettings(settings: Record<string, string | number | boolean>): string {
  const parts = Object.entries(settings).map(([k, v]) => `${k}=${formatValue(v)}`);
  return parts.length ? parts.join(' ') : '(scenario as written)';
}

/** The comparison table: A, B, B - A with its 95% CI and a verdict per figure. */
export function renderComparison(c: Comparison, labelA: string, labelB: string): string {
  const seeds = c.seeds.length
    ? `${c.seeds.length} paired seed${c.seeds.length === 1 ? '' : 's'} (${c.seeds[0]}..${c.seeds[c.seeds.length - 1]})`
    : 'no paired seeds';
  const rows = c.figures.map(({ figure: f, diff: d }) => [
    LABELS[f],
    formatFigure(f, d.a),
    formatFigure(f, d.b),
    formatFigure(f, d.diff.mean, true),
    d.n < 2 ? '-' : `${formatFigure(f, d.diff.lo, true)} .. ${formatFigure(f, d.diff.hi, true)}`,
    verdict(d),
  ]);
  const figures = table(['figure', 'A', 'B', 'B - A', '95% CI of B - A', 'verdict'], rows, '  ', [
    'l',
    'r',
    'r',
    'r',
    'r',
    'l',
  ]);
  return [
    `A: ${labelA}`,
    `B: ${labelB}`,
    `on ${seeds}; each figure is the mean over seeds, B - A the mean of paired differences`,
    '',
    figures,
    '',
    ...(rows.some((r) => r[5] === 'not significant')
      ? [
          '"not significant": the 95% confidence interval of the difference contains 0; more seeds may tell them apart.',
          '',
        ]
      : []),
  ].join('\n');
}

function describeRow(s: SweepSummaryRow): string {
  return [
    `idle IPs ${formatInterval(s.idleMean, s.runs, 1, 2)}`,
    `p99 ${formatDuration(s.p99.mean)}`,
    `EC2 calls ${formatInterval(s.ec2Calls, s.runs)}`,
    `never started ${formatInterval(s.neverStarted, s.runs)}`,
  ].join('   ');
}

/** The recommendation as text. */
export function renderRecommendation(r: Recommendation, slo: string): string {
  const out = [`SLO: ${slo}`];
  if (!r.best) {
    out.push(`No settings combination of the ${r.points} in the grid holds it.`);
    if (r.closest) {
      const c = r.closest;
      out.push(
        '',
        `Closest: ${formatSettings(c.summary.settings)}   (point ${c.summary.point}, ${c.summary.runs} runs)`,
        `  ${describeRow(c.summary)}`,
      );
      for (const m of c.missed) out.push(`  misses ${m.clause}: ${m.what} ${formatFigure(m.figure, m.value)}`);
    }
    return out.join('\n') + '\n';
  }
  out.push(`${r.holding.length} of ${r.points} settings combinations hold it.`, '');
  out.push(
    `Recommended: ${formatSettings(r.best.settings)}   (point ${r.best.point}, ${r.best.runs} runs)`,
    `  ${describeRow(r.best)}`,
  );
  if (r.runnerUp) {
    const { summary: s, idleDiff: d } = r.runnerUp;
    const pct =
      r.best.idleMean.mean !== 0
        ? ` (${d.diff.mean >= 0 ? '+' : ''}${Math.round((d.diff.mean / r.best.idleMean.mean) * 100)}%)`
        : '';
    const ci =
      d.n >= 2
        ? `; paired 95% CI ${formatFigure('idleMean', d.diff.lo, true)} .. ${formatFigure('idleMean', d.diff.hi, true)}`
        : '';
    const sig = d.identical
      ? 'the same idle IPs in every run'
      : d.significant
        ? 'a significant difference'
        : 'not a significant difference: either will do';
    out.push(
      '',
      `Runner-up:   ${formatSettings(s.settings)}   (point ${s.point}, ${s.runs} runs)`,
      `  ${describeRow(s)}`,
    );
    out.push(`  idle IPs ${formatFigure('idleMean', d.diff.mean, true)}${pct} over the recommendation${ci} (${sig})`);
  } else out.push('', 'No runner-up: only one settings combination holds the SLO.');
  return out.join('\n') + '\n';
}
