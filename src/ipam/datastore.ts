/**
 * ipamd's per-node datastore (pkg/ipamd/datastore/data_store.go): the ENIs ipamd manages and their addresses with
 * pod assignment and cooldown state. In secondary-IP (SIP) mode an ENI holds /32s; in prefix-delegation (PD) mode
 * it holds /28 prefixes of 16 pod addresses each (prefix.ts).
 *
 * Unlike the Go code, time is passed in (never read from a clock) and choices that Go makes by map
 * iteration order are made by an explicit random stream or first-fit rule.
 */
import { InvariantError } from '../engine/sim.js';
import type { Rng } from '../engine/random.js';
import { Addr, DsPrefix, NEVER, PREFIX_SIZE, assignableCount, takeFromPrefix } from './prefix.js';
import { DsEni, removeAt } from './ds-eni.js';

export { Addr, DsPrefix, PREFIX_SIZE } from './prefix.js';
export { DsEni } from './ds-eni.js';

/** How ipamd picks the ENI and address for a pod among equal candidates. */
export type Placement = 'random' | 'first-fit';

function removeFrom<T>(list: T[], item: T, what: string): void {
  const i = list.indexOf(item);
  if (i < 0) throw new InvariantError(`Datastore: ${what} missing from its list`);
  list.splice(i, 1);
}

/** Numbers per ENI in the datastore's summary table: free addresses, last release time, and a scratch count. */
const ROW = 3;

/** The datastore of one node: ENIs in insertion order and pool totals. */
export class Datastore {
  readonly enis: DsEni[] = [];
  /** Pod addresses held (SIP: /32s; PD: 16 per prefix). */
  total = 0;
  /** Addresses assigned to pods. */
  assigned = 0;
  /** PD: prefixes held (TotalPrefixes) and prefixes with no address assigned (GetFreePrefixes). */
  prefixCount = 0;
  freePrefixes = 0;
  /**
   * SIP: a copy of what a pod ADD reads of each ENI, one row of ROW numbers per ENI in `enis` order: free
   * addresses (cooling included) and the last release time, then a slot for the ADD's own count. The placement
   * scans every ENI on every ADD; one small typed array costs a cache line or two, the ENI objects one each (an
   * ENI is read itself only while an address on it is cooling).
   */
  private sum = new Float64Array(ROW * 4);
  /** How a pod ADD picks among equal candidates, and the stream it draws from (set by ipamd). */
  placement: Placement = 'random';
  rng: Rng | undefined = undefined;
  /**
   * ipamd's quiet band, as it applies now: for a pool of `quietTotal` addresses, assigned counts in
   * [quietLo, quietHi] need no look from ipamd after a pod event (empty while a pass is queued or running, before
   * Ready, after a stop). Kept here so the pod path reads it from an object it touches anyway.
   */
  quietTotal = -1;
  quietLo = 1;
  quietHi = 0;
  /** ipamd still waits for the pool to first reach its target (it looks after every release until then). */
  watchTarget = true;

  constructor(
    readonly cooldownMs: number,
    /** Prefix-delegation mode. */
    readonly pd = false,
  ) {}

  /** Whether a pod event leaves the pool where ipamd's loop has nothing to reconsider (see `quietTotal`). */
  quiet(): boolean {
    return this.total === this.quietTotal && this.assigned >= this.quietLo && this.assigned <= this.quietHi;
  }

  /** Free addresses, including those still cooling (AvailableAddresses in Go). */
  get available(): number {
    return this.total - this.assigned;
  }

  /** Adds an ENI (no addresses yet). */
  addEni(id: string, primary: boolean, deviceIndex: number, now: number, allocatable = true): DsEni {
    const eni = new DsEni(id, primary, deviceIndex, now, this.cooldownMs, allocatable, this.pd);
    eni.row = this.enis.length;
    this.enis.push(eni);
    if (this.sum.length < ROW * this.enis.length) {
      const next = new Float64Array(this.sum.length * 2);
      next.set(this.sum);
      this.sum = next;
    }
    this.syncRow(eni);
    return eni;
  }

  /** Rewrites an ENI's summary row from the ENI itself (SIP; PD pools keep no rows). */
  private syncRow(e: DsEni): void {
    if (this.pd) return;
    const r = e.row * ROW;
    this.sum[r] = e.free;
    this.sum[r + 1] = e.lastReleaseAt;
  }

  /** Test hook: whether every summary row matches its ENI. */
  summaryMatches(): boolean {
    return this.enis.every((e, i) => e.row === i && this.sum[i * ROW] === e.free && this.sum[i * ROW + 1] === e.lastReleaseAt);
  }

  /** Adds never-used secondary addresses to an ENI (SIP). */
  addAddresses(eni: DsEni, ips: readonly number[]): void {
    for (const ip of ips) {
      const a = new Addr(ip, eni, null);
      eni.addrs.push(a);
      eni.fresh.push(a);
    }
    this.total += ips.length;
    this.syncRow(eni);
  }

  /** Adds never-used /28 prefixes (by first address) to an ENI (PD). */
  addPrefixes(eni: DsEni, bases: readonly number[]): void {
    for (const base of bases) eni.prefixes.push(new DsPrefix(base, eni));
    eni.freePrefixes += bases.length;
    this.prefixCount += bases.length;
    this.freePrefixes += bases.length;
    this.total += PREFIX_SIZE * bases.length;
  }

  /** Removes free addresses from an ENI (SIP DECREASE). Throws if one is assigned. */
  removeAddresses(eni: DsEni, addrs: readonly Addr[]): void {
    for (const a of addrs) {
      if (a.pod !== -1) throw new InvariantError(`Datastore.removeAddresses: ${a.ip} is assigned to pod ${a.pod}`);
      removeFrom(eni.addrs, a, 'address');
      a.gone = true;
      removeFrom(a.releasedAt === NEVER ? eni.fresh : eni.released, a, 'free address');
    }
    this.total -= addrs.length;
    this.syncRow(eni);
  }

  /** Removes prefixes with no assigned address from an ENI (PD DECREASE; cooling addresses go with them). */
  removePrefixes(eni: DsEni, prefixes: readonly DsPrefix[]): void {
    for (const p of prefixes) {
      if (p.assigned !== 0) throw new InvariantError(`Datastore.removePrefixes: ${p.base} has ${p.assigned} pods`);
      removeFrom(eni.prefixes, p, 'prefix');
      for (const a of p.addrs) a.gone = true;
    }
    eni.freePrefixes -= prefixes.length;
    this.freePrefixes -= prefixes.length;
    this.prefixCount -= prefixes.length;
    this.total -= PREFIX_SIZE * prefixes.length;
  }

  /** Removes an ENI with no assigned address (ENI free). */
  removeEni(eni: DsEni): void {
    if (eni.assigned > 0) throw new InvariantError(`Datastore.removeEni: ${eni.id} still has ${eni.assigned} pods`);
    const i = eni.row;
    if (this.enis[i] !== eni) throw new InvariantError(`Datastore.removeEni: ${eni.id} not in the datastore`);
    this.enis.splice(i, 1);
    // The ENIs after it move up one row.
    for (let k = i; k < this.enis.length; k++) {
      this.enis[k].row = k;
      this.syncRow(this.enis[k]);
    }
    this.total -= eni.size;
    this.prefixCount -= eni.prefixes.length;
    this.freePrefixes -= eni.freePrefixes;
    for (const a of eni.addrs) a.gone = true;
    for (const p of eni.prefixes) for (const a of p.addrs) a.gone = true;
  }

  /**
   * Assigns a free, non-cooling address to `pod` (AssignPodIPv4Address), or returns undefined when every free
   * address is cooling or none is free (ErrNoAvailableIPInDataStore).
   */
  assign(pod: number, now: number, placement: Placement, rng: Rng): Addr | undefined {
    if (this.total === this.assigned) return undefined;
    if (this.pd) return this.assignPd(pod, now, placement, rng);
    const cd = this.cooldownMs;
    const enis = this.enis;
    const n = enis.length;
    if (placement === 'first-fit') {
      for (let i = 0; i < n; i++) if (this.assignableAt(i, now, cd) > 0) return this.take(enis[i], 0, pod);
      return undefined;
    }
    // Random: Go map order over ENIs, approximated by a uniform choice among the ENIs that can serve,
    // then a uniform choice among that ENI's assignable addresses. (The hot path: kept apart from PD's.)
    // Each row's last slot holds the count for the second loop.
    const sum = this.sum;
    let candidates = 0;
    for (let i = 0, r = 0; i < n; i++, r += ROW) {
      const c = this.assignableAt(i, now, cd);
      sum[r + 2] = c;
      if (c > 0) candidates++;
    }
    if (candidates === 0) return undefined;
    let k = candidates === 1 ? 0 : rng.int(candidates);
    for (let i = 0, r = 0; i < n; i++, r += ROW) {
      const c = sum[r + 2];
      if (c === 0) continue;
      if (k-- === 0) return this.take(enis[i], c === 1 ? 0 : rng.int(c), pod);
    }
    throw new InvariantError('Datastore.assign: candidate count mismatch');
  }

  /** PD: a uniformly chosen ENI that can serve, then a uniformly chosen prefix on it that can (first-fit: firsts). */
  private assignPd(pod: number, now: number, placement: Placement, rng: Rng): Addr | undefined {
    const cd = this.cooldownMs;
    const enis = this.enis;
    if (placement === 'first-fit') {
      for (const e of enis) {
        if (e.assignablePd(now, cd) > 0) return this.takePd(e, -1, now, pod);
      }
      return undefined;
    }
    let candidates = 0;
    for (const e of enis) if (e.assignablePd(now, cd) > 0) candidates++;
    if (candidates === 0) return undefined;
    let k = candidates === 1 ? 0 : rng.int(candidates);
    for (const e of enis) {
      if (e.assignablePd(now, cd) === 0 || k-- !== 0) continue;
      const m = prefixesWithRoom(e, now, cd);
      return this.takePd(e, m === 1 ? 0 : rng.int(m), now, pod);
    }
    throw new InvariantError('Datastore.assignPd: candidate count mismatch');
  }

  /**
   * Addresses of the i-th ENI whose cooldown has ended at `now` (SIP), from its summary row; the ENI itself is read
   * only while an address on it is cooling.
   */
  private assignableAt(i: number, now: number, cd: number): number {
    const r = i * ROW;
    if (this.sum[r + 1] + cd <= now) return this.sum[r];
    const e = this.enis[i];
    return assignableCount(e.fresh.length, e.released, now, cd);
  }

  /** Takes the i-th assignable address of an ENI (fresh ones first, then the oldest released). SIP. */
  private take(eni: DsEni, i: number, pod: number): Addr {
    const nf = eni.fresh.length;
    const a = i < nf ? removeAt(eni.fresh, i) : removeAt(eni.released, i - nf);
    a.pod = pod;
    eni.assigned++;
    this.assigned++;
    this.sum[eni.row * ROW]--;
    return a;
  }

  /** Takes an address from the j-th prefix of `eni` that can serve (j = -1: the first). PD. */
  private takePd(eni: DsEni, j: number, now: number, pod: number): Addr {
    const cd = this.cooldownMs;
    let k = j < 0 ? 0 : j;
    for (const p of eni.prefixes) {
      if (p.assignable(now, cd) === 0 || k-- !== 0) continue;
      if (p.assigned === 0) {
        eni.freePrefixes--;
        this.freePrefixes--;
      }
      const a = takeFromPrefix(p, now, cd);
      a.pod = pod;
      eni.assigned++;
      this.assigned++;
      return a;
    }
    throw new InvariantError(`Datastore.takePd: ${eni.id} has no prefix #${j} with room`);
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
    const eni = a.eni;
    const p = a.prefix;
    if (p === null) {
      eni.released.push(a);
      eni.lastReleaseAt = now;
      const r = eni.row * ROW;
      this.sum[r]++;
      this.sum[r + 1] = now;
    }
    else {
      p.released.push(a);
      if (--p.assigned === 0) {
        eni.freePrefixes++;
        this.freePrefixes++;
      }
    }
    eni.assigned--;
    this.assigned--;
  }

  /** Whether a non-primary ENI has no pod (CheckFreeableENIexists, data_store.go). */
  hasFreeableEni(): boolean {
    for (const e of this.enis) if (!e.primary && e.assigned === 0) return true;
    return false;
  }
}

/** Prefixes of `eni` with an assignable address at `now`. */
function prefixesWithRoom(eni: DsEni, now: number, cd: number): number {
  let n = 0;
  for (const p of eni.prefixes) if (p.assignable(now, cd) > 0) n++;
  return n;
}
