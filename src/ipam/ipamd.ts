/**
 * One node's ipamd: nodeInit with pre-scaling, then the pool loop (StartNodeIPPoolManager →
 * updateIPPoolIfRequired) as a chain of simulation events, and the CNI door (rpc_handler.go's AddNetwork /
 * DelNetwork) through which kubelet gets and returns pod addresses. While a pass waits on EC2 the loop is blocked,
 * as in ipamd, and pod ADD/DEL keep working against the datastore.
 *
 * Who does what: the allocation policy (allocator.ts; ipamd's own is ipamd-policy.ts) decides, step by step, what a
 * pass does; the mechanics (mechanics.ts) carries each intent out against EC2 and the datastore; this file runs the
 * loop and asks the policy at each step ({@link Ipamd.step}).
 *
 * Passes happen on a lattice: `anchor + k * loopInterval`. In 'lazy' mode a pass is only scheduled when the policy
 * says it would act (or when a time guard such as the 30 s decrease interval or the 60 s ENI age can flip that): a
 * pass that would do nothing draws no random numbers and changes nothing, so skipping it leaves every result
 * unchanged. 'every-tick' runs all passes and is kept to test exactly that.
 */
import { ipamdTrunkingCompatible } from '../aws/branch-eni.js';
import { Priority, type Simulation } from '../engine/sim.js';
import type { SimEvent } from '../engine/queue.js';
import type { Rng, Streams } from '../engine/random.js';
import { sample } from '../engine/distribution.js';
import type { EniRecord } from '../aws/ec2.js';
import { isInsufficient, type Ec2Client } from '../aws/ec2-client.js';
import type { Subnet } from '../aws/subnet.js';
import type { InstanceType } from '../aws/instance-types.js';
import type { AllocationPolicy, CentralNode, CentralPlacement, Intent, NodeView, Step } from './allocator.js';
import type { AddressHandle, CniPod, PodAddress } from './cni.js';
import { PREFIX_SIZE, type Addr, type Datastore } from './datastore.js';
import type { IpamdConfig } from './config.js';
import type { IpamdParams } from './params.js';
import type { IpamdCore, IpamObserver } from './core.js';
import { IpamdPolicy } from './ipamd-policy.js';
import { attachEni, freeEni, initEc2, leakedEniCleanup, release, topUp } from './mechanics.js';
import { PdPool } from './pd-pool.js';
import type { PoolSnapshot } from './policy.js';
import { SipPool } from './sip-pool.js';

export type { IpamObserver, PoolAction, PoolActionDetail } from './core.js';

/**
 * kubelet's CrashLoopBackOff for a restarting aws-node container (pkg/kubelet/kuberuntime, kubelet's
 * backOffPeriod / MaxContainerBackOff): 10 s doubling to 5 min, forgotten once the container has run for 10 min.
 */
export const RESTART_FIRST_MS = 10_000;
export const RESTART_MAX_MS = 300_000;
export const RESTART_RESET_MS = 600_000;

/** Why nodeInit failed, as the `init-failed` event's code says. */
export const CUSTOM_NETWORKING_EMPTY = 'CustomNetworkingEmptyPool';

/** Where a node's ENIs go: custom networking's ENIConfig subnet, if any (else the node's subnet or discovery). */
export interface NodeNetwork {
  eniConfigSubnet?: Subnet;
  /** Custom networking: the ENIConfig the node selects does not exist (its name): no ENI can be attached. */
  missingEniConfig?: string;
}

/** Everything one node's ipamd is made from. */
export interface IpamdOptions {
  sim: Simulation;
  /** The node's name (names its random streams). */
  node: string;
  /** The node's place among all nodes (orders same-time passes). */
  nodeIndex: number;
  instance: InstanceType;
  maxPods: number;
  /** The effective configuration (PD already off on types that do not honour it). */
  config: IpamdConfig;
  params: IpamdParams;
  ec2: Ec2Client;
  streams: Streams;
  observer: IpamObserver;
  /** Called once, when nodeInit has finished and the node turns Ready. */
  onReady: (now: number) => void;
  network?: NodeNetwork;
  /** The allocation policy; default ipamd's own for `config`. */
  policy?: AllocationPolicy;
  /** A central decider (Cilium's operator) in place of this node's pool loop; none for ipamd. */
  central?: CentralPlacement;
}

/** ipamd on one node. */
export class Ipamd {
  // The fields every pod event reads come first, so they share the object's first cache lines. No field has an
  // initialiser and the constructor sets them in the order declared, so the layout is this order whether class
  // fields are defined or assigned (useDefineForClassFields).
  readonly ds: Datastore;
  private readonly lazy: boolean;
  ready: boolean;
  private busy: boolean;
  /** Set when the node is drained and terminated: every pending continuation becomes a no-op. */
  private stopped: boolean;
  private passEvent: SimEvent | undefined;
  /**
   * The quiet band, as it applies now: for a pool of `quietTotal` addresses, assigned counts in [quietLo, quietHi]
   * need no look after a pod event (empty while a pass is queued or running, before Ready, after a stop).
   */
  private quietTotal: number;
  private quietLo: number;
  private quietHi: number;
  /** ipamd still waits for the pool to first reach its target (it looks after every release until then). */
  private watchTarget: boolean;
  /** The quiet band the policy gave for quietTotal (published in quietLo/quietHi while armed). */
  private bandLo: number;
  private bandHi: number;
  /**
   * First time (ms) after nodeInit that the pool had nothing left to grow (not too low, or no room to grow);
   * -1 until then. Checked whenever the datastore gains addresses or a pod leaves, so it is the same in both loop
   * modes.
   */
  atTargetAt: number;
  readonly node: string;
  /** The node's place among all nodes. */
  private readonly nodeIndex: number;
  readonly instance: InstanceType;
  readonly maxPods: number;
  readonly config: IpamdConfig;
  readonly policy: AllocationPolicy;
  /** Pod addresses one ENI can hold: M - 1 (SIP) or (M - 1) x PREFIX_SIZE (PD). */
  readonly maxIpsPerEni: number;
  /** min(MAX_ENI, instance limit). */
  readonly maxEnis: number;
  /** ENIs ipamd may hold: maxEnis less the trunk ENI's slot when ENABLE_POD_ENI is on (hasRoomForEni). */
  readonly eniCap: number;
  /** Pool loop passes run (acting or not; skipped lazy passes are not counted). */
  passes: number;
  /**
   * Times aws-node restarted because nodeInit failed: handlePreScaling's allocation failed with an error other
   * than insufficient addresses, or custom networking left the pool empty.
   */
  restarts: number;
  /** Time (ms) the running aws-node container started (kubelet's back-off is forgotten after 10 min of running). */
  private containerStartedAt: number;
  /** The crash-loop back-off step kubelet is at (0: the next restart waits 10 s). */
  private backoffStep: number;
  /** The error that failed this nodeInit's pre-scaling allocation (undefined: none). */
  private initError: string | undefined;
  /** False when the instance could not launch: its subnet had no address for the primary ENI. */
  launched: boolean;
  /** ENIs ipamd could not delete (left to the leaked-ENI cleanup). */
  leakedEnis: number;
  private anchor: number;
  /** Whether the running pass released CIDRs (it then stamps lastDecreaseAt when it ends). */
  private scaledDown: boolean;
  private readonly sim: Simulation;
  private readonly params: IpamdParams;
  private readonly ec2: Ec2Client;
  private readonly observer: IpamObserver;
  private readonly onReady: (now: number) => void;
  private readonly records: Map<string, EniRecord>;
  private readonly timing: Rng;
  /** The leaked-ENI cleanup's start delays (a stream of its own: other draws keep their place). */
  private readonly cleanupRng: Rng;
  private readonly period: number;
  private readonly passPriority: number;
  /** What the policy sees (one object, refreshed before each question: pod events stay allocation-free). */
  private readonly view: {
    pool: Datastore;
    now: PoolSnapshot;
    passStart: PoolSnapshot;
    eniCap: number;
    backoffUntil: number;
    lastDecreaseAt: number;
    unschedulable: boolean;
  };
  private readonly core: IpamdCore;
  /** The pass event's handler (one function for every pass this ipamd schedules). */
  private readonly passHandler: () => void;
  /** The central decider, when the decision is not this node's loop (see {@link IpamdOptions.central}). */
  private readonly central: CentralPlacement | undefined;
  private readonly centralNode: CentralNode;

  constructor(o: IpamdOptions) {
    const { config, instance } = o;
    const pd = config.enablePrefixDelegation;
    const pool = { placement: o.params.placement, rng: o.streams.stream(`ipam/${o.node}/assign`) };
    // IPv6: the /80 prefix of the primary ENI holds far more addresses than pods fit; the datastore holds maxPods of
    // them with no cooldown (pods are limited by maxPods only).
    this.ds = config.enableIpv6
      ? new SipPool(0, o.maxPods, pool)
      : pd
        ? new PdPool(config.ipCooldownMs, pool)
        : new SipPool(config.ipCooldownMs, instance.ipv4PerEni - 1, pool);
    this.lazy = o.params.loopMode === 'lazy';
    this.ready = false;
    this.busy = false;
    this.stopped = false;
    this.passEvent = undefined;
    this.quietTotal = -1;
    this.quietLo = 1;
    this.quietHi = 0;
    this.watchTarget = true;
    this.bandLo = 1;
    this.bandHi = 0;
    this.atTargetAt = -1;
    this.node = o.node;
    this.nodeIndex = o.nodeIndex;
    this.instance = instance;
    this.maxPods = o.maxPods;
    this.config = config;
    this.policy = o.policy ?? new IpamdPolicy(config, o.params.timers);
    this.maxIpsPerEni = (instance.ipv4PerEni - 1) * (pd ? PREFIX_SIZE : 1);
    this.maxEnis = config.maxEni > 0 ? Math.min(config.maxEni, instance.maxEnis) : instance.maxEnis;
    // hasRoomForEni keeps the trunk's slot only where IsTrunkingCompatible (a type limits.go lists as not
    // compatible keeps none; one it does not list keeps one).
    this.eniCap = this.maxEnis - (config.enablePodEni && ipamdTrunkingCompatible(instance.name) ? 1 : 0);
    this.passes = 0;
    this.restarts = 0;
    this.containerStartedAt = 0;
    this.backoffStep = 0;
    this.initError = undefined;
    this.launched = false;
    this.leakedEnis = 0;
    this.anchor = 0;
    this.scaledDown = false;
    this.sim = o.sim;
    this.params = o.params;
    this.ec2 = o.ec2;
    this.observer = o.observer;
    this.onReady = o.onReady;
    this.records = new Map<string, EniRecord>();
    const choice = o.streams.stream(`ipam/${o.node}/choice`);
    this.timing = o.streams.stream(`ipam/${o.node}/timing`);
    this.cleanupRng = o.streams.stream(`ipam/${o.node}/leaked-eni-cleanup`);
    this.period = o.params.timers.loopIntervalMs;
    this.passPriority = Priority.loop + o.nodeIndex;
    this.view = {
      pool: this.ds,
      now: this.blankSnapshot(),
      passStart: this.blankSnapshot(),
      eniCap: this.eniCap,
      backoffUntil: -Infinity,
      lastDecreaseAt: -Infinity,
      unschedulable: false,
    };
    const sim = o.sim;
    this.core = {
      sim,
      node: o.node,
      ds: this.ds,
      config,
      params: o.params,
      ec2: o.ec2,
      observer: o.observer,
      records: this.records,
      choice,
      timing: this.timing,
      central: o.central !== undefined,
      eniConfigSubnet: o.network?.eniConfigSubnet,
      missingEniConfig: o.network?.missingEniConfig,
      noteInsufficient: () => void (this.view.backoffUntil = sim.now + o.params.timers.insufficientAddressBackoffMs),
      adopt: (rec, cidrs) => this.adopt(rec, cidrs),
      wake: () => this.wake(),
      stopped: () => this.stopped,
      added: () => this.noteTarget(),
      leaked: (rec) => {
        this.leakedEnis++;
        o.ec2.ec2.leaked.set(rec, sim.now);
      },
    };
    this.passHandler = () => this.pass();
    this.central = o.central;
    this.centralNode = {
      name: o.node,
      index: o.nodeIndex,
      view: () => this.fresh(),
      maintain: (end) => this.maintain(end),
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
    this.containerStartedAt = this.sim.now;
    const cfg = this.config;
    if (!this.central && !cfg.disableLeakedEniCleanup && !cfg.imdsOnlyMode)
      leakedEniCleanup(this.core, this.cleanupRng, this.sim.now);
    this.sim.after(
      sample(this.params.startDelay, this.timing),
      Priority.ec2,
      () => !this.stopped && this.nodeInit(),
      undefined,
    );
  }

  /**
   * nodeInit + handlePreScaling (pkg/ipamd/ipamd.go): the policy's init step (one increaseDatastorePool if the pool
   * is low), then gRPC serves and the loop starts (cmd/aws-k8s-agent/main.go). nodeInit fails, aws-node exits and
   * kubelet restarts it when that allocation returned an error other than insufficient addresses (e.g.
   * RequestLimitExceeded once the SDK's retries are spent), or, with custom networking, when the pool is still
   * empty. The node stays NotReady meanwhile.
   */
  private nodeInit(): void {
    if (this.central) return this.centralInit(this.central);
    this.busy = true;
    // DescribeAllENIs, TagENI and setupENI's subnet check come first (initEc2); their failure fails nodeInit too.
    initEc2(this.core, (error) => {
      if (error !== undefined) return this.restart(error);
      if (this.config.enableIpv6) return this.ipv6Init();
      this.preScale();
    });
  }

  /** handlePreScaling (ipamd.go:674-693) and the end of nodeInit. */
  private preScale(): void {
    this.initError = undefined;
    const first = this.ask({ at: 'init' });
    const low = first.kind !== 'done';
    this.step(first, true, () => {
      if (this.initError !== undefined) return this.restart(this.initError);
      if (low && this.config.customNetworking && this.ds.total === 0) return this.restart(CUSTOM_NETWORKING_EMPTY);
      this.ready = true;
      this.busy = false;
      this.anchor = this.sim.now + this.period / 2;
      this.noteTarget();
      this.onReady(this.sim.now);
      this.reschedule(this.sim.now);
    });
  }

  /**
   * IPv6 nodeInit: setupENI of the primary ENI runs assignIPv6Prefix (ipamd.go): GetIPv6PrefixesFromEC2
   * (DescribeNetworkInterfaces), and with no prefix yet AllocIPv6Prefixes (AssignIpv6Addresses, one /80; not a
   * modelled EC2 API: no latency, no bucket). An error fails nodeInit. Then no pool loop: StartNodeIPPoolManager
   * returns at once in IPv6 mode, so the node never grows, shrinks or frees anything.
   */
  private ipv6Init(): void {
    const primary = this.ds.enis[0];
    this.ec2.assignIpv6Prefix(this.maxPods, (r) => {
      if (this.stopped) return;
      if (!r.ok) return this.restart(r.code);
      if (this.ds.total === 0) {
        // Placeholder pod addresses (the model's addresses are IPv4 numbers; these stand for the /80's).
        const base = 0xfd000000 + this.nodeIndex * 1024;
        this.ds.addCidrs(
          primary,
          Array.from({ length: this.maxPods }, (_, k) => base + k),
        );
        this.observer.poolAction(this.node, 'ipv6-prefix', { eni: primary.id, count: 1 }, this.sim.now);
      }
      this.ready = true;
      this.watchTarget = false;
      this.atTargetAt = this.sim.now;
      this.onReady(this.sim.now);
      // busy stays true: no pass is ever scheduled.
    });
  }

  /** ipamd stops with its node (scale-in): no more passes, in-flight EC2 chains are dropped. */
  stop(): void {
    this.stopped = true;
    this.ready = false;
    if (this.passEvent) this.passEvent.cancelled = true;
    this.passEvent = undefined;
    this.syncQuiet();
    this.central?.leave(this.centralNode);
  }

  /** Whether the node carries the unschedulable taint (it is cordoned), as ipamd reads it. */
  get unschedulable(): boolean {
    return this.view.unschedulable;
  }

  /**
   * The node was cordoned (`true`) or uncordoned: the `node.kubernetes.io/unschedulable:NoSchedule` taint that
   * isNodeNonSchedulable (pkg/ipamd/ipamd.go:2255-2281) reads at each increase and each tryFreeENI comes or goes.
   * The policy decides what changes (ipamd-policy.ts); the loop looks again at once, since what it would do next
   * may have changed.
   */
  setUnschedulable(unschedulable: boolean): void {
    if (this.view.unschedulable === unschedulable) return;
    this.view.unschedulable = unschedulable;
    if (this.central) {
      if (!this.stopped) this.central.poke(this.centralNode);
      return;
    }
    if (this.lazy && this.ready && !this.busy && !this.stopped) this.reschedule(this.sim.now);
  }

  // ---- a central decider (Cilium's operator) in place of the pool loop ----

  /**
   * The agent starts and the operator takes the node on; the node turns Ready once its pool holds an address (the
   * agent waits for the CiliumNode's pool before it writes the CNI configuration).
   */
  private centralInit(central: CentralPlacement): void {
    central.join(this.centralNode, () => {
      if (this.stopped || this.ready) return;
      this.ready = true;
      this.anchor = this.sim.now;
      this.noteTarget();
      this.onReady(this.sim.now);
    });
  }

  /** One maintenance the central decider runs: the policy's 'pass' and what follows, then `end`. */
  private maintain(end: () => void): void {
    if (this.stopped) return end();
    this.passes++;
    this.scaledDown = false;
    this.view.passStart = this.snapshot(this.blankSnapshot());
    this.step(this.ask({ at: 'pass' }), false, () => {
      if (this.scaledDown) this.view.lastDecreaseAt = this.sim.now;
      end();
    });
  }

  /**
   * aws-node exits (main.go: ipamd.New returned nodeInit's error) and kubelet restarts it after its crash-loop
   * back-off: 10 s doubling to 5 min, back to 10 s once the container had run for 10 min. The new ipamd rebuilds
   * its datastore from EC2 and IMDS: the ENIs and addresses attached are found again, their ages start over, and
   * in-memory state (the insufficient-address back-off, the last decrease) starts afresh.
   */
  private restart(code: string): void {
    const now = this.sim.now;
    this.observer.poolAction(this.node, 'init-failed', { code }, now);
    if (now - this.containerStartedAt >= RESTART_RESET_MS) this.backoffStep = 0;
    const delay = Math.min(RESTART_FIRST_MS * 2 ** this.backoffStep, RESTART_MAX_MS);
    this.backoffStep++;
    this.restarts++;
    this.sim.after(
      delay,
      Priority.ec2,
      () => {
        if (this.stopped) return;
        this.containerStartedAt = this.sim.now;
        this.view.backoffUntil = -Infinity;
        this.view.lastDecreaseAt = -Infinity;
        // data_store.go AddENI stamps createTime: time.Now() for every ENI the new ipamd finds.
        for (const e of this.ds.enis) e.createdAt = this.sim.now;
        this.observer.poolAction(this.node, 'aws-node-restart', { count: this.restarts }, this.sim.now);
        this.nodeInit();
      },
      undefined,
    );
  }

  // ---- the CNI door (rpc_handler.go): datastore only, never EC2 ----

  /**
   * AddNetwork: the datastore hands the pod an address (AssignPodIPv4Address) and ipamd gives it the handle to
   * release it by; or undefined: no address is free and cooled (ErrNoAvailableIPInDataStore), kubelet retries.
   * The loop looks only if the pool left its quiet band.
   */
  addNetwork(pod: CniPod): PodAddress | undefined {
    const ds = this.ds;
    const addr = ds.handOut(this.sim.now);
    // `=== undefined`, not truthiness: testing an object for truth reads its hidden class (a cache miss on an
    // address that nothing else here reads).
    if (addr === undefined) return undefined;
    pod.ipamHandle = ds.takenHandle as AddressHandle;
    if (!this.quiet()) this.wake();
    return addr;
  }

  /**
   * DelNetwork: the pod's address starts its cooldown (UnassignPodIPAddress; no EC2 call). Only for a pod that
   * holds an address from this ipamd, once.
   */
  delNetwork(pod: CniPod): void {
    // The pod hands back what addNetwork gave it.
    this.ds.releaseFrom(pod.addr as Addr, pod.ipamHandle, this.sim.now);
    if (this.watchTarget || !this.quiet()) {
      this.noteTarget();
      this.wake();
    }
  }

  /** Whether the pool is where a pod event leaves ipamd's loop nothing to reconsider (see `quietTotal`). */
  private quiet(): boolean {
    const ds = this.ds;
    return ds.total === this.quietTotal && ds.assigned >= this.quietLo && ds.assigned <= this.quietHi;
  }

  /** Re-evaluates the schedule after a pod changed the pool. */
  private wake(): void {
    if (this.central) {
      if (!this.stopped) this.central.poke(this.centralNode);
      return;
    }
    if (!(this.lazy && this.ready && !this.busy && !this.stopped)) return;
    // The quiet band: with no pass queued and the pool's total unchanged, an assigned count the band holds is one
    // where a pass would neither grow, shrink nor try to free an ENI, whatever the time: nextLook would say
    // "never" and reschedule() would do nothing. Two compares instead of the policy on most pod events.
    if (this.quiet()) return;
    this.reschedule(this.sim.now);
  }

  /** Publishes the quiet band as it applies now: empty unless a pod event could be ignored. */
  private syncQuiet(): void {
    const armed = this.lazy && this.ready && !this.busy && !this.stopped && this.passEvent === undefined;
    this.quietLo = armed ? this.bandLo : 1;
    this.quietHi = armed ? this.bandHi : 0;
  }

  // ---- loop scheduling ----

  /** Refreshes `into` from the datastore (one object shape for every snapshot keeps the policy monomorphic). */
  private snapshot(into: PoolSnapshot): PoolSnapshot {
    const ds = this.ds;
    into.total = ds.total;
    into.assigned = ds.assigned;
    if (ds.pd) {
      into.totalPrefixes = ds.prefixCount;
      into.freePrefixes = ds.freePrefixes;
      into.freeableEni = ds.hasFreeableEni();
    }
    return into;
  }

  /** A snapshot of this node's shape with an empty pool. */
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

  /** The view with its `now` snapshot refreshed. */
  private fresh(): NodeView {
    this.snapshot(this.view.now);
    return this.view;
  }

  /** First lattice time >= t. */
  private aligned(t: number): number {
    if (t <= this.anchor) return this.anchor;
    return this.anchor + Math.ceil((t - this.anchor) / this.period) * this.period;
  }

  private reschedule(now: number): void {
    let at = this.anchor;
    if (this.lazy) {
      const ds = this.ds;
      if (ds.total !== this.quietTotal) {
        this.quietTotal = ds.total;
        const s = this.view.now;
        s.total = ds.total;
        [this.bandLo, this.bandHi] = this.policy.quietBand(s);
      }
      const due = this.policy.nextLook(this.fresh(), now);
      at = due === Infinity ? Infinity : this.aligned(due);
    }
    if (this.passEvent) {
      if (this.passEvent.time === at) return;
      this.passEvent.cancelled = true;
      this.passEvent = undefined;
    }
    if (at !== Infinity) this.passEvent = this.sim.at(at, this.passPriority, this.passHandler, undefined);
    this.syncQuiet();
  }

  // ---- one pass: updateIPPoolIfRequired ----

  private pass(): void {
    this.passEvent = undefined;
    this.passes++;
    const now = this.sim.now;
    if (this.lazy && this.policy.nextLook(this.fresh(), now) !== now) {
      this.anchor = now + this.period;
      this.reschedule(now);
      return;
    }
    this.busy = true;
    this.scaledDown = false;
    this.view.passStart = this.snapshot(this.blankSnapshot());
    this.step(this.ask({ at: 'pass' }), false, () => {
      if (this.scaledDown) this.view.lastDecreaseAt = this.sim.now;
      this.busy = false;
      this.anchor = this.sim.now + this.period;
      this.reschedule(this.sim.now);
    });
  }

  /** The policy's next intent at `step`, now. */
  private ask(step: Step): Intent {
    return this.policy.decide(this.fresh(), step, this.sim.now);
  }

  /**
   * Carries out `intent` through the mechanics, then asks the policy for the next one, until it says 'done';
   * then `end`. This is where every decision of a pass (or of nodeInit, `init`) is taken and handed over.
   */
  private step(intent: Intent, init: boolean, end: () => void): void {
    const c = this.core;
    switch (intent.kind) {
      case 'done':
        return end();
      case 'top-up':
        return topUp(c, intent.enis, intent.perEni, intent.want, intent.nextOnInsufficient, (increased, error) => {
          // increaseDatastorePool returns tryAssignCidrs' error unless it is an insufficient-address one; during
          // nodeInit, handlePreScaling turns it into nodeInit's error.
          if (init && error !== undefined && !isInsufficient(error)) this.initError = error;
          this.step(this.ask({ at: 'topped-up', init, increased, error }), init, end);
        });
      case 'attach-eni':
        return attachEni(c, intent.cidrs, () => this.step(this.ask({ at: 'attached', init }), init, end));
      case 'release':
        this.scaledDown = true;
        return release(c, intent.cidrs, () => this.step(this.ask({ at: 'released' }), init, end));
      case 'free-eni':
        return freeEni(c, intent.candidates, () => this.step(this.ask({ at: 'freed' }), init, end));
    }
  }

  private noteTarget(): void {
    if (this.atTargetAt >= 0 || !this.ready) return;
    if (this.policy.satisfied(this.fresh())) {
      this.atTargetAt = this.sim.now;
      this.watchTarget = false;
    }
  }

  /** setupENI's datastore part (also the IMDS reconcile's adoption of an ENI the poll gave up on). */
  private adopt(rec: EniRecord, cidrs = true): void {
    this.records.set(rec.id, rec);
    const eni = this.ds.addEni(rec.id, false, rec.deviceIndex, this.sim.now);
    const pd = this.ds.pd;
    if (cidrs) this.ds.addCidrs(eni, pd ? rec.prefixes : rec.secondaries);
    this.noteTarget();
    const count = cidrs ? (pd ? rec.prefixes.length : rec.secondaries.length) : 0;
    this.observer.poolAction(
      this.node,
      'eni-ready',
      { eni: rec.id, count, ...(pd ? { prefixes: rec.prefixes } : {}) },
      this.sim.now,
    );
  }
}
