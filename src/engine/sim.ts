import { EventQueue, type EventHandler, type SimEvent } from './queue.js';

export type { SimEvent } from './queue.js';

/**
 * Event priorities: among events at the same millisecond, lower runs first.
 * Pod-facing events (workload, kubelet) run before EC2 completions, which run before ipamd loop passes,
 * so a pass at time t always sees every pod change made at t.
 */
export const Priority = {
  workload: 0,
  kubelet: 1,
  ec2: 2,
  /** ipamd passes use `loop + nodeIndex` so same-time passes of different nodes run in node order. */
  loop: 16,
} as const;

/** Error for a broken simulator invariant (a bug, never a modelled failure). */
export class InvariantError extends Error {
  override name = 'InvariantError';
}

/**
 * The simulation clock and event loop. Time is an integer number of milliseconds and moves only in {@link step}.
 */
export class Simulation {
  private readonly queue = new EventQueue();
  private clock = 0;
  private processed = 0;
  /** Called after every event handler, when set (used by invariant tests; costs nothing when unset). */
  afterEvent: ((sim: Simulation) => void) | undefined = undefined;

  /** Current simulated time (ms). */
  get now(): number {
    return this.clock;
  }

  /** Number of events processed so far (cancelled events not counted). */
  get eventsProcessed(): number {
    return this.processed;
  }

  /** Schedules `fn(arg)` at absolute time `time` (ms, rounded up to an integer; never in the past). */
  at<A>(time: number, priority: number, fn: EventHandler<A>, arg: A): SimEvent {
    return this.queue.push(this.due(time), priority, fn, arg);
  }

  /**
   * Schedules an existing event object (its `fn(arg)`) at absolute time `time`, like {@link at}; the object must
   * not be queued already. Lets a hot component reuse one object instead of allocating an event each time.
   */
  schedule(ev: SimEvent, time: number, priority: number): void {
    this.queue.insert(ev, this.due(time), priority);
  }

  /** `time` rounded up to a whole ms; throws if that is in the past. */
  private due(time: number): number {
    const t = Math.ceil(time);
    if (!(t >= this.clock)) {
      throw new InvariantError(`Simulation: event time ${time} ms is before now (${this.clock} ms)`);
    }
    return t;
  }

  /** Schedules `fn(arg)` after `delay` ms. */
  after<A>(delay: number, priority: number, fn: EventHandler<A>, arg: A): SimEvent {
    return this.at(this.clock + delay, priority, fn, arg);
  }

  /** Time of the next pending event (Infinity when none). */
  peek(): number {
    return this.queue.peekTime();
  }

  /** Processes one event; returns false when the queue is empty. */
  step(): boolean {
    for (;;) {
      const ev = this.queue.pop();
      if (!ev) return false;
      if (ev.cancelled) continue;
      this.clock = ev.time;
      this.processed++;
      ev.fn(ev.arg as never);
      if (this.afterEvent) this.afterEvent(this);
      return true;
    }
  }

  /**
   * Runs every event with time <= `until` (ms), then sets the clock to `until`.
   * Events scheduled exactly at `until` do run; later ones stay queued.
   */
  run(until: number): void {
    const q = this.queue;
    while (q.peekTime() <= until) {
      const ev = q.pop() as SimEvent;
      if (ev.cancelled) continue;
      this.clock = ev.time;
      this.processed++;
      ev.fn(ev.arg as never);
      if (this.afterEvent !== undefined) this.afterEvent(this);
    }
    if (until > this.clock && Number.isFinite(until)) this.clock = until;
  }
}
