/**
 * The scheduler: a pod without a node goes to the Ready node with the fewest pods (ties by name) that is under
 * maxPods; with none, it waits in a FIFO queue until capacity appears. Nodes sit in indexed min-heaps keyed by
 * (pods, name rank), one for the whole cluster and one per node group, so a placement costs O(log nodes).
 */
import { NodeRuntime } from './node.js';
import { PodState, type Pod } from './pod.js';

class NodeHeap {
  private readonly heap: NodeRuntime[] = [];
  private readonly pos = new Map<NodeRuntime, number>();

  private less(a: NodeRuntime, b: NodeRuntime): boolean {
    return a.pods < b.pods || (a.pods === b.pods && a.nameRank < b.nameRank);
  }

  top(): NodeRuntime | undefined {
    return this.heap[0];
  }

  has(n: NodeRuntime): boolean {
    return this.pos.has(n);
  }

  insert(n: NodeRuntime): void {
    this.heap.push(n);
    this.pos.set(n, this.heap.length - 1);
    this.up(this.heap.length - 1);
  }

  remove(n: NodeRuntime): void {
    const i = this.pos.get(n);
    if (i === undefined) return;
    const last = this.heap.pop() as NodeRuntime;
    this.pos.delete(n);
    if (i < this.heap.length) {
      this.heap[i] = last;
      this.pos.set(last, i);
      this.up(i);
      this.down(this.pos.get(last) as number);
    }
  }

  update(n: NodeRuntime): void {
    const i = this.pos.get(n);
    if (i === undefined) return;
    this.up(i);
    this.down(this.pos.get(n) as number);
  }

  private swap(i: number, j: number): void {
    const h = this.heap;
    [h[i], h[j]] = [h[j], h[i]];
    this.pos.set(h[i], i);
    this.pos.set(h[j], j);
  }

  private up(i: number): void {
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!this.less(this.heap[i], this.heap[p])) break;
      this.swap(i, p);
      i = p;
    }
  }

  private down(i: number): void {
    const h = this.heap;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < h.length && this.less(h[l], h[m])) m = l;
      if (r < h.length && this.less(h[r], h[m])) m = r;
      if (m === i) return;
      this.swap(i, m);
      i = m;
    }
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
    if (!this.groups.has(n.group)) this.groups.set(n.group, new NodeHeap());
  }

  node(name: string): NodeRuntime | undefined {
    return this.byName.get(name);
  }

  /** Keeps a node's heap membership in line with Ready and room; call after its pod count or readiness changed. */
  refresh(n: NodeRuntime): void {
    const eligible = n.ready && n.hasRoom;
    const group = this.groups.get(n.group) as NodeHeap;
    for (const h of [this.all, group]) {
      if (eligible) {
        if (h.has(n)) h.update(n);
        else h.insert(n);
      } else h.remove(n);
    }
    if (eligible && !this.draining) this.drain(n);
  }

  private draining = false;

  private pick(constraint: string): NodeRuntime | undefined {
    if (constraint === '*') return this.all.top();
    if (constraint.startsWith('group:')) return this.groups.get(constraint.slice(6))?.top();
    const n = this.byName.get(constraint.slice(5));
    return n && n.ready && n.hasRoom ? n : undefined;
  }

  /** Places a new pod, or queues it. */
  submit(pod: Pod): void {
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
    const keys = [`node:${n.name}`, `group:${n.group}`, '*'];
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
