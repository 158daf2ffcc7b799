/**
 * The pending-event set: events ordered by (time, priority, seq).
 *
 * `seq` is a counter assigned at push time, so events with equal time and priority pop in push order.
 *
 * It is a two-tier calendar queue (Brown 1988, in the simple form of a ladder queue's top rung). Time is cut into
 * buckets of {@link BUCKET_MS}. Events of the bucket being served, and of any earlier one, sit in a small 4-ary
 * min-heap (`near`). Events of the next {@link RING} buckets are linked, unsorted, into a ring of per-bucket lists,
 * which costs O(1) and allocates nothing; a bucket is sorted into `near` only when the clock reaches it. Events
 * beyond the ring's horizon wait in a second heap (`far`). A simulation with a few thousand pending timers (one per
 * running pod) thus pays for a heap of the few dozen events of one bucket instead of one of thousands.
 *
 * In both heaps the sort keys live in typed arrays beside the event objects: `times[i]` and
 * `ords[i] = priority x 2^32 + seq` (an exact integer below 2^53). Sifting compares only those arrays and never
 * loads an event object.
 */

/** Handler of an event: a plain synchronous function of the event's argument. */
export type EventHandler<A = unknown> = (arg: A) => void;

/**
 * One scheduled event. `cancelled` events are skipped when popped (lazy deletion).
 *
 * Any object with these fields can be scheduled, again and again once it has been popped
 * ({@link EventQueue.insert}): a pod is its own timer, and a generator re-arms one event for each arrival, so the
 * busiest events allocate nothing.
 */
export interface SimEvent {
  /** Simulated time in integer milliseconds. */
  time: number;
  /** Lower runs first among events at the same time. */
  priority: number;
  /** Push counter: ties on time and priority pop in push order. */
  seq: number;
  /** The handler, stored for any argument type; `push` pairs it with an `arg` of the type it takes. */
  fn: EventHandler<never>;
  arg: unknown;
  cancelled: boolean;
  /** Internal: the next event in the same ring bucket (buckets are intrusive lists: pushing allocates nothing). */
  next: SimEvent | null;
}

/** Largest priority value accepted (keeps `priority x 2^32 + seq` an exact integer). */
export const MAX_PRIORITY = 2 ** 20;

const SEQ_SPAN = 2 ** 32;
/** Bucket width (ms). */
export const BUCKET_MS = 1024;
/** Buckets in the ring (a power of two): the horizon is RING x BUCKET_MS, about 70 minutes. */
export const RING = 4096;

const bucketOf = (t: number): number => Math.floor(t / BUCKET_MS);
/** An event's second sort key. */
const ordOf = (ev: SimEvent): number => ev.priority * SEQ_SPAN + ev.seq;

/** A 4-ary min-heap of events keyed by (time, ord) held in typed arrays. */
class KeyedHeap {
  evs: SimEvent[] = [];
  times = new Float64Array(256);
  ords = new Float64Array(256);
  n = 0;

  push(ev: SimEvent, time: number, ord: number): void {
    if (this.n === this.times.length) this.grow();
    const times = this.times;
    const ords = this.ords;
    const evs = this.evs;
    let i = this.n++;
    while (i > 0) {
      const p = (i - 1) >> 2;
      const tp = times[p];
      if (tp < time || (tp === time && ords[p] < ord)) break;
      times[i] = tp;
      ords[i] = ords[p];
      evs[i] = evs[p];
      i = p;
    }
    times[i] = time;
    ords[i] = ord;
    evs[i] = ev;
  }

  private grow(): void {
    const t = new Float64Array(this.times.length * 2);
    t.set(this.times);
    this.times = t;
    const o = new Float64Array(this.ords.length * 2);
    o.set(this.ords);
    this.ords = o;
  }

  /** Removes and returns the smallest event (the heap must not be empty). */
  pop(): SimEvent {
    const evs = this.evs;
    const top = evs[0];
    const m = --this.n;
    if (m > 0) {
      const times = this.times;
      const ords = this.ords;
      const lt = times[m];
      const lo = ords[m];
      const le = evs[m];
      let i = 0;
      for (;;) {
        const first = 4 * i + 1;
        if (first >= m) break;
        // The smallest of up to four adjacent children.
        let c = first;
        let ct = times[first];
        let co = ords[first];
        const end = first + 4 < m ? first + 4 : m;
        for (let k = first + 1; k < end; k++) {
          const kt = times[k];
          if (kt < ct || (kt === ct && ords[k] < co)) {
            c = k;
            ct = kt;
            co = ords[k];
          }
        }
        if (lt < ct || (lt === ct && lo < co)) break;
        times[i] = ct;
        ords[i] = co;
        evs[i] = evs[c];
        i = c;
      }
      times[i] = lt;
      ords[i] = lo;
      evs[i] = le;
    }
    evs[m] = undefined as unknown as SimEvent; // drop the reference so the event can be collected
    return top;
  }

  drain(): SimEvent[] {
    const out = this.evs.slice(0, this.n);
    this.evs = [];
    this.n = 0;
    return out;
  }
}

/** The pending events of a simulation. */
export class EventQueue {
  /** Events of buckets <= `cur`. */
  private readonly near = new KeyedHeap();
  /** Events of buckets in (cur, cur + RING): heads of per-bucket lists (by bucket mod RING, unsorted). */
  private readonly ring: (SimEvent | null)[] = new Array<SimEvent | null>(RING).fill(null);
  private inRing = 0;
  /** Events of buckets >= cur + RING. */
  private readonly far = new KeyedHeap();
  /** The bucket being served. */
  private cur = 0;
  private seq = 0;

  /** Number of events held (including cancelled ones not yet popped). */
  get size(): number {
    return this.near.n + this.inRing + this.far.n;
  }

  /** Pushes an event and returns it (keep it to cancel it later). */
  push<A>(time: number, priority: number, fn: EventHandler<A>, arg: A): SimEvent {
    const ev: SimEvent = { time: 0, priority: 0, seq: 0, fn, arg, cancelled: false, next: null };
    this.insert(ev, time, priority);
    return ev;
  }

  /**
   * Schedules an existing event object at `time` (its `fn` and `arg` as set). The object must not be in the queue:
   * new, or already popped.
   */
  insert(ev: SimEvent, time: number, priority: number): void {
    if (!(priority >= 0 && priority < MAX_PRIORITY) || !Number.isInteger(priority)) {
      throw new RangeError(`EventQueue.push: priority ${priority} outside [0, ${MAX_PRIORITY})`);
    }
    if (this.seq >= SEQ_SPAN) this.renumber();
    ev.time = time;
    ev.priority = priority;
    ev.seq = this.seq++;
    ev.cancelled = false;
    ev.next = null;
    this.place(ev);
  }

  private place(ev: SimEvent): void {
    const b = bucketOf(ev.time);
    const ahead = b - this.cur;
    if (ahead <= 0) this.near.push(ev, ev.time, ordOf(ev));
    else if (ahead < RING) {
      const slot = b & (RING - 1);
      ev.next = this.ring[slot];
      this.ring[slot] = ev;
      this.inRing++;
    } else this.far.push(ev, ev.time, ordOf(ev));
  }

  /**
   * Moves the next non-empty bucket into `near`. Returns false when no event is left anywhere.
   * Only called with `near` empty.
   */
  private advance(): boolean {
    const far = this.far;
    if (this.inRing === 0) {
      if (far.n === 0) return false;
      this.cur = bucketOf(far.times[0]);
    } else {
      // The next bucket holding ring events, but no further than the earliest far event's bucket.
      const limit = far.n > 0 ? bucketOf(far.times[0]) : Infinity;
      let b = this.cur + 1;
      while (b < limit && this.ring[b & (RING - 1)] === null) b++;
      this.cur = b;
    }
    const near = this.near;
    const cur = this.cur;
    const slot = cur & (RING - 1);
    let ev = this.ring[slot];
    this.ring[slot] = null;
    while (ev !== null) {
      near.push(ev, ev.time, ordOf(ev));
      const next = ev.next;
      ev.next = null;
      ev = next;
      this.inRing--;
    }
    // The far heap's own key arrays give the keys: the events moved here are of whatever kind has a long timer
    // (a pod's lifetime, say), which this path reads nothing of.
    while (far.n > 0 && bucketOf(far.times[0]) <= cur) {
      const time = far.times[0];
      const ord = far.ords[0];
      near.push(far.pop(), time, ord);
    }
    // Far events now within the horizon stay in `far`; advance() keeps looking there too.
    return true;
  }

  /** Time of the earliest event, or Infinity when empty. */
  peekTime(): number {
    if (this.near.n === 0 && !this.advance()) return Infinity;
    return this.near.times[0];
  }

  /** Removes and returns the earliest event, or undefined when empty. */
  pop(): SimEvent | undefined {
    if (this.near.n === 0 && !this.advance()) return undefined;
    return this.near.pop();
  }

  /** Keeps seq below 2^32 on very long runs: renumbers held events in their current order. */
  private renumber(): void {
    const held = [...this.near.drain(), ...this.far.drain()];
    for (let i = 0; i < RING; i++) {
      for (let ev = this.ring[i]; ev !== null; ev = ev.next) held.push(ev);
      this.ring[i] = null;
    }
    for (const ev of held) ev.next = null;
    this.inRing = 0;
    held.sort((a, b) => a.time - b.time || a.priority - b.priority || a.seq - b.seq);
    this.seq = 0;
    for (const ev of held) {
      ev.seq = this.seq++;
      this.place(ev);
    }
  }

  /** Test hook: continues numbering from `seq` (to exercise renumbering). */
  setSeqForTest(seq: number): void {
    this.seq = seq;
  }
}
