import type { Ipamd } from '../ipam/ipamd.js';

/** A node as kubelet and the scheduler see it. */
export class NodeRuntime {
  /** Pods bound to the node (waiting or running), host-network pods excluded. */
  pods = 0;
  ready = false;
  /**
   * Cordoned (`kubectl cordon`: spec.unschedulable, hence the `node.kubernetes.io/unschedulable:NoSchedule` taint):
   * the scheduler places no new pod here; pods already bound stay.
   */
  unschedulable = false;
  /** Time (ms) the node was last cordoned, -1 if never; time its pods were evicted by a drain, -1 if never. */
  cordonedAt = -1;
  evictedAt = -1;
  /** Pods a drain evicted from this node. */
  podsEvicted = 0;
  /** Lifecycle times (ms; -1 = not yet): instance start, Ready, first pod address, drained. */
  joinedAt = -1;
  readyAt = -1;
  firstPodAddressAt = -1;
  drainedAt = -1;
  /** Place of the node's name in sorted order among all nodes (the scheduler's tie-break). */
  rank = 0;
  /** Scheduler queues this node can serve, most specific first. */
  readonly queueKeys: readonly string[];
  constructor(
    readonly name: string,
    readonly index: number,
    readonly group: string,
    /** Pod capacity, including the 2 host-network pods. */
    readonly maxPods: number,
    /** Its ipamd: kubelet's CNI calls go to it (addNetwork, delNetwork). */
    readonly ipamd: Ipamd,
    /** Index of its node group in the scenario. */
    readonly groupIndex: number,
  ) {
    this.queueKeys = [`node:${name}`, `group:${group}`, '*'];
    this.podCapacity = maxPods - HOST_NETWORK_PODS;
  }

  /** Room for another pod: below maxPods less aws-node and kube-proxy, and below the group's podsPerNode. */
  get hasRoom(): boolean {
    return this.pods < this.podCapacity;
  }

  /** Workload pods this node takes. */
  podCapacity: number;

  /** The node's `vpc.amazonaws.com/pod-eni` capacity: 0 until the VPC resource controller has attached its trunk. */
  branchCapacity = 0;
  /** Bound pods (waiting or running) that request `vpc.amazonaws.com/pod-eni`, and those of them running. */
  branchPods = 0;
  branchRunning = 0;

  /** Room for a pod that requests a branch ENI: a pod slot and a free `vpc.amazonaws.com/pod-eni`. */
  get hasBranchRoom(): boolean {
    return this.pods < this.podCapacity && this.branchPods < this.branchCapacity;
  }
}

/** aws-node and kube-proxy: host-network pods that count against maxPods and take no pod address. */
export const HOST_NETWORK_PODS = 2;
