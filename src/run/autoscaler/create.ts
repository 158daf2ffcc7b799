/** The autoscaler a node group's spec asks for. */
import type { NodeGroupSpec } from '../../workload/scenario.js';
import type { AutoscaledCluster, Autoscaler } from './autoscaler.js';
import { ClusterAutoscaler } from './cluster-autoscaler.js';
import { Karpenter } from './karpenter.js';

export function createAutoscaler(cluster: AutoscaledCluster, g: NodeGroupSpec): Autoscaler | undefined {
  const a = g.autoscaler;
  if (!a) return undefined;
  return a.kind === 'cluster-autoscaler' ? new ClusterAutoscaler(cluster, g, a) : new Karpenter(cluster, g, a);
}
