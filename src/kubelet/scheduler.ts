/**
 * The scheduler: a pod without a node goes to the Ready node with the fewest pods (ties by name) that is under
 * maxPods; with none, it waits in a FIFO queue until capacity appears. Nodes sit in indexed min-heaps keyed by
 * (pods, name rank), one for the whole cluster and one per node group, so a placement costs O(log nodes).
 */
import { NodeRuntime } from './node.js';
import { PodState, type Pod } from './pod.js';

/**
 * An indexed min-heap of nodes by (pods, name rank). The keys, the nodes' positions and the node index of each slot
 * live in typed arrays, so sifting never touches node objects: only the node being updated is read.
 */
class NodeHeap {
  private readonly heap: NodeRuntime[] = [];
  /** keys[i] = pods x 2^21 + rank of heap[i]; unique, since ranks are. */
  private keys = new Float64Array(64);
  /** idx[i] = heap[i].index. */
  private idx = new Int32Array(64);
  /** pos[node.index] = its slot, or -1. */
  private pos = new Int32Array(64).fill(-1);

  top(): NodeRuntime | undefined {
    return this.heap[0];
  }

  has(n: NodeRuntime): boolean {
    return n.index < this.pos.length && this.pos[n.index] >= 0;
  }

  private static key(n: NodeRuntime): number {
    return n.pods * 2097152 + n.rank;
  }

  private grow(nodeIndex: number): void {
    if (this.heap.length >= this.keys.length) {
      const k = new Float64Array(this.keys.length * 2);
      k.set(this.keys);
      this.keys = k;
      const x = new Int32Array(this.idx.length * 2);
      x.set(this.idx);
      this.idx = x;
    }
    if (nodeIndex >= this.pos.length) {
      const p = new Int32Array(Math.max(nodeIndex + 1, this.pos.length * 2)).fill(-1);
      p.set(this.pos);
      this.pos = p;
    }
  }

  insert(n: NodeRuntime): void {
    this.grow(n.index);
    const i = this.heap.length;
    this.heap.push(n);
    this.keys[i] = NodeHeap.key(n);
    this.idx[i] = n.index;
    this.pos[n.index] = i;
    this.down(this.up(i));
  }

  remove(n: NodeRuntime): void {
    if (!this.has(n)) return;
    const i = this.pos[n.index];
    this.pos[n.index] = -1;
    const last = this.heap.pop() as NodeRuntime;
    const m = this.heap.length;
    if (i < m) {
      this.heap[i] = last;
      this.keys[i] = this.keys[m];
      this.idx[i] = this.idx[m];
      this.pos[this.idx[i]] = i;
      this.down(this.up(i));
    }
  }

  update(n: NodeRuntime): void {
    if (!this.has(n)) return;
    const i = this.pos[n.index];
    this.keys[i] = NodeHeap.key(n);
    this.down(this.up(i));
  }

  /** Restores the heap order after the nodes' ranks changed. */
  rebuild(): void {
    const members = this.heap.splice(0);
    for (const m of members) this.pos[m.index] = -1;
    for (const m of members) this.insert(m);
  }

  private move(from: number, to: number): void {
    this.heap[to] = this.heap[from];
    this.keys[to] = this.keys[from];
    const x = this.idx[from];
    this.idx[to] = x;
    this.pos[x] = to;
  }

  /** Sifts up; returns the final slot. */
  private up(i: number): number {
    const keys = this.keys;
    const k = keys[i];
    const node = this.heap[i];
    const x = this.idx[i];
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!(k < keys[p])) break;
      this.move(p, i);
      i = p;
    }
    this.heap[i] = node;
    keys[i] = k;
    this.idx[i] = x;
    this.pos[x] = i;
    return i;
  }

  private down(i: number): void {
    const keys = this.keys;
    const len = this.heap.length;
    const k = keys[i];
    const node = this.heap[i];
    const x = this.idx[i];
    for (;;) {
      const l = 2 * i + 1;
      if (l >= len) break;
      const r = l + 1;
      const c = r < len && keys[r] < keys[l] ? r : l;
      if (!(keys[c] < k)) break;
      this.move(c, i);
      i = c;
    }
    this.heap[i] = node;
    keys[i] = k;
    this.idx[i] = x;
    this.pos[x] = i;
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
  private readonly all = new NodeHeap();
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
    if (!this.groups.has(n.group)) this.groups.set(n.group, new NodeHeap());
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
