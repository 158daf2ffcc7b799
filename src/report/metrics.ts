/**
 * Collects the report's figures from domain events (EC2, ipamd, kubelet observers). Every handler is O(1)
 * amortised: this runs on the hot path of every pod event.
 */
import { THROTTLED, type Ec2ApiName } from '../aws/api.js';
import type { Ec2Observer } from '../aws/ec2.js';
import { isSubnetFull } from '../aws/ec2-client.js';
import { cidrToString, ipToString } from '../aws/cidr.js';
import type { IpamObserver, PoolAction, PoolActionDetail } from '../ipam/ipamd.js';
import type { Addr } from '../ipam/datastore.js';
import type { PodObserver } from '../kubelet/kubelet.js';
import type { Pod } from '../kubelet/pod.js';
import type { NodeRuntime } from '../kubelet/node.js';
import { DurationLog, Gap, TimeWeighted } from './tally.js';

function bump<K>(m: Map<K, number>, k: K): void {
  m.set(k, (m.get(k) ?? 0) + 1);
}

/**
 * Figures per node group, kept as time-weighted levels. With a single group they are the cluster's own objects
 * (passed in), so nothing is counted twice.
 */
export class GroupMetrics {
  failedAdds = 0;
  /** Attached minus assigned: the warm pool. */
  readonly idle: Gap;
  constructor(
    readonly name: string,
    readonly attached = new TimeWeighted(),
    readonly assigned = new TimeWeighted(),
    readonly latencies = new DurationLog(),
  ) {
    this.idle = new Gap(attached, assigned);
  }
}

/** A subscriber to every domain event, e.g. the event log. */
export interface EventSink {
  write(record: Record<string, unknown>): void;
}

/** The metrics collector. */
export class Metrics implements Ec2Observer, IpamObserver, PodObserver {
  readonly attached = new TimeWeighted();
  readonly assigned = new TimeWeighted();
  /** Attached minus assigned: the warm pool (read from the two, never updated itself). */
  readonly idle = new Gap(this.attached, this.assigned);
  readonly eniCount = new TimeWeighted();
  cooling = 0;
  coolingPeak = 0;
  /** Cooling releases, one FIFO lane per IP_COOLDOWN_PERIOD in use (each lane is in expiry order). */
  private readonly lanes: CoolingLane[] = [];
  private lastLane: CoolingLane | undefined = undefined;
  readonly latencies = new DurationLog();
  /** Per started pod: creation to address (scheduling wait included), ms (only summarised: no log kept). */
  readonly createToStart = new DurationLog(false);
  /** Per bound pod: creation to binding (time without a node), ms (only summarised: no log kept). */
  readonly schedulingWait = new DurationLog(false);
  /** Time the last pod that had to wait (for a node or an address) got its address; -1 if none waited. */
  lastWaitedStartAt = -1;
  readonly groups: GroupMetrics[];
  private readonly groupOf = new Map<string, GroupMetrics>();
  readonly calls = new Map<string, number>();
  readonly throttled = new Map<string, number>();
  readonly retries = new Map<string, number>();
  readonly failures = new Map<string, number>();
  readonly errors = new Map<string, number>();
  readonly actions = new Map<PoolAction, number>();
  requested = 0;
  started = 0;
  deleted = 0;
  deletedBeforeStart = 0;
  failedAddAttempts = 0;
  podsWithFailedAdd = 0;
  /** Failed CNI ADDs per node (name), for the per-zone breakdown. */
  readonly failedAddsByNode = new Map<string, number>();
  /** Optional event log. */
  sink: EventSink | undefined = undefined;
  /** Pods a drain evicted, and how many of them were replaced by a new pod. */
  evicted = 0;
  evictedRescheduled = 0;
  /** Addresses attached to and assigned on cordoned nodes, and their gap: the idle addresses cordoned nodes hold. */
  readonly cordonedAttached = new TimeWeighted();
  readonly cordonedAssigned = new TimeWeighted();
  readonly cordonedIdle = new Gap(this.cordonedAttached, this.cordonedAssigned);
  /** Nodes cordoned now (by name). */
  private readonly cordoned = new Set<string>();
  /** Per node, the time (ms) of its first InsufficientFreeAddressesInSubnet / InsufficientCidrBlocks. */
  readonly firstInsufficientAt = new Map<string, number>();
  /** Pods that failed a CNI ADD and have not started (yet). */
  private readonly waiting = new Set<Pod>();
  /** Pods deleted before they started, on a node whose subnet had run out by then. */
  private starvedDeleted = 0;
  /** Pods deleted before they got an address, having reached a node: time of their first CNI ADD, their group. */
  private readonly deletedWaitingFirstAdd: number[] = [];
  private readonly deletedWaitingGroup: number[] = [];
  /** Pods deleted before they got an address: time of their creation. */
  private readonly deletedWaitingCreated: number[] = [];

  /** Internal (tests): take the straightforward way where a shortcut exists (see RunOptions.straightforward). */
  straightforward = false;
  /** False with a single node group: its figures are the cluster's, so they are not kept twice. */
  private readonly perGroup: boolean;

  constructor(groups: readonly string[]) {
    this.groups =
      groups.length === 1
        ? [new GroupMetrics(groups[0], this.attached, this.assigned, this.latencies)]
        : groups.map((g) => new GroupMetrics(g));
    this.perGroup = groups.length > 1;
  }

  /** Tells which node group a node belongs to (nodes can join during a run). */
  registerNode(node: string, groupIndex: number): void {
    this.groupOf.set(node, this.groups[groupIndex]);
  }

  /** Figures of node group i (the cluster's own when there is one group). */
  group(i: number): GroupMetrics {
    return this.groups[i];
  }

  /**
   * Expires cooling releases up to `now`. An address returned to EC2 while still cooling was counted down then,
   * and its entry marked so it is not counted again. Expiry reads only the lanes' own arrays, never an address.
   */
  private expireCooling(now: number): void {
    const lanes = this.lanes;
    for (let i = 0; i < lanes.length; i++) {
      const l = lanes[i];
      if (l.size > 0 && l.stamps[l.head] + l.cooldownMs <= now) this.cooling -= l.expire(now);
    }
  }

  /** Addresses cooling at `now` (cluster-wide). */
  coolingAt(now: number): number {
    this.expireCooling(now);
    return this.cooling;
  }

  // ---- EC2 ----
  call(api: Ec2ApiName, node: string, now: number, ok: boolean, code?: string): void {
    bump(this.calls, api);
    if (!ok && code) {
      bump(this.errors, code);
      if (code === THROTTLED) bump(this.throttled, api);
    }
    this.sink?.write({ t: now, type: 'ec2', node, api, ok, ...(code ? { code } : {}) });
  }

  retry(api: Ec2ApiName, node: string, now: number): void {
    bump(this.retries, api);
    this.sink?.write({ t: now, type: 'ec2-retry', node, api });
  }

  failure(api: Ec2ApiName, node: string, now: number, code: string): void {
    bump(this.failures, api);
    this.sink?.write({ t: now, type: 'ec2-failure', node, api, code });
  }

  secondaries(node: string, delta: number, now: number): void {
    this.attached.add(delta, now);
    if (this.cordoned.size > 0 && this.cordoned.has(node)) this.cordonedAttached.add(delta, now);
    if (!this.perGroup) return;
    const g = this.groupOf.get(node) as GroupMetrics;
    g.attached.add(delta, now);
  }

  enis(_node: string, delta: number, now: number): void {
    this.eniCount.add(delta, now);
  }

  // ---- ipamd ----
  poolAction(node: string, action: PoolAction, detail: PoolActionDetail, now: number): void {
    bump(this.actions, action);
    if (
      action === 'ec2-error' &&
      detail.code !== undefined &&
      isSubnetFull(detail.code) &&
      !this.firstInsufficientAt.has(node)
    ) {
      this.firstInsufficientAt.set(node, now);
    }
    if (action === 'release-ips' && detail.addrs) this.uncountReleased(detail.addrs, detail.releasedAt, now);
    if (this.sink) {
      const { addrs, prefixes } = detail;
      // The release times serve the cooling count only: the event log lists what was released, not when.
      const rest: PoolActionDetail = { ...detail };
      delete rest.addrs;
      delete rest.prefixes;
      delete rest.releasedAt;
      const cidrs = prefixes
        ? { prefixes: prefixes.map((base) => cidrToString({ base, length: 28 })) }
        : addrs
          ? { ips: addrs.map((a) => ipToString(a.ip)) }
          : {};
      this.sink.write({ t: now, type: 'ipamd', node, action, ...rest, ...cidrs });
    }
  }

  /**
   * A decrease may return a still-cooling address to EC2 (FindFreeableCidrs ignores cooldown): it stops counting
   * as cooling now. Cooling releases that ended are expired first, so an address still in its lane is cooling.
   * Knowing when each address was released, its entry is found by a binary search on the lane's release times;
   * the straightforward way scans the lane from its newest entry (the whole lane for an address not in it).
   */
  private uncountReleased(addrs: readonly Addr[], releasedAt: readonly number[] | undefined, now: number): void {
    this.expireCooling(now);
    for (let i = 0; i < addrs.length; i++) {
      const a = addrs[i];
      const cd = a.eni.cooldownMs;
      if (cd <= 0) continue;
      const lane = this.laneFor(cd);
      const hit =
        this.straightforward || releasedAt === undefined
          ? lane.uncount(a)
          : releasedAt[i] + cd > now && lane.uncountAt(a, releasedAt[i]);
      if (hit) this.cooling--;
    }
  }

  // ---- cordoned nodes ----
  /** A node was cordoned holding `attached` addresses, `assigned` of them to pods (ipamd's). */
  nodeCordoned(node: string, attached: number, assigned: number, now: number): void {
    this.cordoned.add(node);
    this.cordonedAttached.add(attached, now);
    this.cordonedAssigned.add(assigned, now);
    this.sink?.write({ t: now, type: 'node', event: 'cordoned', node, attached, assigned });
  }

  /** A node was uncordoned holding `attached` addresses, `assigned` of them to pods. */
  nodeUncordoned(node: string, attached: number, assigned: number, now: number): void {
    this.cordoned.delete(node);
    this.cordonedAttached.add(-attached, now);
    this.cordonedAssigned.add(-assigned, now);
    this.sink?.write({ t: now, type: 'node', event: 'uncordoned', node });
  }

  podEvicted(pod: Pod, now: number, rescheduled: boolean): void {
    this.evicted++;
    if (rescheduled) this.evictedRescheduled++;
    this.sink?.write({ t: now, type: 'pod', event: 'evicted', pod: pod.name, node: pod.node?.name, rescheduled });
  }

  // ---- pods ----
  podCreated(pod: Pod, now: number): void {
    this.requested++;
    this.sink?.write({ t: now, type: 'pod', event: 'created', pod: pod.name });
  }

  podBound(pod: Pod, now: number): void {
    this.schedulingWait.push(now - pod.createdAt);
    this.sink?.write({ t: now, type: 'pod', event: 'bound', pod: pod.name, node: pod.node?.name });
  }

  podAddFailed(pod: Pod, now: number): void {
    if (pod.branch) {
      // A branch-ENI pod waiting for its branch ENI: the controller's report, not ipamd's.
      this.sink?.write({ t: now, type: 'pod', event: 'add-failed', pod: pod.name, node: pod.node?.name, branch: true });
      return;
    }
    this.failedAddAttempts++;
    if (pod.failedAdds === 1) {
      this.podsWithFailedAdd++;
      this.waiting.add(pod);
    }
    this.groups[pod.node!.groupIndex].failedAdds++;
    bump(this.failedAddsByNode, pod.node!.name);
    this.sink?.write({ t: now, type: 'pod', event: 'add-failed', pod: pod.name, node: pod.node?.name });
  }

  podStarted(pod: Pod, now: number): void {
    this.started++;
    const latency = now - pod.firstAddAt;
    // A branch-ENI pod's address is its branch ENI's: no ipamd address, latency reported by the controller.
    if (!pod.branch) this.ipamdPodStarted(pod, now, latency);
    this.sink?.write({
      t: now,
      type: 'pod',
      event: 'started',
      pod: pod.name,
      node: pod.node?.name,
      ip: ipToString(pod.addr!.ip),
      latencyMs: latency,
      ...(pod.branch ? { branch: true } : {}),
    });
  }

  /** A pod got an address from ipamd: latencies, the assigned level, its group. */
  private ipamdPodStarted(pod: Pod, now: number, latency: number): void {
    this.expireCooling(now);
    if (pod.failedAdds > 0) this.waiting.delete(pod);
    this.latencies.push(latency);
    const total = now - pod.createdAt;
    this.createToStart.push(total);
    if (total > 0) this.lastWaitedStartAt = now;
    this.assigned.add(1, now);
    // A pod bound before its node was cordoned may start after.
    if ((pod.node as NodeRuntime).unschedulable) this.cordonedAssigned.add(1, now);
    if (this.perGroup) {
      const g = this.groups[pod.node!.groupIndex];
      g.latencies.push(latency);
      g.assigned.add(1, now);
    }
  }

  podDeleted(pod: Pod, now: number, wasRunning: boolean): void {
    this.deleted++;
    if (!wasRunning && pod.startedAt < 0) {
      this.deletedBeforeStart++;
      // Branch-ENI pods have their own latency figures (the VPC resource controller's report).
      if (!pod.branch) {
        this.deletedWaitingCreated.push(pod.createdAt);
        if (pod.firstAddAt >= 0) {
          this.deletedWaitingFirstAdd.push(pod.firstAddAt);
          this.deletedWaitingGroup.push(pod.node!.groupIndex);
        }
      }
    }
    if (!wasRunning && pod.failedAdds > 0 && !pod.branch) {
      this.waiting.delete(pod);
      if (this.starvedBy(pod, now)) this.starvedDeleted++;
    }
    if (wasRunning && !pod.branch) {
      this.expireCooling(now);
      const a = pod.addr as Addr;
      this.assigned.add(-1, now);
      if ((pod.node as NodeRuntime).unschedulable) this.cordonedAssigned.add(-1, now);
      if (this.perGroup) {
        const g = this.groups[pod.node!.groupIndex];
        g.assigned.add(-1, now);
      }
      // The node's cooldown (every ENI of a node has it): read from the datastore, not from the address.
      const cd = (pod.node as NodeRuntime).ipamd.ds.cooldownMs;
      if (cd > 0) {
        this.cooling++;
        if (this.cooling > this.coolingPeak) this.coolingPeak = this.cooling;
        let lane = this.lastLane;
        if (lane === undefined || lane.cooldownMs !== cd) lane = this.laneFor(cd);
        lane.push(a, now);
      }
    }
    this.sink?.write({
      t: now,
      type: 'pod',
      event: 'deleted',
      pod: pod.name,
      ...(pod.node ? { node: pod.node.name } : {}),
      ...(wasRunning ? { ip: ipToString((pod.addr as Addr).ip) } : {}),
    });
  }

  private laneFor(cd: number): CoolingLane {
    let lane = this.lanes.find((l) => l.cooldownMs === cd);
    if (!lane) this.lanes.push((lane = new CoolingLane(cd)));
    this.lastLane = lane;
    return lane;
  }

  /** Whether the pod's node had hit a subnet-exhaustion error by `t`. */
  private starvedBy(pod: Pod, t: number): boolean {
    const at = pod.node ? this.firstInsufficientAt.get(pod.node.name) : undefined;
    return at !== undefined && at <= t;
  }

  /**
   * Pods that reached a node and never got an address, as censored start latencies: each counts as waiting from its
   * first CNI ADD until the end of the run, deleted or not (it had no address at any time in the run). `group` is
   * the index of a node group, or undefined for all of them.
   */
  censoredStarts(end: number, group?: number): number[] {
    const out: number[] = [];
    this.deletedWaitingFirstAdd.forEach((t, i) => {
      if (group === undefined || this.deletedWaitingGroup[i] === group) out.push(end - t);
    });
    for (const pod of this.waiting)
      if (group === undefined || pod.node!.groupIndex === group) out.push(end - pod.firstAddAt);
    return out;
  }

  /**
   * Pods that never got an address, as censored creation-to-address times: each counts as waiting from its creation
   * until the end of the run, whether it was deleted, is waiting for an address, or (`unboundCreatedAt`, from the
   * scheduler's queue) is waiting for a node.
   */
  censoredCreates(end: number, unboundCreatedAt: readonly number[]): number[] {
    const out = this.deletedWaitingCreated.map((t) => end - t);
    for (const pod of this.waiting) out.push(end - pod.createdAt);
    for (const t of unboundCreatedAt) out.push(end - t);
    return out;
  }

  /**
   * Pods that never started while bound to a node whose subnet had run out (the node had an
   * InsufficientFreeAddressesInSubnet / InsufficientCidrBlocks / InvalidParameterValue error before the pod was deleted or the run ended).
   */
  neverStartedSubnetFull(end: number): number {
    let n = this.starvedDeleted;
    for (const pod of this.waiting) if (this.starvedBy(pod, end)) n++;
    return n;
  }
}

/**
 * Releases into cooldown under one IP_COOLDOWN_PERIOD, oldest first: a ring of (address, release time). With a
 * single cooldown, release order is expiry order, so expiring is a walk from the head.
 */
class CoolingLane {
  stamps = new Float64Array(1024);
  /** 1: the address left early (returned to EC2 while cooling) and was already counted down. */
  private skip = new Uint8Array(1024);
  private addrs: (Addr | undefined)[] = new Array<Addr | undefined>(1024).fill(undefined);
  head = 0;
  size = 0;
  constructor(readonly cooldownMs: number) {}

  push(a: Addr, now: number): void {
    if (this.size === this.stamps.length) this.grow();
    const i = (this.head + this.size) & (this.stamps.length - 1);
    this.stamps[i] = now;
    this.skip[i] = 0;
    this.addrs[i] = a;
    this.size++;
  }

  /**
   * Marks the live entry of `a` (released, still cooling) as already counted down; false if it has none (never
   * released, or its cooldown has ended and expired). An address has at most one live entry: it cannot be handed out
   * again, so released again, before its cooldown ends.
   */
  uncount(a: Addr): boolean {
    const mask = this.stamps.length - 1;
    for (let k = this.size - 1; k >= 0; k--) {
      const i = (this.head + k) & mask;
      if (this.addrs[i] === a) return this.mark(i);
    }
    return false;
  }

  /** {@link uncount} for an address released at `t`: only the entries stamped `t` are looked at. */
  uncountAt(a: Addr, t: number): boolean {
    const mask = this.stamps.length - 1;
    // The first entry (in ring order from the head) stamped t or later: stamps ascend from the head.
    let lo = 0;
    let hi = this.size;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.stamps[(this.head + mid) & mask] < t) lo = mid + 1;
      else hi = mid;
    }
    for (let k = lo; k < this.size; k++) {
      const i = (this.head + k) & mask;
      if (this.stamps[i] !== t) break;
      if (this.addrs[i] === a) return this.mark(i);
    }
    return false;
  }

  /** Marks entry i as counted down; false if it already was. */
  private mark(i: number): boolean {
    if (this.skip[i] === 1) return false;
    this.skip[i] = 1;
    return true;
  }

  /** Drops entries whose cooldown has ended at `now`; returns how many still counted as cooling. */
  expire(now: number): number {
    const mask = this.stamps.length - 1;
    const limit = now - this.cooldownMs;
    let n = 0;
    while (this.size > 0 && this.stamps[this.head] <= limit) {
      // An address cannot be handed out again before its entry expires, so the entry is still its latest release.
      if (this.skip[this.head] === 0) n++;
      this.addrs[this.head] = undefined;
      this.head = (this.head + 1) & mask;
      this.size--;
    }
    return n;
  }

  private grow(): void {
    const cap = this.stamps.length;
    const stamps = new Float64Array(cap * 2);
    const skip = new Uint8Array(cap * 2);
    const addrs = new Array<Addr | undefined>(cap * 2).fill(undefined);
    for (let k = 0; k < this.size; k++) {
      const i = (this.head + k) & (cap - 1);
      stamps[k] = this.stamps[i];
      skip[k] = this.skip[i];
      addrs[k] = this.addrs[i];
    }
    this.stamps = stamps;
    this.skip = skip;
    this.addrs = addrs;
    this.head = 0;
  }
}
