import type { Ipamd } from '../ipam/ipamd.js';

/** A node as kubelet and the scheduler see it. */
export class NodeRuntime {
  /** Pods bound to the node (waiting or running), host-network pods excluded. */
  pods = 0;
  ready = false;
  /** Position in the scheduler's cluster heap and group heap (-1: not in it). */
  readonly heapPos: [number, number] = [-1, -1];
  /** Scheduler queues this node can serve, most specific first. */
  readonly queueKeys: readonly string[];
  constructor(
    readonly name: string,
    readonly index: number,
    readonly group: string,
    /** Rank of the name in sorted order (scheduler tie-break). */
    readonly nameRank: number,
    /** Pod capacity, including the 2 host-network pods. */
    readonly maxPods: number,
    readonly ipamd: Ipamd,
    /** Index of its node group in the scenario. */
    readonly groupIndex: number,
  ) {
    this.queueKeys = [`node:${name}`, `group:${group}`, '*'];
  }

  /** Room for another pod (aws-node and kube-proxy occupy two of maxPods). */
  get hasRoom(): boolean {
    return this.pods < this.maxPods - HOST_NETWORK_PODS;
  }
}

/** aws-node and kube-proxy: host-network pods that count against maxPods and take no pod address. */
export const HOST_NETWORK_PODS = 2;
