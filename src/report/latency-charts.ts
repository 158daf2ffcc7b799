/** The pod start latency charts of a run report: cumulative distribution and histogram, p50/p90/p99 marked. */
import type { TopLevelSpec } from 'vega-lite';
import { formatDuration } from '../util/duration.js';
import { esc } from './html.js';
import { formatFigure } from './figures.js';
import type { ChartPlan } from './charts.js';
import type { CensoredLatency, RunData } from './types.js';

/** A dashed percentile line and its label: `y` in data units (CDF), `py` in pixels (histogram). */
interface Mark {
  x: number;
  y: number;
  py: number;
  label: string;
}

/**
 * The p50/p90/p99 lines. Percentiles at the same latency share one line and one label ("p50, p90 0ms"), so labels
 * never overprint; percentiles known only as lower bounds (pods that never got an address) lie beyond the curve and
 * get no line.
 */
function percentileMarks(l: CensoredLatency): Mark[] {
  const marks: Mark[] = [];
  for (const p of ['p50', 'p90', 'p99'] as const) {
    const ms = l[p];
    if (ms === null) continue;
    const same = marks.find((m) => m.x === ms / 1000);
    if (same) same.label = same.label.replace(/ \S+$/, `, ${p} ${formatDuration(ms)}`);
    else
      marks.push({
        x: ms / 1000,
        y: 0.97 - 0.1 * marks.length,
        py: 10 + 14 * marks.length,
        label: `${p} ${formatDuration(ms)}`,
      });
  }
  return marks;
}

/** The layers that draw the marks: labels placed in data units, or in pixels from the top. */
function markLayers(marks: readonly Mark[], pixelY: boolean): unknown[] {
  return [
    {
      data: { values: marks },
      mark: { type: 'rule', strokeDash: [4, 3], color: '#555' },
      encoding: { x: { field: 'x', type: 'quantitative' } },
    },
    {
      data: { values: marks },
      mark: { type: 'text', align: 'left', dx: 3, fontSize: 11, color: '#333' },
      encoding: {
        x: { field: 'x', type: 'quantitative' },
        ...(pixelY
          ? { y: { field: 'py', type: 'quantitative', scale: null } }
          : { y: { field: 'y', type: 'quantitative' } }),
        text: { field: 'label' },
      },
    },
  ];
}

/** The CDF: one curve for all pods, and one per node group when there are several. */
function cdfChart(d: RunData, marks: readonly Mark[], section: string): ChartPlan {
  const l = d.report.podStartLatencyMs;
  const censoredOf = new Map(d.report.nodeGroups.map((g) => [g.name, g.podStartLatencyMs.censored]));
  const branch = d.latencies.branch;
  const waiting = d.report.vpcResourceController?.branchPods.waitingForBranchEni ?? 0;
  const curves = [
    { name: branch ? 'ordinary pods' : 'all pods', values: d.latencies.all, censored: l.censored },
    ...(d.latencies.groups.length > 1
      ? d.latencies.groups.map((g) => ({ ...g, censored: censoredOf.get(g.name) ?? 0 }))
      : []),
    // Branch-ENI pods (security groups for pods) apart: their CNI ADD waits for the controller, not ipamd.
    ...(branch && branch.length > 0 ? [{ name: 'branch-ENI pods', values: branch, censored: waiting }] : []),
  ];
  const cdf = curves.flatMap((c) =>
    cdfPoints(c.values, c.values.length + c.censored).map(([x, y]) => ({ x, y, curve: c.name })),
  );
  const spec = {
    title: 'Pod start latency: cumulative distribution',
    width: 760,
    height: 220,
    layer: [
      {
        data: { values: cdf },
        mark: { type: 'line', interpolate: 'step-after' },
        encoding: {
          x: { field: 'x', type: 'quantitative', title: 'latency (s): first CNI ADD to address assigned' },
          y: {
            field: 'y',
            type: 'quantitative',
            title: l.censored > 0 ? 'share of pods on a node' : 'share of started pods',
            axis: { format: '%' },
            scale: { domain: [0, 1] },
          },
          color: { field: 'curve', type: 'nominal', title: null, sort: null },
        },
      },
      ...markLayers(marks, false),
    ],
  } as TopLevelSpec;
  const bounded = (['p50', 'p90', 'p99'] as const).some((p) => l[p] === null);
  const caption =
    `${l.count} pods started. Read across: the share of pods that had an address within x seconds. Dashed lines mark p50, p90 and p99 of ${branch ? 'ordinary' : 'all'} pods; ` +
    (l.censored > 0
      ? `${l.censored} pods reached a node and never got an address: the curve stops at ${Math.round((100 * l.count) / (l.count + l.censored))}%` +
        (bounded ? ' and the percentiles among them (known only as lower bounds) have no line; ' : '; ')
      : '') +
    'a curve that jumps to 100% at 0 means no pod waited, a long flat step means pods waited for kubelet retries.' +
    (d.latencies.groups.length > 1 ? ' One curve per node group.' : '') +
    (branch && branch.length > 0
      ? ` The branch-ENI pods curve (${branch.length} started${waiting > 0 ? `, ${waiting} still waiting for their branch ENI at the end` : ''}) is apart: their CNI ADD waits for the VPC resource controller's branch ENI, and the dashed lines are ordinary pods' only.`
      : '');
  return { id: 'latency-cdf', section, spec, caption };
}

/** The histogram, on a log count axis. */
function histogramChart(d: RunData, marks: readonly Mark[], section: string): ChartPlan {
  const bins = histogram(d.latencies.all);
  // Symlog's own ticks skip most decades; 0, 1, 10, 100, ... up to the tallest bar read like a log axis.
  const most = Math.max(...bins.map((b) => b.n));
  const ticks = [0, ...Array.from({ length: Math.floor(Math.log10(most)) + 1 }, (_, i) => 10 ** i)];
  const spec = {
    title: 'Pod start latency: histogram',
    width: 760,
    height: 180,
    layer: [
      {
        data: { values: bins },
        mark: { type: 'bar', color: '#4c78a8' },
        encoding: {
          x: { field: 'x0', type: 'quantitative', title: 'latency (s)', bin: { binned: true } },
          x2: { field: 'x1' },
          y: {
            field: 'n',
            type: 'quantitative',
            title: 'pods (log scale)',
            scale: { type: 'symlog' },
            axis: { values: ticks, format: ',d' },
          },
        },
      },
      ...markLayers(marks, true),
    ],
  } as TopLevelSpec;
  return {
    id: 'latency-histogram',
    section,
    spec,
    caption: `How many pods started after each latency (${esc(bins.length)} bins; log y scale, so a few slow pods still show next to many fast ones).`,
  };
}

/**
 * CDF and histogram of pod start latency, with p50/p90/p99 marked. When there is nothing to draw a distribution
 * of (no pod started, or every pod waited exactly as long), one sentence instead of a chart that says nothing.
 * Pods that never got an address are part of the CDF's denominator: its curve then stops below 100%.
 */
export function latencyCharts(d: RunData): ChartPlan[] {
  const section = 'Pod start latency';
  const note = degenerateNote(d);
  const marks = percentileMarks(d.report.podStartLatencyMs);
  if (note !== undefined) {
    // Ordinary pods say nothing, but branch-ENI pods may: their curve alone, under the sentence.
    if (!d.latencies.branch?.length) return [{ id: 'latency', section, caption: note }];
    const cdf = cdfChart(d, marks, section);
    return [{ ...cdf, caption: `Ordinary pods: ${note} ${cdf.caption}` }];
  }
  return [cdfChart(d, marks, section), histogramChart(d, marks, section)];
}

/**
 * At most ~400 (latency s, share) points of the empirical CDF: evenly spaced ranks, always the last one. Shares are
 * of `total` pods (more than the values when some pods never got an address: the curve then ends below 1).
 */
export function cdfPoints(values: ArrayLike<number>, total = values.length): [number, number][] {
  const n = values.length;
  if (n === 0) return [];
  const at = ranked(values);
  const k = Math.min(n, 400);
  const out: [number, number][] = [[0, 0]];
  for (let j = 1; j <= k; j++) {
    const i = Math.ceil((j * n) / k) - 1;
    out.push([at(i) / 1000, (i + 1) / total]);
  }
  return out;
}

/**
 * The values in ascending order, as a function of the 0-based rank. Only the values other than 0 are copied and
 * sorted (most pod latencies in a healthy pool are 0), into an Int32Array when they are all 32-bit integers: a
 * large run's latencies are never held as a second full-size list of doubles.
 */
function ranked(values: ArrayLike<number>): (i: number) => number {
  const n = values.length;
  let k = 0;
  let ints = true;
  for (let i = 0; i < n; i++) {
    const v = values[i];
    if (v !== 0) {
      k++;
      if ((v | 0) !== v) ints = false;
    }
  }
  const rest = ints ? new Int32Array(k) : new Float64Array(k);
  for (let i = 0, j = 0; i < n; i++) if (values[i] !== 0) rest[j++] = values[i];
  rest.sort();
  // Sorted order is: negatives (none for durations, but kept correct), the zeros, the positives.
  let neg = 0;
  while (neg < k && rest[neg] < 0) neg++;
  const zeros = n - k;
  return (i) => (i < neg ? rest[i] : i < neg + zeros ? 0 : rest[i - zeros]);
}

/** About 40 equal-width bins (s) with readable edges, from 0 to the largest latency. */
export function histogram(values: ArrayLike<number>): { x0: number; x1: number; n: number }[] {
  let max = 0;
  for (let i = 0; i < values.length; i++) if (values[i] > max) max = values[i];
  const raw = Math.max(max / 1000 / 40, 0.001);
  const p = 10 ** Math.floor(Math.log10(raw));
  const width = [1, 2, 5, 10].map((m) => m * p).find((w) => w >= raw) as number;
  const count = Math.floor(max / 1000 / width) + 1;
  const n = new Array<number>(count).fill(0);
  for (let i = 0; i < values.length; i++) n[Math.min(count - 1, Math.floor(values[i] / 1000 / width))]++;
  const r = (x: number): number => Math.round(x * 1e6) / 1e6;
  return n.map((c, i) => ({ x0: r(i * width), x1: r((i + 1) * width), n: c }));
}

/**
 * The sentence that replaces the latency charts when a distribution would say nothing: no pod started, or every
 * pod that started waited exactly as long (all at their first CNI ADD, typically). Undefined when there is a
 * distribution to draw.
 */
export function degenerateNote(d: RunData): string | undefined {
  const l = d.report.podStartLatencyMs;
  const never =
    l.censored > 0
      ? ` ${l.censored} pod${l.censored === 1 ? '' : 's'} reached a node and never got an address` +
        ` (p99 ${esc(formatFigure(l, 'p99'))}: each counted as waiting until the end of the run).`
      : '';
  if (l.count === 0)
    return (l.censored > 0 ? 'No pod got an address.' : 'No pod reached a node: no latency to draw.') + never;
  const all = d.latencies.all;
  const first = all[0];
  for (let i = 1; i < all.length; i++) if (all[i] !== first) return undefined;
  const pods = `${l.count === 1 ? 'The one pod' : `All ${l.count} pods`} that started`;
  const how =
    first === 0
      ? ' got an address at the first CNI ADD (latency 0 ms)'
      : ` waited exactly ${esc(formatDuration(first))} for an address`;
  return `${pods}${how}: there is no distribution to draw.${never}`;
}
