/**
 * The second door, beside ipamd's (src/ipam/cni.ts): a pod that matches a SecurityGroupPolicy requests one
 * `vpc.amazonaws.com/pod-eni` and its network is a branch ENI the VPC resource controller creates and associates
 * with the node's trunk ENI. Upstream the CNI plugin reads that branch ENI from the pod's annotation; kubelet's
 * CNI ADD of such a pod comes here instead of to ipamd's AddNetwork, and its deletion here instead of DelNetwork.
 */
import type { PodAddress } from '../ipam/cni.js';
import type { Pod } from './pod.js';

/** What kubelet needs of the VPC resource controller. */
export interface BranchCni {
  /**
   * CNI ADD of a branch-ENI pod: the branch ENI's address once the controller has annotated the pod with it, else
   * undefined (the ADD fails and kubelet retries after its backoff).
   */
  addNetwork(pod: Pod): PodAddress | undefined;
  /** The pod was deleted after binding: its branch ENI (if any) goes to the controller's cooldown queue. */
  podDeleted(pod: Pod): void;
}
