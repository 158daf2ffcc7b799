/**
 * The scheduler: a pod without a node goes to the Ready, schedulable (not cordoned) node with the fewest pods (ties
 * by name) that is under maxPods; with none, it waits in a FIFO queue until capacity appears. Open nodes are filed
 * by (pods, name rank) in bucket sets, one for the whole cluster and one per node group, so a placement costs O(1)
 * amortised.
 */
import { NodeRuntime } from './node.js';
import { PodState, type Pod } from './pod.js';

/**
 * The nodes open for placement, in buckets by pod count; within a bucket, a bitset over name ranks. The pick is the
 * lowest set bit of the lowest non-empty bucket: (fewest pods, first name). A pod bound or deleted moves its node
 * one bucket, which costs two bit flips, where a heap of nodes would sift through log2(nodes) levels.
 */
class NodeBuckets {
  /** bits[c]: bitset over ranks of the member nodes with c pods (created on first use). */
  private bits: (Int32Array | undefined)[] = [];
  /** size[c]: members with c pods. */
  private size: number[] = [];
  /** lo[c]: no set bit in bits[c] below word lo[c]. */
  private lo: number[] = [];
  /** Lowest count with a member (Infinity when empty). */
  private min = Infinity;
  /** Bitset words per bucket: ceil(nodes / 32). */
  private words = 0;
  /** byRank[r]: the node of rank r. */
  private byRank: NodeRuntime[] = [];
  /** count[node.index]: the pod count it is filed under, or -1 when not a member. */
  private count = new Int32Array(64).fill(-1);

  top(): NodeRuntime | undefined {
    const c = this.min;
    if (c === Infinity) return undefined;
    const b = this.bits[c] as Int32Array;
    let w = this.lo[c];
    while (b[w] === 0) w++;
    this.lo[c] = w;
    const x = b[w];
    return this.byRank[w * 32 + 31 - Math.clz32(x & -x)];
  }

  has(n: NodeRuntime): boolean {
    return n.index < this.count.length && this.count[n.index] >= 0;
  }

  /** Sets the rank order (ranks are 0..nodes-1); members are refiled. */
  setRanks(byRank: NodeRuntime[]): void {
    const members = byRank.filter((n) => this.has(n));
    for (const m of members) this.count[m.index] = -1;
    this.byRank = byRank;
    this.words = Math.ceil(byRank.length / 32);
    this.bits = [];
    this.size = [];
    this.lo = [];
    this.min = Infinity;
    for (const m of members) this.insert(m);
  }

  insert(n: NodeRuntime): void {
    if (n.index >= this.count.length) {
      const next = new Int32Array(Math.max(n.index + 1, this.count.length * 2)).fill(-1);
      next.set(this.count);
      this.count = next;
    }
    const c = n.pods;
    this.count[n.index] = c;
    let b = this.bits[c];
    if (b === undefined) {
      while (this.size.length <= c) {
        this.size.push(0);
        this.lo.push(0);
        this.bits.push(undefined);
      }
      b = this.bits[c] = new Int32Array(this.words);
    }
    const w = n.rank >> 5;
    b[w] |= 1 << (n.rank & 31);
    if (w < this.lo[c]) this.lo[c] = w;
    this.size[c]++;
    if (c < this.min) this.min = c;
  }

  remove(n: NodeRuntime): void {
    if (!this.has(n)) return;
    const c = this.count[n.index];
    this.count[n.index] = -1;
    (this.bits[c] as Int32Array)[n.rank >> 5] &= ~(1 << (n.rank & 31));
    if (--this.size[c] === 0 && c === this.min) {
      let m = c + 1;
      while (m < this.size.length && this.size[m] === 0) m++;
      this.min = m < this.size.length ? m : Infinity;
    }
  }

  /** Refiles a member whose pod count changed. */
  update(n: NodeRuntime): void {
    if (!this.has(n) || this.count[n.index] === n.pods) return;
    this.remove(n);
    this.insert(n);
  }
}

/** FIFO of pods waiting for a node, one per scheduling constraint. */
class PodQueue {
  private items: Pod[] = [];
  private head = 0;
  get length(): number {
    return this.items.length - this.head;
  }
  peek(): Pod | undefined {
    return this.items[this.head];
  }
  push(p: Pod): void {
    this.items.push(p);
  }
  /** The queued pods (deleted ones included: they are dropped lazily). */
  queued(): Pod[] {
    return this.items.slice(this.head);
  }

  /** Pods still waiting (deleted ones skipped). */
  countPending(): number {
    let n = 0;
    for (let j = this.head; j < this.items.length; j++) if (this.items[j].state === PodState.Pending) n++;
    return n;
  }
  shift(): Pod | undefined {
    const p = this.items[this.head++];
    if (this.head > 256 && this.head * 2 > this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
    return p;
  }
}

/** Drops pods deleted while queued from the head of a queue (they were already uncounted by forget()). */
function dropDeleted(q: PodQueue): void {
  while (q.length > 0 && (q.peek() as Pod).state !== PodState.Pending) q.shift();
}

/** Places pods on nodes. `bind` is called for each placement. */
export class Scheduler {
  private readonly all = new NodeBuckets();
  private readonly groups = new Map<string, NodeBuckets>();
  private readonly byName = new Map<string, NodeRuntime>();
  private readonly queues = new Map<string, PodQueue>();
  /** Pods waiting for a node right now. */
  pendingCount = 0;
  /** Queues of pods that request `vpc.amazonaws.com/pod-eni`, by constraint (created on first such pod). */
  private readonly branchQueues = new Map<string, PodQueue>();
  /** Branch-ENI pods waiting for a node right now (part of {@link pendingCount}). */
  branchPending = 0;
  /** Branch-ENI pods that had to wait although a node had a pod slot: only branch capacity was missing. */
  branchCapacityWaits = 0;
  /** Called whenever {@link branchPending} changes (the controller's report keeps its level over time). */
  onBranchPending: ((pending: number) => void) | undefined = undefined;

  constructor(private readonly bind: (pod: Pod, node: NodeRuntime) => void) {}

  addNode(n: NodeRuntime): void {
    this.byName.set(n.name, n);
    this.nodes.push(n);
    this.ranksDirty = true;
    if (!this.groups.has(n.group)) this.groups.set(n.group, new NodeBuckets());
  }

  private readonly nodes: NodeRuntime[] = [];
  private ranksDirty = false;

  /**
   * Ties are broken by node name. The bucket sets file a numeric rank (the name's place in sorted order) instead of
   * strings; ranks are recomputed, and the nodes refiled, once after nodes join (a whole scale-out at a time).
   */
  private ensureRanks(): void {
    if (!this.ranksDirty) return;
    this.ranksDirty = false;
    const sorted = this.nodes.slice().sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    sorted.forEach((n, i) => (n.rank = i));
    this.all.setRanks(sorted);
    for (const h of this.groups.values()) h.setRanks(sorted);
  }

  node(name: string): NodeRuntime | undefined {
    return this.byName.get(name);
  }

  /** Keeps a node's membership in line with Ready and room; call after its pod count or readiness changed. */
  refresh(n: NodeRuntime): void {
    if (this.ranksDirty) this.ensureRanks();
    const eligible = n.ready && !n.unschedulable && n.hasRoom;
    // With a single node group its set would mirror the cluster's: keep only the latter.
    const group = this.groups.size > 1 ? (this.groups.get(n.group) as NodeBuckets) : undefined;
    if (eligible) {
      if (this.all.has(n)) {
        this.all.update(n);
        group?.update(n);
      } else {
        this.all.insert(n);
        group?.insert(n);
      }
      if (this.pendingCount > 0 && !this.draining) this.drain(n);
    } else {
      this.all.remove(n);
      group?.remove(n);
    }
  }

  private draining = false;

  private pick(constraint: string): NodeRuntime | undefined {
    if (constraint === '*') return this.all.top();
    if (constraint.startsWith('group:'))
      return this.groups.size > 1 ? this.groups.get(constraint.slice(6))?.top() : this.all.top();
    const n = this.byName.get(constraint.slice(5));
    return n && n.ready && !n.unschedulable && n.hasRoom ? n : undefined;
  }

  /** Places a new pod, or queues it. */
  submit(pod: Pod): void {
    if (this.ranksDirty) this.ensureRanks();
    if (pod.branch) return this.submitBranch(pod);
    if (this.pendingCount === 0) {
      const top = pod.constraint === '*' ? this.all.top() : this.pick(pod.constraint);
      if (top) return this.bind(pod, top);
    }
    const n = this.pick(pod.constraint);
    const q = this.queues.get(pod.constraint);
    if (q) dropDeleted(q);
    if (n && !(q && q.length > 0)) this.bind(pod, n);
    else this.enqueue(pod);
  }

  private enqueue(pod: Pod): void {
    let q = this.queues.get(pod.constraint);
    if (!q) this.queues.set(pod.constraint, (q = new PodQueue()));
    q.push(pod);
    this.pendingCount++;
  }

  /** Creation times (ms) of the pods waiting for a node, for the report. */
  pendingCreatedAt(): number[] {
    return [...this.queues.values()].flatMap((q) =>
      q.queued().flatMap((p) => (p.state === PodState.Pending ? [p.createdAt] : [])),
    );
  }

  /** Pods waiting in the queue of `key` ('*', 'group:<name>' or 'node:<name>'); autoscalers read it. */
  pendingIn(key: string): number {
    return this.queues.get(key)?.countPending() ?? 0;
  }

  /** Forgets a queued pod that was deleted before placement (it is skipped lazily). */
  forget(pod: Pod): void {
    this.pendingCount--;
    if (pod.branch) this.setBranchPending(this.branchPending - 1);
  }

  private setBranchPending(n: number): void {
    this.branchPending = n;
    this.onBranchPending?.(n);
  }

  /**
   * A node for a pod that requests `vpc.amazonaws.com/pod-eni`: Ready, a pod slot and a free branch ENI (the
   * extended resource the controller advertises once the trunk is attached), fewest pods first, then name. A scan
   * of the nodes: branch-ENI pods are few beside ordinary ones, so they keep out of the bucket sets' hot path.
   */
  private pickBranch(constraint: string): NodeRuntime | undefined {
    if (constraint.startsWith('node:')) {
      const n = this.byName.get(constraint.slice(5));
      return n && n.ready && !n.unschedulable && n.hasBranchRoom ? n : undefined;
    }
    const group = constraint.startsWith('group:') ? constraint.slice(6) : undefined;
    let best: NodeRuntime | undefined;
    for (const n of this.nodes) {
      if (!n.ready || n.unschedulable || !n.hasBranchRoom || (group !== undefined && n.group !== group)) continue;
      if (!best || n.pods < best.pods || (n.pods === best.pods && n.rank < best.rank)) best = n;
    }
    return best;
  }

  private submitBranch(pod: Pod): void {
    const q = this.branchQueues.get(pod.constraint);
    if (q) dropDeleted(q);
    const n = this.pickBranch(pod.constraint);
    if (n && !(q && q.length > 0)) return this.bind(pod, n);
    if (this.pick(pod.constraint)) this.branchCapacityWaits++;
    let bq = q;
    if (!bq) this.branchQueues.set(pod.constraint, (bq = new PodQueue()));
    bq.push(pod);
    this.pendingCount++;
    this.setBranchPending(this.branchPending + 1);
  }

  /** Capacity appeared on node n: place waiting pods that may use it, oldest first across queues. */
  private drain(n: NodeRuntime): void {
    this.draining = true;
    try {
      this.drainLoop(n);
    } finally {
      this.draining = false;
    }
  }

  private drainLoop(n: NodeRuntime): void {
    const keys = n.queueKeys;
    for (;;) {
      let best: PodQueue | undefined;
      let bestPod: Pod | undefined;
      for (const k of keys) {
        const q = this.queues.get(k);
        if (!q) continue;
        dropDeleted(q);
        const p = q.peek();
        if (p && (!bestPod || p.id < bestPod.id) && this.pick(k)) {
          best = q;
          bestPod = p;
        }
      }
      if (this.branchQueues.size > 0) {
        for (const k of keys) {
          const q = this.branchQueues.get(k);
          if (!q) continue;
          dropDeleted(q);
          const p = q.peek();
          if (p && (!bestPod || p.id < bestPod.id) && this.pickBranch(k)) {
            best = q;
            bestPod = p;
          }
        }
      }
      if (!best || !bestPod) return;
      best.shift();
      this.pendingCount--;
      if (bestPod.branch) {
        this.setBranchPending(this.branchPending - 1);
        this.bind(bestPod, this.pickBranch(bestPod.constraint) as NodeRuntime);
      } else this.bind(bestPod, this.pick(bestPod.constraint) as NodeRuntime);
    }
  }
}
