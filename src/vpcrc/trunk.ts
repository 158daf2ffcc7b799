/**
 * One node's trunk ENI as the controller caches it (pkg/provider/branch/trunk/trunk.go): the branch ENIs of its
 * pods, the delete queue, and the capacity check.
 */
import type { EniRecord } from '../aws/ec2.js';
import type { NodeRuntime } from '../kubelet/node.js';
import { DeleteQueue } from './cooldown.js';
import type { BranchEni } from './branch.js';

export type { BranchEni } from './branch.js';

/** Where a node's trunk stands. */
export const enum TrunkState {
  /** Waiting for (or in) the init job. */
  Pending = 0,
  /** Created and attached: branch capacity advertised. */
  Ready = 1,
  /** The node was drained: no new branch ENIs. */
  Gone = 2,
}

export class Trunk {
  state = TrunkState.Pending;
  /** The trunk ENI once created. */
  eni: EniRecord | undefined;
  /** Branch ENIs by pod id (uidToBranchENIMap). */
  readonly byPod = new Map<number, BranchEni>();
  readonly deleteQueue = new DeleteQueue();
  /** Creations under way (counted against the limit; see canCreateMore). */
  inFlight = 0;
  /** Most branch ENIs (in use, cooling and being created) held at once. */
  peak = 0;
  readyAt = -1;
  attachedAt = -1;
  initFailures = 0;

  constructor(
    readonly node: NodeRuntime,
    /** BranchInterface of the node's type (pkg/aws/vpc/limits.go). */
    readonly limit: number,
  ) {}

  /** Branch ENIs counted against the limit: in use, in the delete queue, and being created. */
  get held(): number {
    return this.byPod.size + this.deleteQueue.length + this.inFlight;
  }

  /**
   * canCreateMore (trunk.go): used branches plus the delete queue below the type's BranchInterface. Creations in
   * flight count too: an assumption (upstream counts a branch once it is cached), standing for EC2 refusing an
   * association beyond the trunk's limit.
   */
  canCreateMore(): boolean {
    return this.held < this.limit;
  }

  notePeak(): void {
    if (this.held > this.peak) this.peak = this.held;
  }
}
