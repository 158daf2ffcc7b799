/**
 * The seam between deciding and doing. An {@link AllocationPolicy} is pure: given one node's pool as it is now (and,
 * during a pass, as it was when the pass began), the time and where the pass stands, it names the next thing to do
 * as an {@link Intent}. The mechanics (mechanics.ts) carries an intent out: EC2 calls, retries, the datastore,
 * stop handling. ipamd's own policy is ipamd-policy.ts; another allocator (Cilium's operator, Azure's batches) is
 * one more file implementing this interface.
 */
import type { Datastore, DsEni } from './datastore.js';
import type { PoolSnapshot } from './policy.js';

/** One node as a policy sees it. Read-only: a policy never changes it. */
export interface NodeView {
  /** The datastore (read it; never change it). */
  readonly pool: Datastore;
  /** The pool's counts now. */
  readonly now: PoolSnapshot;
  /** During a pass: the counts when the pass began (ipamd's GetIPStats at the top of updateIPPoolIfRequired). */
  readonly passStart: PoolSnapshot;
  /** ENIs this node may hold (MAX_ENI, the instance limit, less the trunk ENI's slot). */
  readonly eniCap: number;
  /** Until when growth is held off after an insufficient-address error; -Infinity if it is not. */
  readonly backoffUntil: number;
  /** When the last pass released CIDRs; -Infinity if none has. */
  readonly lastDecreaseAt: number;
  /**
   * The node carries the `node.kubernetes.io/unschedulable:NoSchedule` taint (it is cordoned), as ipamd's
   * isNodeNonSchedulable reads it (pkg/ipamd/ipamd.go:2255-2281). Absent: schedulable.
   */
  readonly unschedulable?: boolean;
}

/** Where a node's ipamd stands when it asks its policy what to do. */
export type Step =
  /** nodeInit: the first grow, before the node is Ready. */
  | { readonly at: 'init' }
  /** A pool loop pass begins. */
  | { readonly at: 'pass' }
  /** A top-up ended: whether it added CIDRs, or the error code that ended it. */
  | { readonly at: 'topped-up'; readonly init: boolean; readonly increased: boolean; readonly error?: string }
  /** An ENI attach ended (attached or not). */
  | { readonly at: 'attached'; readonly init: boolean }
  /** CIDRs were released. */
  | { readonly at: 'released' }
  /** An ENI was freed (or its freeing failed). */
  | { readonly at: 'freed' };

/** What to do next. Counts are CIDRs: /32s (SIP) or /28 prefixes (PD). */
export type Intent =
  /**
   * Top up existing ENIs: try `enis` in Go map order (a random permutation drawn as they are tried), asking each for
   * min(perEni - its CIDRs, want); on an EC2 error, once more for 1. With `nextOnInsufficient`, an
   * insufficient-address error moves on to the next ENI; otherwise any error ends the top-up. It ends at the first
   * ENI that gets CIDRs.
   */
  | {
      readonly kind: 'top-up';
      readonly enis: readonly DsEni[];
      readonly perEni: number;
      readonly want: number;
      readonly nextOnInsufficient: boolean;
    }
  /** Create and attach a new ENI with this many CIDRs. */
  | { readonly kind: 'attach-eni'; readonly cidrs: number }
  /** Release this many free CIDRs, ENIs in Go map order, the CIDRs of each in Go map order. */
  | { readonly kind: 'release'; readonly cidrs: number }
  /** Free one of these ENIs (chosen in Go map order). */
  | { readonly kind: 'free-eni'; readonly candidates: readonly DsEni[] }
  /** Nothing more this pass. */
  | { readonly kind: 'done' };

/** One allocator's decisions for the nodes of a node group. */
export interface AllocationPolicy {
  /** What to do at `step` (time `now`, ms). */
  decide(node: NodeView, step: Step, now: number): Intent;
  /**
   * When a pass would first do something other than 'done': `now`, a later time at which only time (a back-off, an
   * interval, an ENI's age or cooldown) changes the answer, or Infinity until a pod or the pool changes. The lazy
   * loop runs passes only then.
   */
  nextLook(node: NodeView, now: number): number;
  /**
   * The quiet band for a pool of `s.total` addresses: assigned counts [lo, hi] at which {@link nextLook} is Infinity
   * whatever the time, so a pod event there needs no look. [1, 0] (empty) is always safe.
   */
  quietBand(s: PoolSnapshot): readonly [number, number];
  /** Whether the pool has nothing left to grow (for the report's "pool at target" time). */
  satisfied(node: NodeView): boolean;
}

/** One node as a central decider (an operator deciding for every node) drives it. */
export interface CentralNode {
  readonly name: string;
  /** The node's place among all nodes (breaks ties in the operator's queue). */
  readonly index: number;
  /** The node's pool as it is now. */
  view(): NodeView;
  /** Runs one maintenance (the policy's 'pass' step and what follows) through the node's mechanics, then `end`. */
  maintain(end: () => void): void;
}

/**
 * Where the decision is placed when it is not ipamd's loop on each node: the node joins (its agent started; `ready`
 * once its pool has an address), pokes on every pool change (the agent's CiliumNode update) and leaves when drained.
 */
export interface CentralPlacement {
  join(node: CentralNode, ready: () => void): void;
  poke(node: CentralNode): void;
  leave(node: CentralNode): void;
}
