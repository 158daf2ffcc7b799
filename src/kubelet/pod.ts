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
  // Every field is set in reset(), in one order, so new and recycled pods share one shape.
  state!: PodState;
  node!: NodeRuntime | undefined;
  addr!: Addr | undefined;
  /** Index in kubelet's list of bound pods (-1 when not bound). */
  slot!: number;
  /** Time (ms) the scheduler bound it to a node, -1 before. */
  boundAt!: number;
  /** Time (ms) of the first CNI ADD, -1 before. */
  firstAddAt!: number;
  startedAt!: number;
  failedAdds!: number;
  /** Whether its timer (retry or scheduled deletion) is queued. */
  timerQueued!: boolean;
  // The timer's event fields (see SimEvent).
  time!: number;
  priority!: number;
  seq!: number;
  fn!: EventHandler<any>;
  arg!: unknown;
  cancelled!: boolean;
  next!: SimEvent | null;
  id!: number;
  nameOrPrefix!: string;
  /** Index within its generator (name = prefix-index), or -1 when nameOrPrefix is the full name. */
  index!: number;
  createdAt!: number;
  /** Lifetime after start (whole ms), or undefined to run until deleted or the end. */
  lifetimeMs!: number | undefined;
  /** Scheduling constraint: 'node:<name>', 'group:<name>' or '*'. */
  constraint!: string;
  /** Created by name (scripted events, traces): kubelet can look it up by name, so its object is never reused. */
  named!: boolean;

  constructor(id: number, nameOrPrefix: string, index: number, createdAt: number, lifetimeMs: number | undefined, constraint: string, named = false) {
    this.reset(id, nameOrPrefix, index, createdAt, lifetimeMs, constraint, named);
  }

  /** (Re)initialises every field: a pod just created, or a finished pod object reused for a new pod. */
  reset(id: number, nameOrPrefix: string, index: number, createdAt: number, lifetimeMs: number | undefined, constraint: string, named: boolean): void {
    this.state = PodState.Pending;
    this.node = undefined;
    this.addr = undefined;
    this.slot = -1;
    this.boundAt = -1;
    this.firstAddAt = -1;
    this.startedAt = -1;
    this.failedAdds = 0;
    this.timerQueued = false;
    this.time = 0;
    this.priority = 0;
    this.seq = 0;
    this.fn = idle;
    this.arg = null;
    this.cancelled = false;
    this.next = null;
    this.id = id;
    this.nameOrPrefix = nameOrPrefix;
    this.index = index;
    this.createdAt = createdAt;
    // Rounded up to whole ms once: it is only ever added to whole-ms times and the sum rounded up, so
    // ceil(t + lifetime) = t + ceil(lifetime) gives the same deletion times, and the field stays a small integer.
    this.lifetimeMs = lifetimeMs === undefined ? undefined : Math.ceil(lifetimeMs);
    this.constraint = constraint;
    this.named = named;
  }

  get name(): string {
    return this.index < 0 ? this.nameOrPrefix : `${this.nameOrPrefix}-${this.index}`;
  }
}
