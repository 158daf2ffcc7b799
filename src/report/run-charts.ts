/**
 * The charts of a run report, as Vega-Lite specs built from {@link RunData}. Each chart appears only when its
 * series exist, so series added later (throttled calls, subnet free addresses) show up without changing this.
 */
import type { TopLevelSpec } from 'vega-lite';
import { formatDuration } from '../engine/duration.js';
import { findSeries, type TimeSeries } from './timeseries.js';
import { lineChart, spreadChart, stepPoints, timeAxis, COLOURS, type Point, type SpreadPoint, type TimeAxis } from './charts.js';
import { esc } from './html.js';
import type { RunData } from './types.js';

/** One chart of the page. */
export interface ChartPlan {
  id: string;
  /** Section heading it belongs under. */
  section: string;
  spec: TopLevelSpec;
  /** HTML caption: how to read it. */
  caption: string;
}

/** Points of the named series that exist, labelled by `label(name)`. */
function pointsOf(ts: TimeSeries, axis: TimeAxis, names: readonly string[], label = (n: string) => n, panel?: string): Point[] {
  return names.flatMap((n) => {
    const s = findSeries(ts, n);
    return s ? stepPoints(ts.times, s.values, label(n), axis, panel) : [];
  });
}

const present = (ts: TimeSeries, names: readonly string[]): string[] => names.filter((n) => findSeries(ts, n));

/** Panels of series named `${prefix}.<panel>.<field>`, in recorded order. */
function panels(ts: TimeSeries, prefix: string, field: string): string[] {
  const out: string[] = [];
  for (const s of ts.series) {
    if (s.name.startsWith(`${prefix}.`) && s.name.endsWith(`.${field}`)) out.push(s.name.slice(prefix.length + 1, -field.length - 1));
  }
  return out;
}

const ADDRESS_FIELDS = ['attached', 'assigned', 'idle', 'cooling'];

/** Address charts: the cluster, each node group, and each node or the spread across nodes. */
function addressCharts(ts: TimeSeries, axis: TimeAxis, every: string): ChartPlan[] {
  const section = 'Addresses over time';
  const out: ChartPlan[] = [
    {
      id: 'addresses',
      section,
      spec: lineChart({ title: 'Secondary addresses, cluster-wide', yTitle: 'addresses', axis, points: pointsOf(ts, axis, ADDRESS_FIELDS), series: present(ts, ADDRESS_FIELDS) }),
      caption:
        '<b>attached</b>: on ENIs (what the subnet pays); <b>assigned</b>: held by running pods; <b>idle</b> = attached &minus; assigned, the warm pool; ' +
        `<b>cooling</b>: idle addresses a pod released less than IP_COOLDOWN_PERIOD ago, not yet reusable. Sampled every ${every}, drawn as steps.`,
    },
  ];
  const groups = panels(ts, 'group', 'attached');
  if (groups.length > 1) {
    const pts = groups.flatMap((g) => pointsOf(ts, axis, ADDRESS_FIELDS.map((f) => `group.${g}.${f}`), (n) => n.split('.').pop() as string, g));
    out.push({
      id: 'addresses-by-group',
      section,
      spec: lineChart({ title: 'Addresses per node group', yTitle: 'addresses', axis, points: pts, series: ADDRESS_FIELDS, columns: 2, independentY: true, width: 340 }),
      caption: 'The same four lines for each node group (each panel has its own y scale). Cooling here is counted from the datastores.',
    });
  }
  const nodes = panels(ts, 'node', 'attached');
  if (nodes.length > 0) {
    const fields = ['attached', 'assigned', 'cooling'];
    const pts = nodes.flatMap((n) => pointsOf(ts, axis, fields.map((f) => `node.${n}.${f}`), (s) => s.split('.').pop() as string, n));
    out.push({
      id: 'addresses-by-node',
      section,
      spec: lineChart({ title: 'Addresses per node', yTitle: 'addresses', axis, points: pts, series: fields, columns: 4, width: 170, height: 90 }),
      caption: 'One small chart per node, same y scale: where the gap between attached and assigned is, the node holds idle addresses.',
    });
  }
  for (const [field, what, colour] of [['Idle', 'idle', COLOURS.idle], ['Attached', 'attached', COLOURS.attached]] as const) {
    const gs = groups.filter((g) => findSeries(ts, `group.${g}.node${field}.median`));
    if (gs.length === 0) continue;
    const pts: SpreadPoint[] = gs.flatMap((g) => spreadPoints(ts, axis, `group.${g}.node${field}`, g));
    out.push({
      id: `spread-${what}`,
      section,
      spec: spreadChart(`${field} addresses per node, spread across each group's nodes`, `${what} per node`, axis, pts, colour),
      caption: `For clusters too large to chart node by node: the band runs from the node with the fewest ${what} addresses to the node with the most, the line is the median node.`,
    });
  }
  return out;
}

/** Spread points of `${base}.min/median/max`, keeping samples where any of the three changes. */
function spreadPoints(ts: TimeSeries, axis: TimeAxis, base: string, panel: string): SpreadPoint[] {
  const [lo, mid, hi] = ['min', 'median', 'max'].map((k) => (findSeries(ts, `${base}.${k}`) as { values: number[] }).values);
  const out: SpreadPoint[] = [];
  const n = ts.times.length;
  for (let i = 0; i < n; i++) {
    if (i > 0 && i < n - 1 && lo[i] === lo[i - 1] && mid[i] === mid[i - 1] && hi[i] === hi[i - 1]) continue;
    out.push({ t: Math.round((ts.times[i] / axis.divisor) * 1000) / 1000, panel, min: lo[i], median: mid[i], max: hi[i] });
  }
  return out;
}

/** Every chart of a run report, in page order. */
export function runCharts(d: RunData): ChartPlan[] {
  const ts = d.timeseries;
  const axis = timeAxis(d.report.simulatedMs);
  const every = formatDuration(ts.everyMs);
  const out = addressCharts(ts, axis, every);
  const groups = panels(ts, 'group', 'enis');
  const eniNames = ['enis', ...(groups.length > 1 ? groups.map((g) => `group.${g}.enis`) : [])];
  out.push({
    id: 'enis',
    section: 'ENIs over time',
    spec: lineChart({ title: 'ENIs', yTitle: 'ENIs', axis, points: pointsOf(ts, axis, eniNames, (n) => (n === 'enis' ? 'cluster' : n.split('.')[1])), series: eniNames.map((n) => (n === 'enis' ? 'cluster' : n.split('.')[1])) }),
    caption: 'ENIs created and not yet deleted (primary ENIs included), cluster-wide' + (groups.length > 1 ? ' and per node group.' : '.'),
  });
  const podSeries = ['podsPending', 'podsWaitingForIp'];
  out.push({
    id: 'pods',
    section: 'Pods waiting',
    spec: lineChart({ title: 'Pods not running', yTitle: 'pods', axis, points: pointsOf(ts, axis, podSeries), series: podSeries }),
    caption:
      '<b>podsPending</b>: pods no node can take (every node full or not ready). <b>podsWaitingForIp</b>: pods on a node whose CNI ADD found no free address; ' +
      'kubelet retries them after a back-off. Anything above zero here is pod start latency.',
  });
  out.push(...latencyCharts(d));
  const ec2 = present(ts, ['ec2Calls', 'ec2Errors', 'ec2Throttled']);
  out.push({
    id: 'ec2',
    section: 'EC2 API calls',
    spec: lineChart({ title: `EC2 calls per ${every}`, yTitle: `calls per ${every}`, axis, points: pointsOf(ts, axis, ec2), series: ec2 }),
    caption: `Calls ipamd made to EC2 in each ${every} interval` + (ec2.includes('ec2Throttled') ? ', those that failed, and those throttled.' : ', and those that failed.'),
  });
  const subnet = ts.series.filter((s) => s.name.startsWith('subnet')).map((s) => s.name);
  if (subnet.length > 0) {
    out.push({
      id: 'subnet',
      section: 'Subnet',
      spec: lineChart({ title: 'Free addresses in the subnet', yTitle: 'free addresses', axis, points: pointsOf(ts, axis, subnet), series: subnet }),
      caption: 'Addresses the subnet can still hand out. When it reaches zero, ENIs and addresses can no longer be added.',
    });
  }
  return out;
}

/** CDF and histogram of pod start latency, with p50/p90/p99 marked; none when no pod started. */
function latencyCharts(d: RunData): ChartPlan[] {
  const l = d.report.podStartLatencyMs;
  if (l.count === 0) return [];
  const section = 'Pod start latency';
  const marks = [
    { p: 'p50', x: l.p50 / 1000, y: 0.97 },
    { p: 'p90', x: l.p90 / 1000, y: 0.87 },
    { p: 'p99', x: l.p99 / 1000, y: 0.77 },
  ].map((m) => ({ ...m, label: `${m.p} ${formatDuration(m.x * 1000)}` }));
  const curves = [{ name: 'all pods', values: d.latencies.all }, ...(d.latencies.groups.length > 1 ? d.latencies.groups : [])];
  const cdf = curves.flatMap((c) => cdfPoints(c.values).map(([x, y]) => ({ x, y, curve: c.name })));
  const rules = (yMax: number | null) => [
    { data: { values: marks }, mark: { type: 'rule', strokeDash: [4, 3], color: '#555' }, encoding: { x: { field: 'x', type: 'quantitative' } } },
    {
      data: { values: marks },
      mark: { type: 'text', align: 'left', dx: 3, fontSize: 11, color: '#333' },
      encoding: { x: { field: 'x', type: 'quantitative' }, ...(yMax === null ? { y: { field: 'y', type: 'quantitative' } } : { y: { value: 10 } }), text: { field: 'label' } },
    },
  ];
  const cdfSpec = {
    title: 'Pod start latency: cumulative distribution',
    width: 760,
    height: 220,
    layer: [
      {
        data: { values: cdf },
        mark: { type: 'line', interpolate: 'step-after' },
        encoding: {
          x: { field: 'x', type: 'quantitative', title: 'latency (s): first CNI ADD to address assigned' },
          y: { field: 'y', type: 'quantitative', title: 'share of started pods', axis: { format: '%' }, scale: { domain: [0, 1] } },
          color: { field: 'curve', type: 'nominal', title: null, sort: null },
        },
      },
      ...rules(null),
    ],
  } as TopLevelSpec;
  const bins = histogram(d.latencies.all);
  const histSpec = {
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
          y: { field: 'n', type: 'quantitative', title: 'pods (symlog scale)', scale: { type: 'symlog' } },
        },
      },
      ...rules(1),
    ],
  } as TopLevelSpec;
  return [
    {
      id: 'latency-cdf',
      section,
      spec: cdfSpec,
      caption:
        `${l.count} pods started. Read across: the share of pods that had an address within x seconds. Dashed lines mark p50, p90 and p99; ` +
        'a curve that jumps to 100% at 0 means no pod waited, a long flat step means pods waited for kubelet retries.' +
        (curves.length > 1 ? ' One curve per node group.' : ''),
    },
    { id: 'latency-histogram', section, spec: histSpec, caption: `How many pods started after each latency (${esc(bins.length)} bins; the y scale is compressed so a few slow pods still show).` },
  ];
}

/** At most ~400 (latency s, share) points of the empirical CDF: evenly spaced ranks, always the last one. */
export function cdfPoints(values: readonly number[]): [number, number][] {
  const sorted = Float64Array.from(values).sort();
  const n = sorted.length;
  if (n === 0) return [];
  const k = Math.min(n, 400);
  const out: [number, number][] = [[0, 0]];
  for (let j = 1; j <= k; j++) {
    const i = Math.ceil((j * n) / k) - 1;
    out.push([sorted[i] / 1000, (i + 1) / n]);
  }
  return out;
}

/** About 40 equal-width bins (s) with readable edges, from 0 to the largest latency. */
export function histogram(values: readonly number[]): { x0: number; x1: number; n: number }[] {
  let max = 0;
  for (const v of values) if (v > max) max = v;
  const raw = Math.max(max / 1000 / 40, 0.001);
  const p = 10 ** Math.floor(Math.log10(raw));
  const width = [1, 2, 5, 10].map((m) => m * p).find((w) => w >= raw) as number;
  const count = Math.floor(max / 1000 / width) + 1;
  const n = new Array<number>(count).fill(0);
  for (const v of values) n[Math.min(count - 1, Math.floor(v / 1000 / width))]++;
  const r = (x: number): number => Math.round(x * 1e6) / 1e6;
  return n.map((c, i) => ({ x0: r(i * width), x1: r((i + 1) * width), n: c }));
}
