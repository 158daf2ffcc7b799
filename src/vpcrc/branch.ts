/** A branch ENI as the VPC resource controller caches it (trunk.go ENIDetails). */
import type { Subnet } from '../aws/subnet.js';
import type { PodAddress } from '../ipam/cni.js';

/** A branch ENI: its own address in the node's subnet, associated with the trunk (a VLAN). */
export interface BranchEni extends PodAddress {
  readonly eni: { readonly id: string };
  readonly ip: number;
  readonly prefix: null;
  readonly node: string;
  readonly subnet: Subnet;
  /** Id of the pod it was created for. */
  readonly podId: number;
  /** Associated with the trunk (AssociateTrunkInterface succeeded). */
  associated: boolean;
  /** The pod annotation carries it: the pod's CNI ADD can use it. */
  annotated: boolean;
  /** When it entered the delete queue (-1: delete on the next pass). */
  deletedAt: number;
  /** Deleted in EC2 (its address is back in the subnet). */
  deleted: boolean;
}
