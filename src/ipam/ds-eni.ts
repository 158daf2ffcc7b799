/** One ENI in ipamd's datastore (the ENI entry of data_store.go's eniPool). */
import { PREFIX_SIZE, objectList, type Addr, type DsPrefix } from './prefix.js';

/**
 * Where a SIP ENI's free lists live: in its datastore's per-node tables (datastore.ts), one row per ENI, so that a
 * pod ADD or DEL reads one or two cache lines of its node instead of the ENI's list objects and addresses.
 */
export interface SipRows {
  /** Free addresses of a row (fresh and released, cooling or not). */
  freeIn(row: number): number;
  freshList(row: number): Addr[];
  releasedList(row: number): Addr[];
  lastReleaseAt(row: number): number;
  assignableInRow(row: number, now: number, cooldownMs: number): number;
  /** Release time of the newest released address of a row (-Infinity with none). */
  newestRelease(row: number): number;
}

/** One ENI as the datastore sees it. */
export class DsEni {
  /** SIP: its secondary addresses. PD: empty (addresses live in `prefixes`). */
  readonly addrs: Addr[] = objectList();
  /** PD: its /28 prefixes. */
  readonly prefixes: DsPrefix[] = objectList();
  /** PD: prefixes with no address assigned. */
  freePrefixes = 0;
  /** PD: addresses assigned to pods (SIP counts them in the datastore's row: see `assigned`). */
  pdAssigned = 0;
  /** Its row in the datastore's tables, kept while it is in the datastore (not its place in `Datastore.enis`). */
  row = 0;
  constructor(
    readonly id: string,
    readonly primary: boolean,
    readonly deviceIndex: number,
    /** Time (ms) it entered the datastore: starts the minimum ENI lifetime. */
    readonly createdAt: number,
    /** The node's IP_COOLDOWN_PERIOD (ms). */
    readonly cooldownMs: number,
    /** False for an ENI that never gets pod addresses (custom networking's primary, an excluded subnet's). */
    readonly allocatable: boolean,
    /** Prefix-delegation mode: addresses live in `prefixes`. */
    readonly pd: boolean,
    /** SIP: the datastore tables holding its free lists. */
    private readonly rows: SipRows,
  ) {}

  /** SIP: free addresses never used by a pod, in the order they are handed out (a copy). */
  get fresh(): Addr[] {
    return this.rows.freshList(this.row);
  }

  /** SIP: free addresses released by a pod, in release-time order, oldest first (a copy). */
  get released(): Addr[] {
    return this.rows.releasedList(this.row);
  }

  /** SIP: when the last pod released an address here (no released address is newer); NEVER if none has. */
  get lastReleaseAt(): number {
    return this.rows.lastReleaseAt(this.row);
  }

  /** CIDRs attached: /32s (SIP) or prefixes (PD); the per-ENI cap applies to this. */
  get cidrs(): number {
    return this.pd ? this.prefixes.length : this.addrs.length;
  }

  /** Pod addresses it holds. */
  get size(): number {
    return this.pd ? PREFIX_SIZE * this.prefixes.length : this.addrs.length;
  }

  /** Addresses assigned to pods. */
  get assigned(): number {
    return this.pd ? this.pdAssigned : this.addrs.length - this.rows.freeIn(this.row);
  }

  /** Free addresses, cooling or not. */
  get free(): number {
    return this.pd ? this.size - this.pdAssigned : this.rows.freeIn(this.row);
  }

  /** Number of free addresses whose cooldown has ended at `now`. */
  assignable(now: number, cooldownMs: number): number {
    return this.pd ? this.assignablePd(now, cooldownMs) : this.assignableSip(now, cooldownMs);
  }

  /** {@link assignable} in SIP mode. */
  assignableSip(now: number, cooldownMs: number): number {
    return this.rows.assignableInRow(this.row, now, cooldownMs);
  }

  /** {@link assignable} in PD mode: the sum over its prefixes. */
  assignablePd(now: number, cooldownMs: number): number {
    const ps = this.prefixes;
    let n = 0;
    for (let i = 0; i < ps.length; i++) n += ps[i].assignable(now, cooldownMs);
    return n;
  }

  /** Whether any free address on it was released by a pod less than `cooldownMs` ago (hasIPInCooling). */
  hasCooling(now: number, cooldownMs: number): boolean {
    return this.coolingEndsAt(cooldownMs) > now;
  }

  /** Time (ms) the last cooling address on it stops cooling (-Infinity if none of its free addresses was released). */
  coolingEndsAt(cooldownMs: number): number {
    if (!this.pd) return this.rows.newestRelease(this.row) + cooldownMs;
    const ps = this.prefixes;
    let end = -Infinity;
    for (let i = 0; i < ps.length; i++) {
      const r = ps[i].released;
      if (r.length > 0 && r[r.length - 1].releasedAt + cooldownMs > end) end = r[r.length - 1].releasedAt + cooldownMs;
    }
    return end;
  }
}
