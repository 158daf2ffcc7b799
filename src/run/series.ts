/**
 * The series a run records: what each one reads from the cluster. To add a series, add one probe here (for
 * example a throttled-calls running total as a 'delta' probe); the CSV and the HTML report pick it up by name.
 *
 * Per node group, every series is always recorded. Per node, series are recorded only while the cluster has at
 * most `nodeLimit` nodes; above that, each group gets the spread across its nodes (min, median, max of the
 * per-node figure), which keeps a 1,000-node run's output small while still showing uneven nodes.
 */
import type { SeriesProbe } from '../report/timeseries.js';
import type { ClusterNode, ClusterView } from './view.js';
import { PREFIX_SIZE } from '../ipam/datastore.js';
import { TrunkState } from '../vpcrc/trunk.js';
import { scaleTarget, type ScaleItem } from '../workload/generators.js';
import type { NodeGroupSpec } from '../workload/scenario.js';

/** Per-node series are recorded for clusters with at most this many nodes, unless told otherwise. */
export const DEFAULT_NODE_LIMIT = 16;

const sum = (xs: Iterable<number>): number => {
  let s = 0;
  for (const x of xs) s += x;
  return s;
};

/** Pod addresses attached to the node's ENIs: secondary /32s and 16 per /28 prefix (as the cluster-wide `attached`). */
function nodeAttached(n: ClusterNode): number {
  let s = 0;
  for (const e of n.ec2.enis) s += e.secondaries.length + PREFIX_SIZE * e.prefixes.length;
  return s;
}

/** Free addresses in the node's datastore still in their cooldown at `now`. */
const nodeCooling = (n: ClusterNode, now: number): number => n.ipamd.ds.coolingCount(now);

/** Bound pods without their network yet: neither an ipamd address nor (security groups for pods) a branch ENI. */
const nodeWaiting = (n: ClusterNode): number => n.runtime.pods - n.ipamd.ds.assigned - n.runtime.branchRunning;

/** Middle value of a sorted list (lower middle for even lengths, so it is always a real node's figure). */
const median = (sorted: readonly number[]): number => sorted[(sorted.length - 1) >> 1];

/** The most nodes the scenario can have at once: initial counts raised by every scale-out step. */
function mostNodes(c: ClusterView): number {
  let total = 0;
  for (const g of c.scenario.nodeGroups) {
    let now = g.count;
    let most = now;
    const steps = c.scenario.workload.filter((w): w is ScaleItem => w.kind === 'scale' && w.nodeGroup === g.name);
    for (const w of steps.sort((a, b) => a.atMs - b.atMs)) {
      now = scaleTarget(w, now);
      most = Math.max(most, now);
    }
    total += most;
  }
  return total;
}

/** A probe of a level (a value at each sample). */
function level(name: string, unit: string, description: string, read: (now: number) => number): SeriesProbe {
  return { name, unit, description, kind: 'level', read };
}

/** A probe of a count over each interval. */
function delta(name: string, unit: string, description: string, read: (now: number) => number): SeriesProbe {
  return { name, unit, description, kind: 'delta', read };
}

/** The cluster-wide series: addresses, ENIs, waiting pods and EC2 calls. */
function clusterSeries(c: ClusterView): SeriesProbe[] {
  const m = c.metrics;
  return [
    level('attached', 'addresses', 'secondary addresses attached to ENIs, cluster-wide', () => m.attached.value),
    level('assigned', 'addresses', 'addresses assigned to running pods', () => m.assigned.value),
    level('idle', 'addresses', 'attached minus assigned: the warm pool', () => m.idle.value),
    level('cooling', 'addresses', 'released by a pod less than IP_COOLDOWN_PERIOD ago (part of idle)', (now) =>
      m.coolingAt(now),
    ),
    level('enis', 'ENIs', 'ENIs created and not yet deleted', () => m.eniCount.value),
    level('podsPending', 'pods', 'pods with no node yet (unschedulable)', () => c.kubelet.scheduler.pendingCount),
    level('podsWaitingForIp', 'pods', 'pods on a node whose CNI ADD has not yet got an address', () =>
      sum(c.nodes.map(nodeWaiting)),
    ),
    delta('ec2Calls', 'calls', 'EC2 API calls made in the interval ending at this sample', () => sum(m.calls.values())),
    delta('ec2Errors', 'calls', 'EC2 API calls that failed in the interval', () => sum(m.errors.values())),
    delta('ec2Throttled', 'calls', 'EC2 API calls answered RequestLimitExceeded in the interval', () =>
      sum(m.throttled.values()),
    ),
  ];
}

/**
 * Each subnet's free addresses (the HTML report's subnet chart: a call asking for more than are left fails), and
 * the account's token buckets when throttling is on (a bucket at 0 is where calls get RequestLimitExceeded).
 */
function accountSeries(c: ClusterView): SeriesProbe[] {
  const probes: SeriesProbe[] = [];
  for (const sn of c.subnets) {
    probes.push(
      level(
        `subnet.${sn.name}.free`,
        'addresses',
        `addresses subnet ${sn.name} can still hand out`,
        () => sn.freeAddresses,
      ),
    );
  }
  for (const [api, bucket] of c.ec2.buckets) {
    probes.push(
      level(`bucket.${api}`, 'tokens', `tokens left in the account's ${api} bucket`, (now) =>
        Math.floor(bucket.peek(now)),
      ),
    );
  }
  return probes;
}

/** Security groups for pods: the controller's backlog, its calls, and the branch ENIs and pods it serves. */
function vpcrcSeries(c: ClusterView): SeriesProbe[] {
  const v = c.vpcrc;
  if (!v) return [];
  return [
    level('vpcrc.queueDepth', 'jobs', "jobs waiting in the VPC resource controller's work queue", () => v.queue.depth),
    level(
      'vpcrc.branchPending',
      'pods',
      'branch-ENI pods no node could take yet',
      () => c.kubelet.scheduler.branchPending,
    ),
    level(
      'vpcrc.branchEnis',
      'ENIs',
      'branch ENIs that exist (in use, cooling, being created or deleted)',
      () => v.branchEnis().length,
    ),
    delta('vpcrc.ec2Calls', 'calls', "the controller's EC2 calls in the interval", () => sum(v.stats.calls.values())),
    ...trunkSpread(v),
  ];
}

/**
 * Branch ENIs per node against the limit, at any cluster size: over the nodes whose trunk is attached, the most and
 * the median branch ENIs held (in use, cooling, being created), and the smallest branch ENI limit.
 */
function trunkSpread(v: NonNullable<ClusterView['vpcrc']>): SeriesProbe[] {
  let at = -1;
  let held: number[] = [0];
  let limit = 0;
  const read = (now: number): void => {
    if (now === at) return;
    at = now;
    const live = v.trunks.filter((t) => t.state === TrunkState.Ready);
    held = live.length ? live.map((t) => t.held).sort((a, b) => a - b) : [0];
    limit = live.length ? Math.min(...live.map((t) => t.limit)) : 0;
  };
  return [
    level('vpcrc.nodeBranchEnis.max', 'ENIs', 'most branch ENIs held on one node with a trunk', (now) => {
      read(now);
      return held[held.length - 1];
    }),
    level('vpcrc.nodeBranchEnis.median', 'ENIs', 'median over nodes with a trunk of the branch ENIs held', (now) => {
      read(now);
      return median(held);
    }),
    level('vpcrc.nodeBranchLimit', 'ENIs', 'the smallest branch ENI limit of the nodes with a trunk', (now) => {
      read(now);
      return limit;
    }),
  ];
}

/** The current nodes of group `name`, re-read only when nodes have joined since the last call. */
function groupNodesReader(c: ClusterView, name: string): () => ClusterNode[] {
  let cached: ClusterNode[] = [];
  let cachedLen = -1;
  return () => {
    if (c.nodes.length !== cachedLen) {
      cachedLen = c.nodes.length;
      cached = c.nodes.filter((n) => n.group === name);
    }
    return cached;
  };
}

/** One node group's series. */
function groupSeries(c: ClusterView, g: NodeGroupSpec, gi: number, groupNodes: () => ClusterNode[]): SeriesProbe[] {
  const gm = c.metrics.group(gi);
  const p = `group.${g.name}`;
  return [
    level(`${p}.attached`, 'addresses', `attached in node group ${g.name}`, () => gm.attached.value),
    level(`${p}.assigned`, 'addresses', `assigned in node group ${g.name}`, () => gm.assigned.value),
    level(`${p}.idle`, 'addresses', `idle in node group ${g.name}`, () => gm.idle.value),
    level(`${p}.cooling`, 'addresses', `cooling in node group ${g.name} (datastore view)`, (now) =>
      sum(groupNodes().map((n) => nodeCooling(n, now))),
    ),
    level(`${p}.enis`, 'ENIs', `ENIs in node group ${g.name}`, () => sum(groupNodes().map((n) => n.ec2.enis.length))),
    level(`${p}.podsWaitingForIp`, 'pods', `pods waiting for an address in node group ${g.name}`, () =>
      sum(groupNodes().map(nodeWaiting)),
    ),
  ];
}

/** Min, median and max over a group's nodes of each node's attached and idle addresses (for large clusters). */
function groupSpreadSeries(g: NodeGroupSpec, groupNodes: () => ClusterNode[]): SeriesProbe[] {
  const p = `group.${g.name}`;
  // Computed once per sample time for all six series.
  let at = -1;
  let att: number[] = [];
  let idl: number[] = [];
  const spread = (now: number): void => {
    if (now === at) return;
    at = now;
    const nodes = groupNodes().filter((n) => n.runtime.drainedAt < 0 && n.runtime.joinedAt <= now);
    att = nodes.length ? nodes.map(nodeAttached) : [0];
    idl = nodes.length ? nodes.map((n, i) => att[i] - n.ipamd.ds.assigned) : [0];
    att.sort((a, b) => a - b);
    idl.sort((a, b) => a - b);
  };
  const stat = (what: string, list: () => number[], pick: (s: number[]) => number, label: string): SeriesProbe =>
    level(
      `${p}.node${what}.${label}`,
      'addresses',
      `${label} over the nodes of ${g.name} of each node's ${what.toLowerCase()} addresses`,
      (now) => {
        spread(now);
        return pick(list());
      },
    );
  const probes: SeriesProbe[] = [];
  for (const [what, list] of [
    ['Attached', () => att],
    ['Idle', () => idl],
  ] as const) {
    probes.push(
      stat(what, list, (s) => s[0], 'min'),
      stat(what, list, median, 'median'),
      stat(what, list, (s) => s[s.length - 1], 'max'),
    );
  }
  return probes;
}

/** Per-node series for the nodes that exist now; nodes that join later (scale-out) have none. */
function nodeSeries(c: ClusterView): SeriesProbe[] {
  return c.nodes.flatMap((n) => {
    const p = `node.${n.runtime.name}`;
    return [
      level(`${p}.attached`, 'addresses', `attached on node ${n.runtime.name}`, () => nodeAttached(n)),
      level(`${p}.assigned`, 'addresses', `assigned on node ${n.runtime.name}`, () => n.ipamd.ds.assigned),
      level(`${p}.cooling`, 'addresses', `cooling on node ${n.runtime.name} (datastore view)`, (now) =>
        nodeCooling(n, now),
      ),
      level(`${p}.podsWaitingForIp`, 'pods', `pods waiting for an address on node ${n.runtime.name}`, () =>
        nodeWaiting(n),
      ),
    ];
  });
}

/** The probes of a cluster run. `nodeLimit`: most nodes for which per-node series are kept. */
export function clusterProbes(c: ClusterView, nodeLimit = DEFAULT_NODE_LIMIT): SeriesProbe[] {
  const probes = [...clusterSeries(c), ...vpcrcSeries(c), ...accountSeries(c)];
  const most = mostNodes(c);
  c.scenario.nodeGroups.forEach((g, gi) => {
    // Nodes join and leave during a run: read the group's current nodes at each sample.
    const groupNodes = groupNodesReader(c, g.name);
    probes.push(...groupSeries(c, g, gi, groupNodes));
    if (most > nodeLimit && (g.count > 0 || most > c.nodes.length)) probes.push(...groupSpreadSeries(g, groupNodes));
  });
  if (most <= nodeLimit) probes.push(...nodeSeries(c));
  return probes;
}
