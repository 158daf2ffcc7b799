/**
 * ipamd's pool decisions as pure functions of a pool snapshot (pkg/ipamd/ipamd.go, data_store.go). Each function
 * names the Go function it mirrors. No time, no randomness, no side effects: the reconcile loop owns the mechanics.
 * Numbers are addresses unless a name says prefixes; in PD mode the pool unit is a /28 prefix of 16 addresses.
 */
// P: addresses in one /28 prefix (short, for the formulas below).
import { PREFIX_SIZE as P } from '../aws/cidr.js';
import { poolMode, type IpamdConfig, type PoolMode } from './config.js';

/** Everything the decisions need to know about one node's pool. */
export interface PoolSnapshot {
  /** Pod addresses in the datastore (PD: 16 per prefix). */
  total: number;
  /** Addresses assigned to pods. */
  assigned: number;
  /** Node capacity in pods (kubelet max-pods). */
  maxPods: number;
  /** Addresses one ENI can hold: M - 1 (SIP), (M - 1) x 16 (PD; ipamd redefines maxIPsPerENI so). */
  maxIpsPerEni: number;
  /** PD: prefixes held (TotalPrefixes). */
  totalPrefixes?: number;
  /** PD: prefixes with no assigned address (GetFreePrefixes). */
  freePrefixes?: number;
  /** PD: some non-primary ENI has no pod (CheckFreeableENIexists). */
  freeableEni?: boolean;
}

/** The targets that drive the pool, resolved from the configuration. */
export interface PoolTargets {
  mode: PoolMode;
  /** Prefix delegation is on (and honoured by the instance type). */
  pd: boolean;
  warmEni: number;
  warmIp: number;
  minIp: number;
  warmPrefix: number;
}

/** Resolves the pool targets (reference section 1.2 precedence). */
export function poolTargets(c: IpamdConfig): PoolTargets {
  return {
    mode: poolMode(c),
    pd: c.enablePrefixDelegation,
    warmEni: c.warmEniTarget,
    warmIp: c.warmIpTarget,
    minIp: c.minimumIpTarget,
    warmPrefix: c.warmPrefixTarget,
  };
}

/** DivCeil (data_store.go): x / y rounded up, for x >= 0. */
export function divCeil(x: number, y: number): number {
  return Math.floor((x + y - 1) / y);
}

/** CIDRs one ENI can hold: M - 1 secondary addresses (SIP) or M - 1 prefixes (PD). */
export function cidrsPerEni(t: PoolTargets, s: PoolSnapshot): number {
  return t.pd ? s.maxIpsPerEni / P : s.maxIpsPerEni;
}

/** datastoreTargetState's `short` (IP-target mode): addresses missing (SIP) or ceil(that / 16) prefixes (PD). */
export function shortage(t: PoolTargets, s: PoolSnapshot): number {
  const short = Math.max(t.warmIp - (s.total - s.assigned), t.minIp - s.total, 0);
  return t.pd ? divCeil(short, P) : short;
}

/**
 * datastoreTargetState's `over` (IP-target mode): addresses that may be released (SIP), or in PD the free prefixes
 * beyond both ceil((assigned + WARM_IP_TARGET) / 16) and ceil(MINIMUM_IP_TARGET / 16).
 */
export function surplus(t: PoolTargets, s: PoolSnapshot): number {
  if (!t.pd) return Math.max(0, Math.min(s.total - s.assigned - t.warmIp, s.total - t.minIp));
  const prefixes = s.totalPrefixes ?? 0;
  const forWarm = divCeil(s.assigned + t.warmIp, P);
  const forMin = divCeil(t.minIp, P);
  return Math.max(0, Math.min(s.freePrefixes ?? 0, prefixes - forWarm, prefixes - forMin));
}

/** datastoreTargetState (IP-target mode): shortage and surplus together. */
export function targetState(t: PoolTargets, s: PoolSnapshot): { short: number; over: number } {
  return { short: shortage(t, s), over: surplus(t, s) };
}

/** isDatastorePoolTooLow: unit = M - 1 addresses and WARM_ENI_TARGET (SIP), 16 and WARM_PREFIX_TARGET (PD). */
export function isPoolTooLow(t: PoolTargets, s: PoolSnapshot): boolean {
  if (s.total >= s.maxPods) return false;
  if (t.mode === 'ip-target') return shortage(t, s) > 0;
  const available = s.total - s.assigned;
  const unit = t.pd ? P : s.maxIpsPerEni;
  const warm = t.pd ? t.warmPrefix : t.warmEni;
  return available < unit * warm || (warm === 0 && available === 0);
}

/** isDatastorePoolTooHigh: IP-target surplus, or PD free prefixes above WARM_PREFIX_TARGET; never in SIP ENI mode. */
export function isPoolTooHigh(t: PoolTargets, s: PoolSnapshot): boolean {
  if (t.mode === 'ip-target') return surplus(t, s) > 0;
  if (t.mode === 'prefix-target') return (s.freePrefixes ?? 0) > t.warmPrefix;
  return false;
}

/** What a DECREASE releases: IP-target surplus, or computeExtraPrefixesOverWarmTarget in PD prefix mode. */
export function decreaseAmount(t: PoolTargets, s: PoolSnapshot): number {
  if (t.mode === 'ip-target') return surplus(t, s);
  if (t.mode === 'prefix-target') return Math.max((s.freePrefixes ?? 0) - t.warmPrefix, 0);
  return 0;
}

/**
 * shouldRemoveExtraENIs: always in IP-target mode; else available >= (target + 1) x maxIPsPerENI, and in PD also
 * whenever some non-primary ENI has no pod.
 */
export function shouldTryFreeEni(t: PoolTargets, s: PoolSnapshot): boolean {
  if (t.mode === 'ip-target') return true;
  const warm = t.pd ? t.warmPrefix : t.warmEni;
  if (s.total - s.assigned >= (warm + 1) * s.maxIpsPerEni) return true;
  return t.pd && s.freeableEni === true;
}

/** getPrefixesNeeded: max(1, prefix shortage) in IP-target mode, else max(1, WARM_PREFIX_TARGET - free prefixes). */
export function prefixesNeeded(t: PoolTargets, s: PoolSnapshot): number {
  const short = t.mode === 'ip-target' ? shortage(t, s) : t.warmPrefix - (s.freePrefixes ?? 0);
  return Math.max(1, short);
}

/** CIDRs to request when topping up an ENI that holds `current` (tryAssignIPs / tryAssignPrefixes). 0 = nothing. */
export function topUpAmount(t: PoolTargets, s: PoolSnapshot, current: number): number {
  const room = cidrsPerEni(t, s) - current;
  if (t.pd) return Math.min(room, prefixesNeeded(t, s));
  if (t.mode === 'ip-target') return Math.min(room, shortage(t, s));
  return room;
}

/** CIDRs to request on a new ENI (GetENIResourcesToAllocate). */
export function newEniAmount(t: PoolTargets, s: PoolSnapshot): number {
  if (t.pd) return Math.min(prefixesNeeded(t, s), cidrsPerEni(t, s));
  if (t.mode === 'ip-target') return Math.min(shortage(t, s), s.maxIpsPerEni);
  return s.maxIpsPerEni;
}

/** The facts about one ENI that getDeletableENI looks at. */
export interface EniFacts {
  primary: boolean;
  /** ms since it entered the datastore. */
  ageMs: number;
  cooling: boolean;
  assigned: number;
  /** Free addresses on all other ENIs (cooling included). */
  otherFree: number;
  /** Addresses on all other ENIs. */
  otherTotal: number;
  /** PD: free prefixes on all other ENIs. */
  otherFreePrefixes: number;
}

/**
 * Why getDeletableENI skips an ENI, or undefined when it may be freed. In PD the IP targets are rounded up to whole
 * prefixes (isRequiredForWarmIPTarget, isRequiredForMinimumIPTarget) and WARM_PREFIX_TARGET protects free prefixes
 * even in IP-target mode (isRequiredForWarmPrefixTarget).
 */
export function eniFreeBlocker(t: PoolTargets, e: EniFacts, minEniLifetimeMs: number): string | undefined {
  if (e.primary) return 'primary';
  if (e.ageMs < minEniLifetimeMs) return 'too young';
  if (e.cooling) return 'address cooling';
  if (e.assigned > 0) return 'has pods';
  const round = (n: number): number => (t.pd ? divCeil(n, P) * P : n);
  if (t.warmIp > 0 && e.otherFree < round(t.warmIp)) return 'needed for WARM_IP_TARGET';
  if (t.minIp > 0 && e.otherTotal < round(t.minIp)) return 'needed for MINIMUM_IP_TARGET';
  if (t.pd && t.warmPrefix > 0 && e.otherFreePrefixes < t.warmPrefix) return 'needed for WARM_PREFIX_TARGET';
  return undefined;
}

/** Outcome of one IMDS poll of a new ENI (waitForENIAndIPsAttached, awsutils.go). */
export type ImdsPoll = 'ready' | 'wait' | 'partial' | 'fail';

/**
 * waitForENIAndIPsAttached: `seen` is the number of secondary addresses (SIP) or prefixes (PD) visible, -1 while the
 * ENI is not. On the last attempt a partial result is accepted with at least one secondary address (SIP) or at
 * least two prefixes (PD: the Go code checks `len(IPv4Prefixes) > 1`).
 */
export function imdsPoll(pd: boolean, wanted: number, seen: number, lastAttempt: boolean): ImdsPoll {
  if (seen >= 1 && seen >= wanted) return 'ready';
  if (!lastAttempt) return 'wait';
  return seen >= (pd ? 2 : 1) ? 'partial' : 'fail';
}
