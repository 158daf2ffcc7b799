/**
 * ipamd's per-node datastore in secondary-IP mode (pkg/ipamd/datastore/data_store.go): the ENIs ipamd
 * manages and, per ENI, the secondary addresses with their pod assignment and cooldown state.
 *
 * Unlike the Go code, time is passed in (never read from a clock) and choices that Go makes by map
 * iteration order are made by an explicit random stream or first-fit rule.
 */
import { InvariantError } from '../engine/sim.js';
import type { Rng } from '../engine/random.js';

/** How ipamd picks the ENI and address for a pod among equal candidates. */
export type Placement = 'random' | 'first-fit';

/** One secondary IPv4 address held by ipamd. */
export class Addr {
  /** Pod id holding it, or -1 when free. */
  pod = -1;
  /** Time (ms) the last pod released it; -Infinity if never used. */
  releasedAt = -Infinity;
  /** Set once the address has left the datastore (released to EC2 or its ENI freed). */
  gone = false;
  constructor(
    readonly ip: number,
    readonly eni: DsEni,
  ) {}
}

/** One ENI as the datastore sees it. */
export class DsEni {
  readonly addrs: Addr[] = [];
  /** Free addresses never used by a pod. */
  readonly fresh: Addr[] = [];
  /** Free addresses released by a pod, in release-time order (oldest first). */
  readonly released: Addr[] = [];
  assigned = 0;
  constructor(
    readonly id: string,
    readonly primary: boolean,
    readonly deviceIndex: number,
    /** Time (ms) it entered the datastore: starts the minimum ENI lifetime. */
    readonly createdAt: number,
    /** The node's IP_COOLDOWN_PERIOD (ms). */
    readonly cooldownMs: number,
  ) {}

  /** Free addresses, cooling or not. */
  get free(): number {
    return this.addrs.length - this.assigned;
  }

  /** Number of free addresses whose cooldown has ended at `now` (released ones form a time-ordered queue). */
  assignable(now: number, cooldownMs: number): number {
    const r = this.released;
    const n = r.length;
    if (n === 0 || r[n - 1].releasedAt + cooldownMs <= now) return this.fresh.length + n;
    let lo = 0;
    let hi = r.length;
    const limit = now - cooldownMs; // released at or before `limit` may be reused
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (r[mid].releasedAt <= limit) lo = mid + 1;
      else hi = mid;
    }
    return this.fresh.length + lo;
  }

  /** Whether any address on it was released by a pod less than `cooldownMs` ago (data_store.go hasIPInCooling). */
  hasCooling(now: number, cooldownMs: number): boolean {
    const r = this.released;
    return r.length > 0 && r[r.length - 1].releasedAt + cooldownMs > now;
  }

  /** Time (ms) the last cooling address on it stops cooling (-Infinity if none ever released). */
  coolingEndsAt(cooldownMs: number): number {
    const r = this.released;
    return r.length > 0 ? r[r.length - 1].releasedAt + cooldownMs : -Infinity;
  }
}

/** Removes and returns list[i], keeping order, without allocating. */
function removeAt<T>(list: T[], i: number): T {
  const x = list[i];
  const n = list.length - 1;
  for (let k = i; k < n; k++) list[k] = list[k + 1];
  list.pop();
  return x;
}

function removeFrom<T>(list: T[], item: T): void {
  const i = list.indexOf(item);
  if (i < 0) throw new InvariantError('Datastore: address missing from its free list');
  list.splice(i, 1);
}

/** The datastore of one node: ENIs in insertion order and pool totals. */
export class Datastore {
  readonly enis: DsEni[] = [];
  /** Secondary addresses held (SIP mode). */
  total = 0;
  /** Addresses assigned to pods. */
  assigned = 0;

  constructor(readonly cooldownMs: number) {}

  /** Free addresses, including those still cooling (AvailableAddresses in Go). */
  get available(): number {
    return this.total - this.assigned;
  }

  /** Adds an ENI (no addresses yet). */
  addEni(id: string, primary: boolean, deviceIndex: number, now: number): DsEni {
    const eni = new DsEni(id, primary, deviceIndex, now, this.cooldownMs);
    this.enis.push(eni);
    return eni;
  }

  /** Adds never-used secondary addresses to an ENI. */
  addAddresses(eni: DsEni, ips: readonly number[]): void {
    for (const ip of ips) {
      const a = new Addr(ip, eni);
      eni.addrs.push(a);
      eni.fresh.push(a);
    }
    this.total += ips.length;
  }

  /** Removes free addresses from an ENI (DECREASE). Throws if one is assigned. */
  removeAddresses(eni: DsEni, addrs: readonly Addr[]): void {
    for (const a of addrs) {
      if (a.pod !== -1) throw new InvariantError(`Datastore.removeAddresses: ${a.ip} is assigned to pod ${a.pod}`);
      removeFrom(eni.addrs, a);
      a.gone = true;
      removeFrom(a.releasedAt === -Infinity ? eni.fresh : eni.released, a);
    }
    this.total -= addrs.length;
  }

  /** Removes an ENI with no assigned address (ENI free). */
  removeEni(eni: DsEni): void {
    if (eni.assigned > 0) throw new InvariantError(`Datastore.removeEni: ${eni.id} still has ${eni.assigned} pods`);
    const i = this.enis.indexOf(eni);
    if (i < 0) throw new InvariantError(`Datastore.removeEni: ${eni.id} not in the datastore`);
    this.enis.splice(i, 1);
    this.total -= eni.addrs.length;
    for (const a of eni.addrs) a.gone = true;
  }

  /**
   * Assigns a free, non-cooling address to `pod` (AssignPodIPv4Address), or returns undefined when every free
   * address is cooling or none is free (ErrNoAvailableIPInDataStore).
   */
  assign(pod: number, now: number, placement: Placement, rng: Rng): Addr | undefined {
    if (this.total === this.assigned) return undefined;
    const cd = this.cooldownMs;
    const enis = this.enis;
    if (placement === 'first-fit') {
      for (const e of enis) {
        if (e.assignable(now, cd) > 0) return this.take(e, 0, pod);
      }
      return undefined;
    }
    // Random: Go map order over ENIs, approximated by a uniform choice among the ENIs that can serve,
    // then a uniform choice among that ENI's assignable addresses.
    if (this.scratch.length < enis.length) this.scratch = new Int32Array(enis.length * 2);
    const counts = this.scratch;
    let candidates = 0;
    for (let i = 0; i < enis.length; i++) {
      const c = enis[i].assignable(now, cd);
      counts[i] = c;
      if (c > 0) candidates++;
    }
    if (candidates === 0) return undefined;
    let k = candidates === 1 ? 0 : rng.int(candidates);
    for (let i = 0; i < enis.length; i++) {
      const c = counts[i];
      if (c === 0) continue;
      if (k-- === 0) return this.take(enis[i], c === 1 ? 0 : rng.int(c), pod);
    }
    throw new InvariantError('Datastore.assign: candidate count mismatch');
  }

  private scratch = new Int32Array(16);

  /** Takes the i-th assignable address of an ENI (fresh ones first, then the oldest released). */
  private take(eni: DsEni, i: number, pod: number): Addr {
    const nf = eni.fresh.length;
    const a = i < nf ? removeAt(eni.fresh, i) : removeAt(eni.released, i - nf);
    a.pod = pod;
    eni.assigned++;
    this.assigned++;
    return a;
  }

  /** Addresses released by a pod less than the cooldown ago, not yet reused or returned (GetIPStats CooldownIPs). */
  coolingCount(now: number): number {
    let n = 0;
    for (const e of this.enis) n += e.free - e.assignable(now, this.cooldownMs);
    return n;
  }

  /** Releases a pod's address into cooldown (UnassignPodIPAddress; no EC2 call). */
  release(a: Addr, now: number): void {
    if (a.pod === -1) throw new InvariantError(`Datastore.release: ${a.ip} is not assigned`);
    a.pod = -1;
    a.releasedAt = now;
    a.eni.released.push(a);
    a.eni.assigned--;
    this.assigned--;
  }
}
