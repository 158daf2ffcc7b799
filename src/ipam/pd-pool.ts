/**
 * The prefix-delegation (PD) pool: each ENI holds /28 prefixes of 16 pod addresses (the ENI's primary address is
 * never inside a prefix). A pod gets an address whose cooldown has ended if the prefix has one, else the lowest
 * never-used one (getUnusedIP, data_store.go), so a fresh prefix is handed out from its network address upward.
 */
import { InvariantError } from '../engine/sim.js';
import type { Rng } from '../engine/random.js';
import { cooledCount } from './cooldown.js';
import {
  removeFrom,
  shuffled,
  type Datastore,
  type Placement,
  type PoolOptions,
  type TakenCidrs,
} from './datastore.js';
import { DsEni, DsPrefix, PREFIX_SIZE, type Addr } from './records.js';

/** Free addresses of a prefix whose cooldown has ended at `now`. */
export function prefixAssignable(p: DsPrefix, now: number, cooldownMs: number): number {
  const n = p.released.length;
  if (n === 0 || p.times[n - 1] + cooldownMs <= now) return p.fresh.length + n;
  return p.fresh.length + cooledCount(p.times, 0, n, now - cooldownMs);
}

/**
 * Takes an address from a prefix that has an assignable one (getUnusedIP): a released address whose cooldown has
 * ended (the oldest; Go takes one in map order), else the lowest never-used address.
 */
function takeFromPrefix(p: DsPrefix, now: number, cooldownMs: number): Addr {
  const r = p.released;
  let a: Addr;
  if (r.length > 0 && p.times[0] + cooldownMs <= now) {
    a = r[0];
    const t = p.times;
    for (let k = 1; k < r.length; k++) {
      r[k - 1] = r[k];
      t[k - 1] = t[k];
    }
    r.pop();
  } else a = p.fresh.pop() as Addr;
  p.assigned++;
  return a;
}

/** The PD datastore of one node. */
export class PdPool implements Datastore {
  readonly pd = true;
  readonly enis: DsEni[] = [];
  total = 0;
  assigned = 0;
  prefixCount = 0;
  freePrefixes = 0;
  /** PD needs no handle to release an address: always -1. */
  readonly takenHandle = -1;
  private readonly placement: Placement;
  private readonly rng: Rng | undefined;

  constructor(
    readonly cooldownMs: number,
    opts: PoolOptions = {},
  ) {
    this.placement = opts.placement ?? 'random';
    this.rng = opts.rng;
  }

  get available(): number {
    return this.total - this.assigned;
  }

  addEni(id: string, primary: boolean, deviceIndex: number, now: number, allocatable = true): DsEni {
    const eni = new DsEni(id, primary, deviceIndex, now, this.cooldownMs, allocatable);
    this.enis.push(eni);
    return eni;
  }

  /** Adds never-used /28 prefixes (by first address) to an ENI. */
  addCidrs(eni: DsEni, bases: readonly number[]): void {
    for (const base of bases) eni.prefixes.push(new DsPrefix(base, eni));
    eni.freePrefixes += bases.length;
    this.prefixCount += bases.length;
    this.freePrefixes += bases.length;
    this.total += PREFIX_SIZE * bases.length;
  }

  takeFreeable(eni: DsEni, most: number, rng: Rng): TakenCidrs | undefined {
    const freeable = eni.prefixes.filter((p) => p.assigned === 0);
    const k = Math.min(most, freeable.length);
    if (k === 0) return undefined;
    const chosen = shuffled(freeable, rng).slice(0, k);
    const when = new Map<Addr, number>();
    for (const p of chosen) p.released.forEach((a, i) => when.set(a, p.times[i]));
    this.removePrefixes(eni, chosen);
    const bases = chosen.map((p) => p.base);
    const addrs = chosen.flatMap((p) => p.addrs);
    const releasedAt = addrs.map((a) => when.get(a) ?? -Infinity);
    return { cidrs: bases, addrs, prefixes: bases, releasedAt };
  }

  /** Removes prefixes with no assigned address from an ENI (DECREASE; cooling addresses go with them). */
  removePrefixes(eni: DsEni, prefixes: readonly DsPrefix[]): void {
    for (const p of prefixes) {
      if (p.assigned !== 0 || !removeFrom(eni.prefixes, p))
        throw new InvariantError(`PdPool.removePrefixes: ${p.base} is not a free prefix of ${eni.id}`);
      for (const a of p.addrs) a.gone = true;
    }
    eni.freePrefixes -= prefixes.length;
    this.freePrefixes -= prefixes.length;
    this.prefixCount -= prefixes.length;
    this.total -= PREFIX_SIZE * prefixes.length;
  }

  removeEni(eni: DsEni): void {
    if (eni.pdAssigned > 0) throw new InvariantError(`PdPool.removeEni: ${eni.id} still has ${eni.pdAssigned} pods`);
    if (!removeFrom(this.enis, eni)) throw new InvariantError(`PdPool.removeEni: ${eni.id} not in the datastore`);
    this.total -= PREFIX_SIZE * eni.prefixes.length;
    this.prefixCount -= eni.prefixes.length;
    this.freePrefixes -= eni.freePrefixes;
    for (const p of eni.prefixes) for (const a of p.addrs) a.gone = true;
  }

  handOut(now: number): Addr | undefined {
    if (this.rng === undefined) throw new InvariantError('PdPool.handOut: a pod ADD with no placement stream');
    return this.assign(now, this.placement, this.rng);
  }

  /** A uniformly chosen ENI that can serve, then a uniformly chosen prefix on it that can (first-fit: firsts). */
  assign(now: number, placement: Placement, rng: Rng): Addr | undefined {
    if (this.total === this.assigned) return undefined;
    const enis = this.enis;
    if (placement === 'first-fit') {
      for (const e of enis) {
        if (this.assignableOn(e, now) > 0) return this.take(e, -1, now);
      }
      return undefined;
    }
    let candidates = 0;
    for (const e of enis) if (this.assignableOn(e, now) > 0) candidates++;
    if (candidates === 0) return undefined;
    let k = candidates === 1 ? 0 : rng.int(candidates);
    for (const e of enis) {
      if (this.assignableOn(e, now) === 0 || k-- !== 0) continue;
      const m = this.prefixesWithRoom(e, now);
      return this.take(e, m === 1 ? 0 : rng.int(m), now);
    }
    throw new InvariantError('PdPool.assign: candidate count mismatch');
  }

  /** Prefixes of `eni` with an assignable address at `now`. */
  private prefixesWithRoom(eni: DsEni, now: number): number {
    let n = 0;
    for (const p of eni.prefixes) if (prefixAssignable(p, now, this.cooldownMs) > 0) n++;
    return n;
  }

  /** Takes an address from the j-th prefix of `eni` that can serve (j = -1: the first). */
  private take(eni: DsEni, j: number, now: number): Addr {
    const cd = this.cooldownMs;
    let k = j < 0 ? 0 : j;
    for (const p of eni.prefixes) {
      if (prefixAssignable(p, now, cd) === 0 || k-- !== 0) continue;
      if (p.assigned === 0) {
        eni.freePrefixes--;
        this.freePrefixes--;
      }
      const a = takeFromPrefix(p, now, cd);
      eni.pdAssigned++;
      this.assigned++;
      return a;
    }
    throw new InvariantError(`PdPool.take: ${eni.id} has no prefix #${j} with room`);
  }

  release(a: Addr, now: number): void {
    const p = a.prefix as DsPrefix;
    const eni = a.eni;
    p.times[p.released.length] = now;
    p.released.push(a);
    if (--p.assigned === 0) {
      eni.freePrefixes++;
      this.freePrefixes++;
    }
    eni.pdAssigned--;
    this.assigned--;
  }

  releaseFrom(a: Addr, _handle: number, now: number): void {
    this.release(a, now);
  }

  cidrsOn(eni: DsEni): number {
    return eni.prefixes.length;
  }

  sizeOf(eni: DsEni): number {
    return PREFIX_SIZE * eni.prefixes.length;
  }

  assignedOn(eni: DsEni): number {
    return eni.pdAssigned;
  }

  freeOn(eni: DsEni): number {
    return PREFIX_SIZE * eni.prefixes.length - eni.pdAssigned;
  }

  /** The sum over its prefixes. */
  assignableOn(eni: DsEni, now: number): number {
    const ps = eni.prefixes;
    let n = 0;
    for (let i = 0; i < ps.length; i++) n += prefixAssignable(ps[i], now, this.cooldownMs);
    return n;
  }

  coolingEndsAt(eni: DsEni): number {
    const ps = eni.prefixes;
    let end = -Infinity;
    for (let i = 0; i < ps.length; i++) {
      const n = ps[i].released.length;
      if (n > 0 && ps[i].times[n - 1] + this.cooldownMs > end) end = ps[i].times[n - 1] + this.cooldownMs;
    }
    return end;
  }

  coolingCount(now: number): number {
    let n = 0;
    for (const e of this.enis) n += this.freeOn(e) - this.assignableOn(e, now);
    return n;
  }

  hasFreeableEni(): boolean {
    for (const e of this.enis) if (!e.primary && e.pdAssigned === 0) return true;
    return false;
  }
}
