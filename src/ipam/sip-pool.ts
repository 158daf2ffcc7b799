/**
 * The secondary-IP (SIP) pool: each ENI holds /32 secondary addresses. Every ENI's free lists are one row of two
 * per-node tables (`nums`, `refs`), so a pod ADD scans every ENI's row, and a DEL appends to one, without reading
 * the ENI's objects or addresses, in one or two cache lines per node.
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
import { Addr, DsEni, NEVER } from './records.js';

// An ENI keeps its row while it is in the datastore (so a pod can keep the row of its address), and `rowAt` lists
// the rows in `enis` order. A row of `nums` holds the header below, then the release times of its released
// addresses; a row of `refs` holds its fresh addresses (slots 0 .. cap-1), then its released ones (cap .. 2cap-1),
// each list in order from its first slot.
/** Free addresses (fresh and released, cooling or not). */
const FREE = 0;
/** When the last pod released an address on the ENI (no released address is newer); NEVER if none has. */
const LAST = 1;
/** Scratch: a pod ADD's assignable count for the ENI. */
const SCRATCH = 2;
const N_FRESH = 3;
const N_RELEASED = 4;
/** Addresses on the ENI (its `addrs.length`). */
const SIZE = 5;
/** 1 for the primary ENI. */
const PRIMARY = 6;
/** Release times start here. */
const TIMES = 7;

/** The SIP datastore of one node. */
export class SipPool implements Datastore {
  readonly pd = false;
  readonly enis: DsEni[] = [];
  total = 0;
  assigned = 0;
  readonly prefixCount = 0;
  readonly freePrefixes = 0;
  private nums = new Float64Array(0);
  private refs: (Addr | null)[] = [];
  /** Addresses a row has room for (grown, with the rows laid out again, when an ENI gets more). */
  private cap = 0;
  /** rowAt[i]: the row of enis[i]. */
  private rowAt = new Int32Array(4);
  /** Rows ever handed out; rows of removed ENIs wait in `freeRows` for the next ENI. */
  private rowsUsed = 0;
  private readonly freeRows: number[] = [];
  /** The row of the address the last hand-out took (a pod keeps it to release the address). */
  takenHandle = -1;
  /** Numbers per row of `nums`: TIMES + cap. */
  private stride = TIMES;
  private readonly placement: Placement;
  private readonly rng: Rng | undefined;

  constructor(
    readonly cooldownMs: number,
    /** Secondary addresses an ENI of this node can hold (rows grow if one holds more). */
    addressesPerEni = 0,
    opts: PoolOptions = {},
  ) {
    this.placement = opts.placement ?? 'random';
    this.rng = opts.rng;
    this.layout(Math.max(1, addressesPerEni), 4);
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

  get available(): number {
    return this.total - this.assigned;
  }

  addEni(id: string, primary: boolean, deviceIndex: number, now: number, allocatable = true): DsEni {
    const eni = new DsEni(id, primary, deviceIndex, now, this.cooldownMs, allocatable);
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
    this.nums[r + PRIMARY] = primary ? 1 : 0;
    this.refs.fill(null, this.refAt(row), this.refAt(row + 1));
    return eni;
  }

  /**
   * Test hook: whether every row is consistent: each ENI has a row of its own, listed in `enis` order, its counts
   * add up to the ENI's free addresses, every address in its lists is on that ENI, not gone and listed once, and its
   * release times are in order and no later than the row's last release.
   */
  tablesMatch(): boolean {
    if (new Set(this.enis.map((e) => e.row)).size !== this.enis.length) return false;
    return this.enis.every((e, i) => {
      const r = this.at(e.row);
      const nf = this.nums[r + N_FRESH];
      const nr = this.nums[r + N_RELEASED];
      if (this.rowAt[i] !== e.row || this.freeRows.includes(e.row) || nf + nr !== this.nums[r + FREE]) return false;
      if (this.nums[r + SIZE] !== e.addrs.length || this.nums[r + PRIMARY] !== (e.primary ? 1 : 0)) return false;
      const listed = [...this.freshOf(e), ...this.releasedOf(e)];
      if (new Set(listed).size !== nf + nr) return false;
      if (!listed.every((a) => a.eni === e && !a.gone && e.addrs.includes(a))) return false;
      for (let k = 0; k < nr; k++) {
        const t = this.nums[r + TIMES + k];
        if ((k > 0 && this.nums[r + TIMES + k - 1] > t) || t > this.nums[r + LAST]) return false;
      }
      return true;
    });
  }

  /** Free addresses of an ENI never used by a pod, in the order they are handed out (a copy). */
  freshOf(eni: DsEni): Addr[] {
    return this.list(eni.row, 0, this.nums[this.at(eni.row) + N_FRESH]);
  }

  /** Free addresses of an ENI released by a pod, in release-time order, oldest first (a copy). */
  releasedOf(eni: DsEni): Addr[] {
    return this.list(eni.row, this.cap, this.nums[this.at(eni.row) + N_RELEASED]);
  }

  /** The release times of an ENI's released addresses, oldest first (as listed by {@link releasedOf}). */
  releaseTimes(eni: DsEni): number[] {
    const r = this.at(eni.row);
    return Array.from(this.nums.subarray(r + TIMES, r + TIMES + this.nums[r + N_RELEASED]));
  }

  addCidrs(eni: DsEni, ips: readonly number[]): void {
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
    this.nums[r + SIZE] += ips.length;
    this.total += ips.length;
  }

  takeFreeable(eni: DsEni, most: number, rng: Rng): TakenCidrs | undefined {
    const fresh = this.freshOf(eni);
    const freeable = [...fresh, ...this.releasedOf(eni)];
    const k = Math.min(most, freeable.length);
    if (k === 0) return undefined;
    // The positions are shuffled rather than the addresses (the same draws, the same order), so that each chosen
    // released address keeps its release time.
    const picked = shuffled(
      freeable.map((_, i) => i),
      rng,
    ).slice(0, k);
    const chosen = picked.map((i) => freeable[i]);
    const r = this.at(eni.row) + TIMES - fresh.length;
    const releasedAt = picked.map((i) => (i < fresh.length ? -Infinity : this.nums[r + i]));
    this.removeAddresses(eni, chosen);
    return { cidrs: chosen.map((a) => a.ip), addrs: chosen, prefixes: undefined, releasedAt };
  }

  /** Removes free addresses from an ENI (DECREASE). Throws if one is assigned. */
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
      if (k < 0 || !removeFrom(eni.addrs, a))
        throw new InvariantError(`SipPool.removeAddresses: ${a.ip} is not free on ${eni.id}`);
      a.gone = true;
      this.cut(r, from, k, released);
      this.nums[r + FREE]--;
      this.nums[r + SIZE]--;
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

  removeEni(eni: DsEni): void {
    const assigned = this.assignedOn(eni);
    if (assigned > 0) throw new InvariantError(`SipPool.removeEni: ${eni.id} still has ${assigned} pods`);
    const i = this.enis.indexOf(eni);
    if (i < 0) throw new InvariantError(`SipPool.removeEni: ${eni.id} not in the datastore`);
    this.enis.splice(i, 1);
    this.rowAt.copyWithin(i, i + 1, this.enis.length + 1);
    // Its row waits for the next ENI (addEni clears it).
    this.freeRows.push(eni.row);
    this.refs.fill(null, this.refAt(eni.row), this.refAt(eni.row + 1));
    this.total -= eni.addrs.length;
    for (const a of eni.addrs) a.gone = true;
  }

  handOut(now: number): Addr | undefined {
    if (this.rng === undefined) throw new InvariantError('SipPool.handOut: a pod ADD with no placement stream');
    return this.assign(now, this.placement, this.rng);
  }

  assign(now: number, placement: Placement, rng: Rng): Addr | undefined {
    if (this.total === this.assigned) return undefined;
    const cd = this.cooldownMs;
    const enis = this.enis;
    const n = enis.length;
    if (placement === 'first-fit') {
      for (let i = 0; i < n; i++) if (this.assignableAt(this.rowAt[i], now, cd) > 0) return this.take(this.rowAt[i], 0);
      return undefined;
    }
    // Random: Go map order over ENIs, approximated by a uniform choice among the ENIs that can serve,
    // then a uniform choice among that ENI's assignable addresses.
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
    throw new InvariantError('SipPool.assign: candidate count mismatch');
  }

  /** Addresses of the ENI in `row` whose cooldown has ended at `now`: the fresh ones and the cooled released ones. */
  private assignableAt(row: number, now: number, cd: number): number {
    const nums = this.nums;
    const r = this.at(row);
    // Nothing cooling (the common case): every free address is assignable.
    if (nums[r + LAST] + cd <= now) return nums[r + FREE];
    return nums[r + N_FRESH] + cooledCount(nums, r + TIMES, nums[r + N_RELEASED], now - cd);
  }

  /**
   * Takes the i-th assignable address of the ENI in `row` (fresh ones first, then the oldest released). Reads
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
    this.takenHandle = row;
    return a;
  }

  /** Set-up and test hook: assigns the first fresh address of an ENI. */
  assignOn(eni: DsEni): Addr {
    if (this.nums[this.at(eni.row) + N_FRESH] === 0)
      throw new InvariantError(`SipPool.assignOn: ${eni.id} has no fresh address`);
    return this.take(eni.row, 0);
  }

  release(a: Addr, now: number): void {
    this.releaseFrom(a, a.eni.row, now);
  }

  /**
   * Given the row the hand-out took the address from, reads and writes only the node's tables, not the address nor
   * its ENI. The caller releases only an address it holds (ipamd: once per pod); the invariant checks in the tests
   * find one listed twice.
   */
  releaseFrom(a: Addr, row: number, now: number): void {
    const nums = this.nums;
    const r = this.at(row);
    const n = nums[r + N_RELEASED];
    this.refs[this.refAt(row) + this.cap + n] = a;
    nums[r + TIMES + n] = now;
    nums[r + N_RELEASED] = n + 1;
    nums[r + FREE]++;
    nums[r + LAST] = now;
    this.assigned--;
  }

  cidrsOn(eni: DsEni): number {
    return eni.addrs.length;
  }

  sizeOf(eni: DsEni): number {
    return eni.addrs.length;
  }

  assignedOn(eni: DsEni): number {
    return eni.addrs.length - this.nums[this.at(eni.row) + FREE];
  }

  freeOn(eni: DsEni): number {
    return this.nums[this.at(eni.row) + FREE];
  }

  assignableOn(eni: DsEni, now: number): number {
    return this.assignableAt(eni.row, now, this.cooldownMs);
  }

  coolingEndsAt(eni: DsEni): number {
    const r = this.at(eni.row);
    const n = this.nums[r + N_RELEASED];
    return n > 0 ? this.nums[r + TIMES + n - 1] + this.cooldownMs : -Infinity;
  }

  coolingCount(now: number): number {
    let n = 0;
    for (const e of this.enis) n += this.freeOn(e) - this.assignableOn(e, now);
    return n;
  }

  /** Whether a secondary ENI has no pod: read from the tables only, not from the ENIs. */
  hasFreeableEni(): boolean {
    const nums = this.nums;
    for (let i = 0; i < this.enis.length; i++) {
      const r = this.at(this.rowAt[i]);
      if (nums[r + PRIMARY] === 0 && nums[r + FREE] === nums[r + SIZE]) return true;
    }
    return false;
  }
}
