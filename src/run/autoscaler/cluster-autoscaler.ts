/**
 * The Cluster Autoscaler, for one node group (kubernetes/autoscaler, cluster-autoscaler/FAQ.md, "What are the
 * parameters to CA?"; defaults: --scan-interval 10s, --scale-down-utilization-threshold 0.5,
 * --scale-down-unneeded-time 10m, --scale-down-delay-after-add 10m, --max-empty-bulk-delete 10).
 *
 * Every scan: if pods wait for a node for lack of pod slots (beyond what booting nodes will take), the group
 * grows by enough nodes for them, up to maxNodes. Scale-down is considered once scaleDownDelayAfterAdd has
 * passed since the last scale-up: a Ready node whose utilisation (pods / pod slots; CA's requests / allocatable
 * with pod slots as the only resource) is below the threshold becomes unneeded; one unneeded for
 * scaleDownUnneededTime is removed if its pods fit on the group's other nodes, down to minNodes. Empty nodes go
 * in bulk (up to 10 a scan), a node with pods one at a time, as CA does.
 */
import { Priority } from '../../engine/sim.js';
import type { ClusterAutoscalerSpec, NodeGroupSpec } from '../../workload/scenario.js';
import type { ClusterNode } from '../view.js';
import { nodesNeeded, podsFitElsewhere, type AutoscaledCluster, type Autoscaler } from './autoscaler.js';

/** --max-empty-bulk-delete default. */
const MAX_EMPTY_BULK_DELETE = 10;

export class ClusterAutoscaler implements Autoscaler {
  /** Since when each node has been unneeded. */
  private readonly unneededSince = new Map<ClusterNode, number>();
  private lastScaleUp = -Infinity;

  constructor(
    private readonly cluster: AutoscaledCluster,
    private readonly group: NodeGroupSpec,
    private readonly spec: ClusterAutoscalerSpec,
  ) {}

  start(): void {
    this.cluster.sim.at(this.spec.scanIntervalMs, Priority.workload, () => this.scan(), undefined);
  }

  private scan(): void {
    const now = this.cluster.sim.now;
    if (!this.scaleUp(now) && now - this.lastScaleUp >= this.spec.scaleDownDelayAfterAddMs) this.scaleDown(now);
    this.cluster.sim.after(this.spec.scanIntervalMs, Priority.workload, () => this.scan(), undefined);
  }

  private scaleUp(now: number): boolean {
    const live = this.cluster.liveNodes(this.group.name);
    const add = nodesNeeded(this.group, this.cluster.pendingFor(this.group.name), live, this.spec.maxNodes, now);
    if (add === 0) return false;
    this.cluster.addNodes(this.group.name, add, 'cluster-autoscaler');
    this.lastScaleUp = now;
    return true;
  }

  private scaleDown(now: number): void {
    const live = this.cluster.liveNodes(this.group.name);
    const ripe: ClusterNode[] = [];
    for (const n of live) {
      const r = n.runtime;
      const utilisation = r.podCapacity > 0 ? r.pods / r.podCapacity : 1;
      if (!r.ready || utilisation >= this.spec.scaleDownUtilizationThreshold) {
        this.unneededSince.delete(n);
        continue;
      }
      const since = this.unneededSince.get(n) ?? now;
      this.unneededSince.set(n, since);
      if (now - since >= this.spec.scaleDownUnneededTimeMs) ripe.push(n);
    }
    let removable = live.length - this.spec.minNodes;
    const leaving = new Set<ClusterNode>();
    for (const n of ripe.filter((x) => x.runtime.pods === 0)) {
      if (removable <= 0 || leaving.size >= MAX_EMPTY_BULK_DELETE) break;
      leaving.add(n);
      removable--;
    }
    if (leaving.size === 0 && removable > 0) {
      const busy = ripe.find((n) => n.runtime.pods > 0 && podsFitElsewhere(this.cluster, n, live, leaving));
      if (busy) leaving.add(busy);
    }
    if (leaving.size === 0) return;
    for (const n of leaving) this.unneededSince.delete(n);
    this.cluster.removeNodes(this.group.name, [...leaving], 'cluster-autoscaler');
  }
}
