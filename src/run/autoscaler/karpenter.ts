/**
 * Karpenter, for one node group standing for a NodePool of one instance type (karpenter.sh docs: Settings,
 * BATCH_IDLE_DURATION 1s and BATCH_MAX_DURATION 10s; Concepts > Disruption, consolidationPolicy
 * WhenEmptyOrUnderutilized by default, consolidateAfter 0s in the v1 NodePool defaults).
 *
 * Provisioning: pending pods open a batch; it closes once no new pod has been pending for batchIdleDuration or
 * batchMaxDuration after it opened, and Karpenter then launches enough nodes for the batch (booting nodes' room
 * counted), up to maxNodes. Consolidation, every {@link CONSOLIDATION_INTERVAL_MS}: a Ready node whose pods have
 * not changed for consolidateAfter is deleted when empty (both policies); with WhenEmptyOrUnderutilized one node
 * with pods, the least loaded, is deleted when its pods fit on the other nodes. Replacement by a cheaper type
 * is not modelled (a group has one type), nor are disruption budgets.
 */
import { Priority } from '../../engine/sim.js';
import type { KarpenterSpec, NodeGroupSpec } from '../../workload/scenario.js';
import type { ClusterNode } from '../view.js';
import { nodesNeeded, podsFitElsewhere, type AutoscaledCluster, type Autoscaler } from './autoscaler.js';

/** How often the disruption controller looks for consolidation (Karpenter polls about every 10 s). */
export const CONSOLIDATION_INTERVAL_MS = 10_000;

export class Karpenter implements Autoscaler {
  /** Per node: its pod count when last seen, and since when it has had that count. */
  private readonly settled = new Map<ClusterNode, { pods: number; since: number }>();
  private batchOpened = -1;
  private lastPending = 0;
  private lastGrowth = 0;
  private readonly pollMs: number;

  constructor(
    private readonly cluster: AutoscaledCluster,
    private readonly group: NodeGroupSpec,
    private readonly spec: KarpenterSpec,
  ) {
    this.pollMs = Math.min(1000, Math.max(100, spec.batchIdleDurationMs));
  }

  start(): void {
    const sim = this.cluster.sim;
    sim.at(this.pollMs, Priority.workload, () => this.watch(), undefined);
    sim.at(CONSOLIDATION_INTERVAL_MS, Priority.workload, () => this.consolidate(), undefined);
  }

  /** Watches pending pods and closes the batch (idle or max duration reached), then provisions. */
  private watch(): void {
    const now = this.cluster.sim.now;
    const pending = this.cluster.pendingFor(this.group.name);
    if (pending === 0) this.batchOpened = -1;
    else if (this.batchOpened < 0) {
      this.batchOpened = now;
      this.lastGrowth = now;
    } else if (pending > this.lastPending) this.lastGrowth = now;
    this.lastPending = pending;
    if (
      this.batchOpened >= 0 &&
      (now - this.lastGrowth >= this.spec.batchIdleDurationMs || now - this.batchOpened >= this.spec.batchMaxDurationMs)
    ) {
      const live = this.cluster.liveNodes(this.group.name);
      const add = nodesNeeded(this.group, pending, live, this.spec.maxNodes, now);
      if (add > 0) this.cluster.addNodes(this.group.name, add, 'karpenter');
      this.batchOpened = -1;
    }
    this.cluster.sim.after(this.pollMs, Priority.workload, () => this.watch(), undefined);
  }

  private consolidate(): void {
    const now = this.cluster.sim.now;
    const live = this.cluster.liveNodes(this.group.name);
    const ripe: ClusterNode[] = [];
    for (const n of live) {
      const seen = this.settled.get(n);
      if (!seen || seen.pods !== n.runtime.pods) this.settled.set(n, { pods: n.runtime.pods, since: now });
      const since = this.settled.get(n)?.since ?? now;
      if (n.runtime.ready && now - since >= this.spec.consolidateAfterMs) ripe.push(n);
    }
    const leaving = new Set(ripe.filter((n) => n.runtime.pods === 0));
    if (
      this.spec.consolidationPolicy === 'WhenEmptyOrUnderutilized' &&
      this.cluster.pendingFor(this.group.name) === 0
    ) {
      const busy = ripe
        .filter((n) => n.runtime.pods > 0)
        .sort((a, b) => a.runtime.pods - b.runtime.pods || a.runtime.index - b.runtime.index)
        .find((n) => podsFitElsewhere(this.cluster, n, live, leaving));
      if (busy) leaving.add(busy);
    }
    if (leaving.size > 0) {
      for (const n of leaving) this.settled.delete(n);
      this.cluster.removeNodes(this.group.name, [...leaving], 'karpenter');
    }
    this.cluster.sim.after(CONSOLIDATION_INTERVAL_MS, Priority.workload, () => this.consolidate(), undefined);
  }
}
