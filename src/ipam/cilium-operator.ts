/**
 * Cilium's operator as the central placement of the decision (pkg/ipam/node_manager.go): one decider for every
 * node of the cluster that runs `cilium-eni`. Each node's agent publishes its pool in the CiliumNode resource at
 * most once per `ipam-cilium-node-update-rate` (15 s); the operator, on an update that shows a deficit, queues the
 * node; the queue runs at most once per second, nodes with the biggest deficit first, at most
 * `parallel-alloc-workers` at once; a full resync every minute queues every node with a deficit or (with
 * --aws-release-excess-ips) excess. Every EC2 call of the operator waits first for its own client-side token
 * bucket (--limit-ipam-api-qps / --limit-ipam-api-burst), then meets the account's buckets like any other call.
 * The allocation itself is the node's policy ({@link CiliumPolicy}) carried out by ipamd's mechanics.
 */
import { Priority, type Simulation } from '../engine/sim.js';
import type { SimEvent } from '../engine/queue.js';
import type { CentralNode, CentralPlacement } from './allocator.js';
import { CiliumPolicy, ClientRateLimiter, type CiliumOperatorSettings } from './cilium.js';

interface NodeState {
  readonly node: CentralNode;
  readonly policy: CiliumPolicy;
  /** The agent's readiness callback, until the pool first holds an address. */
  ready: (() => void) | undefined;
  busy: boolean;
  queued: boolean;
  /** When the agent last updated its CiliumNode. */
  lastUpdateAt: number;
  /** A CiliumNode update held back by the agent's update rate. */
  update: SimEvent | undefined;
}

/** The operator. */
export class CiliumOperator implements CentralPlacement {
  readonly limiter: ClientRateLimiter;
  /** Maintenances run (one allocation or release action each). */
  maintenances = 0;
  private readonly nodes = new Map<CentralNode, NodeState>();
  private readonly policies = new Map<string, CiliumPolicy>();
  private running = 0;
  private queueEvent: SimEvent | undefined = undefined;
  private lastQueueRun = -Infinity;
  private resyncEvent: SimEvent | undefined = undefined;
  /** The client-side rate limit, as an EC2 client's gate. */
  readonly gate: (go: () => void) => void;

  constructor(
    private readonly sim: Simulation,
    readonly settings: CiliumOperatorSettings,
  ) {
    this.limiter = new ClientRateLimiter(settings.apiQps, settings.apiBurst);
    this.gate = (go) => {
      const wait = this.limiter.reserve(this.sim.now);
      if (wait === 0) go();
      else this.sim.after(wait, Priority.ec2, go, undefined);
    };
  }

  /** Registers the policy of a node before it joins (the CiliumNode's spec.ipam). */
  register(node: string, policy: CiliumPolicy): void {
    this.policies.set(node, policy);
  }

  join(node: CentralNode, ready: () => void): void {
    const policy = this.policies.get(node.name) as CiliumPolicy;
    const s: NodeState = {
      node,
      policy,
      ready,
      busy: false,
      queued: false,
      lastUpdateAt: this.sim.now,
      update: undefined,
    };
    this.nodes.set(node, s);
    this.resyncEvent ??= this.sim.after(this.settings.resyncIntervalMs, Priority.ec2, () => this.resync(), undefined);
    this.enqueue(s);
  }

  poke(node: CentralNode): void {
    const s = this.nodes.get(node);
    if (s === undefined || s.update !== undefined) return;
    const at = Math.max(this.sim.now, s.lastUpdateAt + this.settings.nodeUpdateRateMs);
    s.update = this.sim.at(at, Priority.ec2, () => this.updated(s), undefined);
  }

  leave(node: CentralNode): void {
    const s = this.nodes.get(node);
    if (s === undefined) return;
    if (s.update) s.update.cancelled = true;
    if (s.busy) this.running--;
    this.nodes.delete(node);
    this.policies.delete(node.name);
    this.kick();
  }

  /** UpdatedResource: the operator recalculates the node and queues it when it needs addresses. */
  private updated(s: NodeState): void {
    s.update = undefined;
    s.lastUpdateAt = this.sim.now;
    this.checkReady(s);
    if (s.policy.needed(s.node.view().now) > 0) this.enqueue(s);
  }

  private checkReady(s: NodeState): void {
    if (s.ready !== undefined && s.node.view().now.total > 0) {
      const ready = s.ready;
      s.ready = undefined;
      ready();
    }
  }

  private enqueue(s: NodeState): void {
    if (s.queued || s.busy) return;
    if (s.policy.nextLook(s.node.view(), this.sim.now) > this.sim.now) return;
    s.queued = true;
    this.kick();
  }

  /** Runs the queue as soon as its least interval allows, unless a run is already due. */
  private kick(): void {
    if (this.queueEvent !== undefined) return;
    let queued = false;
    for (const s of this.nodes.values()) if (s.queued) queued = true;
    if (!queued) return;
    const at = Math.max(this.sim.now, this.lastQueueRun + this.settings.queueIntervalMs);
    this.queueEvent = this.sim.at(at, Priority.ec2, () => this.runQueue(), undefined);
  }

  /** The maintenance queue: nodes with the biggest deficit first (excess counts as a negative deficit). */
  private runQueue(): void {
    this.queueEvent = undefined;
    this.lastQueueRun = this.sim.now;
    const ready: { s: NodeState; key: number }[] = [];
    for (const s of this.nodes.values()) {
      if (!s.queued) continue;
      const snap = s.node.view().now;
      const needed = s.policy.needed(snap);
      ready.push({ s, key: needed > 0 ? needed : -s.policy.excess(snap) });
    }
    ready.sort((a, b) => b.key - a.key || a.s.node.index - b.s.node.index);
    for (const { s } of ready) {
      if (this.running >= this.settings.parallelWorkers) break;
      this.start(s);
    }
    this.kick();
  }

  private start(s: NodeState): void {
    s.queued = false;
    s.busy = true;
    this.running++;
    this.maintenances++;
    const before = s.node.view().now.total;
    s.node.maintain(() => {
      if (this.nodes.get(s.node) !== s) return; // left meanwhile
      s.busy = false;
      this.running--;
      this.checkReady(s);
      // A deficit left after an action that added addresses is resolved at once; after one that did not (EC2
      // refused, no room) it waits for the next resync or CiliumNode update.
      const snap = s.node.view().now;
      if (snap.total > before && s.policy.needed(snap) > 0) this.enqueue(s);
      this.kick();
    });
  }

  /** The full resync: every node with something to do is queued. */
  private resync(): void {
    this.resyncEvent = undefined;
    if (this.nodes.size === 0) return;
    for (const s of this.nodes.values()) {
      this.checkReady(s);
      this.enqueue(s);
    }
    this.resyncEvent = this.sim.after(this.settings.resyncIntervalMs, Priority.ec2, () => this.resync(), undefined);
  }
}
