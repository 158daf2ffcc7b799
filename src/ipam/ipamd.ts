/**
 * One node's ipamd: nodeInit with pre-scaling, then the pool loop (StartNodeIPPoolManager →
 * updateIPPoolIfRequired) as a chain of simulation events. While a pass waits on EC2 the loop is blocked, as in
 * ipamd, and pod ADD/DEL keep working against the datastore.
 *
 * Passes happen on a lattice: `anchor + k * loopInterval`. In 'lazy' mode a pass is only scheduled when the pool
 * state says it would act (or when a time guard such as the 30 s decrease interval or the 60 s ENI age can
 * flip that): a pass that would do nothing draws no random numbers and changes nothing, so skipping it leaves
 * every result unchanged. 'every-tick' runs all passes and is kept to test exactly that.
 */
import { Priority, type Simulation } from '../engine/sim.js';
import type { SimEvent } from '../engine/queue.js';
import type { Rng, Streams } from '../engine/random.js';
import { sample } from '../engine/distribution.js';
import type { EniRecord } from '../aws/ec2.js';
import type { Ec2Client } from '../aws/ec2-client.js';
import type { Subnet } from '../aws/subnet.js';
import { PREFIX_SIZE } from '../aws/cidr.js';
import { supportsPrefixDelegation, type InstanceType } from '../aws/instance-types.js';
import { Datastore } from './datastore.js';
import type { IpamdConfig } from './config.js';
import type { IpamdParams } from './params.js';
import type { IpamdCore, IpamObserver } from './core.js';
import { deletableEnis } from './deletable.js';
import { increase } from './grow.js';
import { decrease, freeOneEni } from './shrink.js';
import {
  cidrsPerEni,
  isPoolTooHigh,
  isPoolTooLow,
  poolTargets,
  shouldTryFreeEni,
  type PoolSnapshot,
  type PoolTargets,
} from './policy.js';

export type { IpamObserver, PoolAction, PoolActionDetail } from './core.js';

/** kubelet's CrashLoopBackOff for a restarting aws-node: 10 s doubling to 5 min (an assumption, kubelet's). */
const RESTART_FIRST_MS = 10_000;
const RESTART_MAX_MS = 300_000;

/** Where a node's ENIs go: custom networking's ENIConfig subnet, if any (else the node's subnet or discovery). */
export interface NodeNetwork {
  eniConfigSubnet?: Subnet;
}

/** ipamd on one node. */
export class Ipamd {
  // The fields every pod event reads come first, so they share the object's first cache lines (fields are laid out
  // in the order the constructor sets them: parameter properties, then these initialisers, then the body).
  readonly ds = new Datastore(
    this.config.ipCooldownMs,
    this.config.enablePrefixDelegation,
    this.instance.ipv4PerEni - 1,
  );
  private readonly lazy = this.params.loopMode === 'lazy';
  ready = false;
  private busy = false;
  /** Set when the node is drained and terminated: every pending continuation becomes a no-op. */
  private stopped = false;
  private passEvent: SimEvent | undefined = undefined;
  /** The quiet band (see computeQuiet) for the pool total in ds.quietTotal; -1 total: none. */
  private bandLo = 1;
  private bandHi = 0;
  /**
   * First time (ms) after nodeInit that the pool had nothing left to grow (not too low, or no room to grow);
   * -1 until then. Checked whenever the datastore gains addresses or a pod leaves, so it is the same in both loop
   * modes.
   */
  atTargetAt = -1;
  readonly targets: PoolTargets;
  /** Pod addresses one ENI can hold: M - 1 (SIP) or (M - 1) x 16 (PD). */
  readonly maxIpsPerEni: number;
  /** min(MAX_ENI, instance limit). */
  readonly maxEnis: number;
  /** ENIs ipamd may hold: maxEnis less the trunk ENI's slot when ENABLE_POD_ENI is on (hasRoomForEni). */
  readonly eniCap: number;
  /** Pool loop passes run (acting or not; skipped lazy passes are not counted). */
  passes = 0;
  /** Times aws-node restarted because nodeInit failed (custom networking with an empty pool). */
  restarts = 0;
  /** False when the instance could not launch: its subnet had no address for the primary ENI. */
  launched = false;
  private anchor = 0;
  private lastDecreaseAt = -Infinity;
  private backoffUntil = -Infinity;
  private readonly records = new Map<string, EniRecord>();
  private readonly choice: Rng;
  private readonly assignRng: Rng;
  private readonly timing: Rng;
  private readonly period: number;
  private readonly passPriority: number;
  private readonly core: IpamdCore;

  constructor(
    private readonly sim: Simulation,
    readonly node: string,
    nodeIndex: number,
    readonly instance: InstanceType,
    readonly maxPods: number,
    /** The effective configuration (PD already off on types that do not honour it). */
    readonly config: IpamdConfig,
    private readonly params: IpamdParams,
    private readonly ec2: Ec2Client,
    streams: Streams,
    private readonly observer: IpamObserver,
    private readonly onReady: (now: number) => void,
    network: NodeNetwork = {},
  ) {
    this.targets = poolTargets(config);
    this.maxIpsPerEni = (instance.ipv4PerEni - 1) * (config.enablePrefixDelegation ? PREFIX_SIZE : 1);
    this.maxEnis = config.maxEni > 0 ? Math.min(config.maxEni, instance.maxEnis) : instance.maxEnis;
    // Assumption: every Nitro or bare-metal type can take a trunk ENI (the branch-ENI table is not embedded).
    this.eniCap = this.maxEnis - (config.enablePodEni && supportsPrefixDelegation(instance) ? 1 : 0);
    this.choice = streams.stream(`ipam/${node}/choice`);
    this.assignRng = streams.stream(`ipam/${node}/assign`);
    this.timing = streams.stream(`ipam/${node}/timing`);
    this.ds.placement = params.placement;
    this.ds.rng = this.assignRng;
    this.period = params.timers.loopIntervalMs;
    this.evalSnap = this.blankSnapshot();
    this.passPriority = Priority.loop + nodeIndex;
    const self = this;
    this.core = {
      sim,
      node,
      ds: this.ds,
      targets: this.targets,
      config,
      params,
      ec2,
      observer,
      records: this.records,
      choice: this.choice,
      timing: this.timing,
      eniConfigSubnet: network.eniConfigSubnet,
      snapshot: () => self.snapshot(),
      hasRoomForEni: () => self.hasRoomForEni(),
      noteInsufficient: () => void (self.backoffUntil = sim.now + params.timers.insufficientAddressBackoffMs),
      adopt: (rec) => self.adopt(rec),
      wake: () => self.wake(),
      stopped: () => self.stopped,
      added: () => self.noteTarget(),
      leaked: () => void self.leakedEnis++,
    };
  }

  /**
   * Boots the node: the primary ENI exists at once; ipamd's nodeInit starts after the start delay. The primary ENI
   * gets no pod addresses with custom networking, or when subnet discovery finds its subnet tagged
   * `kubernetes.io/role/cni=0` (GetAllocatableENIs skips it).
   */
  start(): void {
    if (this.stopped) return; // removed before its instance came up
    const primary = this.ec2.bootPrimaryEni();
    if (!primary) return; // RunInstances failed for want of an address: the node never exists (launched stays false).
    this.launched = true;
    this.records.set(primary.id, primary);
    const excluded = this.config.enableSubnetDiscovery && this.ec2.subnet.cniTag === 'excluded';
    this.ds.addEni(primary.id, true, 0, this.sim.now, !this.config.customNetworking && !excluded);
    this.sim.after(
      sample(this.params.startDelay, this.timing),
      Priority.ec2,
      () => !this.stopped && this.nodeInit(),
      undefined,
    );
  }

  /**
   * nodeInit + handlePreScaling: one INCREASE if the pool is low, then gRPC serves and the loop starts. With custom
   * networking an empty pool after that fails nodeInit: aws-node exits and kubelet restarts it.
   */
  private nodeInit(): void {
    const snap = this.snapshot();
    const low = !this.config.disableNetworkResourceProvisioning && isPoolTooLow(this.targets, snap);
    const finish = (): void => {
      if (low && this.config.customNetworking && this.ds.total === 0) return this.restart();
      this.ready = true;
      this.busy = false;
      this.anchor = this.sim.now + this.period / 2;
      this.noteTarget();
      this.onReady(this.sim.now);
      this.reschedule(this.sim.now);
    };
    this.busy = true;
    if (low) increase(this.core, snap, finish);
    else finish();
  }

  /** ipamd stops with its node (scale-in): no more passes, in-flight EC2 chains are dropped. */
  stop(): void {
    this.stopped = true;
    this.ready = false;
    if (this.passEvent) this.passEvent.cancelled = true;
    this.passEvent = undefined;
    this.syncQuiet();
  }

  /** aws-node exits and restarts after kubelet's back-off; in-memory state such as the backoff starts afresh. */
  private restart(): void {
    this.observer.poolAction(this.node, 'init-failed', {}, this.sim.now);
    const delay = Math.min(RESTART_FIRST_MS * 2 ** this.restarts, RESTART_MAX_MS);
    this.restarts++;
    this.backoffUntil = -Infinity;
    this.sim.after(delay, Priority.ec2, () => !this.stopped && this.nodeInit(), undefined);
  }

  // ---- pod path (gRPC AddNetwork / DelNetwork): datastore only, never EC2 ----

  // AddNetwork and DelNetwork are the datastore's assign and release, called by kubelet (kubelet.ts); ipamd hears of
  // them only when the pool leaves its quiet band, so most pod events never touch this object.

  /** After an ADD took an address and the pool left the quiet band. */
  podAdded(): void {
    this.wake();
  }

  /** After a DEL, when the pool left the quiet band or ipamd still waits for it to reach its target. */
  podReleased(): void {
    this.noteTarget();
    this.wake();
  }

  /** Re-evaluates the schedule after a pod changed the pool. */
  private wake(): void {
    if (!(this.lazy && this.ready && !this.busy && !this.stopped)) return;
    // The quiet band: with no pass queued and the pool's total unchanged, an assigned count the band holds is one
    // where a pass would neither grow, shrink nor try to free an ENI, whatever the time: evaluate() would say
    // "never" and reschedule() would do nothing. Two compares instead of the policy functions on most pod events.
    if (this.ds.quiet()) return;
    this.reschedule(this.sim.now);
  }

  /** Publishes the quiet band to the datastore as it applies now: empty unless a pod event could be ignored. */
  private syncQuiet(): void {
    const armed = this.lazy && this.ready && !this.busy && !this.stopped && this.passEvent === undefined;
    this.ds.quietLo = armed ? this.bandLo : 1;
    this.ds.quietHi = armed ? this.bandHi : 0;
  }

  /**
   * Computes the quiet band for the current total: the longest run of assigned counts a in [0, total] for which
   * the SIP pool with (total, a) is neither too low nor too high and shouldTryFreeEni is false. Each count is
   * checked with the policy functions themselves, so the band is exact by construction.
   */
  private computeQuiet(): void {
    const ds = this.ds;
    const total = ds.total;
    ds.quietTotal = total;
    this.bandLo = 1;
    this.bandHi = 0;
    const t = this.targets;
    const s = this.blankSnapshot();
    s.total = total;
    let runStart = -1;
    for (let a = 0; a <= total + 1; a++) {
      s.assigned = a;
      const quiet = a <= total && !isPoolTooLow(t, s) && !isPoolTooHigh(t, s) && !shouldTryFreeEni(t, s);
      if (quiet && runStart < 0) runStart = a;
      if (!quiet && runStart >= 0) {
        if (a - 1 - runStart > this.bandHi - this.bandLo) {
          this.bandLo = runStart;
          this.bandHi = a - 1;
        }
        runStart = -1;
      }
    }
  }

  // ---- loop scheduling ----

  /** A fresh snapshot of the pool (passes keep theirs; evaluations reuse one object to stay allocation-free). */
  private snapshot(into?: PoolSnapshot): PoolSnapshot {
    // One object shape for every snapshot keeps the policy functions monomorphic.
    const s = into ?? this.blankSnapshot();
    const ds = this.ds;
    s.total = ds.total;
    s.assigned = ds.assigned;
    if (ds.pd) {
      s.totalPrefixes = ds.prefixCount;
      s.freePrefixes = ds.freePrefixes;
      s.freeableEni = ds.hasFreeableEni();
    }
    return s;
  }

  /** A snapshot of this node's shape with an empty pool (one object shape for all, so the policy stays monomorphic). */
  private blankSnapshot(): PoolSnapshot {
    return {
      total: 0,
      assigned: 0,
      maxPods: this.maxPods,
      maxIpsPerEni: this.maxIpsPerEni,
      totalPrefixes: 0,
      freePrefixes: 0,
      freeableEni: false,
    };
  }

  /** The snapshot evaluations reuse (they run on pod events: allocation-free). */
  private readonly evalSnap: PoolSnapshot;

  /** First lattice time >= t. */
  private aligned(t: number): number {
    if (t <= this.anchor) return this.anchor;
    return this.anchor + Math.ceil((t - this.anchor) / this.period) * this.period;
  }

  private reschedule(now: number): void {
    let at = this.anchor;
    if (this.lazy) {
      if (!this.ds.pd && this.ds.total !== this.ds.quietTotal) this.computeQuiet();
      const due = this.evaluate(now);
      at = due === Infinity ? Infinity : this.aligned(due);
    }
    if (this.passEvent) {
      if (this.passEvent.time === at) return;
      this.passEvent.cancelled = true;
      this.passEvent = undefined;
    }
    if (at !== Infinity) this.passEvent = this.sim.at(at, this.passPriority, () => this.pass(), undefined);
    this.syncQuiet();
  }

  /**
   * When a pass would first act: `now` if a pass now would act, else the earliest time a time guard (decrease
   * interval, backoff, ENI age, cooldown) could change that, or Infinity when only a pod or pool change can.
   * Allocation-free: it runs on every pod event.
   */
  private evaluate(now: number): number {
    if (this.config.disableNetworkResourceProvisioning) return Infinity;
    const t = this.targets;
    const snap = this.snapshot(this.evalSnap);
    let wakeAt = Infinity;
    if (isPoolTooLow(t, snap)) {
      if (now < this.backoffUntil)
        wakeAt = this.backoffUntil; // insufficient-address backoff (TST-COOL)
      else if (this.canGrow()) return now;
    } else if (isPoolTooHigh(t, snap)) {
      const allowedAt = this.lastDecreaseAt + this.params.timers.decreaseIntervalMs;
      if (now >= allowedAt) return now;
      wakeAt = allowedAt;
    }
    if (shouldTryFreeEni(t, snap)) {
      const f = deletableEnis(this.ds, this.targets, now, this.params.timers.minEniLifetimeMs);
      if (f.found.length > 0) return now;
      wakeAt = Math.min(wakeAt, f.wakeAt);
    }
    return wakeAt;
  }

  /**
   * Whether INCREASE would make a call: an allocatable ENI has room for another CIDR (a low pool always asks for
   * at least one), or another ENI may be attached.
   */
  private canGrow(): boolean {
    const max = cidrsPerEni(this.targets, this.evalSnap);
    for (const e of this.ds.enis) if (e.allocatable && e.cidrs < max) return true;
    return this.hasRoomForEni();
  }

  /** hasRoomForEni: below maxEnis, less the trunk ENI's slot. */
  private hasRoomForEni(): boolean {
    return this.ds.enis.length < this.eniCap;
  }

  // ---- one pass: updateIPPoolIfRequired ----

  private pass(): void {
    this.passEvent = undefined;
    this.passes++;
    const now = this.sim.now;
    if (this.lazy && this.evaluate(now) !== now) {
      this.anchor = now + this.period;
      this.reschedule(now);
      return;
    }
    this.busy = true;
    const t = this.targets;
    const snap = this.snapshot();
    let scaledDown = false;
    const tryFree = (): void => {
      // shouldRemoveExtraENIs reads the pass's stats but CheckFreeableENIexists reads the datastore as it is now.
      if (this.ds.pd) snap.freeableEni = this.ds.hasFreeableEni();
      if (!this.config.disableNetworkResourceProvisioning && shouldTryFreeEni(t, snap)) freeOneEni(this.core, finish);
      else finish();
    };
    const finish = (): void => {
      if (scaledDown) this.lastDecreaseAt = this.sim.now;
      this.busy = false;
      this.anchor = this.sim.now + this.period;
      this.reschedule(this.sim.now);
    };
    if (this.config.disableNetworkResourceProvisioning) return finish();
    if (isPoolTooLow(t, snap)) {
      if (now >= this.backoffUntil) return increase(this.core, snap, tryFree);
    } else if (isPoolTooHigh(t, snap) && now >= this.lastDecreaseAt + this.params.timers.decreaseIntervalMs) {
      scaledDown = true;
      return decrease(this.core, snap, tryFree);
    }
    tryFree();
  }

  private noteTarget(): void {
    if (this.atTargetAt >= 0 || !this.ready) return;
    const snap = this.snapshot(this.evalSnap);
    if (!isPoolTooLow(this.targets, snap) || !this.canGrow()) {
      this.atTargetAt = this.sim.now;
      this.ds.watchTarget = false;
    }
  }

  /** ENIs ipamd could not delete (left to the leaked-ENI cleanup, which is not modelled). */
  leakedEnis = 0;

  /** setupENI's datastore part (also the IMDS reconcile's adoption of an ENI the poll gave up on). */
  private adopt(rec: EniRecord): void {
    this.records.set(rec.id, rec);
    const eni = this.ds.addEni(rec.id, false, rec.deviceIndex, this.sim.now);
    const pd = this.targets.pd;
    if (pd) this.ds.addPrefixes(eni, rec.prefixes);
    else this.ds.addAddresses(eni, rec.secondaries);
    this.noteTarget();
    const count = pd ? rec.prefixes.length : rec.secondaries.length;
    this.observer.poolAction(
      this.node,
      'eni-ready',
      { eni: rec.id, count, ...(pd ? { prefixes: rec.prefixes } : {}) },
      this.sim.now,
    );
  }
}
