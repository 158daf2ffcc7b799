/**
 * The address-level subnet: AWS's five, EC2's lowest-free rules for /32s and /28s, reservations, other tenants,
 * counters; checked against a naive model (one state per address) on random operation sequences.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { Subnet, type SubnetSpec } from '../../src/aws/subnet.js';
import { BlockTree } from '../../src/aws/block-tree.js';
import { parseCidr, parseIp, type Cidr } from '../../src/aws/cidr.js';
import { Rng } from '../../src/engine/random.js';
import { fcParams } from '../fc.js';

const cidr = (s: string): Cidr => parseCidr(s).cidr as Cidr;
const ip = (s: string): number => parseIp(s) as number;
const spec = (c: string, more: Partial<SubnetSpec> = {}): SubnetSpec => ({
  name: 's',
  cidr: cidr(c),
  availabilityZone: 'a',
  cniTag: 'untagged',
  reservations: [],
  ...more,
});

describe('Subnet', () => {
  it('keeps AWS five addresses: a /28 has 11, the first one handed out is .4', () => {
    const s = new Subnet(spec('10.0.0.0/28'));
    expect([s.freeAddresses, s.freeBlocks]).toEqual([11, 0]);
    expect(s.allocateAddresses(2)).toEqual([ip('10.0.0.4'), ip('10.0.0.5')]);
    expect(s.allocateAddresses(10)).toBeUndefined(); // all or nothing
    expect(s.freeAddresses).toBe(9);
    expect(s.isReserved(ip('10.0.0.15'))).toBe(true);
  });

  it('hands out the lowest free /32 and reuses released ones lowest first', () => {
    const s = new Subnet(spec('10.0.0.0/24'));
    const a = s.allocateAddresses(5) as number[];
    s.releaseAddresses([a[1], a[3]]);
    expect(s.allocateAddresses(3)).toEqual([a[1], a[3], a[4] + 1]);
  });

  it('hands out aligned free /28s, lowest first, skipping any block with an address in use', () => {
    const s = new Subnet(spec('10.0.0.0/24'));
    expect(s.freeBlocks).toBe(14); // first and last blocks hold AWS addresses
    s.allocateAddresses(1); // 10.0.0.4: block 0 was not free anyway
    const [p] = s.allocatePrefixes(1) as number[];
    expect(p).toBe(ip('10.0.0.16'));
    s.releaseAddresses([ip('10.0.0.4')]);
    expect(s.allocateAddresses(13)?.at(-1)).toBe(ip('10.0.0.32')); // .4-.15 then past the prefix
    expect(s.allocatePrefixes(1)).toEqual([ip('10.0.0.48')]);
    expect([s.freeBlocks, s.freeAddresses]).toEqual([11, 251 - 16 - 13 - 16]);
  });

  it('prefix reservations: prefixes come from them first; /32s never do; explicit ones are never used', () => {
    const s = new Subnet(
      spec('10.0.0.0/24', {
        reservations: [
          { cidr: cidr('10.0.0.128/27'), type: 'prefix' },
          { cidr: cidr('10.0.0.16/28'), type: 'explicit' },
        ],
      }),
    );
    expect(s.reservedPrefix).toBe(32);
    expect(s.allocatePrefixes(3)).toEqual([ip('10.0.0.128'), ip('10.0.0.144'), ip('10.0.0.32')]);
    const ips = s.allocateAddresses(187) as number[];
    expect(ips.some((x) => x >= ip('10.0.0.16') && x < ip('10.0.0.32'))).toBe(false);
    expect(s.allocateAddresses(1)).toBeUndefined();
    expect(s.freeAddresses).toBe(16); // the explicit block: free, yet EC2 never hands it out
    expect(s.freeBlocks).toBe(0);
    expect(s.fragmentation).toBe(1);
  });

  it('places other tenants: contiguous from the bottom, scattered reproducibly, ranges exactly', () => {
    const cont = new Subnet(spec('10.0.0.0/24', { inUse: { addresses: 30, pattern: 'contiguous' } }));
    expect(cont.allocateAddresses(1)).toEqual([ip('10.0.0.34')]);
    const a = new Subnet(
      spec('10.0.0.0/22', { inUse: { addresses: 600, pattern: 'scattered' } }),
      new Rng('1/subnet/s/in-use'),
    );
    const b = new Subnet(
      spec('10.0.0.0/22', { inUse: { addresses: 600, pattern: 'scattered' } }),
      new Rng('1/subnet/s/in-use'),
    );
    const c = new Subnet(
      spec('10.0.0.0/22', { inUse: { addresses: 600, pattern: 'scattered' } }),
      new Rng('2/subnet/s/in-use'),
    );
    expect(a.tenants).toBe(600);
    expect(a.freeAddresses).toBe(1019 - 600);
    expect(a.allocateAddresses(50)).toEqual(b.allocateAddresses(50));
    expect(a.allocateAddresses(50)).not.toEqual(c.allocateAddresses(100)?.slice(50));
    expect(a.freeBlocks).toBe(0); // 600 of 1019 scattered: no aligned /28 is left whole
    const r = new Subnet(spec('10.0.0.0/24', { inUse: { ranges: [{ first: ip('10.0.0.0'), last: ip('10.0.0.9') }] } }));
    expect(r.tenants).toBe(6); // AWS's .0-.3 are not a tenant's
    expect(r.isTenant(ip('10.0.0.9'))).toBe(true);
  });

  it('counts errors and the time of the first', () => {
    const s = new Subnet(spec('10.0.0.0/28'));
    s.noteError('InsufficientCidrBlocks', 5000);
    s.noteError('InsufficientCidrBlocks', 9000);
    expect([s.errors.get('InsufficientCidrBlocks'), s.firstErrorAt]).toEqual([2, 5000]);
  });

  it('stays cheap on a /16 with thousands of allocations (segment tree per /28 block)', () => {
    const s = new Subnet(spec('10.8.0.0/16', { inUse: { addresses: 20_000, pattern: 'scattered' } }), new Rng('big'));
    let n = 0;
    for (let i = 0; i < 3000; i++) n += (s.allocateAddresses(10) as number[]).length;
    const prefixes = s.allocatePrefixes(s.freeBlocks) as number[];
    expect(n).toBe(30_000);
    expect(prefixes.every((p) => p % 16 === 0)).toBe(true);
    expect(s.freeBlocks).toBe(0);
    expect(s.freeAddresses).toBe(65_531 - 20_000 - 30_000 - 16 * prefixes.length);
  });
});

/** The naive model: one state per address offset. */
type State = 'aws' | 'free' | 'used';
function lowest(states: State[], pred: (o: number) => boolean): number {
  return states.findIndex((st, o) => st === 'free' && pred(o));
}

describe('Subnet against a naive model', () => {
  it('agrees on every address and counter for random operations', () => {
    const op = fc.oneof(
      fc.record({ kind: fc.constant('ips' as const), n: fc.integer({ min: 1, max: 40 }) }),
      fc.record({ kind: fc.constant('prefixes' as const), n: fc.integer({ min: 1, max: 4 }) }),
      fc.record({ kind: fc.constant('release' as const), n: fc.integer({ min: 0, max: 1000 }) }),
    );
    fc.assert(
      fc.property(fc.array(op, { maxLength: 60 }), fc.boolean(), (ops, reserve) => {
        const reservations: SubnetSpec['reservations'] = reserve
          ? [
              { cidr: cidr('10.0.1.0/26'), type: 'prefix' },
              { cidr: cidr('10.0.0.96/27'), type: 'explicit' },
            ]
          : [];
        const s = new Subnet(spec('10.0.0.0/23', { reservations }));
        const size = 512;
        const states: State[] = Array.from({ length: size }, (_, o) => (o < 4 || o === size - 1 ? 'aws' : 'free'));
        const inRes = (o: number, type: string) =>
          reservations.some(
            (r) => r.type === type && o >= r.cidr.base - s.base && o < r.cidr.base - s.base + 2 ** (32 - r.cidr.length),
          );
        const unreserved = (o: number) => !inRes(o, 'prefix') && !inRes(o, 'explicit');
        const blockFree = (b: number, pred: (o: number) => boolean) =>
          [...Array(16).keys()].every((i) => states[b * 16 + i] === 'free' && pred(b * 16 + i));
        const held: { base: number; prefix: boolean }[] = [];
        for (const o of ops) {
          if (o.kind === 'ips') {
            const want: number[] = [];
            for (let o2 = 0; o2 < size && want.length < o.n; o2++)
              if (states[o2] === 'free' && unreserved(o2)) want.push(o2);
            const got = s.allocateAddresses(o.n);
            if (want.length < o.n) expect(got).toBeUndefined();
            else {
              expect(got?.map((x) => x - s.base)).toEqual(want);
              for (const w of want) {
                states[w] = 'used';
                held.push({ base: w, prefix: false });
              }
            }
          } else if (o.kind === 'prefixes') {
            const got = s.allocatePrefixes(o.n);
            const want: number[] = [];
            const cand = (pred: (x: number) => boolean) =>
              [...Array(size / 16).keys()].filter((b) => blockFree(b, pred));
            const order = [...cand((x) => inRes(x, 'prefix')), ...cand(unreserved)];
            if (order.length < o.n) expect(got).toBeUndefined();
            else {
              want.push(...order.slice(0, o.n).map((b) => b * 16));
              expect(got?.map((x) => x - s.base)).toEqual(want);
              for (const w of want) {
                for (let i = 0; i < 16; i++) states[w + i] = 'used';
                held.push({ base: w, prefix: true });
              }
            }
          } else if (held.length > 0) {
            const h = held.splice(o.n % held.length, 1)[0];
            if (h.prefix) {
              s.releasePrefixes([s.base + h.base]);
              for (let i = 0; i < 16; i++) states[h.base + i] = 'free';
            } else {
              s.releaseAddresses([s.base + h.base]);
              states[h.base] = 'free';
            }
          }
          const free = states.filter((x) => x === 'free').length;
          const blocks = [...Array(size / 16).keys()].filter(
            (b) => blockFree(b, unreserved) || blockFree(b, (x) => inRes(x, 'prefix')),
          ).length;
          expect([s.freeAddresses, s.freeBlocks]).toEqual([free, blocks]);
        }
        expect(s.minFree).toBeLessThanOrEqual(s.freeAddresses);
        expect(lowest(states, () => true)).toBeGreaterThanOrEqual(-1);
      }),
      fcParams(60),
    );
  });

  it('BlockTree.firstBelow finds the lowest block under a threshold', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.nat(63), fc.integer({ min: 0, max: 16 })), { maxLength: 200 }),
        fc.integer({ min: 1, max: 17 }),
        (sets, th) => {
          const t = new BlockTree(64, 16);
          const v = new Array(64).fill(16);
          for (const [b, x] of sets) {
            t.set(b, x);
            v[b] = x;
          }
          expect(t.firstBelow(th)).toBe(v.findIndex((x) => x < th));
        },
      ),
      fcParams(100),
    );
  });
});
