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
import { Addr, DsPrefix, NEVER, PREFIX_SIZE, takeFromPrefix } from './prefix.js';
import { DsEni, type SipRows } from './ds-eni.js';

export { Addr, DsPrefix, PREFIX_SIZE } from './prefix.js';
export { DsEni } from './ds-eni.js';

/** How ipamd picks the ENI and address for a pod among equal candidates. */
export type Placement = 'random' | 'first-fit';

/** Removes `item` from `list` (an invariant error if it is missing). */
function removeFrom<T>(list: T[], item: T, what: string): void {
  const i = list.indexOf(item);
  if (i < 0) throw new InvariantError(`Datastore: ${what} missing from its list`);
  list.splice(i, 1);
}

// SIP: each ENI's free lists are one row of two per-node tables (`nums`, `refs`). An ENI keeps its row while it is
// in the datastore (so a pod can keep the row of its address), and `rowAt` lists the rows in `enis` order. A row of
// `nums` holds the header below, then the release times of its released addresses; a row of `refs` holds its fresh
// addresses (slots 0 .. cap-1), then its released ones (cap .. 2cap-1), each list in order from its first slot.
/** Free addresses (fresh and released, cooling or not). */
const FREE = 0;
/** When the last pod released an address on the ENI (no released address is newer); NEVER if none has. */
const LAST = 1;
/** Scratch: a pod ADD's assignable count for the ENI. */
const SCRATCH = 2;
const N_FRESH = 3;
const N_RELEASED = 4;
/** Release times start here. */
const TIMES = 5;

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
   * SIP: the ENIs' free lists, one row per ENI (see FREE .. TIMES): a pod ADD scans every ENI's row, and a DEL
   * appends to one, without reading the ENI's objects or addresses, in one or two cache lines per node.
   */
  private nums = new Float64Array(0);
  private refs: (Addr | null)[] = [];
  /** Addresses a row has room for (grown, with the rows laid out again, when an ENI gets more). */
  private cap = 0;
  /** rowAt[i]: the row of enis[i]. */
  private rowAt = new Int32Array(4);
  /** Rows ever handed out; rows of removed ENIs wait in `freeRows` for the next ENI. */
  private rowsUsed = 0;
  private readonly freeRows: number[] = [];
  /** SIP: the row of the address the last assign() handed out (a pod keeps it to release the address); PD: -1. */
  takenRow = -1;
  /** Numbers per row of `nums`: TIMES + cap. */
  private stride = TIMES;
  /** What an ENI reads of its row. */
  private readonly rows: SipRows;
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
    /** SIP: secondary addresses an ENI of this node can hold (rows grow if one holds more). */
    addressesPerEni = 0,
  ) {
    this.layout(Math.max(1, addressesPerEni), 4);
    const self = this;
    this.rows = {
      freeIn: (row) => self.nums[self.at(row) + FREE],
      freshList: (row) => self.list(row, 0, self.nums[self.at(row) + N_FRESH]),
      releasedList: (row) => self.list(row, self.cap, self.nums[self.at(row) + N_RELEASED]),
      lastReleaseAt: (row) => self.nums[self.at(row) + LAST],
      assignableInRow: (row, now, cd) => self.assignableAt(row, now, cd),
      newestRelease: (row) => {
        const r = self.at(row);
        const n = self.nums[r + N_RELEASED];
        return n > 0 ? self.nums[r + TIMES + n - 1] : -Infinity;
      },
    };
  }

  /** (Re)allocates the tables for `cap` addresses per row and room for `rows` rows, keeping the rows held. */
  private layout(cap: number, rows: number): void {
    const old = { nums: this.nums, refs: this.refs, cap: this.cap, stride: this.stride };
    const stride = TIMES + cap;
    const nums = new Float64Array(stride * rows);
    const refs = new Array<Addr | null>(2 * cap * rows).fill(null);
    for (let i = 0; i < this.rowsUsed; i++) {
      nums.set(old.nums.subarray(i * old.stride, i * old.stride + TIMES + old.cap), i * stride);
      for (let k = 0; k < old.cap; k++) {
        refs[2 * cap * i + k] = old.refs[2 * old.cap * i + k];
        refs[2 * cap * i + cap + k] = old.refs[2 * old.cap * i + old.cap + k];
      }
    }
    this.nums = nums;
    this.refs = refs;
    this.cap = cap;
    this.stride = stride;
  }

  /** Where a row starts in `nums`. */
  private at(row: number): number {
    return row * this.stride;
  }

  /** Where a row starts in `refs`: its fresh slots, then its released ones from + cap. */
  private refAt(row: number): number {
    return 2 * this.cap * row;
  }

  /** A copy of `n` refs of a row's list starting at `from` (0: fresh, cap: released). */
  private list(row: number, from: number, n: number): Addr[] {
    const out: Addr[] = [];
    const base = this.refAt(row) + from;
    for (let k = 0; k < n; k++) out.push(this.refs[base + k] as Addr);
    return out;
  }

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
    const eni = new DsEni(id, primary, deviceIndex, now, this.cooldownMs, allocatable, this.pd, this.rows);
    const row = this.freeRows.length > 0 ? (this.freeRows.pop() as number) : this.rowsUsed++;
    if (this.nums.length < this.stride * this.rowsUsed) this.layout(this.cap, 2 * this.rowsUsed);
    if (this.rowAt.length === this.enis.length) {
      const next = new Int32Array(2 * this.rowAt.length);
      next.set(this.rowAt);
      this.rowAt = next;
    }
    eni.row = row;
    this.rowAt[this.enis.length] = row;
    this.enis.push(eni);
    const r = this.at(row);
    this.nums.fill(0, r, r + this.stride);
    this.nums[r + LAST] = NEVER;
    this.refs.fill(null, this.refAt(row), this.refAt(row + 1));
    return eni;
  }

  /**
   * Test hook: whether every SIP row is consistent: each ENI has a row of its own, listed in `enis` order, its counts
   * add up to the ENI's free addresses, every address in its lists is on that ENI, not gone and listed once, and its
   * release times are in order and no later than the row's last release.
   */
  tablesMatch(): boolean {
    if (new Set(this.enis.map((e) => e.row)).size !== this.enis.length) return false;
    return this.enis.every((e, i) => {
      const r = this.at(e.row);
      const nf = this.nums[r + N_FRESH];
      const nr = this.nums[r + N_RELEASED];
      if (
        this.rowAt[i] !== e.row ||
        this.freeRows.includes(e.row) ||
        this.nums[r + FREE] !== e.free ||
        nf + nr !== e.free
      )
        return false;
      const fresh = e.fresh;
      const released = e.released;
      if (new Set([...fresh, ...released]).size !== nf + nr) return false;
      if (![...fresh, ...released].every((a) => a.eni === e && !a.gone)) return false;
      for (let k = 0; k < nr; k++) {
        const t = this.nums[r + TIMES + k];
        if ((k > 0 && this.nums[r + TIMES + k - 1] > t) || t > this.nums[r + LAST]) return false;
      }
      return true;
    });
  }

  /** SIP: the release times of an ENI's released addresses, oldest first (as listed in `released`). */
  releaseTimes(eni: DsEni): number[] {
    const r = this.at(eni.row);
    return Array.from(this.nums.subarray(r + TIMES, r + TIMES + this.nums[r + N_RELEASED]));
  }

  /** Adds never-used secondary addresses to an ENI (SIP), after its fresh ones. */
  addAddresses(eni: DsEni, ips: readonly number[]): void {
    if (eni.addrs.length + ips.length > this.cap)
      this.layout(Math.max(eni.addrs.length + ips.length, 2 * this.cap), this.nums.length / this.stride);
    const r = this.at(eni.row);
    const fresh = this.refAt(eni.row);
    for (const ip of ips) {
      const a = new Addr(ip, eni, null);
      eni.addrs.push(a);
      this.refs[fresh + this.nums[r + N_FRESH]++] = a;
    }
    this.nums[r + FREE] += ips.length;
    this.total += ips.length;
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
    const r = this.at(eni.row);
    const base = this.refAt(eni.row);
    for (const a of addrs) {
      let released = false;
      let from = base;
      let k = this.indexIn(from, this.nums[r + N_FRESH], a);
      if (k < 0) {
        released = true;
        from = base + this.cap;
        k = this.indexIn(from, this.nums[r + N_RELEASED], a);
      }
      if (k < 0) throw new InvariantError(`Datastore.removeAddresses: ${a.ip} is not free on ${eni.id}`);
      removeFrom(eni.addrs, a, 'address');
      a.gone = true;
      this.cut(r, from, k, released);
      this.nums[r + FREE]--;
    }
    this.total -= addrs.length;
  }

  /** Where `a` is among the `n` refs from `from`, or -1. */
  private indexIn(from: number, n: number, a: Addr): number {
    for (let k = 0; k < n; k++) if (this.refs[from + k] === a) return k;
    return -1;
  }

  /** Removes entry k of a row's fresh (`from` = the row's fresh slots) or released list, keeping the order. */
  private cut(r: number, from: number, k: number, released: boolean): void {
    const refs = this.refs;
    const nums = this.nums;
    const count = r + (released ? N_RELEASED : N_FRESH);
    const n = nums[count] - 1;
    for (let j = k; j < n; j++) refs[from + j] = refs[from + j + 1];
    refs[from + n] = null;
    if (released) for (let j = r + TIMES + k; j < r + TIMES + n; j++) nums[j] = nums[j + 1];
    nums[count] = n;
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
    const i = this.enis.indexOf(eni);
    if (i < 0) throw new InvariantError(`Datastore.removeEni: ${eni.id} not in the datastore`);
    this.enis.splice(i, 1);
    this.rowAt.copyWithin(i, i + 1, this.enis.length + 1);
    // Its row waits for the next ENI (addEni clears it).
    this.freeRows.push(eni.row);
    this.refs.fill(null, this.refAt(eni.row), this.refAt(eni.row + 1));
    this.total -= eni.size;
    this.prefixCount -= eni.prefixes.length;
    this.freePrefixes -= eni.freePrefixes;
    for (const a of eni.addrs) a.gone = true;
    for (const p of eni.prefixes) for (const a of p.addrs) a.gone = true;
  }

  /**
   * A pod ADD (AssignPodIPv4Address) with this node's placement and stream, as ipamd set them when it started: an
   * address, or undefined when every free address is cooling or none is free (ErrNoAvailableIPInDataStore).
   */
  handOut(now: number): Addr | undefined {
    if (this.rng === undefined)
      throw new InvariantError('Datastore.handOut: a pod ADD before ipamd set up the datastore');
    return this.assign(now, this.placement, this.rng);
  }

  /**
   * Assigns a free, non-cooling address (AssignPodIPv4Address), picking among equal candidates by `placement` with
   * `rng`, or returns undefined when every free address is cooling or none is free (ErrNoAvailableIPInDataStore).
   */
  assign(now: number, placement: Placement, rng: Rng): Addr | undefined {
    if (this.total === this.assigned) return undefined;
    if (this.pd) return this.assignPd(now, placement, rng);
    const cd = this.cooldownMs;
    const enis = this.enis;
    const n = enis.length;
    if (placement === 'first-fit') {
      for (let i = 0; i < n; i++) if (this.assignableAt(this.rowAt[i], now, cd) > 0) return this.take(this.rowAt[i], 0);
      return undefined;
    }
    // Random: Go map order over ENIs, approximated by a uniform choice among the ENIs that can serve,
    // then a uniform choice among that ENI's assignable addresses. (The hot path: kept apart from PD's.)
    // Each row's scratch slot holds the count for the second loop.
    const nums = this.nums;
    const rowAt = this.rowAt;
    let candidates = 0;
    for (let i = 0; i < n; i++) {
      const row = rowAt[i];
      const c = this.assignableAt(row, now, cd);
      nums[this.at(row) + SCRATCH] = c;
      if (c > 0) candidates++;
    }
    if (candidates === 0) return undefined;
    let k = candidates === 1 ? 0 : rng.int(candidates);
    for (let i = 0; i < n; i++) {
      const row = rowAt[i];
      const c = nums[this.at(row) + SCRATCH];
      if (c === 0) continue;
      if (k-- === 0) return this.take(row, c === 1 ? 0 : rng.int(c));
    }
    throw new InvariantError('Datastore.assign: candidate count mismatch');
  }

  /** PD: a uniformly chosen ENI that can serve, then a uniformly chosen prefix on it that can (first-fit: firsts). */
  private assignPd(now: number, placement: Placement, rng: Rng): Addr | undefined {
    const cd = this.cooldownMs;
    const enis = this.enis;
    if (placement === 'first-fit') {
      for (const e of enis) {
        if (e.assignablePd(now, cd) > 0) return this.takePd(e, -1, now);
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
      return this.takePd(e, m === 1 ? 0 : rng.int(m), now);
    }
    throw new InvariantError('Datastore.assignPd: candidate count mismatch');
  }

  /**
   * Addresses of the ENI in `row` whose cooldown has ended at `now` (SIP): the fresh ones and the released ones
   * released at or before now - cooldown (the release times are in order: a binary search finds the cut).
   */
  private assignableAt(row: number, now: number, cd: number): number {
    const nums = this.nums;
    const r = this.at(row);
    // Nothing cooling (the common case): every free address is assignable.
    if (nums[r + LAST] + cd <= now) return nums[r + FREE];
    const limit = now - cd;
    let lo = 0;
    let hi = nums[r + N_RELEASED];
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (nums[r + TIMES + mid] <= limit) lo = mid + 1;
      else hi = mid;
    }
    return nums[r + N_FRESH] + lo;
  }

  /**
   * Takes the i-th assignable address of the ENI in `row` (fresh ones first, then the oldest released). SIP. Reads
   * and writes only the node's tables: not the ENI, nor the address.
   */
  private take(row: number, i: number): Addr {
    const r = this.at(row);
    const nf = this.nums[r + N_FRESH];
    const fresh = i < nf;
    const from = this.refAt(row) + (fresh ? 0 : this.cap);
    const k = fresh ? i : i - nf;
    const a = this.refs[from + k] as Addr;
    this.cut(r, from, k, !fresh);
    this.assigned++;
    this.nums[r + FREE]--;
    this.takenRow = row;
    return a;
  }

  /** Set-up and test hook: assigns the first fresh address of a SIP ENI. */
  assignOn(eni: DsEni): Addr {
    if (this.nums[this.at(eni.row) + N_FRESH] === 0)
      throw new InvariantError(`Datastore.assignOn: ${eni.id} has no fresh address`);
    return this.take(eni.row, 0);
  }

  /** Takes an address from the j-th prefix of `eni` that can serve (j = -1: the first). PD. */
  private takePd(eni: DsEni, j: number, now: number): Addr {
    const cd = this.cooldownMs;
    let k = j < 0 ? 0 : j;
    for (const p of eni.prefixes) {
      if (p.assignable(now, cd) === 0 || k-- !== 0) continue;
      if (p.assigned === 0) {
        eni.freePrefixes--;
        this.freePrefixes--;
      }
      const a = takeFromPrefix(p, now, cd);
      this.takenRow = -1;
      eni.pdAssigned++;
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
    this.releaseFrom(a, this.pd ? -1 : a.eni.row, now);
  }

  /**
   * {@link release} given the row assign() handed the address out from (`takenRow`; PD: ignored), as kubelet keeps
   * it: SIP then reads and writes only the node's tables, not the address nor its ENI. The caller releases only an
   * address it holds (kubelet: once per running pod); the invariant checks in the tests find one listed twice.
   */
  releaseFrom(a: Addr, row: number, now: number): void {
    if (!this.pd) {
      const nums = this.nums;
      const r = this.at(row);
      const n = nums[r + N_RELEASED];
      this.refs[this.refAt(row) + this.cap + n] = a;
      nums[r + TIMES + n] = now;
      nums[r + N_RELEASED] = n + 1;
      nums[r + FREE]++;
      nums[r + LAST] = now;
    } else {
      a.releasedAt = now;
      const p = a.prefix as DsPrefix;
      const eni = a.eni;
      p.released.push(a);
      if (--p.assigned === 0) {
        eni.freePrefixes++;
        this.freePrefixes++;
      }
      eni.pdAssigned--;
    }
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
