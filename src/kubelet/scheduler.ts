/**
 * The scheduler: a pod without a node goes to the Ready node with the fewest pods (ties by name) that is under
 * maxPods; with none, it waits in a FIFO queue until capacity appears. Nodes sit in indexed min-heaps keyed by
 * (pods, name rank), one for the whole cluster and one per node group, so a placement costs O(log nodes).
 */
import { NodeRuntime } from './node.js';
import { PodState, type Pod } from './pod.js';

class NodeHeap {
  private readonly heap: NodeRuntime[] = [];

  /** `slot` selects which of the node's heap-position fields this heap uses (0: cluster, 1: group). */
  constructor(private readonly slot: 0 | 1) {}

  top(): NodeRuntime | undefined {
    return this.heap[0];
  }

  has(n: NodeRuntime): boolean {
    return n.heapPos[this.slot] >= 0;
  }

  insert(n: NodeRuntime): void {
    this.heap.push(n);
    n.heapPos[this.slot] = this.heap.length - 1;
    this.up(this.heap.length - 1);
  }

  remove(n: NodeRuntime): void {
    const i = n.heapPos[this.slot];
    if (i < 0) return;
    const last = this.heap.pop() as NodeRuntime;
    n.heapPos[this.slot] = -1;
    if (i < this.heap.length) {
      this.heap[i] = last;
      last.heapPos[this.slot] = i;
      this.down(this.up(i));
    }
  }

  update(n: NodeRuntime): void {
    const i = n.heapPos[this.slot];
    if (i >= 0) this.down(this.up(i));
  }

  /** Restores the heap order after the nodes' ranks changed. */
  rebuild(): void {
    const members = this.heap.splice(0);
    for (const m of members) m.heapPos[this.slot] = -1;
    for (const m of members) this.insert(m);
  }

  /** Sifts up; returns the final index. */
  private up(i: number): number {
    const h = this.heap;
    const n = h[i];
    const s = this.slot;
    while (i > 0) {
      const p = (i - 1) >> 1;
      const q = h[p];
      if (!(n.pods < q.pods || (n.pods === q.pods && n.rank < q.rank))) break;
      h[i] = q;
      q.heapPos[s] = i;
      i = p;
    }
    h[i] = n;
    n.heapPos[s] = i;
    return i;
  }

  private down(i: number): void {
    const h = this.heap;
    const len = h.length;
    const n = h[i];
    const s = this.slot;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= len) break;
      const r = l + 1;
      let c = l;
      let cn = h[l];
      if (r < len) {
        const rn = h[r];
        if (rn.pods < cn.pods || (rn.pods === cn.pods && rn.rank < cn.rank)) {
          c = r;
          cn = rn;
        }
      }
      if (!(cn.pods < n.pods || (cn.pods === n.pods && cn.rank < n.rank))) break;
      h[i] = cn;
      cn.heapPos[s] = i;
      i = c;
    }
    h[i] = n;
    n.heapPos[s] = i;
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
  private readonly all = new NodeHeap(0);
  private readonly groups = new Map<string, NodeHeap>();
  private readonly byName = new Map<string, NodeRuntime>();
  private readonly queues = new Map<string, PodQueue>();
  /** Pods waiting for a node right now. */
  pendingCount = 0;

  constructor(private readonly bind: (pod: Pod, node: NodeRuntime) => void) {}

  addNode(n: NodeRuntime): void {
    this.byName.set(n.name, n);
    this.nodes.push(n);
    this.ranksDirty = true;
    if (!this.groups.has(n.group)) this.groups.set(n.group, new NodeHeap(1));
  }

  private readonly nodes: NodeRuntime[] = [];
  private ranksDirty = false;

  /**
   * Ties are broken by node name. Heaps compare a numeric rank (the name's place in sorted order) instead of
   * strings; ranks are recomputed, and the heaps reordered, once after nodes join (a whole scale-out at a time).
   */
  private ensureRanks(): void {
    if (!this.ranksDirty) return;
    this.ranksDirty = false;
    const sorted = this.nodes.slice().sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    sorted.forEach((n, i) => (n.rank = i));
    this.all.rebuild();
    for (const h of this.groups.values()) h.rebuild();
  }

  node(name: string): NodeRuntime | undefined {
    return this.byName.get(name);
  }

  /** Keeps a node's heap membership in line with Ready and room; call after its pod count or readiness changed. */
  refresh(n: NodeRuntime): void {
    if (this.ranksDirty) this.ensureRanks();
    const eligible = n.ready && n.hasRoom;
    // With a single node group its heap would mirror the cluster heap: keep only the latter.
    const group = this.groups.size > 1 ? (this.groups.get(n.group) as NodeHeap) : undefined;
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
    if (constraint.startsWith('group:')) return this.groups.size > 1 ? this.groups.get(constraint.slice(6))?.top() : this.all.top();
    const n = this.byName.get(constraint.slice(5));
    return n && n.ready && n.hasRoom ? n : undefined;
  }

  /** Places a new pod, or queues it. */
  submit(pod: Pod): void {
    if (this.ranksDirty) this.ensureRanks();
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

  /** Forgets a queued pod that was deleted before placement (it is skipped lazily). */
  forget(): void {
    this.pendingCount--;
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
      if (!best || !bestPod) return;
      best.shift();
      this.pendingCount--;
      this.bind(bestPod, this.pick(bestPod.constraint) as NodeRuntime);
    }
  }
}
