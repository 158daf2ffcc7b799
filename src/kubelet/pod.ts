import type { Addr } from '../ipam/datastore.js';
import type { EventHandler, SimEvent } from '../engine/queue.js';
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

const idle: EventHandler = () => {};

/**
 * One pod. Pods are numbered in creation order; names are built only when needed.
 *
 * A pod is its own timer (kubelet's retry, or its deletion at the end of its lifetime): it has the fields of a
 * queued event, so scheduling one allocates nothing and popping it touches no other object.
 */
export class Pod implements SimEvent {
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
  /** Whether its timer (retry or scheduled deletion) is queued. */
  timerQueued = false;
  // The timer's event fields (see SimEvent).
  time = 0;
  priority = 0;
  seq = 0;
  fn: EventHandler<any> = idle;
  arg: unknown = null;
  cancelled = false;
  next: SimEvent | null = null;

  constructor(
    readonly id: number,
    readonly nameOrPrefix: string,
    /** Index within its generator (name = prefix-index), or -1 when nameOrPrefix is the full name. */
    readonly index: number,
    readonly createdAt: number,
    lifetimeMs: number | undefined,
    /** Scheduling constraint: 'node:<name>', 'group:<name>' or '*'. */
    readonly constraint: string,
  ) {
    // Rounded up to whole ms once: it is only ever added to whole-ms times and the sum rounded up, so
    // ceil(t + lifetime) = t + ceil(lifetime) gives the same deletion times, and the field stays a small integer.
    this.lifetimeMs = lifetimeMs === undefined ? undefined : Math.ceil(lifetimeMs);
  }

  /** Lifetime after start (whole ms), or undefined to run until deleted or the end. */
  readonly lifetimeMs: number | undefined;

  get name(): string {
    return this.index < 0 ? this.nameOrPrefix : `${this.nameOrPrefix}-${this.index}`;
  }
}
