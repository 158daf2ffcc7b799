/**
 * The charts of a run report, as Vega-Lite specs built from {@link RunData}. Each chart appears only when its
 * series exist, so series added later (throttled calls, subnet free addresses) show up without changing this.
 */
import { formatDuration } from '../util/duration.js';
import { findSeries, type TimeSeries } from './timeseries.js';
import {
  axisTime,
  lineChart,
  spreadChart,
  stepPoints,
  timeAxis,
  COLOURS,
  type Point,
  type SpreadPoint,
  type TimeAxis,
  type ChartPlan,
} from './charts.js';
export type { ChartPlan } from './charts.js';
import { latencyCharts } from './latency-charts.js';
import { niceMultiple } from './timeseries.js';
import type { RunData } from './types.js';
import { isAssumedSubnet } from './figures.js';

/** Points of the named series that exist, labelled by `label(name)`. */
function pointsOf(
  ts: TimeSeries,
  axis: TimeAxis,
  names: readonly string[],
  label = (n: string) => n,
  panel?: string,
): Point[] {
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
    if (s.name.startsWith(`${prefix}.`) && s.name.endsWith(`.${field}`))
      out.push(s.name.slice(prefix.length + 1, -field.length - 1));
  }
  return out;
}

const ADDRESS_FIELDS = ['attached', 'assigned', 'idle', 'cooling'];

/** Attached, assigned, idle and cooling addresses, cluster-wide. */
function clusterAddressChart(ts: TimeSeries, axis: TimeAxis, every: string, section: string): ChartPlan {
  return {
    id: 'addresses',
    section,
    spec: lineChart({
      title: 'Secondary addresses, cluster-wide',
      yTitle: 'addresses',
      axis,
      points: pointsOf(ts, axis, ADDRESS_FIELDS),
      series: present(ts, ADDRESS_FIELDS),
    }),
    caption:
      '<b>attached</b>: on ENIs (what the subnet pays); <b>assigned</b>: held by running pods; <b>idle</b> = attached &minus; assigned, the warm pool; ' +
      `<b>cooling</b>: idle addresses a pod released less than IP_COOLDOWN_PERIOD ago, not yet reusable. Sampled every ${every}, drawn as steps.`,
  };
}

/** The same four lines per node group, one panel each. */
function groupAddressChart(ts: TimeSeries, axis: TimeAxis, groups: readonly string[], section: string): ChartPlan {
  const pts = groups.flatMap((g) =>
    pointsOf(
      ts,
      axis,
      ADDRESS_FIELDS.map((f) => `group.${g}.${f}`),
      (n) => n.split('.').pop() as string,
      g,
    ),
  );
  return {
    id: 'addresses-by-group',
    section,
    spec: lineChart({
      title: 'Addresses per node group',
      yTitle: 'addresses',
      axis,
      points: pts,
      series: ADDRESS_FIELDS,
      columns: 2,
      independentY: true,
      width: 340,
    }),
    caption:
      'The same four lines for each node group (each panel has its own y scale). Cooling here is counted from the datastores.',
  };
}

/** Small multiples, one per node, on one scale. */
function nodeAddressChart(ts: TimeSeries, axis: TimeAxis, nodes: readonly string[], section: string): ChartPlan {
  const fields = ['attached', 'assigned', 'cooling'];
  const pts = nodes.flatMap((n) =>
    pointsOf(
      ts,
      axis,
      fields.map((f) => `node.${n}.${f}`),
      (s) => s.split('.').pop() as string,
      n,
    ),
  );
  return {
    id: 'addresses-by-node',
    section,
    spec: lineChart({
      title: 'Addresses per node',
      yTitle: 'addresses',
      axis,
      points: pts,
      series: fields,
      columns: 4,
      width: 170,
      height: 90,
    }),
    caption:
      'One small chart per node, same y scale: where the gap between attached and assigned is, the node holds idle addresses.',
  };
}

/** For clusters too large to chart node by node: per group, the spread of idle and attached addresses per node. */
function spreadCharts(ts: TimeSeries, axis: TimeAxis, groups: readonly string[], section: string): ChartPlan[] {
  const out: ChartPlan[] = [];
  for (const [field, what, colour] of [
    ['Idle', 'idle', COLOURS.idle],
    ['Attached', 'attached', COLOURS.attached],
  ] as const) {
    const gs = groups.filter((g) => findSeries(ts, `group.${g}.node${field}.median`));
    if (gs.length === 0) continue;
    const pts: SpreadPoint[] = gs.flatMap((g) => spreadPoints(ts, axis, `group.${g}.node${field}`, g));
    out.push({
      id: `spread-${what}`,
      section,
      spec: spreadChart(
        `${field} addresses per node, spread across each group's nodes`,
        `${what} per node`,
        axis,
        pts,
        colour,
      ),
      caption: `For clusters too large to chart node by node: the band runs from the node with the fewest ${what} addresses to the node with the most, the line is the median node.`,
    });
  }
  return out;
}

/** Address charts: the cluster, each node group, and each node or the spread across nodes. */
function addressCharts(ts: TimeSeries, axis: TimeAxis, every: string): ChartPlan[] {
  const section = 'Addresses over time';
  const out: ChartPlan[] = [clusterAddressChart(ts, axis, every, section)];
  const groups = panels(ts, 'group', 'attached');
  if (groups.length > 1) out.push(groupAddressChart(ts, axis, groups, section));
  const nodes = panels(ts, 'node', 'attached');
  if (nodes.length > 0) out.push(nodeAddressChart(ts, axis, nodes, section));
  out.push(...spreadCharts(ts, axis, groups, section));
  return out;
}

/** Spread points of `${base}.min/median/max`, keeping samples where any of the three changes. */
function spreadPoints(ts: TimeSeries, axis: TimeAxis, base: string, panel: string): SpreadPoint[] {
  const [lo, mid, hi] = ['min', 'median', 'max'].map(
    (k) => (findSeries(ts, `${base}.${k}`) as { values: number[] }).values,
  );
  const out: SpreadPoint[] = [];
  const n = ts.times.length;
  for (let i = 0; i < n; i++) {
    if (i > 0 && i < n - 1 && lo[i] === lo[i - 1] && mid[i] === mid[i - 1] && hi[i] === hi[i - 1]) continue;
    out.push({ t: axisTime(ts.times[i], axis), panel, min: lo[i], median: mid[i], max: hi[i] });
  }
  return out;
}

/** ENIs over time, cluster-wide and per group. */
function eniChart(ts: TimeSeries, axis: TimeAxis): ChartPlan {
  const groups = panels(ts, 'group', 'enis');
  const eniNames = ['enis', ...(groups.length > 1 ? groups.map((g) => `group.${g}.enis`) : [])];
  return {
    id: 'enis',
    section: 'ENIs over time',
    spec: lineChart({
      title: 'ENIs',
      yTitle: 'ENIs',
      axis,
      points: pointsOf(ts, axis, eniNames, (n) => (n === 'enis' ? 'cluster' : n.split('.')[1])),
      series: eniNames.map((n) => (n === 'enis' ? 'cluster' : n.split('.')[1])),
    }),
    caption:
      'ENIs created and not yet deleted (primary ENIs included), cluster-wide' +
      (groups.length > 1 ? ' and per node group.' : '.'),
  };
}

/** Pods with no node and pods waiting for an address; a sentence when none waited at any sample. */
function podsChart(ts: TimeSeries, axis: TimeAxis, every: string): ChartPlan {
  const section = 'Pods waiting';
  const podSeries = ['podsPending', 'podsWaitingForIp'];
  const podPoints = pointsOf(ts, axis, podSeries);
  if (podPoints.every((p) => p.v === 0))
    return {
      id: 'pods',
      section,
      caption: `No pod waited for a node or for an address at any sample (every ${every}).`,
    };
  return {
    id: 'pods',
    section,
    spec: lineChart({ title: 'Pods not running', yTitle: 'pods', axis, points: podPoints, series: podSeries }),
    caption:
      '<b>podsPending</b>: pods no node can take (every node full or not ready). <b>podsWaitingForIp</b>: pods on a node whose CNI ADD found no free address; ' +
      'kubelet retries them after a back-off. Anything above zero here is pod start latency.',
  };
}

/** EC2 calls per interval, and the token buckets that ran low. */
function ec2Charts(ts: TimeSeries, axis: TimeAxis, every: string): ChartPlan[] {
  const ec2 = present(ts, ['ec2Calls', 'ec2Errors', 'ec2Throttled']);
  const k = niceMultiple(ts.everyMs, (ts.times.length - 1) / COUNT_BINS);
  const per = formatDuration(k * ts.everyMs);
  const out: ChartPlan[] = [
    {
      id: 'ec2',
      section: 'EC2 API calls',
      spec: lineChart({
        title: `EC2 calls per ${per}`,
        yTitle: `calls per ${per}`,
        axis,
        points: ec2.flatMap((n) => countPoints(ts, n, k, axis)),
        series: ec2,
      }),
      caption:
        `Calls ipamd made to EC2 in each ${per} interval` +
        (ec2.includes('ec2Throttled') ? ', those that failed, and those throttled.' : ', and those that failed.') +
        (k > 1 ? ` (The CSV has them per ${every}; summed here so bursts stay readable.)` : ''),
    },
  ];
  // Only the buckets that ran low are worth a line: the others stay at their burst size all run long.
  const buckets = ts.series
    .filter(
      (s) => s.name.startsWith('bucket.') && s.values.length > 0 && Math.min(...s.values) < Math.max(...s.values) * 0.5,
    )
    .map((s) => s.name);
  if (buckets.length > 0) {
    out.push({
      id: 'buckets',
      section: 'EC2 API calls',
      spec: lineChart({
        title: "Tokens left in the account's buckets",
        yTitle: 'tokens',
        axis,
        points: pointsOf(ts, axis, buckets),
        series: buckets,
      }),
      caption:
        'Each EC2 API has one token bucket for the whole account: a call takes a token, the bucket refills at a fixed rate. ' +
        'At 0 calls are answered RequestLimitExceeded and the SDK backs off (only buckets that fell below half are drawn).',
    });
  }
  return out;
}

/** Free addresses in each subnet the scenario defined; none for the assumed 10.0.0.0/8 (a flat 16.7 M line). */
function subnetCharts(d: RunData, axis: TimeAxis): ChartPlan[] {
  const ts = d.timeseries;
  const assumed = new Set(d.report.subnets.filter(isAssumedSubnet).map((s) => `subnet.${s.name}.free`));
  const subnet = ts.series.filter((s) => s.name.startsWith('subnet') && !assumed.has(s.name)).map((s) => s.name);
  if (subnet.length === 0) return [];
  return [
    {
      id: 'subnet',
      section: 'Subnet',
      spec: lineChart({
        title: 'Free addresses in the subnet',
        yTitle: 'free addresses',
        axis,
        points: pointsOf(ts, axis, subnet),
        series: subnet,
      }),
      caption:
        'Addresses the subnet can still hand out. A call asking for more than are left fails (InsufficientFreeAddressesInSubnet): near zero, ENIs and addresses stop being added.',
    },
  ];
}

/**
 * Security groups for pods (only when the run had the VPC resource controller): its work queue and the branch-ENI
 * pods no node could take, branch ENIs per node against the limit, and its EC2 calls.
 */
function vpcrcCharts(ts: TimeSeries, axis: TimeAxis, every: string): ChartPlan[] {
  if (!findSeries(ts, 'vpcrc.queueDepth')) return [];
  const section = 'Security groups for pods';
  const backlog = present(ts, ['vpcrc.queueDepth', 'vpcrc.branchPending']);
  const perNode = present(ts, ['vpcrc.nodeBranchEnis.max', 'vpcrc.nodeBranchEnis.median', 'vpcrc.nodeBranchLimit']);
  const label = (n: string): string =>
    ({
      'vpcrc.queueDepth': 'work queue depth',
      'vpcrc.branchPending': 'branch-ENI pods pending',
      'vpcrc.nodeBranchEnis.max': 'busiest node',
      'vpcrc.nodeBranchEnis.median': 'median node',
      'vpcrc.nodeBranchLimit': 'branch ENI limit',
    })[n] ?? n;
  const k = niceMultiple(ts.everyMs, (ts.times.length - 1) / COUNT_BINS);
  const per = formatDuration(k * ts.everyMs);
  const out: ChartPlan[] = [
    {
      id: 'vpcrc-queue',
      section,
      spec: lineChart({
        title: 'VPC resource controller: work queue and pods waiting for branch capacity',
        yTitle: 'jobs / pods',
        axis,
        points: pointsOf(ts, axis, backlog, label),
        series: backlog.map(label),
      }),
      caption:
        "<b>work queue depth</b>: jobs (trunk inits, branch ENI creations, deletions) waiting for one of the controller's workers; " +
        `<b>branch-ENI pods pending</b>: pods with a SecurityGroupPolicy no node could take yet (no trunk, or no free vpc.amazonaws.com/pod-eni). Sampled every ${every}.`,
    },
  ];
  if (perNode.length > 0)
    out.push({
      id: 'vpcrc-branch-enis',
      section,
      spec: lineChart({
        title: 'Branch ENIs per node against the limit',
        yTitle: 'branch ENIs',
        axis,
        points: pointsOf(ts, axis, perNode, label),
        series: perNode.map(label),
      }),
      caption:
        'Over the nodes whose trunk ENI is attached: the branch ENIs the busiest node and the median node hold (in use, cooling before deletion, being created), ' +
        'and the smallest branch ENI limit among them. The busiest node at the limit means new security-group pods pend or are refused until cooled ENIs are deleted.',
    });
  if (findSeries(ts, 'vpcrc.ec2Calls'))
    out.push({
      id: 'vpcrc-ec2',
      section,
      spec: lineChart({
        title: `Controller EC2 calls per ${per}`,
        yTitle: `calls per ${per}`,
        axis,
        points: countPoints(ts, 'vpcrc.ec2Calls', k, axis),
        series: ['vpcrc.ec2Calls'],
      }),
      caption:
        "The VPC resource controller's own EC2 calls (CreateNetworkInterface, AssociateTrunkInterface, DisassociateTrunkInterface, DeleteNetworkInterface, ...), every attempt that reached EC2.",
    });
  return out;
}

/** Every chart of a run report, in page order. */
export function runCharts(d: RunData): ChartPlan[] {
  const ts = d.timeseries;
  const axis = timeAxis(d.report.simulatedMs);
  const every = formatDuration(ts.everyMs);
  return [
    ...addressCharts(ts, axis, every),
    eniChart(ts, axis),
    podsChart(ts, axis, every),
    ...latencyCharts(d),
    ...ec2Charts(ts, axis, every),
    ...vpcrcCharts(ts, axis, every),
    ...subnetCharts(d, axis),
  ];
}

/** Most bars a per-interval count chart draws: finer counts look like a barcode. */
const COUNT_BINS = 150;

/**
 * A 'delta' series summed over `k` samples at a time, as steps: each bucket's total is drawn from the start to the
 * end of the time it covers (a sample's count covers the interval before it).
 */
export function countPoints(ts: TimeSeries, name: string, k: number, axis: TimeAxis): Point[] {
  const v = (findSeries(ts, name) as { values: number[] }).values;
  const t = (i: number): number => axisTime(ts.times[i], axis);
  const out: Point[] = [];
  for (let a = 0; a < v.length; a += k) {
    let total = 0;
    for (let i = a; i < Math.min(v.length, a + k); i++) total += v[i];
    out.push({ t: t(Math.max(0, a - 1)), series: name, v: total });
  }
  out.push({ t: t(v.length - 1), series: name, v: out[out.length - 1].v });
  return out;
}
