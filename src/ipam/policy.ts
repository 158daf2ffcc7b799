/**
 * ipamd's pool decisions as pure functions of a pool snapshot (pkg/ipamd/ipamd.go). Each function names the Go
 * function it mirrors. No time, no randomness, no side effects: the reconcile loop owns the mechanics.
 */
import { poolMode, type IpamdConfig, type PoolMode } from './config.js';

/** Everything the decisions need to know about one node's pool. */
export interface PoolSnapshot {
  /** Secondary addresses in the datastore. */
  total: number;
  /** Addresses assigned to pods. */
  assigned: number;
  /** Node capacity in pods (kubelet max-pods). */
  maxPods: number;
  /** Secondary addresses one ENI can hold (M - 1). */
  maxIpsPerEni: number;
}

/** The targets that drive the pool, resolved from the configuration. */
export interface PoolTargets {
  mode: PoolMode;
  warmEni: number;
  warmIp: number;
  minIp: number;
}

/** Resolves the pool targets (reference section 1.2 precedence). */
export function poolTargets(c: IpamdConfig): PoolTargets {
  return { mode: poolMode(c), warmEni: c.warmEniTarget, warmIp: c.warmIpTarget, minIp: c.minimumIpTarget };
}

/** datastoreTargetState (IP-target mode, SIP): addresses missing and addresses that may be released. */
export function targetState(t: PoolTargets, s: PoolSnapshot): { short: number; over: number } {
  const available = s.total - s.assigned;
  const short = Math.max(t.warmIp - available, t.minIp - s.total, 0);
  const over = Math.max(0, Math.min(available - t.warmIp, s.total - t.minIp));
  return { short, over };
}

/** isDatastorePoolTooLow (SIP). */
export function isPoolTooLow(t: PoolTargets, s: PoolSnapshot): boolean {
  if (s.total >= s.maxPods) return false;
  if (t.mode === 'ip-target') return targetState(t, s).short > 0;
  const available = s.total - s.assigned;
  return available < s.maxIpsPerEni * t.warmEni || (t.warmEni === 0 && available === 0);
}

/** isDatastorePoolTooHigh (SIP): only IP-target mode ever releases single addresses. */
export function isPoolTooHigh(t: PoolTargets, s: PoolSnapshot): boolean {
  return t.mode === 'ip-target' && targetState(t, s).over > 0;
}

/** shouldRemoveExtraENIs (SIP): whether to look for an ENI to free at all. */
export function shouldTryFreeEni(t: PoolTargets, s: PoolSnapshot): boolean {
  if (t.mode === 'ip-target') return true;
  return s.total - s.assigned >= (t.warmEni + 1) * s.maxIpsPerEni;
}

/** Addresses to request when topping up an ENI that holds `current` (tryAssignIPs). 0 = nothing to do. */
export function topUpAmount(t: PoolTargets, s: PoolSnapshot, current: number): number {
  const room = s.maxIpsPerEni - current;
  if (t.mode === 'ip-target') return Math.min(room, targetState(t, s).short);
  return room;
}

/** Addresses to request on a new ENI (GetENIResourcesToAllocate, SIP). */
export function newEniAmount(t: PoolTargets, s: PoolSnapshot): number {
  if (t.mode === 'ip-target') return Math.min(targetState(t, s).short, s.maxIpsPerEni);
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
}

/** Why getDeletableENI skips an ENI, or undefined when it may be freed. */
export function eniFreeBlocker(t: PoolTargets, e: EniFacts, minEniLifetimeMs: number): string | undefined {
  if (e.primary) return 'primary';
  if (e.ageMs < minEniLifetimeMs) return 'too young';
  if (e.cooling) return 'address cooling';
  if (e.assigned > 0) return 'has pods';
  if (t.warmIp > 0 && e.otherFree < t.warmIp) return 'needed for WARM_IP_TARGET';
  if (t.minIp > 0 && e.otherTotal < t.minIp) return 'needed for MINIMUM_IP_TARGET';
  return undefined;
}
