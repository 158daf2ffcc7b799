import { NO_HANDLE, type AddressHandle, type CniPod, type PodAddress } from '../ipam/cni.js';
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
export class Pod implements SimEvent, CniPod {
  // Every field has an initialiser, so TypeScript writes each one as an assignment at the top of the
  // constructor and every pod has all its fields inside the object from the first one on; reset() then sets them
  // again, in the same order. The order is the layout: what popping the timer and deleting the pod read comes
  // first, so that those reads share the object's first cache lines; names and creation facts come last.
  // The timer's event fields (see SimEvent).
  time = 0;
  priority = 0;
  seq = 0;
  next: SimEvent | null = null;
  cancelled = false;
  fn: EventHandler<Pod> = idle;
  /** Its handlers' argument: the pod itself. */
  arg: unknown = this;
  /** Whether its timer (retry or scheduled deletion) is queued. */
  timerQueued = false;
  state: PodState = PodState.Pending;
  node: NodeRuntime | undefined = undefined;
  /** Its address, from ipamd's AddNetwork. */
  addr: PodAddress | undefined = undefined;
  /** What ipamd gave it with its address, handed back on DelNetwork. */
  ipamHandle: AddressHandle = NO_HANDLE;
  /** Index in kubelet's list of bound pods (-1 when not bound). */
  slot = -1;
  /** Created by name (scripted events, traces): kubelet can look it up by name, so its object is never reused. */
  named = false;
  startedAt = -1;
  failedAdds = 0;
  /** Lifetime after start (whole ms), or undefined to run until deleted or the end. */
  lifetimeMs: number | undefined = undefined;
  id = 0;
  createdAt = 0;
  /** Time (ms) the scheduler bound it to a node, -1 before. */
  boundAt = -1;
  /** Time (ms) of the first CNI ADD, -1 before. */
  firstAddAt = -1;
  nameOrPrefix = '';
  /** Index within its generator (name = prefix-index), or -1 when nameOrPrefix is the full name. */
  index = -1;
  /** Scheduling constraint: 'node:<name>', 'group:<name>' or '*'. */
  constraint = '*';
  /**
   * Matches a SecurityGroupPolicy: requests one `vpc.amazonaws.com/pod-eni` and gets a branch ENI from the VPC
   * resource controller instead of an address from ipamd.
   */
  branch = false;

  constructor(
    id: number,
    nameOrPrefix: string,
    index: number,
    createdAt: number,
    lifetimeMs: number | undefined,
    constraint: string,
    named = false,
    branch = false,
  ) {
    this.reset(id, nameOrPrefix, index, createdAt, lifetimeMs, constraint, named, branch);
  }

  /** (Re)initialises every field: a pod just created, or a finished pod object reused for a new pod. */
  reset(
    id: number,
    nameOrPrefix: string,
    index: number,
    createdAt: number,
    lifetimeMs: number | undefined,
    constraint: string,
    named: boolean,
    branch = false,
  ): void {
    this.time = 0;
    this.priority = 0;
    this.seq = 0;
    this.next = null;
    this.cancelled = false;
    this.fn = idle;
    this.arg = this;
    this.timerQueued = false;
    this.state = PodState.Pending;
    this.node = undefined;
    this.addr = undefined;
    this.ipamHandle = NO_HANDLE;
    this.slot = -1;
    this.named = named;
    this.startedAt = -1;
    this.failedAdds = 0;
    // Rounded up to whole ms once: it is only ever added to whole-ms times and the sum rounded up, so
    // ceil(t + lifetime) = t + ceil(lifetime) gives the same deletion times, and the field stays a small integer.
    this.lifetimeMs = lifetimeMs === undefined ? undefined : Math.ceil(lifetimeMs);
    this.id = id;
    this.createdAt = createdAt;
    this.boundAt = -1;
    this.firstAddAt = -1;
    this.nameOrPrefix = nameOrPrefix;
    this.index = index;
    this.constraint = constraint;
    this.branch = branch;
  }

  get name(): string {
    return this.index < 0 ? this.nameOrPrefix : `${this.nameOrPrefix}-${this.index}`;
  }
}
