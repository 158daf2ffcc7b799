import type { Addr } from '../ipam/datastore.js';
import type { SimEvent } from '../engine/queue.js';
import type { NodeRuntime } from './node.js';

/** Lifecycle state of a pod in the simulator. */
export const enum PodState {
  /** Created, no node yet (unschedulable or waiting for capacity). */
  Pending = 0,
  /** Bound to a node, CNI ADD not yet successful. */
  Waiting = 1,
  /** Has an address. */
  Running = 2,
  /** Deleted. */
  Deleted = 3,
}

/** One pod. Pods are numbered in creation order; names are built only when needed. */
export class Pod {
  state = PodState.Pending;
  node: NodeRuntime | undefined;
  addr: Addr | undefined;
  /** Index in its node's pod list (-1 when not bound). */
  slot = -1;
  /** Time (ms) the scheduler bound it to a node, -1 before. */
  boundAt = -1;
  /** Time (ms) of the first CNI ADD, -1 before. */
  firstAddAt = -1;
  startedAt = -1;
  failedAdds = 0;
  /** Pending retry or scheduled deletion. */
  timer: SimEvent | undefined;

  constructor(
    readonly id: number,
    readonly nameOrPrefix: string,
    /** Index within its generator (name = prefix-index), or -1 when nameOrPrefix is the full name. */
    readonly index: number,
    readonly createdAt: number,
    /** Lifetime after start (ms), or undefined to run until deleted or the end. */
    readonly lifetimeMs: number | undefined,
    /** Scheduling constraint: 'node:<name>', 'group:<name>' or '*'. */
    readonly constraint: string,
  ) {}

  get name(): string {
    return this.index < 0 ? this.nameOrPrefix : `${this.nameOrPrefix}-${this.index}`;
  }
}
