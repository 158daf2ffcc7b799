import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { EventQueue } from '../../src/engine/queue.js';
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
      fc.property(fc.array(fc.tuple(fc.integer({ min: 0, max: 20 }), fc.integer({ min: 0, max: 3 })), { maxLength: 300 }), (items) => {
        const q = new EventQueue();
        items.forEach(([t, p], i) => q.push(t, p, () => {}, i));
        const expected = items
          .map(([t, p], i) => ({ t, p, i }))
          .sort((a, b) => a.t - b.t || a.p - b.p || a.i - b.i)
          .map((x) => x.i);
        const out: unknown[] = [];
        for (let e = q.pop(); e; e = q.pop()) out.push(e.arg);
        expect(out).toEqual(expected);
      }),
      fcParams(200),
    );
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
