/**
 * The PD pool (pd-pool.ts) against a plain model of its prefixes, through any sequence of operations: ENIs added
 * and freed, prefixes added and released by a DECREASE, pods assigned (both placements) and released, time passing
 * across cooldowns. The model keeps, per prefix, its never-used addresses and its released ones with their times.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { PREFIX_SIZE, type Addr, type DsEni } from '../../src/ipam/datastore.js';
import { PdPool } from '../../src/ipam/pd-pool.js';
import { Rng } from '../../src/engine/random.js';
import { poolOp, type PoolOp } from './pool-ops.js';

type Op = PoolOp;

const op = poolOp({
  maxAdd: 3,
  maxDecrease: 3,
  // Waits in quarters of the cooldown, so that a cooldown often ends exactly now (released at t: reusable from
  // t + cooldown, not a millisecond before).
  waitMs: fc.integer({ min: 0, max: 4 }).map((k) => 250 * k),
  busyPods: true,
});

/** The model of one prefix: never-used offsets (ascending) and released addresses with their release times. */
interface PrefixModel {
  base: number;
  fresh: number[];
  released: [Addr, number][];
  held: number;
}

describe('PdPool', () => {
  it('agrees with a plain model of its prefixes through any sequence of operations', () => {
    fc.assert(
      fc.property(fc.array(op, { minLength: 10, maxLength: 120 }), (rest) => {
        // Two ENIs with prefixes first, so that most operations find something to work on.
        const start: Op[] = [
          { kind: 'eni' },
          { kind: 'eni' },
          { kind: 'add', eni: 0, n: 1 },
          { kind: 'add', eni: 1, n: 2 },
        ];
        const ops = [...start, ...rest];
        const cooldown = 1000;
        const ds = new PdPool(cooldown);
        const rng = new Rng('pd-model');
        const shuffle = new Rng('pd-model-decrease');
        const model = new Map<DsEni, PrefixModel[]>();
        const held: Addr[] = [];
        let now = 0;
        let next = 0;
        const cooled = (m: PrefixModel): number => m.released.filter(([, t]) => t + cooldown <= now).length;
        for (const o of ops) {
          const enis = ds.enis;
          const pick = (i: number): DsEni | undefined => (enis.length ? enis[i % enis.length] : undefined);
          if (o.kind === 'eni') {
            model.set(ds.addEni(`eni-${next++}`, enis.length === 0, enis.length, now), []);
          } else if (o.kind === 'add') {
            const e = pick(o.eni);
            if (!e) continue;
            const bases = Array.from({ length: o.n }, () => PREFIX_SIZE * next++);
            ds.addCidrs(e, bases);
            for (const base of bases)
              model.get(e)!.push({ base, fresh: [...Array(PREFIX_SIZE).keys()], released: [], held: 0 });
          } else if (o.kind === 'assign') {
            const a = ds.assign(now, o.placement, rng);
            const any = [...model.values()].flat().some((m) => m.fresh.length > 0 || cooled(m) > 0);
            expect(a !== undefined).toBe(any);
            if (a === undefined) continue;
            const m = model.get(a.eni)!.find((x) => x.base === a.prefix!.base)!;
            // getUnusedIP: the oldest cooled released address, else the lowest never-used one.
            if (cooled(m) > 0) {
              expect(m.released[0][0]).toBe(a);
              m.released.shift();
            } else {
              expect(a.ip - m.base).toBe(m.fresh[0]);
              m.fresh.shift();
            }
            m.held++;
            held.push(a);
            if (o.placement === 'first-fit') {
              // The first ENI, and on it the first prefix, that could serve.
              const firstEni = ds.enis.find((e) =>
                model.get(e)!.some((x) => x === m || x.fresh.length + cooled(x) > 0),
              );
              expect(firstEni).toBe(a.eni);
            }
          } else if (o.kind === 'release') {
            if (held.length === 0) continue;
            const [a] = held.splice(o.pod % held.length, 1);
            ds.release(a, now);
            const m = model.get(a.eni)!.find((x) => x.base === a.prefix!.base)!;
            m.released.push([a, now]);
            m.held--;
          } else if (o.kind === 'decrease') {
            const e = pick(o.eni);
            if (!e) continue;
            const free = model.get(e)!.filter((m) => m.held === 0);
            const taken = ds.takeFreeable(e, o.n, shuffle);
            expect(taken?.cidrs.length ?? 0).toBe(Math.min(o.n, free.length));
            if (!taken) continue;
            expect(taken.prefixes).toEqual(taken.cidrs);
            expect(taken.addrs.length).toBe(PREFIX_SIZE * taken.cidrs.length);
            expect(taken.addrs.every((a) => a.gone)).toBe(true);
            for (const base of taken.cidrs) expect(free.some((m) => m.base === base)).toBe(true);
            model.set(
              e,
              model.get(e)!.filter((m) => !taken.cidrs.includes(m.base)),
            );
          } else if (o.kind === 'free-eni') {
            const e = pick(o.eni);
            if (!e || ds.assignedOn(e) > 0) continue;
            ds.removeEni(e);
            model.delete(e);
          } else now += o.ms;

          let total = 0;
          let free = 0;
          let cooling = 0;
          for (const e of ds.enis) {
            const ms = model.get(e)!;
            expect(e.prefixes.map((p) => p.base)).toEqual(ms.map((m) => m.base));
            e.prefixes.forEach((p, i) => {
              const m = ms[i];
              expect(p.fresh.map((a) => a.ip - p.base).reverse()).toEqual(m.fresh);
              expect(p.released).toEqual(m.released.map(([a]) => a));
              expect(Array.from(p.times.subarray(0, p.released.length))).toEqual(m.released.map(([, t]) => t));
              expect(p.assigned).toBe(m.held);
            });
            const assigned = ms.reduce((n, m) => n + m.held, 0);
            const freeHere = ms.filter((m) => m.held === 0).length;
            expect(ds.assignedOn(e)).toBe(assigned);
            expect(e.freePrefixes).toBe(freeHere);
            expect(ds.cidrsOn(e)).toBe(ms.length);
            expect(ds.sizeOf(e)).toBe(PREFIX_SIZE * ms.length);
            expect(ds.freeOn(e)).toBe(PREFIX_SIZE * ms.length - assigned);
            expect(ds.assignableOn(e, now)).toBe(ms.reduce((n, m) => n + m.fresh.length + cooled(m), 0));
            const ends = ms.flatMap((m) => m.released.map(([, t]) => t + cooldown));
            expect(ds.coolingEndsAt(e)).toBe(ends.length ? Math.max(...ends) : -Infinity);
            total += ms.length;
            free += freeHere;
            cooling += ms.reduce((n, m) => n + m.released.length - cooled(m), 0);
          }
          expect([ds.prefixCount, ds.freePrefixes, ds.total]).toEqual([total, free, PREFIX_SIZE * total]);
          expect(ds.assigned).toBe(held.length);
          expect(ds.coolingCount(now)).toBe(cooling);
          expect(ds.hasFreeableEni()).toBe(ds.enis.some((e) => !e.primary && ds.assignedOn(e) === 0));
        }
      }),
      { numRuns: 300 },
    );
  });
});
