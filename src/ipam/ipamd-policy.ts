/**
 * ipamd's allocation policy (pkg/ipamd/ipamd.go, v1.23.1) as an {@link AllocationPolicy}: the warm-target formulas of
 * policy.ts put in updateIPPoolIfRequired's order. Pure: it reads the node view and returns what to do.
 */
import type { AllocationPolicy, Intent, NodeView, Step } from './allocator.js';
import type { IpamdConfig } from './config.js';
import type { IpamdTimers } from './params.js';
import { deletableEnis } from './deletable.js';
import {
  cidrsPerEni,
  decreaseAmount,
  isPoolTooHigh,
  isPoolTooLow,
  newEniAmount,
  poolTargets,
  prefixesNeeded,
  shortage,
  shouldTryFreeEni,
  topUpAmount,
  type PoolSnapshot,
  type PoolTargets,
} from './policy.js';

const DONE: Intent = { kind: 'done' };

/** ipamd's policy for one node group's settings. */
export class IpamdPolicy implements AllocationPolicy {
  readonly targets: PoolTargets;
  /** The snapshot quietBand fills (allocation-free). */
  private readonly scratch: PoolSnapshot = {
    total: 0,
    assigned: 0,
    maxPods: 0,
    maxIpsPerEni: 0,
    totalPrefixes: 0,
    freePrefixes: 0,
    freeableEni: false,
  };

  /** `targets`: the pool targets to keep; default those of `config` (a what-if may give others). */
  constructor(
    private readonly config: IpamdConfig,
    private readonly timers: IpamdTimers,
    targets?: PoolTargets,
  ) {
    this.targets = targets ?? poolTargets(config);
  }

  /**
   * Whether ipamd holds off ENI and address attachment and ENI freeing on this node: it is cordoned and
   * AWS_MANAGE_ENIS_NON_SCHEDULABLE is false (isENIAttachmentAllowed, pkg/ipamd/ipamd.go:955-965; tryFreeENI,
   * ipamd.go:855-858). Releasing addresses (decreaseDatastorePool) is not gated.
   */
  private held(n: NodeView): boolean {
    return n.unschedulable === true && !this.config.manageEnisNonSchedulable;
  }

  /**
   * nodeInit (handlePreScaling: one increaseDatastorePool if the pool is low), then updateIPPoolIfRequired: grow if
   * too low (increaseDatastorePool: a top-up, else a new ENI), else shrink if too high (decreaseDatastorePool),
   * then try to free an ENI (shouldRemoveExtraENIs → tryFreeENI).
   */
  decide(n: NodeView, step: Step, now: number): Intent {
    const t = this.targets;
    const disabled = this.config.disableNetworkResourceProvisioning;
    switch (step.at) {
      case 'init':
        return !disabled && !this.held(n) && isPoolTooLow(t, n.now) ? this.topUp(n.now, n) : DONE;
      case 'pass':
        if (disabled) return DONE;
        if (isPoolTooLow(t, n.passStart)) {
          // increaseDatastorePool returns before the back-off check on a held node (ipamd.go:968-981).
          if (now >= n.backoffUntil && !this.held(n)) return this.topUp(n.passStart, n);
        } else if (isPoolTooHigh(t, n.passStart) && now >= n.lastDecreaseAt + this.timers.decreaseIntervalMs) {
          return { kind: 'release', cidrs: decreaseAmount(t, n.passStart) };
        }
        return this.tryFreeEni(n, now);
      case 'topped-up': {
        // increaseDatastorePool: an error (an insufficient-address one starts the back-off) or a top-up that added
        // CIDRs ends the growth, as does a full set of ENIs; else tryAllocateENI.
        if (step.error === undefined && !step.increased && n.pool.enis.length < n.eniCap) {
          // GetENIResourcesToAllocate reads the pool now: failed top-ups took time and pods kept coming.
          const cidrs = newEniAmount(t, n.now);
          if (cidrs > 0) return { kind: 'attach-eni', cidrs };
        }
        return step.init ? DONE : this.tryFreeEni(n, now);
      }
      case 'attached':
        return step.init ? DONE : this.tryFreeEni(n, now);
      case 'released':
        return this.tryFreeEni(n, now);
      case 'freed':
        return DONE;
    }
  }

  /**
   * tryAssignIPs / tryAssignPrefixes: allocatable ENIs below the per-ENI cap, each asked for topUpAmount; none when
   * even an empty ENI would ask for nothing (IP-target mode with no shortage).
   */
  private topUp(s: PoolSnapshot, n: NodeView): Intent {
    const t = this.targets;
    const perEni = cidrsPerEni(t, s);
    const want = t.pd ? prefixesNeeded(t, s) : t.mode === 'ip-target' ? shortage(t, s) : Infinity;
    const enis =
      topUpAmount(t, s, 0) === 0 ? [] : n.pool.enis.filter((e) => e.allocatable && n.pool.cidrsOn(e) < perEni);
    return { kind: 'top-up', enis, perEni, want, nextOnInsufficient: this.config.enableSubnetDiscovery };
  }

  /**
   * shouldRemoveExtraENIs reads the pass's stats, but CheckFreeableENIexists the datastore as it is now; then
   * tryFreeENI: getDeletableENI's candidates, now.
   */
  private tryFreeEni(n: NodeView, now: number): Intent {
    if (this.config.disableNetworkResourceProvisioning || this.held(n)) return DONE;
    const s = n.pool.pd ? { ...n.passStart, freeableEni: n.pool.hasFreeableEni() } : n.passStart;
    if (!shouldTryFreeEni(this.targets, s)) return DONE;
    const { found } = deletableEnis(n.pool, this.targets, now, this.timers.minEniLifetimeMs);
    return found.length === 0 ? DONE : { kind: 'free-eni', candidates: found };
  }

  /**
   * When {@link decide} at a pass would first act: `now`, the earliest time a time guard (decrease interval,
   * back-off, ENI age, cooldown) could change that, or Infinity. Allocation-free unless an ENI may be freed.
   */
  nextLook(n: NodeView, now: number): number {
    if (this.config.disableNetworkResourceProvisioning) return Infinity;
    const t = this.targets;
    const s = n.now;
    let wakeAt = Infinity;
    const held = this.held(n);
    if (isPoolTooLow(t, s)) {
      if (held) {
        // Nothing grows on a held node until it is uncordoned (ipamd then looks again).
      } else if (now < n.backoffUntil)
        wakeAt = n.backoffUntil; // insufficient-address backoff (TST-COOL)
      else if (this.canGrow(n)) return now;
    } else if (isPoolTooHigh(t, s)) {
      const allowedAt = n.lastDecreaseAt + this.timers.decreaseIntervalMs;
      if (now >= allowedAt) return now;
      wakeAt = allowedAt;
    }
    if (!held && shouldTryFreeEni(t, s)) {
      const f = deletableEnis(n.pool, t, now, this.timers.minEniLifetimeMs);
      if (f.found.length > 0) return now;
      wakeAt = Math.min(wakeAt, f.wakeAt);
    }
    return wakeAt;
  }

  /**
   * Whether INCREASE would make a call: an allocatable ENI has room for another CIDR (a low pool always asks for
   * at least one), or another ENI may be attached (hasRoomForEni).
   */
  private canGrow(n: NodeView): boolean {
    const max = cidrsPerEni(this.targets, n.now);
    const pool = n.pool;
    for (const e of pool.enis) if (e.allocatable && pool.cidrsOn(e) < max) return true;
    return pool.enis.length < n.eniCap;
  }

  satisfied(n: NodeView): boolean {
    return !isPoolTooLow(this.targets, n.now) || this.held(n) || !this.canGrow(n);
  }

  /**
   * The longest run of assigned counts a in [0, total] for which the pool with (total, a) is neither too low nor
   * too high and shouldTryFreeEni is false. Each count is checked with the policy functions themselves, so the band
   * is exact by construction. SIP only ([1, 0] in PD, where shouldTryFreeEni reads the ENIs).
   */
  quietBand(shape: PoolSnapshot): readonly [number, number] {
    const t = this.targets;
    if (t.pd) return [1, 0];
    const s = this.scratch;
    s.maxPods = shape.maxPods;
    s.maxIpsPerEni = shape.maxIpsPerEni;
    const total = shape.total;
    s.total = total;
    let lo = 1;
    let hi = 0;
    let runStart = -1;
    for (let a = 0; a <= total + 1; a++) {
      s.assigned = a;
      const quiet = a <= total && !isPoolTooLow(t, s) && !isPoolTooHigh(t, s) && !shouldTryFreeEni(t, s);
      if (quiet && runStart < 0) runStart = a;
      if (!quiet && runStart >= 0) {
        if (a - 1 - runStart > hi - lo) {
          lo = runStart;
          hi = a - 1;
        }
        runStart = -1;
      }
    }
    return [lo, hi];
  }
}
