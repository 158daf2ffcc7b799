/**
 * Cilium's AWS ENI IPAM (`ipam: eni`) as an allocator on ipamd's mechanics: the watermark law of Cilium's
 * pkg/ipam/node.go ({@link ciliumNeeded}, {@link ciliumExcess}) as an {@link AllocationPolicy}, and the central
 * placement of the decision ({@link CiliumOperator}): one operator decides for every node, nodes queued by deficit,
 * behind its own client-side EC2 rate limit ({@link ClientRateLimiter}) in front of the account's buckets.
 *
 * Sources (Cilium, main branch): Documentation/network/concepts/ipam/eni.rst (spec.ipam.pre-allocate default 8,
 * min-allocate, max-allocate, max-above-watermark; "only a single operator communicates with the EC2 service API");
 * Documentation/cmdref/cilium-operator-aws.md (--limit-ipam-api-qps 4, --limit-ipam-api-burst 20,
 * --aws-release-excess-ips off, --excess-ip-release-delay 180 s, --parallel-alloc-workers 50); pkg/ipam/node.go
 * (calculateNeededIPs, calculateExcessIPs, determineMaintenanceAction: MaxIPsToAllocate = needed +
 * max-above-watermark); pkg/ipam/node_manager.go (resync every minute, nodes sorted by needed addresses, biggest
 * first); the agent's CiliumNode update rate `ipam-cilium-node-update-rate` (15 s). Simplifications, stated: the
 * surge for pending pods is not modelled (the operator does not see pending pods here); a top-up that EC2 refuses is
 * retried once for one address (ipamd's mechanics) rather than at the next maintenance; no ENI is ever freed
 * (Cilium does not free ENIs); secondary IPs only (no prefix delegation); the primary ENI serves pods
 * (first-interface-index 0).
 */
import type { AllocationPolicy, Intent, NodeView, Step } from './allocator.js';
import type { Datastore } from './datastore.js';
import type { PoolSnapshot } from './policy.js';

/** The CiliumNode spec.ipam fields (per node group). */
export interface CiliumNodeSettings {
  /** spec.ipam.pre-allocate: free addresses to keep (default 8). */
  preAllocate: number;
  /** spec.ipam.min-allocate: addresses to hold at least (0 = unset). */
  minAllocate: number;
  /** spec.ipam.max-allocate: addresses to hold at most (0 = unset). */
  maxAllocate: number;
  /** spec.ipam.max-above-watermark: extra addresses per allocation beyond the deficit (default 0). */
  maxAboveWatermark: number;
}

/** The operator's flags (cluster-wide). */
export interface CiliumOperatorSettings {
  /** --aws-release-excess-ips (default false). */
  releaseExcessIps: boolean;
  /** --excess-ip-release-delay (default 180 s), ms. */
  excessIpReleaseDelayMs: number;
  /** --limit-ipam-api-qps (default 4). */
  apiQps: number;
  /** --limit-ipam-api-burst (default 20). */
  apiBurst: number;
  /** --parallel-alloc-workers (default 50): nodes maintained at once. */
  parallelWorkers: number;
  /** The node manager's full resync (1 min), ms. */
  resyncIntervalMs: number;
  /** The agent's ipam-cilium-node-update-rate (15 s), ms: the least gap between two CiliumNode updates. */
  nodeUpdateRateMs: number;
  /** Least gap between two runs of the operator's maintenance queue (1 s), ms. */
  queueIntervalMs: number;
}

export const CILIUM_NODE_DEFAULTS: Readonly<CiliumNodeSettings> = {
  preAllocate: 8,
  minAllocate: 0,
  maxAllocate: 0,
  maxAboveWatermark: 0,
};

export const CILIUM_OPERATOR_DEFAULTS: Readonly<CiliumOperatorSettings> = {
  releaseExcessIps: false,
  excessIpReleaseDelayMs: 180_000,
  apiQps: 4,
  apiBurst: 20,
  parallelWorkers: 50,
  resyncIntervalMs: 60_000,
  nodeUpdateRateMs: 15_000,
  queueIntervalMs: 1_000,
};

/** calculateNeededIPs (pkg/ipam/node.go): addresses to allocate, 0 when none. */
export function ciliumNeeded(s: CiliumNodeSettings, available: number, used: number): number {
  let needed = s.preAllocate - (available - used);
  if (s.minAllocate > 0) needed = Math.max(needed, s.minAllocate - available);
  if (s.maxAllocate > 0 && available + needed > s.maxAllocate) needed = s.maxAllocate - available;
  return Math.max(needed, 0);
}

/** calculateExcessIPs (pkg/ipam/node.go, as fixed by cilium/cilium#9858): addresses to release, 0 when none. */
export function ciliumExcess(s: CiliumNodeSettings, available: number, used: number): number {
  const floor = s.minAllocate + s.maxAboveWatermark;
  if (used <= floor) {
    if (available <= floor) return 0;
    if (used + s.preAllocate <= floor) return available - floor;
  }
  return Math.max(available - used - s.preAllocate - s.maxAboveWatermark, 0);
}

const DONE: Intent = { kind: 'done' };

/**
 * The operator's decision for one node (determineMaintenanceAction): release excess once it has lasted the release
 * delay (when release is on), else resolve the deficit: fill the first ENI with room with min(room, needed +
 * max-above-watermark), or create a new ENI with that many. One action per maintenance.
 */
export class CiliumPolicy implements AllocationPolicy {
  /** Since when each node has had excess addresses (the release handshake's timestamps, per node). */
  private readonly excessSince = new WeakMap<Datastore, number>();

  constructor(
    readonly node: CiliumNodeSettings,
    readonly operator: CiliumOperatorSettings,
  ) {}

  needed(s: PoolSnapshot): number {
    return ciliumNeeded(this.node, s.total, s.assigned);
  }

  excess(s: PoolSnapshot): number {
    return this.operator.releaseExcessIps ? ciliumExcess(this.node, s.total, s.assigned) : 0;
  }

  decide(n: NodeView, step: Step, now: number): Intent {
    if (step.at !== 'init' && step.at !== 'pass') return DONE;
    const s = n.now;
    const excess = this.excess(s);
    if (excess > 0) {
      const since = this.excessSince.get(n.pool);
      if (since === undefined) this.excessSince.set(n.pool, now);
      else if (now - since >= this.operator.excessIpReleaseDelayMs) {
        this.excessSince.delete(n.pool);
        return { kind: 'release', cidrs: Math.min(excess, s.total - s.assigned) };
      }
      return DONE;
    }
    this.excessSince.delete(n.pool);
    const needed = this.needed(s);
    if (needed === 0) return DONE;
    let want = needed + this.node.maxAboveWatermark;
    if (this.node.maxAllocate > 0) want = Math.min(want, this.node.maxAllocate - s.total);
    const perEni = s.maxIpsPerEni;
    const pool = n.pool;
    for (const e of pool.enis)
      if (e.allocatable && pool.cidrsOn(e) < perEni)
        return { kind: 'top-up', enis: [e], perEni, want, nextOnInsufficient: false };
    if (pool.enis.length < n.eniCap) return { kind: 'attach-eni', cidrs: Math.min(perEni, want) };
    return DONE;
  }

  /** Whether the operator has something to do for this node now (a deficit it can act on, or excess). */
  nextLook(n: NodeView, now: number): number {
    if (this.excess(n.now) > 0) return now;
    if (this.needed(n.now) === 0) return Infinity;
    return this.canGrow(n) ? now : Infinity;
  }

  private canGrow(n: NodeView): boolean {
    const pool = n.pool;
    for (const e of pool.enis) if (e.allocatable && pool.cidrsOn(e) < n.now.maxIpsPerEni) return true;
    return pool.enis.length < n.eniCap;
  }

  /** The operator is never woken by ipamd's lazy loop (it has its own triggers). */
  quietBand(): readonly [number, number] {
    return [1, 0];
  }

  satisfied(n: NodeView): boolean {
    return this.needed(n.now) === 0 || !this.canGrow(n);
  }
}

/**
 * A client-side token bucket as golang.org/x/time/rate's Limiter.Wait uses it (Cilium's pkg/api/helpers rate
 * limiter): each call reserves a token and waits until the bucket, refilled at `qps`, would have held it. FIFO.
 */
export class ClientRateLimiter {
  private tokens: number;
  private last = 0;
  /** Calls that had to wait, and the longest wait (ms). */
  waited = 0;
  longestWaitMs = 0;

  constructor(
    readonly qps: number,
    readonly burst: number,
  ) {
    this.tokens = burst;
  }

  /** Reserves one token at `now` (ms): how long the call must wait, ms. */
  reserve(now: number): number {
    if (now > this.last) {
      this.tokens = Math.min(this.burst, this.tokens + ((now - this.last) * this.qps) / 1000);
      this.last = now;
    }
    this.tokens -= 1;
    if (this.tokens >= 0) return 0;
    const wait = Math.ceil((-this.tokens * 1000) / this.qps);
    this.waited++;
    this.longestWaitMs = Math.max(this.longestWaitMs, wait);
    return wait;
  }
}
