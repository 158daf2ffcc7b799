/**
 * ipamd's per-node datastore (pkg/ipamd/datastore/data_store.go): the ENIs ipamd manages and their addresses with
 * pod assignment and cooldown state. One interface, two pools: secondary /32s in SIP mode (sip-pool.ts) and /28
 * prefixes of 16 pod addresses in prefix-delegation mode (pd-pool.ts). The records they hold are in records.ts.
 *
 * Unlike the Go code, time is passed in (never read from a clock) and choices that Go makes by map
 * iteration order are made by an explicit random stream or first-fit rule.
 */
import type { Rng } from '../engine/random.js';
import type { Addr, DsEni } from './records.js';

export { Addr, DsEni, DsPrefix, PREFIX_SIZE } from './records.js';

/** How ipamd picks the ENI and address for a pod among equal candidates. */
export type Placement = 'random' | 'first-fit';

/** How a pool picks among equal candidates on a pod ADD, and the stream it draws from (set by ipamd). */
export interface PoolOptions {
  placement?: Placement;
  rng?: Rng;
}

/** CIDRs a DECREASE took out of the datastore from one ENI, for the EC2 call and the observers. */
export interface TakenCidrs {
  /** What EC2 is asked to unassign: /32 addresses (SIP) or prefix first addresses (PD). */
  cidrs: number[];
  /** The pod addresses that left with them. */
  addrs: Addr[];
  /** PD: the same as `cidrs`; SIP: undefined. */
  prefixes: number[] | undefined;
  /** releasedAt[i]: when a pod released addrs[i] (-Infinity for an address no pod has held). */
  releasedAt: number[];
}

/** One node's datastore, in either mode. */
export interface Datastore {
  /** Prefix-delegation mode. */
  readonly pd: boolean;
  /** The node's IP_COOLDOWN_PERIOD (ms). */
  readonly cooldownMs: number;
  /** ENIs in insertion order. */
  readonly enis: readonly DsEni[];
  /** Pod addresses held (SIP: /32s; PD: 16 per prefix). */
  readonly total: number;
  /** Addresses assigned to pods. */
  readonly assigned: number;
  /** PD: prefixes held (TotalPrefixes); SIP: 0. */
  readonly prefixCount: number;
  /** PD: prefixes with no address assigned (GetFreePrefixes); SIP: 0. */
  readonly freePrefixes: number;
  /** Free addresses, including those still cooling (AvailableAddresses in Go). */
  readonly available: number;
  /** A handle on the address the last hand-out took, for {@link releaseFrom} (SIP: its row; PD: -1). */
  readonly takenHandle: number;

  /** Adds an ENI (no addresses yet). */
  addEni(id: string, primary: boolean, deviceIndex: number, now: number, allocatable?: boolean): DsEni;
  /** Removes an ENI with no assigned address (ENI free). */
  removeEni(eni: DsEni): void;
  /** Adds never-used CIDRs to an ENI: /32s (SIP) or /28 prefixes by first address (PD). */
  addCidrs(eni: DsEni, cidrs: readonly number[]): void;
  /**
   * DECREASE on one ENI (FindFreeableCidrs: no pod assigned, cooldown not checked): takes up to `most` of its
   * freeable CIDRs, chosen by a Go map-order shuffle from `rng`, out of the datastore; undefined (and no draw) when
   * it has none.
   */
  takeFreeable(eni: DsEni, most: number, rng: Rng): TakenCidrs | undefined;

  /**
   * A pod ADD (AssignPodIPv4Address) with this node's placement and stream: an address, or undefined when every
   * free address is cooling or none is free (ErrNoAvailableIPInDataStore).
   */
  handOut(now: number): Addr | undefined;
  /** {@link handOut} with an explicit placement and stream (tests). */
  assign(now: number, placement: Placement, rng: Rng): Addr | undefined;
  /** Releases a pod's address into cooldown (UnassignPodIPAddress; no EC2 call). */
  release(a: Addr, now: number): void;
  /** {@link release} with the handle the hand-out gave ({@link takenHandle}): the fast path of a pod DEL. */
  releaseFrom(a: Addr, handle: number, now: number): void;

  /** CIDRs on an ENI: /32s (SIP) or prefixes (PD); the per-ENI cap applies to this. */
  cidrsOn(eni: DsEni): number;
  /** Pod addresses an ENI holds. */
  sizeOf(eni: DsEni): number;
  /** Addresses of an ENI assigned to pods. */
  assignedOn(eni: DsEni): number;
  /** Free addresses of an ENI, cooling or not. */
  freeOn(eni: DsEni): number;
  /** Free addresses of an ENI whose cooldown has ended at `now`. */
  assignableOn(eni: DsEni, now: number): number;
  /** Time (ms) the last cooling address of an ENI stops cooling (-Infinity if no free address was released). */
  coolingEndsAt(eni: DsEni): number;
  /** Addresses released by a pod less than the cooldown ago, not yet reused or returned (GetIPStats CooldownIPs). */
  coolingCount(now: number): number;
  /** Whether a non-primary ENI has no pod (CheckFreeableENIexists). */
  hasFreeableEni(): boolean;
}

/** Removes `item` from `list`; false if it is missing. */
export function removeFrom<T>(list: T[], item: T): boolean {
  const i = list.indexOf(item);
  if (i < 0) return false;
  list.splice(i, 1);
  return true;
}

/** A shuffled copy (Fisher-Yates), standing in for Go's random map iteration order. */
export function shuffled<T>(items: readonly T[], rng: Rng): T[] {
  const a = items.slice();
  for (let i = a.length - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    const x = a[i];
    a[i] = a[j];
    a[j] = x;
  }
  return a;
}
