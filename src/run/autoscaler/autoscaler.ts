/**
 * The seam between a node group's autoscaler and the cluster: what an autoscaler reads (live nodes, pods
 * waiting for a node) and the two things it may do (add nodes, remove given nodes). Removal goes through the
 * cluster's ordinary scale-in path: drain (pods recreated elsewhere, as their controllers would), ipamd stop,
 * instance termination after the terminate delay, which releases the node's ENIs (EC2 calls through the
 * buckets) and their addresses to the subnet.
 */
import type { Simulation } from '../../engine/sim.js';
import type { NodeGroupSpec } from '../../workload/scenario.js';
import type { ClusterNode } from '../view.js';

/** What an autoscaler sees of, and does to, its cluster. */
export interface AutoscaledCluster {
  readonly sim: Simulation;
  /** Live (not drained) nodes of a group, booting ones included, in creation order. */
  liveNodes(group: string): readonly ClusterNode[];
  /** Pods waiting for a node that a node of this group could take (pod slots being the only resource). */
  pendingFor(group: string): number;
  /** Whether every pod on the node may run elsewhere (none is pinned to it by name). */
  podsMovable(node: ClusterNode): boolean;
  /** Adds `n` nodes to a group (they join after the boot delay); `by` names the autoscaler in the event log. */
  addNodes(group: string, n: number, by: string): void;
  /** Removes these nodes of a group: drained (pods recreated elsewhere), then terminated. */
  removeNodes(group: string, nodes: readonly ClusterNode[], by: string): void;
}

/** One node group's autoscaler. */
export interface Autoscaler {
  /** Arms its first timer (called once, at time 0). */
  start(): void;
}

/**
 * How long a booting node is counted on to take pending pods: past this the autoscaler stops waiting for it
 * (Cluster Autoscaler's --max-node-provision-time default, 15 min; a node whose subnet had no address never joins).
 */
export const MAX_NODE_PROVISION_MS = 15 * 60_000;

/** Free pod slots on a group's nodes that are booting (will take pending pods once Ready). */
export function bootingRoom(nodes: readonly ClusterNode[], now: number): number {
  let room = 0;
  for (const n of nodes) {
    const r = n.runtime;
    if (!r.ready && r.drainedAt < 0 && now - r.joinedAt < MAX_NODE_PROVISION_MS)
      room += Math.max(0, r.podCapacity - r.pods);
  }
  return room;
}

/** Nodes a group needs to add so that `pending` pods find a slot, booting nodes' room counted; at most `max`. */
export function nodesNeeded(
  g: NodeGroupSpec,
  pending: number,
  live: readonly ClusterNode[],
  max: number,
  now: number,
): number {
  const short = pending - bootingRoom(live, now);
  if (short <= 0 || g.podsPerNode <= 0) return 0;
  return Math.max(0, Math.min(Math.ceil(short / g.podsPerNode), max - live.length));
}

/**
 * Whether the pods of `node` may move (none pinned to it) and fit in the free slots of the group's other Ready nodes that are not `leaving`
 * (the scheduler's simulation each autoscaler runs before it removes a node that has pods).
 */
export function podsFitElsewhere(
  cluster: AutoscaledCluster,
  node: ClusterNode,
  live: readonly ClusterNode[],
  leaving: ReadonlySet<ClusterNode>,
): boolean {
  if (!cluster.podsMovable(node)) return false;
  let room = 0;
  for (const n of live)
    if (n !== node && !leaving.has(n) && n.runtime.ready) room += Math.max(0, n.runtime.podCapacity - n.runtime.pods);
  return room >= node.runtime.pods;
}
