/**
 * A VPC subnet at the level of single addresses, shared by every node in it: AWS's five reserved addresses, other
 * tenants' addresses, subnet CIDR reservations, and the /32s and /28 prefixes EC2 hands to ENIs.
 *
 * EC2's choice of address is not documented; the model uses fixed rules (a named assumption, see README):
 * - a /32 (secondary or ENI primary address) is the lowest free address outside every reservation;
 * - a /28 prefix is the lowest free aligned /28 inside a `prefix` reservation, else the lowest free aligned /28
 *   outside every reservation;
 * - `explicit` reservations are never used by automatic assignment.
 * Requests are all or nothing. The address states live in a {@link BlockMap} (bit masks per /28 block and segment
 * trees), so an allocation costs O(log blocks), never O(subnet size).
 */
import { InvariantError } from '../engine/sim.js';
import type { Rng } from '../engine/random.js';
import { BlockMap } from './block-map.js';
import { blockSize, PREFIX_SIZE, type Cidr, type IpRange } from './cidr.js';

/** The `kubernetes.io/role/cni` tag: "0" excludes the subnet, any other value makes it discoverable. */
export type CniTag = 'tagged' | 'excluded' | 'untagged';

/** Addresses other tenants hold from the start: a count placed by a pattern, or explicit ranges. */
export type InUseSpec = { addresses: number; pattern: 'scattered' | 'contiguous' } | { ranges: IpRange[] };

/** A subnet as the scenario describes it. */
export interface SubnetSpec {
  name: string;
  cidr: Cidr;
  availabilityZone: string;
  cniTag: CniTag;
  inUse?: InUseSpec;
  reservations: { cidr: Cidr; type: 'prefix' | 'explicit' }[];
}

/** A subnet handing out /32 addresses and /28 prefixes. */
export class Subnet {
  readonly name: string;
  readonly base: number;
  readonly prefixLength: number;
  readonly size: number;
  readonly availabilityZone: string;
  readonly cniTag: CniTag;
  /** Addresses AWS keeps (the first four and the last). */
  readonly awsReserved = 5;
  /** Addresses other tenants hold. */
  tenants = 0;
  /** Addresses inside `prefix` / `explicit` reservations. */
  readonly reservedPrefix: number;
  readonly reservedExplicit: number;
  private readonly map: BlockMap;
  /** Per block, bits held by other tenants (for invariant checks). */
  private readonly tenantBits: Uint16Array | undefined;
  /** Lowest free address count and free /28 count seen, and their values after other tenants were placed. */
  minFree = 0;
  minFreeBlocks = 0;
  readonly startFree: number;
  readonly startFreeBlocks: number;
  readonly startFragmentation: number;
  /** EC2 errors caused by this subnet, by code, and the time (ms) of the first one (-1: none). */
  readonly errors = new Map<string, number>();
  firstErrorAt = -1;

  constructor(spec: SubnetSpec, inUseRng?: Rng) {
    this.name = spec.name;
    this.base = spec.cidr.base;
    this.prefixLength = spec.cidr.length;
    this.size = blockSize(spec.cidr.length);
    this.availabilityZone = spec.availabilityZone;
    this.cniTag = spec.cniTag;
    if (this.size < 16) throw new InvariantError(`Subnet ${spec.name}: /${spec.cidr.length} is smaller than a /28`);
    let rp = 0;
    let re = 0;
    for (const r of spec.reservations) {
      if (r.type === 'prefix') rp += blockSize(r.cidr.length);
      else re += blockSize(r.cidr.length);
    }
    this.reservedPrefix = rp;
    this.reservedExplicit = re;
    this.map = new BlockMap(
      this.size,
      spec.reservations.map((r) => ({
        first: r.cidr.base - this.base,
        count: blockSize(r.cidr.length),
        prefix: r.type === 'prefix',
      })),
    );
    this.tenantBits = spec.inUse ? new Uint16Array(this.map.blocks) : undefined;
    if (spec.inUse) this.placeTenants(spec.inUse, inUseRng);
    this.startFree = this.minFree = this.freeAddresses;
    this.startFreeBlocks = this.minFreeBlocks = this.map.usableBlocks;
    this.startFragmentation = this.fragmentation;
  }

  /** Free addresses: not AWS's, not held by anyone (EC2's AvailableIpAddressCount; reservations count as free). */
  get freeAddresses(): number {
    return this.size - this.awsReserved - this.map.usedCount;
  }

  /** Free aligned /28 blocks EC2 could hand out as prefixes (outside explicit reservations). */
  get freeBlocks(): number {
    return this.map.usableBlocks;
  }

  /** Share of free addresses that lie outside every free /28 EC2 could hand out (0 = none, 1 = all). */
  get fragmentation(): number {
    const free = this.freeAddresses;
    return free === 0 ? 0 : 1 - (16 * this.map.usableBlocks) / free;
  }

  /** Whether `ip` is inside the subnet. */
  contains(ip: number): boolean {
    return ip >= this.base && ip < this.base + this.size;
  }

  /** Whether EC2's automatic assignment may never use `ip` (AWS's five or a reservation). */
  isReserved(ip: number): boolean {
    return BlockMap.has(this.map.fixed, ip - this.base);
  }

  /** Whether `ip` is AWS's or in an explicit reservation (never part of an automatic prefix). */
  isNeverPrefixed(ip: number): boolean {
    const o = ip - this.base;
    return BlockMap.has(this.map.fixed, o) && !BlockMap.has(this.map.prefixRes, o);
  }

  /** Whether `ip` is held by another tenant. */
  isTenant(ip: number): boolean {
    return BlockMap.has(this.tenantBits, ip - this.base);
  }

  /** Whether `ip` is held (by a tenant or an ENI). */
  isUsed(ip: number): boolean {
    return BlockMap.has(this.map.used, ip - this.base);
  }

  /** `n` addresses for ENIs (lowest free outside reservations), or undefined (nothing taken) when too few are free. */
  allocateAddresses(n: number): number[] | undefined {
    if (this.map.assignable32 < n) return undefined;
    const out: number[] = [];
    for (let k = 0; k < n; k++) {
      const o = this.map.lowestFreeAddress();
      this.map.mark(o >> 4, 1 << (o & 15), true);
      out.push(this.base + o);
    }
    this.track();
    return out;
  }

  /** `n` free aligned /28s (their first addresses), prefix reservations first, or undefined (nothing taken). */
  allocatePrefixes(n: number): number[] | undefined {
    if (this.map.usableBlocks < n) return undefined;
    const out: number[] = [];
    for (let k = 0; k < n; k++) {
      const b = this.map.lowestFreeBlock();
      if (b < 0)
        throw new InvariantError(`Subnet ${this.name}: usable /28 count ${this.map.usableBlocks} but none found`);
      this.map.mark(b, 0xffff, true);
      out.push(this.base + b * PREFIX_SIZE);
    }
    this.track();
    return out;
  }

  /** Returns /32 addresses to the subnet. */
  releaseAddresses(ips: readonly number[]): void {
    for (const ip of ips) {
      const o = ip - this.base;
      this.map.mark(o >> 4, 1 << (o & 15), false);
    }
  }

  /** Returns /28 prefixes (by first address) to the subnet. */
  releasePrefixes(bases: readonly number[]): void {
    for (const p of bases) this.map.mark((p - this.base) >> 4, 0xffff, false);
  }

  /** Counts an EC2 error this subnet caused. */
  noteError(code: string, now: number): void {
    this.errors.set(code, (this.errors.get(code) ?? 0) + 1);
    if (this.firstErrorAt < 0) this.firstErrorAt = now;
  }

  private track(): void {
    if (this.freeAddresses < this.minFree) this.minFree = this.freeAddresses;
    if (this.map.usableBlocks < this.minFreeBlocks) this.minFreeBlocks = this.map.usableBlocks;
  }

  /** Places other tenants' addresses (seeded stream `subnet/<name>/in-use` for `scattered`). */
  private placeTenants(spec: InUseSpec, rng: Rng | undefined): void {
    const take = (o: number): void => {
      const bit = 1 << (o & 15);
      if ((this.map.used[o >> 4] & bit) !== 0) return;
      (this.tenantBits as Uint16Array)[o >> 4] |= bit;
      this.map.mark(o >> 4, bit, true);
      this.tenants++;
    };
    if ('ranges' in spec) {
      // AWS's own five can never be another tenant's; reservations may hold tenants (explicit assignment).
      for (const r of spec.ranges) {
        for (let ip = r.first; ip <= r.last; ip++) {
          const o = ip - this.base;
          if (o === 0 || o === 1 || o === 2 || o === 3 || o === this.size - 1) continue;
          take(o);
        }
      }
      return;
    }
    let need = spec.addresses;
    if (need > this.map.assignable32)
      throw new InvariantError(`Subnet ${this.name}: ${need} tenant addresses but only ${this.map.assignable32} free`);
    if (spec.pattern === 'contiguous') {
      for (const ip of this.allocateAddresses(need) ?? []) {
        const o = ip - this.base;
        (this.tenantBits as Uint16Array)[o >> 4] |= 1 << (o & 15);
      }
      this.tenants += need;
      return;
    }
    if (!rng) throw new InvariantError(`Subnet ${this.name}: a scattered pattern needs a random stream`);
    // Selection sampling (Knuth's algorithm S) over the assignable addresses in order: uniform and one pass.
    let left = this.map.assignable32;
    for (let o = 0; o < this.size && need > 0; o++) {
      if (BlockMap.has(this.map.fixed, o)) continue;
      if (rng.float() * left < need) {
        take(o);
        need--;
      }
      left--;
    }
  }
}
