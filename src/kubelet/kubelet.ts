/**
 * kubelet's side of pod networking: on binding, CNI ADD asks ipamd for an address; if none is free the sandbox
 * creation fails and kubelet retries after a jittered backoff (pod_workers.go: 10 s x (1 + 0.5 x U), an external
 * assumption). DEL returns the address into cooldown. One Kubelet object serves all nodes.
 */
import { Priority, type Simulation } from '../engine/sim.js';
import { sample, type Distribution } from '../engine/distribution.js';
import type { Rng, Streams } from '../engine/random.js';
import { Pod, PodState } from './pod.js';
import type { NodeRuntime } from './node.js';
import { Scheduler } from './scheduler.js';
import type { BranchCni } from './branch-cni.js';

/** kubelet model parameters (assumptions, overridable). */
export interface KubeletParams {
  /** Delay before kubelet retries a pod whose CNI ADD failed. */
  retryBackoff: Distribution;
}

/** Default: uniformly 10-15 s (kubelet backOffPeriod 10 s with jitter factor 0.5; reference 3.1 step 5). */
export function defaultKubeletParams(): KubeletParams {
  return { retryBackoff: { kind: 'uniform', minMs: 10_000, maxMs: 15_000 } };
}

/** Receives pod lifecycle facts for the report. */
export interface PodObserver {
  podCreated(pod: Pod, now: number): void;
  podBound(pod: Pod, now: number): void;
  podAddFailed(pod: Pod, now: number): void;
  podStarted(pod: Pod, now: number): void;
  /** `wasRunning`: it held an address, now cooling. */
  podDeleted(pod: Pod, now: number, wasRunning: boolean): void;
  /** A drain evicts the pod (before it is deleted); `rescheduled`: a replacement is created. */
  podEvicted(pod: Pod, now: number, rescheduled: boolean): void;
}

/** Pod lifecycle across the cluster. */
export class Kubelet {
  readonly scheduler: Scheduler;
  private readonly retryRngs = new Map<NodeRuntime, Rng>();
  private readonly byName = new Map<string, Pod>();
  /**
   * Every pod bound to a node and not deleted; each pod knows its slot. One list for the cluster rather than one
   * per node: a removal moves the last pod, which was bound most recently and is likely still in cache, and the
   * list is one array. Only a drain asks for a node's pods.
   */
  private readonly bound: Pod[] = [];
  private nextId = 0;
  /** The VPC resource controller, when the cluster runs one: branch-ENI pods' CNI calls go to it. */
  branchCni: BranchCni | undefined = undefined;

  constructor(
    private readonly sim: Simulation,
    private readonly params: KubeletParams,
    private readonly streams: Streams,
    private readonly observer: PodObserver,
  ) {
    this.scheduler = new Scheduler((pod, node) => this.bind(pod, node));
  }

  /** Registers a node (not yet Ready). */
  addNode(n: NodeRuntime): void {
    this.retryRngs.set(n, this.streams.stream(`kubelet/${n.name}/retry`));
    this.scheduler.addNode(n);
  }

  /** The node became Ready: the scheduler may use it. */
  nodeReady(n: NodeRuntime): void {
    n.ready = true;
    n.readyAt = this.sim.now;
    this.scheduler.refresh(n);
  }

  /**
   * Drains a node being removed: it leaves the scheduler, and each of its pods is deleted, or with `reschedule`
   * replaced by a new pod (same name, remaining lifetime, same constraint) that the scheduler places elsewhere.
   */
  drainNode(n: NodeRuntime, reschedule: boolean): void {
    n.ready = false;
    n.drainedAt = this.sim.now;
    this.scheduler.refresh(n);
    for (const pod of this.podsOn(n)) {
      this.deletePod(pod);
      if (reschedule) this.replace(pod);
    }
  }

  /** kubectl cordon: the node takes no new pod (spec.unschedulable); its pods stay. */
  cordon(n: NodeRuntime): void {
    if (n.unschedulable) return;
    n.unschedulable = true;
    n.cordonedAt = this.sim.now;
    this.scheduler.refresh(n);
  }

  /** kubectl uncordon: the node takes pods again. */
  uncordon(n: NodeRuntime): void {
    if (!n.unschedulable) return;
    n.unschedulable = false;
    this.scheduler.refresh(n);
  }

  /**
   * kubectl drain's eviction (after its cordon): every pod on the node is deleted (CNI DEL, its address starts its
   * cooldown) and, unless it is pinned to this node by name, replaced by a new pod that the scheduler places
   * elsewhere: a Deployment's pod keeps its name (its controller keeps counting it), a plain pod (burst, poisson,
   * cronJob) is recreated with what was left of its lifetime, as its controller (ReplicaSet, Job) would. A pod
   * pinned to the node (an `events` pod with `node:`) has nowhere else to go: it is deleted only, as
   * `kubectl drain --force` deletes a pod no controller owns. Eviction is at once: no PodDisruptionBudget, no
   * termination grace period. Returns the pods evicted.
   */
  evictPods(n: NodeRuntime): number {
    const pods = this.podsOn(n);
    const now = this.sim.now;
    const pinned = `node:${n.name}`;
    for (const pod of pods) {
      const rescheduled = pod.constraint !== pinned;
      this.observer.podEvicted(pod, now, rescheduled);
      this.deletePod(pod);
      if (rescheduled) this.replace(pod);
    }
    n.evictedAt = now;
    n.podsEvicted += pods.length;
    return pods.length;
  }

  /** A new pod in place of a deleted one: same name, remaining lifetime, same constraint. */
  private replace(pod: Pod): void {
    const left =
      pod.lifetimeMs === undefined
        ? undefined
        : pod.startedAt >= 0
          ? Math.max(0, pod.startedAt + pod.lifetimeMs - this.sim.now)
          : pod.lifetimeMs;
    this.createPod(pod.nameOrPrefix, pod.index, left, pod.constraint, this.byName.get(pod.name) === pod, pod.branch);
  }

  /**
   * Creates a pod. `name` is a full name when `index` < 0, else a prefix (name = prefix-index).
   * Named pods (explicit events, traces) can be deleted by name.
   */
  createPod(
    name: string,
    index: number,
    lifetimeMs: number | undefined,
    constraint: string,
    named: boolean,
    branch = false,
  ): Pod {
    const spare = this.spare.pop();
    let pod: Pod;
    if (spare !== undefined) {
      pod = spare;
      pod.reset(this.nextId++, name, index, this.sim.now, lifetimeMs, constraint, named, branch);
    } else pod = new Pod(this.nextId++, name, index, this.sim.now, lifetimeMs, constraint, named, branch);
    if (named) this.byName.set(pod.name, pod);
    this.observer.podCreated(pod, this.sim.now);
    this.scheduler.submit(pod);
    return pod;
  }

  /** Pods bound to node n (waiting or running). */
  podsOn(n: NodeRuntime): Pod[] {
    return this.bound.filter((p) => p.node === n);
  }

  /** A named pod, if it exists and is not deleted. */
  pod(name: string): Pod | undefined {
    const p = this.byName.get(name);
    return p && p.state !== PodState.Deleted ? p : undefined;
  }

  private bind(pod: Pod, node: NodeRuntime): void {
    pod.node = node;
    pod.boundAt = this.sim.now;
    pod.state = PodState.Waiting;
    node.pods++;
    if (pod.branch) node.branchPods++;
    pod.slot = this.bound.length;
    this.bound.push(pod);
    this.scheduler.refresh(node);
    this.observer.podBound(pod, this.sim.now);
    this.cniAdd(pod);
  }

  private readonly cniAddHandler = (pod: Pod): void => {
    pod.timerQueued = false;
    this.cniAdd(pod);
  };
  private readonly deleteHandler = (pod: Pod): void => {
    pod.timerQueued = false;
    this.deletePod(pod);
    // Its own timer ended it: it ran, so it is in no scheduler queue, and nothing else holds it unless it is named.
    if (!pod.named) this.spare.push(pod);
  };

  /**
   * Pods that ended by their own deletion timer, for reuse by the next createPod: a recycled object was touched
   * a moment ago (it is in cache) and the run allocates no pod per arrival. Only kubelet's own references remain.
   */
  private readonly spare: Pod[] = [];

  /** Queues the pod's own timer. */
  private arm(pod: Pod, delay: number, priority: number, fn: (pod: Pod) => void): void {
    pod.fn = fn;
    this.sim.schedule(pod, this.sim.now + delay, priority);
    pod.timerQueued = true;
  }

  /** CNI ADD: ipamd AddNetwork; on failure kubelet retries after its backoff. */
  private cniAdd(pod: Pod): void {
    const node = pod.node as NodeRuntime;
    const now = this.sim.now;
    if (pod.firstAddAt < 0) pod.firstAddAt = now;
    // CNI ADD → ipamd's AddNetwork: an address, or none free yet. A branch-ENI pod's goes to the controller.
    const addr = pod.branch ? this.branchCni?.addNetwork(pod) : node.ipamd.addNetwork(pod);
    if (addr !== undefined) {
      pod.addr = addr;
      pod.state = PodState.Running;
      if (pod.branch) node.branchRunning++;
      pod.startedAt = now;
      if (node.firstPodAddressAt < 0) node.firstPodAddressAt = now;
      this.observer.podStarted(pod, now);
      if (pod.lifetimeMs !== undefined) this.arm(pod, pod.lifetimeMs, Priority.workload, this.deleteHandler);
      return;
    }
    pod.failedAdds++;
    this.observer.podAddFailed(pod, now);
    const delay = sample(this.params.retryBackoff, this.retryRngs.get(node) as Rng);
    this.arm(pod, delay, Priority.kubelet, this.cniAddHandler);
  }

  /** Deletes a pod in any state (no-op if already deleted). */
  deletePod(pod: Pod): void {
    const state = pod.state;
    if (state === PodState.Deleted) return;
    pod.state = PodState.Deleted;
    if (pod.timerQueued) {
      pod.cancelled = true;
      pod.timerQueued = false;
    }
    if (state === PodState.Pending) {
      this.scheduler.forget(pod);
      this.observer.podDeleted(pod, this.sim.now, false);
      return;
    }
    const node = pod.node as NodeRuntime;
    if (pod.branch) {
      // The controller's pod watch: the branch ENI (if any) starts the controller's cooldown.
      node.branchPods--;
      if (state === PodState.Running) node.branchRunning--;
      this.branchCni?.podDeleted(pod);
    } else if (state === PodState.Running) {
      // CNI DEL → ipamd's DelNetwork: the address starts its cooldown.
      node.ipamd.delNetwork(pod);
    }
    node.pods--;
    const last = this.bound.pop() as Pod;
    if (last !== pod) {
      this.bound[pod.slot] = last;
      last.slot = pod.slot;
    }
    pod.slot = -1;
    this.observer.podDeleted(pod, this.sim.now, state === PodState.Running);
    this.scheduler.refresh(node);
  }
}
