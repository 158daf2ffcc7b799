/**
 * WHAT-IF, not a product: Terway's min/max pool with idle reclaim (AliyunContainerService/terway docs/idle-ip-reclaim.md,
 * docs/warm-up.md; ACK's terway-eniip parameters) run on ipamd's mechanics and ipamd's per-node loop, to ask "what if
 * ipamd kept its pool the way Terway does?".
 *
 * The law, per node, with idle = attached - assigned addresses:
 * - grow when idle < max(min_pool_size, 1) to that many (Terway allocates a pod's address on demand, synchronously; a
 *   pod's CNI ADD cannot wait for that in ipamd's mechanics, so one free address is always kept: an assumption);
 * - shrink to max_pool_size when idle > max_pool_size;
 * - idle reclaim (only when idle_ip_reclaim_after is set): reclaim checks run every idle_ip_reclaim_interval
 *   (10 m), each stretched by a jitter of up to idle_ip_reclaim_jitter_factor (0.1) of it, drawn from the node's
 *   seeded stream (wait.Jitter: d + rand x factor x d); at a check, once idle_ip_reclaim_after has passed since the
 *   last pool change (a pod created or deleted, or the pool grown: the timer resets), up to
 *   idle_ip_reclaim_batch_size (5) idle addresses are released, never below min_pool_size.
 * What stays ipamd's: the ENI and address limits, EC2 calls and their retries, the 30 s address cooldown; ENIs are
 * never freed. Defaults min 0 and max 5 are ACK's eni-config defaults (assumption: Terway's e2e tests reset to them).
 */
import type { Rng } from '../engine/random.js';
import type { AllocationPolicy, Intent, NodeView, Step } from './allocator.js';
import { IdleTimer } from './idle-timer.js';

/** Terway's pool settings (durations in ms; reclaimAfterMs undefined: no idle reclaim). */
export interface TerwayPoolSettings {
  minPoolSize: number;
  maxPoolSize: number;
  reclaimAfterMs?: number;
  reclaimIntervalMs: number;
  reclaimBatchSize: number;
  reclaimJitterFactor: number;
}

export const TERWAY_POOL_DEFAULTS: Readonly<TerwayPoolSettings> = {
  minPoolSize: 0,
  maxPoolSize: 5,
  reclaimIntervalMs: 600_000,
  reclaimBatchSize: 5,
  reclaimJitterFactor: 0.1,
};

/** What the min/max law does with a pool: +n to grow, -n to shrink, 0 to stay (before the ENI limit). */
export function terwayDelta(s: TerwayPoolSettings, total: number, assigned: number): number {
  const idle = total - assigned;
  const low = Math.max(s.minPoolSize, 1);
  if (idle < low) return low - idle;
  if (idle > s.maxPoolSize) return s.maxPoolSize - idle;
  return 0;
}

/** How many idle addresses a reclaim check returns: up to the batch, never below the min pool size. */
export function terwayReclaim(s: TerwayPoolSettings, total: number, assigned: number): number {
  return Math.max(0, Math.min(s.reclaimBatchSize, total - assigned - s.minPoolSize));
}

const DONE: Intent = { kind: 'done' };

/** Terway's law as one node's policy (one instance per node: it keeps the node's idle timer and reclaim checks). */
export class TerwayPoolPolicy implements AllocationPolicy {
  private readonly timer = new IdleTimer();
  /** Reclaim check times, drawn lazily in order from the node's stream (the chain never depends on when it is read). */
  private nextCheck = NaN;
  /** The last check that reclaimed (a check reclaims once). */
  private usedCheck = -Infinity;
  /** Reclaim checks that released addresses. */
  reclaims = 0;

  constructor(
    readonly settings: TerwayPoolSettings,
    private readonly rng: Rng,
  ) {}

  private jittered(): number {
    const s = this.settings;
    return s.reclaimIntervalMs * (1 + s.reclaimJitterFactor * this.rng.float());
  }

  /** The first reclaim check at or after `t`. */
  private checkAtOrAfter(t: number): number {
    if (Number.isNaN(this.nextCheck)) this.nextCheck = this.jittered();
    while (this.nextCheck < t) this.nextCheck += this.jittered();
    return this.nextCheck;
  }

  /** The reclaim check that may release next: the first unused one after the idle time has run out. */
  private dueCheck(): number {
    const after = this.settings.reclaimAfterMs;
    if (after === undefined) return Infinity;
    return this.checkAtOrAfter(Math.max(this.timer.changedAt + after, this.usedCheck + 1));
  }

  private capped(n: NodeView): number {
    const s = n.now;
    return Math.min(terwayDelta(this.settings, s.total, s.assigned), n.eniCap * s.maxIpsPerEni - s.total);
  }

  decide(n: NodeView, step: Step, now: number): Intent {
    const s = n.now;
    this.timer.see(s.assigned, s.total, now);
    if (step.at === 'released') {
      this.timer.released(s.total);
      return DONE;
    }
    if (step.at === 'freed' || step.at === 'attached') return DONE;
    if (step.at === 'topped-up' && step.error !== undefined) return DONE;
    if (now < n.backoffUntil) return DONE;
    const delta = this.capped(n);
    if (delta < 0) return step.at === 'pass' ? { kind: 'release', cidrs: -delta } : DONE;
    if (delta === 0) {
      if (step.at !== 'pass') return DONE;
      const due = this.dueCheck();
      const k = terwayReclaim(this.settings, s.total, s.assigned);
      if (due > now || k === 0) return DONE;
      this.usedCheck = due;
      this.reclaims++;
      return { kind: 'release', cidrs: k };
    }
    const pool = n.pool;
    const perEni = s.maxIpsPerEni;
    const room = pool.enis.filter((e) => e.allocatable && pool.cidrsOn(e) < perEni);
    if (room.length > 0 && !(step.at === 'topped-up' && !step.increased))
      return { kind: 'top-up', enis: room, perEni, want: delta, nextOnInsufficient: false };
    if (pool.enis.length < n.eniCap) return { kind: 'attach-eni', cidrs: Math.min(perEni, delta) };
    return DONE;
  }

  nextLook(n: NodeView, now: number): number {
    const s = n.now;
    this.timer.see(s.assigned, s.total, now);
    if (this.capped(n) !== 0) return Math.max(now, n.backoffUntil);
    if (terwayReclaim(this.settings, s.total, s.assigned) === 0) return Infinity;
    return Math.max(now, this.dueCheck());
  }

  quietBand(): readonly [number, number] {
    // Empty: every pod event is a look, which restarts the idle timer.
    return [1, 0];
  }

  satisfied(n: NodeView): boolean {
    return this.capped(n) <= 0;
  }
}
