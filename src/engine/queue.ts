/**
 * A 4-ary min-heap of simulation events ordered by (time, priority, seq).
 *
 * `seq` is a counter assigned at push time, so events with equal time and priority pop in push order.
 * All three keys stay small integers (V8 Smis) so comparisons never touch boxed doubles.
 */

/** Handler of an event: a plain synchronous function of the event's argument. */
export type EventHandler<A = unknown> = (arg: A) => void;

/** One scheduled event. `cancelled` events are skipped when popped (lazy deletion). */
export interface SimEvent {
  /** Simulated time in integer milliseconds. */
  readonly time: number;
  /** Lower runs first among events at the same time. */
  readonly priority: number;
  /** Push counter: ties on time and priority pop in push order. */
  seq: number;
  readonly fn: EventHandler<any>;
  readonly arg: unknown;
  cancelled: boolean;
}

/** Largest priority value accepted (keeps `order` an exact integer). */
export const MAX_PRIORITY = 2 ** 20;

function before(a: SimEvent, b: SimEvent): boolean {
  return a.time < b.time || (a.time === b.time && (a.priority < b.priority || (a.priority === b.priority && a.seq < b.seq)));
}

/** A 4-ary min-heap of {@link SimEvent}s. */
export class EventQueue {
  private heap: SimEvent[] = [];
  private seq = 0;

  /** Number of events held (including cancelled ones not yet popped). */
  get size(): number {
    return this.heap.length;
  }

  /** Pushes an event and returns it (keep it to cancel it later). */
  push<A>(time: number, priority: number, fn: EventHandler<A>, arg: A): SimEvent {
    if (!(priority >= 0 && priority < MAX_PRIORITY) || !Number.isInteger(priority)) {
      throw new RangeError(`EventQueue.push: priority ${priority} outside [0, ${MAX_PRIORITY})`);
    }
    if (this.seq >= 0x3fffffff) this.renumber();
    const ev: SimEvent = { time, priority, seq: this.seq++, fn, arg, cancelled: false };
    const h = this.heap;
    let i = h.length;
    h.push(ev);
    while (i > 0) {
      const p = (i - 1) >> 2;
      if (!before(ev, h[p])) break;
      h[i] = h[p];
      i = p;
    }
    h[i] = ev;
    return ev;
  }

  /** Keeps seq a small integer on very long runs: renumbers held events in their current order. */
  private renumber(): void {
    const sorted = this.heap.slice().sort((a, b) => (before(a, b) ? -1 : before(b, a) ? 1 : 0));
    this.seq = 0;
    for (const e of sorted) e.seq = this.seq++;
    this.heap = sorted; // an ascending array is a valid heap
  }

  /** Time of the earliest event, or Infinity when empty. */
  peekTime(): number {
    return this.heap.length === 0 ? Infinity : this.heap[0].time;
  }

  /** Removes and returns the earliest event, or undefined when empty. */
  pop(): SimEvent | undefined {
    const h = this.heap;
    const n = h.length;
    if (n === 0) return undefined;
    const top = h[0];
    const last = h.pop() as SimEvent;
    if (n > 1) {
      // A 4-ary heap: half the levels of a binary one, and the four children sit next to each other.
      const m = n - 1;
      let i = 0;
      for (;;) {
        const first = 4 * i + 1;
        if (first >= m) break;
        let c = first;
        let cv = h[first];
        const end = first + 4 < m ? first + 4 : m;
        for (let k = first + 1; k < end; k++) {
          const kv = h[k];
          if (before(kv, cv)) {
            c = k;
            cv = kv;
          }
        }
        if (!before(cv, last)) break;
        h[i] = cv;
        i = c;
      }
      h[i] = last;
    }
    return top;
  }

}
