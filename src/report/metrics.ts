/**
 * Collects the report's figures from domain events (EC2, ipamd, kubelet observers). Every handler is O(1)
 * amortised: this runs on the hot path of every pod event.
 */
import type { Ec2ApiName, Ec2Observer } from '../aws/ec2.js';
import type { IpamObserver, PoolAction } from '../ipam/ipamd.js';
import type { Addr } from '../ipam/datastore.js';
import type { PodObserver } from '../kubelet/kubelet.js';
import type { Pod } from '../kubelet/pod.js';
import { TimeWeighted } from './tally.js';

/** Figures per node group, kept as time-weighted levels. */
export class GroupMetrics {
  readonly attached = new TimeWeighted();
  readonly assigned = new TimeWeighted();
  readonly idle = new TimeWeighted();
  readonly latencies: number[] = [];
  failedAdds = 0;
  constructor(readonly name: string) {}
}

interface CoolingEntry {
  expiresAt: number;
  addr: Addr;
  stamp: number;
}

/** A subscriber to every domain event, e.g. the event log. */
export interface EventSink {
  write(record: Record<string, unknown>): void;
}

/** The metrics collector. */
export class Metrics implements Ec2Observer, IpamObserver, PodObserver {
  readonly attached = new TimeWeighted();
  readonly assigned = new TimeWeighted();
  readonly idle = new TimeWeighted();
  readonly eniCount = new TimeWeighted();
  cooling = 0;
  coolingPeak = 0;
  private readonly coolingQueue: CoolingEntry[] = [];
  private coolingHead = 0;
  readonly latencies: number[] = [];
  readonly groups: GroupMetrics[];
  private readonly groupOf = new Map<string, GroupMetrics>();
  readonly calls = new Map<string, number>();
  readonly errors = new Map<string, number>();
  readonly actions = new Map<PoolAction, number>();
  requested = 0;
  started = 0;
  deleted = 0;
  deletedBeforeStart = 0;
  failedAddAttempts = 0;
  podsWithFailedAdd = 0;
  /** Optional event log. */
  sink: EventSink | undefined;

  constructor(groups: readonly { name: string; nodes: readonly string[] }[]) {
    this.groups = groups.map((g) => new GroupMetrics(g.name));
    groups.forEach((g, i) => g.nodes.forEach((n) => this.groupOf.set(n, this.groups[i])));
  }

  /**
   * Addresses returned to EC2 while still cooling: already uncounted at release, so their queue entry must not
   * count them down again. (Testing `addr.gone` instead made the count depend on when entries were expired: an
   * address released to EC2 after its cooldown ended, but before anything expired its entry, was never counted
   * down.)
   */
  private readonly uncountedEarly = new WeakSet<Addr>();

  private expireCooling(now: number): void {
    const q = this.coolingQueue;
    while (this.coolingHead < q.length && q[this.coolingHead].expiresAt <= now) {
      const e = q[this.coolingHead++];
      if (e.addr.releasedAt === e.stamp && !this.uncountedEarly.has(e.addr)) this.cooling--;
    }
    if (this.coolingHead > 4096 && this.coolingHead * 2 > q.length) {
      q.splice(0, this.coolingHead);
      this.coolingHead = 0;
    }
  }

  /** Addresses cooling at `now` (expires finished cooldowns first; the count does not depend on when that runs). */
  coolingAt(now: number): number {
    this.expireCooling(now);
    return this.cooling;
  }

  // ---- EC2 ----
  call(api: Ec2ApiName, node: string, now: number, ok: boolean, code?: string): void {
    this.calls.set(api, (this.calls.get(api) ?? 0) + 1);
    if (!ok && code) this.errors.set(code, (this.errors.get(code) ?? 0) + 1);
    this.sink?.write({ t: now, type: 'ec2', node, api, ok, ...(code ? { code } : {}) });
  }

  secondaries(node: string, delta: number, now: number): void {
    this.attached.add(delta, now);
    this.idle.add(delta, now);
    const g = this.groupOf.get(node) as GroupMetrics;
    g.attached.add(delta, now);
    g.idle.add(delta, now);
  }

  enis(_node: string, delta: number, now: number): void {
    this.eniCount.add(delta, now);
  }

  // ---- ipamd ----
  poolAction(node: string, action: PoolAction, detail: { eni?: string; count?: number; code?: string; addrs?: readonly Addr[] }, now: number): void {
    this.actions.set(action, (this.actions.get(action) ?? 0) + 1);
    if (action === 'release-ips' && detail.addrs) {
      this.expireCooling(now);
      for (const a of detail.addrs) {
        // A decrease may return a still-cooling address to EC2 (FindFreeableCidrs ignores cooldown).
        if (a.releasedAt !== -Infinity && this.isCooling(a, now)) {
          this.cooling--;
          this.uncountedEarly.add(a);
        }
      }
    }
    if (this.sink) {
      const { addrs: _addrs, ...rest } = detail;
      this.sink.write({ t: now, type: 'ipamd', node, action, ...rest });
    }
  }

  private isCooling(a: Addr, now: number): boolean {
    return a.releasedAt + a.eni.cooldownMs > now;
  }

  // ---- pods ----
  podCreated(pod: Pod, now: number): void {
    this.requested++;
    this.sink?.write({ t: now, type: 'pod', event: 'created', pod: pod.name });
  }

  podBound(pod: Pod, now: number): void {
    this.sink?.write({ t: now, type: 'pod', event: 'bound', pod: pod.name, node: pod.node?.name });
  }

  podAddFailed(pod: Pod, now: number): void {
    this.failedAddAttempts++;
    if (pod.failedAdds === 1) this.podsWithFailedAdd++;
    const g = this.groupOf.get(pod.node!.name) as GroupMetrics;
    g.failedAdds++;
    this.sink?.write({ t: now, type: 'pod', event: 'add-failed', pod: pod.name, node: pod.node?.name });
  }

  podStarted(pod: Pod, now: number): void {
    this.expireCooling(now);
    this.started++;
    const latency = now - pod.firstAddAt;
    this.latencies.push(latency);
    const g = this.groupOf.get(pod.node!.name) as GroupMetrics;
    g.latencies.push(latency);
    this.assigned.add(1, now);
    this.idle.add(-1, now);
    g.assigned.add(1, now);
    g.idle.add(-1, now);
    this.sink?.write({ t: now, type: 'pod', event: 'started', pod: pod.name, node: pod.node?.name, ip: pod.addr!.ip, latencyMs: latency });
  }

  podDeleted(pod: Pod, now: number, wasRunning: boolean): void {
    this.deleted++;
    if (!wasRunning && pod.startedAt < 0) this.deletedBeforeStart++;
    if (wasRunning) {
      this.expireCooling(now);
      const a = pod.addr as Addr;
      const g = this.groupOf.get(pod.node!.name) as GroupMetrics;
      this.assigned.add(-1, now);
      this.idle.add(1, now);
      g.assigned.add(-1, now);
      g.idle.add(1, now);
      if (a.eni.cooldownMs > 0) {
        this.cooling++;
        if (this.cooling > this.coolingPeak) this.coolingPeak = this.cooling;
        this.coolingQueue.push({ expiresAt: now + a.eni.cooldownMs, addr: a, stamp: now });
      }
    }
    this.sink?.write({ t: now, type: 'pod', event: 'deleted', pod: pod.name, ...(pod.node ? { node: pod.node.name } : {}) });
  }
}
