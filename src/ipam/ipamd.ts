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
import type { Ec2Client, EniRecord } from '../aws/ec2.js';
import type { InstanceType } from '../aws/instance-types.js';
import { Datastore, type Addr, type DsEni } from './datastore.js';
import type { IpamdConfig } from './config.js';
import type { IpamdParams } from './params.js';
import { deletableEnis } from './deletable.js';
import {
  isPoolTooHigh,
  isPoolTooLow,
  newEniAmount,
  poolTargets,
  shouldTryFreeEni,
  targetState,
  topUpAmount,
  type PoolSnapshot,
  type PoolTargets,
} from './policy.js';

/** Pool actions reported to observers (event log, metrics). */
export type PoolAction =
  | 'assign-ips'
  | 'create-eni'
  | 'eni-ready'
  | 'release-ips'
  | 'free-eni'
  | 'ec2-error';

/** Receives ipamd decisions and outcomes. */
export interface IpamObserver {
  poolAction(
    node: string,
    action: PoolAction,
    detail: { eni?: string; count?: number; code?: string; addrs?: readonly Addr[] },
    now: number,
  ): void;
}

/** ipamd on one node. */
export class Ipamd {
  readonly ds: Datastore;
  readonly targets: PoolTargets;
  readonly maxIpsPerEni: number;
  readonly maxEnis: number;
  ready = false;
  /** Pool loop passes run (acting or not; skipped lazy passes are not counted). */
  passes = 0;
  private busy = false;
  /** Set when the node is drained and terminated: every pending continuation becomes a no-op. */
  private stopped = false;
  private anchor = 0;
  private passEvent: SimEvent | undefined;
  private lastDecreaseAt = -Infinity;
  private backoffUntil = -Infinity;
  private readonly records = new Map<string, EniRecord>();
  private readonly choice: Rng;
  private readonly assignRng: Rng;
  private readonly timing: Rng;
  private readonly period: number;
  private readonly lazy: boolean;
  private readonly passPriority: number;

  constructor(
    private readonly sim: Simulation,
    readonly node: string,
    nodeIndex: number,
    readonly instance: InstanceType,
    readonly maxPods: number,
    readonly config: IpamdConfig,
    private readonly params: IpamdParams,
    private readonly ec2: Ec2Client,
    streams: Streams,
    private readonly observer: IpamObserver,
    private readonly onReady: (now: number) => void,
  ) {
    this.ds = new Datastore(config.ipCooldownMs);
    this.targets = poolTargets(config);
    this.maxIpsPerEni = instance.ipv4PerEni - 1;
    this.maxEnis = config.maxEni > 0 ? Math.min(config.maxEni, instance.maxEnis) : instance.maxEnis;
    this.choice = streams.stream(`ipam/${node}/choice`);
    this.assignRng = streams.stream(`ipam/${node}/assign`);
    this.timing = streams.stream(`ipam/${node}/timing`);
    this.period = params.timers.loopIntervalMs;
    this.evalSnap.maxPods = maxPods;
    this.evalSnap.maxIpsPerEni = this.maxIpsPerEni;
    this.lazy = params.loopMode === 'lazy';
    this.passPriority = Priority.loop + nodeIndex;
  }

  /** Boots the node: the primary ENI exists at once; ipamd's nodeInit starts after the start delay. */
  start(): void {
    if (this.stopped) return; // removed before its instance came up
    const primary = this.ec2.bootPrimaryEni();
    if (!primary) throw new Error(`node ${this.node}: no address left for its primary ENI`);
    this.records.set(primary.id, primary);
    this.ds.addEni(primary.id, true, 0, this.sim.now);
    this.sim.after(sample(this.params.startDelay, this.timing), Priority.ec2, () => !this.stopped && this.nodeInit(), undefined);
  }

  /** nodeInit + handlePreScaling: one INCREASE if the pool is low, then gRPC serves and the loop starts. */
  private nodeInit(): void {
    const snap = this.snapshot();
    const finish = (): void => {
      this.ready = true;
      this.busy = false;
      this.anchor = this.sim.now + this.period / 2;
      this.noteTarget();
      this.onReady(this.sim.now);
      this.reschedule(this.sim.now);
    };
    this.busy = true;
    if (!this.config.disableNetworkResourceProvisioning && isPoolTooLow(this.targets, snap)) this.increase(snap, finish);
    else finish();
  }

  /** ipamd stops with its node (scale-in): no more passes, in-flight EC2 chains are dropped. */
  stop(): void {
    this.stopped = true;
    this.ready = false;
    if (this.passEvent) this.passEvent.cancelled = true;
    this.passEvent = undefined;
  }

  // ---- pod path (gRPC AddNetwork / DelNetwork): datastore only, never EC2 ----

  /** AddNetwork: a free non-cooling address, or undefined (the CNI ADD fails). */
  assignPod(pod: number): Addr | undefined {
    const a = this.ds.assign(pod, this.sim.now, this.params.placement, this.assignRng);
    if (a) this.wake();
    return a;
  }

  /** DelNetwork: the address starts its cooldown. */
  releasePod(a: Addr): void {
    this.ds.release(a, this.sim.now);
    if (this.atTargetAt < 0) this.noteTarget();
    this.wake();
  }

  /** Re-evaluates the schedule after a pod changed the pool. */
  private wake(): void {
    if (this.lazy && this.ready && !this.busy && !this.stopped) this.reschedule(this.sim.now);
  }

  // ---- loop scheduling ----

  /** A fresh snapshot of the pool (passes keep theirs; evaluations reuse one object to stay allocation-free). */
  private snapshot(into?: PoolSnapshot): PoolSnapshot {
    if (!into) return { total: this.ds.total, assigned: this.ds.assigned, maxPods: this.maxPods, maxIpsPerEni: this.maxIpsPerEni };
    into.total = this.ds.total;
    into.assigned = this.ds.assigned;
    return into;
  }

  private readonly evalSnap: PoolSnapshot = { total: 0, assigned: 0, maxPods: 0, maxIpsPerEni: 0 };

  /** First lattice time >= t. */
  private aligned(t: number): number {
    if (t <= this.anchor) return this.anchor;
    return this.anchor + Math.ceil((t - this.anchor) / this.period) * this.period;
  }

  private reschedule(now: number): void {
    let at = this.anchor;
    if (this.lazy) {
      const due = this.evaluate(now);
      at = due === Infinity ? Infinity : this.aligned(due);
    }
    if (this.passEvent) {
      if (this.passEvent.time === at) return;
      this.passEvent.cancelled = true;
      this.passEvent = undefined;
    }
    if (at !== Infinity) this.passEvent = this.sim.at(at, this.passPriority, () => this.pass(), undefined);
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
      if (now < this.backoffUntil) wakeAt = this.backoffUntil; // insufficient-address backoff (TST-COOL)
      else if (this.canGrow(snap)) return now;
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

  /** Whether INCREASE would make a call: some ENI has room for more addresses, or another ENI may be attached. */
  private canGrow(snap: PoolSnapshot): boolean {
    for (const e of this.ds.enis) if (e.addrs.length < this.maxIpsPerEni) return topUpAmount(this.targets, snap, 0) > 0;
    return this.hasRoomForEni();
  }

  private topUpCandidates(): DsEni[] {
    return this.ds.enis.filter((e) => e.addrs.length < this.maxIpsPerEni);
  }

  /** hasRoomForEni: ENIs in the datastore below min(MAX_ENI, instance limit). */
  private hasRoomForEni(): boolean {
    return this.ds.enis.length < this.maxEnis;
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
      if (!this.config.disableNetworkResourceProvisioning && shouldTryFreeEni(t, snap)) this.freeOneEni(finish);
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
      if (now >= this.backoffUntil) return this.increase(snap, tryFree);
    } else if (isPoolTooHigh(t, snap) && now >= this.lastDecreaseAt + this.params.timers.decreaseIntervalMs) {
      scaledDown = true;
      return this.decrease(snap, tryFree);
    }
    tryFree();
  }

  /** increaseDatastorePool: top up an existing ENI (tryAssignIPs), else attach a new one (tryAllocateENI). */
  private increase(snap: PoolSnapshot, next: () => void): void {
    const candidates = this.topUpCandidates();
    if (candidates.length > 0) {
      const eni = candidates[candidates.length === 1 ? 0 : this.choice.int(candidates.length)];
      const amount = topUpAmount(this.targets, snap, eni.addrs.length);
      if (amount <= 0) return next();
      return this.assignIps(eni, amount, next);
    }
    if (this.hasRoomForEni()) return this.allocateEni(newEniAmount(this.targets, snap), next);
    next();
  }

  private noteInsufficient(code: string): void {
    if (code === 'InsufficientFreeAddressesInSubnet' || code === 'InsufficientCidrBlocks') {
      this.backoffUntil = this.sim.now + this.params.timers.insufficientAddressBackoffMs;
    }
  }

  /** One AssignPrivateIpAddresses; on failure (other than the limit error) one retry asking for a single address. */
  private assignIps(eni: DsEni, amount: number, next: () => void): void {
    const rec = this.records.get(eni.id) as EniRecord;
    const onResult = (retry: boolean) => (r: { ok: true; value: number[] } | { ok: false; code: string }): void => {
      if (this.stopped) return;
      if (r.ok) {
        this.ds.addAddresses(eni, r.value);
        this.noteTarget();
        this.observer.poolAction(this.node, 'assign-ips', { eni: eni.id, count: r.value.length }, this.sim.now);
        return next();
      }
      this.observer.poolAction(this.node, 'ec2-error', { eni: eni.id, code: r.code }, this.sim.now);
      if (retry && r.code !== 'PrivateIpAddressLimitExceeded') {
        return this.ec2.assignPrivateIpAddresses(rec, 1, onResult(false));
      }
      this.noteInsufficient(r.code);
      next();
    };
    this.ec2.assignPrivateIpAddresses(rec, amount, onResult(amount > 1));
  }

  /**
   * AllocENI: (DescribeSubnets) → Create → DescribeInstances → Attach → Modify → IMDS poll → setupENI. A failed
   * attach deletes the new ENI; a failed Modify frees it (awsutils.go AllocENI); every failure ends the pass's
   * growth, to be retried on a later pass.
   */
  private allocateEni(count: number, next: () => void): void {
    const ec2 = this.ec2;
    const failed = (code: string, eni?: string): void => {
      this.observer.poolAction(this.node, 'ec2-error', { ...(eni ? { eni } : {}), code }, this.sim.now);
    };
    const create = (): void =>
      ec2.createNetworkInterface(count, (r) => {
        if (this.stopped) return;
        if (!r.ok) {
          failed(r.code);
          this.noteInsufficient(r.code);
          return next();
        }
        const rec = r.value;
        this.observer.poolAction(this.node, 'create-eni', { eni: rec.id, count }, this.sim.now);
        const undo = (code: string, detach: boolean): void => {
          failed(code, rec.id);
          this.releaseEni(rec, detach, next);
        };
        ec2.describeInstances((d) => {
          if (this.stopped) return;
          if (!d.ok) return undo(d.code, false);
          ec2.attachNetworkInterface(rec, this.timing, (at) => {
            if (this.stopped) return;
            if (!at.ok) return undo(at.code, false);
            ec2.modifyNetworkInterfaceAttribute((m) => {
              if (this.stopped) return;
              if (!m.ok) return undo(m.code, true);
              this.waitForEni(rec, next);
            });
          });
        });
      });
    if (this.config.enableSubnetDiscovery) {
      ec2.describeSubnets((r) => {
        if (this.stopped) return;
        if (!r.ok) {
          failed(r.code);
          return next();
        }
        create();
      });
    } else create();
  }

  /**
   * Calls `call` up to `attempts` times with ipamd's backoff (retry.NWithBackoff / NewSimpleBackoff: `firstMs`
   * doubling to `maxMs`, +0-15 % jitter), then `done(ok)`.
   */
  private withRetries(call: (cb: (r: { ok: boolean }) => void) => void, attempts: number, firstMs: number, done: (ok: boolean) => void): void {
    let sleep = firstMs;
    const tm = this.params.timers;
    const go = (n: number): void =>
      call((r) => {
        if (this.stopped) return;
        if (r.ok) return done(true);
        if (n >= attempts) return done(false);
        const wait = Math.round(sleep * (1 + tm.imdsPollJitter * this.timing.float()));
        sleep = Math.min(sleep * 2, tm.imdsPollMaxMs);
        this.sim.after(wait, Priority.ec2, () => !this.stopped && go(n + 1), undefined);
      });
    go(1);
  }

  /**
   * FreeENI (awsutils.go freeENI): (DescribeNetworkInterfaces) → Detach (<= 12 tries, 0.2 s doubling) → 2 s →
   * Delete (<= 12 tries, 0.5 s doubling), all blocking the loop. If the ENI cannot be detached it stays attached and
   * the IMDS reconcile re-adopts it; if it cannot be deleted it leaks (leaked-ENI cleanup is not modelled).
   */
  private releaseEni(rec: EniRecord, detach: boolean, next: () => void): void {
    const ec2 = this.ec2;
    const tm = this.params.timers;
    const del = (): void =>
      this.withRetries((cb) => ec2.deleteNetworkInterface(rec, cb), 12, 500, (ok) => {
        if (!ok) this.leakedEnis++;
        next();
      });
    if (!detach) return del();
    this.withRetries((cb) => ec2.detachNetworkInterface(rec, cb), 12, 200, (ok) => {
      if (!ok) {
        this.readoptLater(rec);
        return next();
      }
      this.sim.after(tm.detachToDeleteMs, Priority.ec2, () => !this.stopped && del(), undefined);
    });
  }

  /** The periodic IMDS reconcile finds an attached ENI ipamd does not hold and adds it back. */
  private readoptLater(rec: EniRecord): void {
    this.sim.after(this.params.timers.reconcileIntervalMs, Priority.ec2, () => {
      if (this.stopped || !rec.attached || this.ds.enis.some((e) => e.id === rec.id)) return;
      this.adopt(rec);
      this.wake();
    }, undefined);
  }

  /** Addresses a failed Unassign left on the ENI come back through the reconcile (after its 60 s ignore window). */
  private readoptAddressesLater(eni: DsEni, ips: number[]): void {
    this.sim.after(this.params.timers.reconcileIntervalMs, Priority.ec2, () => {
      if (this.stopped || !this.ds.enis.includes(eni)) return;
      this.ds.addAddresses(eni, ips);
      this.wake();
    }, undefined);
  }

  /**
   * First time (ms) after nodeInit that the pool had nothing left to grow (not too low, or no room to grow);
   * -1 until then. Checked whenever the datastore gains addresses or a pod leaves, so it is the same in both loop
   * modes.
   */
  atTargetAt = -1;

  private noteTarget(): void {
    if (this.atTargetAt >= 0 || !this.ready) return;
    const snap = this.snapshot(this.evalSnap);
    if (!isPoolTooLow(this.targets, snap) || !this.canGrow(snap)) this.atTargetAt = this.sim.now;
  }

  /** ENIs ipamd could not delete (left to the leaked-ENI cleanup, which is not modelled). */
  leakedEnis = 0;

  /** waitForENIAndIPsAttached: IMDS polls with doubling backoff; the ENI is seen at the first poll after it is visible. */
  private waitForEni(rec: EniRecord, next: () => void): void {
    const tm = this.params.timers;
    let t = this.sim.now;
    let sleep = tm.imdsPollFirstMs;
    for (let attempt = 1; attempt <= tm.imdsPollAttempts; attempt++) {
      if (t >= rec.visibleAt) {
        return void this.sim.at(t, Priority.ec2, () => !this.stopped && this.setupEni(rec, next), undefined);
      }
      if (attempt === tm.imdsPollAttempts) break;
      t += Math.round(sleep * (1 + tm.imdsPollJitter * this.timing.float()));
      sleep = Math.min(sleep * 2, tm.imdsPollMaxMs);
    }
    // Gave up: the loop moves on; the node's periodic IMDS reconcile adopts the ENI later.
    this.sim.at(t, Priority.ec2, () => {
      if (this.stopped) return;
      this.observer.poolAction(this.node, 'ec2-error', { eni: rec.id, code: 'ENIAttachTimeout' }, this.sim.now);
      const adoptAt = Math.max(rec.visibleAt, this.sim.now + tm.reconcileIntervalMs);
      this.sim.at(adoptAt, Priority.ec2, () => {
        if (this.stopped) return;
        if (!this.ds.enis.some((e) => e.id === rec.id)) this.adopt(rec);
        this.wake();
      }, undefined);
      next();
    }, undefined);
  }

  /** setupENI: (DescribeSubnets for the exclusion check), link and routes, then the ENI joins the datastore. */
  private setupEni(rec: EniRecord, next: () => void): void {
    const finish = (): void => {
      this.sim.after(sample(this.params.eniSetup, this.timing), Priority.ec2, () => {
        if (this.stopped) return;
        this.adopt(rec);
        next();
      }, undefined);
    };
    if (this.config.enableSubnetDiscovery) this.ec2.describeSubnets(finish);
    else finish();
  }

  private adopt(rec: EniRecord): void {
    this.records.set(rec.id, rec);
    const eni = this.ds.addEni(rec.id, false, rec.deviceIndex, this.sim.now);
    this.ds.addAddresses(eni, rec.secondaries);
    this.noteTarget();
    this.observer.poolAction(this.node, 'eni-ready', { eni: rec.id, count: rec.secondaries.length }, this.sim.now);
  }

  /** decreaseDatastorePool (IP-target mode): release `over` free addresses, one Unassign call per ENI. */
  private decrease(snap: PoolSnapshot, next: () => void): void {
    let over = targetState(this.targets, snap).over;
    const order = shuffled(this.ds.enis, this.choice);
    const batches: [DsEni, Addr[]][] = [];
    for (const eni of order) {
      if (over <= 0) break;
      const freeable = [...eni.fresh, ...eni.released];
      const k = Math.min(over, freeable.length);
      if (k === 0) continue;
      const chosen = shuffled(freeable, this.choice).slice(0, k);
      this.ds.removeAddresses(eni, chosen);
      this.observer.poolAction(this.node, 'release-ips', { eni: eni.id, count: k, addrs: chosen }, this.sim.now);
      batches.push([eni, chosen]);
      over -= k;
    }
    const step = (i: number): void => {
      if (i >= batches.length) return next();
      const [eni, addrs] = batches[i];
      const ips = addrs.map((a) => a.ip);
      this.ec2.unassignPrivateIpAddresses(this.records.get(eni.id) as EniRecord, ips, (r) => {
        if (this.stopped) return;
        if (!r.ok) this.readoptAddressesLater(eni, ips);
        step(i + 1);
      });
    };
    step(0);
  }

  /** tryFreeENI: remove one deletable ENI from the datastore, then FreeENI (describe, detach, 2 s, delete). */
  private freeOneEni(next: () => void): void {
    const { found } = deletableEnis(this.ds, this.targets, this.sim.now, this.params.timers.minEniLifetimeMs);
    if (found.length === 0) return next();
    const eni = found[found.length === 1 ? 0 : this.choice.int(found.length)];
    this.ds.removeEni(eni);
    const rec = this.records.get(eni.id) as EniRecord;
    this.records.delete(eni.id);
    this.observer.poolAction(this.node, 'free-eni', { eni: eni.id, count: eni.addrs.length }, this.sim.now);
    this.ec2.describeNetworkInterfaces((r) => {
      if (this.stopped) return;
      if (!r.ok) {
        this.readoptLater(rec);
        return next();
      }
      this.releaseEni(rec, true, next);
    });
  }
}

/** A shuffled copy (Fisher-Yates), standing in for Go's random map iteration order. */
function shuffled<T>(items: readonly T[], rng: Rng): T[] {
  const a = items.slice();
  for (let i = a.length - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    const x = a[i];
    a[i] = a[j];
    a[j] = x;
  }
  return a;
}
