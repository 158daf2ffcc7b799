import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { BUCKET_MS, EventQueue, RING } from '../../src/engine/queue.js';
import { Simulation } from '../../src/engine/sim.js';
import { fcParams } from '../fc.js';

describe('EventQueue', () => {
  it('pops events at the same time and priority in push order, for any number of events', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 500 }), fc.integer({ min: 0, max: 5 }), (n, prio) => {
        const q = new EventQueue();
        for (let i = 0; i < n; i++) q.push(7, prio, () => {}, i);
        const out: unknown[] = [];
        for (let e = q.pop(); e; e = q.pop()) out.push(e.arg);
        expect(out).toEqual(Array.from({ length: n }, (_, i) => i));
      }),
      fcParams(100),
    );
  });

  it('orders by time, then priority, then push order (matches a stable sort)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.integer({ min: 0, max: 20 }), fc.integer({ min: 0, max: 3 })), { maxLength: 300 }),
        (items) => {
          const q = new EventQueue();
          items.forEach(([t, p], i) => q.push(t, p, () => {}, i));
          const expected = items
            .map(([t, p], i) => ({ t, p, i }))
            .sort((a, b) => a.t - b.t || a.p - b.p || a.i - b.i)
            .map((x) => x.i);
          const out: unknown[] = [];
          for (let e = q.pop(); e; e = q.pop()) out.push(e.arg);
          expect(out).toEqual(expected);
        },
      ),
      fcParams(200),
    );
  });

  it('matches a stable sort when pushes and pops interleave over times spanning the ring and beyond', () => {
    // Times from the current bucket to far past the ring's horizon; pushes never go before the last popped time,
    // as in a simulation. A reference list sorted by (time, priority, push order) must pop identically.
    const horizon = BUCKET_MS * RING;
    const op = fc.tuple(
      fc.boolean(),
      fc.oneof(
        fc.integer({ min: 0, max: 3 * BUCKET_MS }),
        fc.integer({ min: horizon - 3 * BUCKET_MS, max: horizon + 3 * BUCKET_MS }),
        fc.integer({ min: 0, max: 3 * horizon }),
      ),
      fc.integer({ min: 0, max: 3 }),
    );
    fc.assert(
      fc.property(fc.array(op, { maxLength: 400 }), (ops) => {
        const q = new EventQueue();
        const ref: { t: number; p: number; i: number }[] = [];
        let now = 0;
        let i = 0;
        const popBoth = (): void => {
          ref.sort((a, b) => a.t - b.t || a.p - b.p || a.i - b.i);
          const want = ref.shift();
          const got = q.pop();
          expect(got?.arg).toBe(want?.i);
          if (got) now = got.time;
          expect(q.size).toBe(ref.length);
        };
        for (const [isPop, dt, p] of ops) {
          if (isPop) popBoth();
          else {
            q.push(now + dt, p, () => {}, i);
            ref.push({ t: now + dt, p, i });
            i++;
          }
          ref.sort((a, b) => a.t - b.t || a.p - b.p || a.i - b.i);
          expect(q.peekTime()).toBe(ref.length > 0 ? ref[0].t : Infinity);
        }
        while (ref.length > 0) popBoth();
        expect(q.pop()).toBeUndefined();
      }),
      fcParams(200),
    );
  });

  it('keeps push order across a renumbering of the sequence counter', () => {
    const q = new EventQueue();
    q.setSeqForTest(2 ** 32 - 3);
    const times = [5, 5, 5, 5, 5, 9000 * BUCKET_MS, 5, 2 * BUCKET_MS, 5];
    times.forEach((t, i) => q.push(t, 1, () => {}, i));
    const out: unknown[] = [];
    for (let e = q.pop(); e; e = q.pop()) out.push(e.arg);
    expect(out).toEqual([0, 1, 2, 3, 4, 6, 8, 7, 5]);
  });

  it('reports Infinity as the next time when empty', () => {
    expect(new EventQueue().peekTime()).toBe(Infinity);
  });

  it('rejects priorities outside its range', () => {
    expect(() => new EventQueue().push(0, -1, () => {}, 0)).toThrow(/priority/);
  });
});

describe('Simulation.run(until)', () => {
  it('runs events at or before `until`, keeps later ones, and leaves the clock at `until`', () => {
    const sim = new Simulation();
    const seen: number[] = [];
    for (const t of [5, 10, 10, 11, 30]) sim.at(t, 0, (x: number) => seen.push(x), t);
    sim.run(10);
    expect(seen).toEqual([5, 10, 10]);
    expect(sim.now).toBe(10);
    expect(sim.peek()).toBe(11);
    sim.run(100);
    expect(seen).toEqual([5, 10, 10, 11, 30]);
    expect(sim.now).toBe(100);
  });

  it('skips cancelled events and never runs time backwards', () => {
    const sim = new Simulation();
    const seen: string[] = [];
    const e = sim.at(3, 0, () => seen.push('cancelled'), 0);
    sim.at(4, 0, () => seen.push('kept'), 0);
    e.cancelled = true;
    sim.run(10);
    expect(seen).toEqual(['kept']);
    expect(() => sim.at(5, 0, () => {}, 0)).toThrow(/before now/);
  });

  it('rounds fractional times up to whole milliseconds', () => {
    const sim = new Simulation();
    let at = -1;
    sim.at(2.2, 0, () => (at = sim.now), 0);
    sim.run(5);
    expect(at).toBe(3);
  });
});
