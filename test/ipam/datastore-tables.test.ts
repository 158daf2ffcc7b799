/**
 * The SIP pool's tables (sip-pool.ts) against a plain model of the free lists, through the operations that move
 * rows around: rows outgrowing their room, more ENIs than rows reserved, ENIs removed from the middle and their rows
 * reused, decreases taking free addresses out of either list.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Addr, DsEni } from '../../src/ipam/datastore.js';
import { SipPool } from '../../src/ipam/sip-pool.js';
import { Rng } from '../../src/engine/random.js';
import { poolOp, type PoolOp } from './pool-ops.js';

type Op = PoolOp;

const op = poolOp({ maxAdd: 7, maxDecrease: 4, waitMs: fc.integer({ min: 0, max: 800 }) });

describe('SipPool tables', () => {
  it('agree with a plain model of fresh and released lists through any sequence of operations', () => {
    fc.assert(
      fc.property(fc.array(op, { minLength: 10, maxLength: 80 }), fc.integer({ min: 0, max: 3 }), (rest, perEni) => {
        // Two ENIs with addresses first, so that most operations find something to work on.
        const start: Op[] = [
          { kind: 'eni' },
          { kind: 'eni' },
          { kind: 'add', eni: 0, n: 3 },
          { kind: 'add', eni: 1, n: 5 },
        ];
        const ops = [...start, ...rest];
        const cooldown = 1000;
        // A small room per row (0-3 addresses) so that rows outgrow it.
        const ds = new SipPool(cooldown, perEni);
        const rng = new Rng('tables');
        const model = new Map<DsEni, { fresh: Addr[]; released: [Addr, number][] }>();
        const held: Addr[] = [];
        let now = 0;
        let ip = 1;
        const live = (): DsEni[] => ds.enis;
        for (const o of ops) {
          const enis = live();
          const pick = (i: number): DsEni | undefined => (enis.length ? enis[i % enis.length] : undefined);
          if (o.kind === 'eni') {
            const e = ds.addEni(`eni-${ip}`, enis.length === 0, enis.length, now);
            model.set(e, { fresh: [], released: [] });
          } else if (o.kind === 'add') {
            const e = pick(o.eni);
            if (!e) continue;
            const ips = Array.from({ length: o.n }, () => ip++);
            ds.addCidrs(e, ips);
            model.get(e)!.fresh.push(...e.addrs.slice(-o.n));
          } else if (o.kind === 'assign') {
            const a = ds.assign(now, o.placement, rng);
            // The model: the ENI may hand out a fresh address or one released at least `cooldown` ago.
            const assignable = [...model.values()].some(
              (m) => m.fresh.length > 0 || m.released.some(([, t]) => t + cooldown <= now),
            );
            expect(a !== undefined).toBe(assignable);
            if (a === undefined) continue;
            const m = model.get(a.eni)!;
            const f = m.fresh.indexOf(a);
            if (f >= 0) m.fresh.splice(f, 1);
            else {
              const r = m.released.findIndex(([x]) => x === a);
              expect(r).toBeGreaterThanOrEqual(0);
              expect(m.released[r][1] + cooldown).toBeLessThanOrEqual(now);
              m.released.splice(r, 1);
            }
            held.push(a);
          } else if (o.kind === 'release') {
            if (held.length === 0) continue;
            const [a] = held.splice(o.pod % held.length, 1);
            ds.release(a, now);
            model.get(a.eni)!.released.push([a, now]);
          } else if (o.kind === 'decrease') {
            const e = pick(o.eni);
            if (!e) continue;
            const m = model.get(e)!;
            const free = [...m.fresh, ...m.released.map(([a]) => a)];
            const gone = free.filter((_, k) => k % 2 === 0).slice(0, o.n);
            if (gone.length === 0) continue;
            ds.removeAddresses(e, gone);
            m.fresh = m.fresh.filter((a) => !gone.includes(a));
            m.released = m.released.filter(([a]) => !gone.includes(a));
          } else if (o.kind === 'free-eni') {
            const e = pick(o.eni);
            if (!e || ds.assignedOn(e) > 0) continue;
            ds.removeEni(e);
            model.delete(e);
          } else now += o.ms;
          expect(ds.tablesMatch()).toBe(true);
          for (const e of ds.enis) {
            const m = model.get(e)!;
            expect(ds.freshOf(e)).toEqual(m.fresh);
            expect(ds.releasedOf(e)).toEqual(m.released.map(([a]) => a));
            expect(ds.releaseTimes(e)).toEqual(m.released.map(([, t]) => t));
            expect(ds.assignableOn(e, now)).toBe(
              m.fresh.length + m.released.filter(([, t]) => t + cooldown <= now).length,
            );
          }
          expect(ds.assigned).toBe(held.length);
          expect(ds.total).toBe(ds.enis.reduce((n, e) => n + e.addrs.length, 0));
        }
      }),
      { numRuns: 300 },
    );
  });
});
