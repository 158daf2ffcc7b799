/**
 * WHAT-IF, not a product: the ipamd change asked for in aws/amazon-vpc-cni-k8s #1409 ("release IPs that stay idle
 * longer than a set time when WARM_IP_TARGET is unset"), on top of ipamd's own law and mechanics.
 *
 * The rule: ipamd's policy decides as ever, until its node's pool has had no pod created or deleted (and has not
 * grown) for `after`; then its idle addresses beyond `keep` are released (in prefix-delegation mode, its wholly free
 * /28 prefixes), and ipamd's growth is held off until the next pod event, when ipamd's law applies again. With
 * WARM_IP_TARGET set the rule does nothing (ipamd already returns addresses beyond the target; validate warns).
 * Assumptions: idleness is the node's (no pod event for `after`), not each address's own (#1409 does not say which);
 * `keep` is at least 1 (default 1), so that the next pod finds an address and its arrival is seen (a pod that finds
 * no address changes nothing a policy sees, and growth would stay held off). In prefix-delegation mode only wholly
 * free /28 prefixes go, whatever `keep`.
 */
import type { AllocationPolicy, Intent, NodeView, Step } from './allocator.js';
import { IdleTimer } from './idle-timer.js';

/** The idle release's settings (ms). */
export interface IdleReleaseSettings {
  afterMs: number;
  keep: number;
}

export const IDLE_RELEASE_DEFAULTS: Readonly<IdleReleaseSettings> = { afterMs: 1_800_000, keep: 1 };

const DONE: Intent = { kind: 'done' };

/** ipamd's policy with #1409's idle release (one instance per node: it keeps the node's idle timer). */
export class IdleReleasePolicy implements AllocationPolicy {
  private readonly timer = new IdleTimer();
  /** Idle releases done. */
  releases = 0;

  constructor(
    readonly settings: IdleReleaseSettings,
    private readonly inner: AllocationPolicy,
    /** WARM_IP_TARGET is set: the rule stays off. */
    private readonly off: boolean,
  ) {}

  /** Whether the node has been idle long enough at `now`. */
  private idle(now: number): boolean {
    return !this.off && now >= this.timer.changedAt + this.settings.afterMs;
  }

  /** CIDRs the rule releases: idle addresses beyond `keep` (SIP), or wholly free prefixes (PD). */
  releasable(n: NodeView): number {
    const s = n.now;
    if (n.pool.pd) return s.freePrefixes ?? 0;
    return Math.max(0, s.total - s.assigned - this.settings.keep);
  }

  decide(n: NodeView, step: Step, now: number): Intent {
    this.timer.see(n.now.assigned, n.now.total, now);
    if (!this.idle(now)) return this.inner.decide(n, step, now);
    if (step.at === 'released') {
      this.timer.released(n.now.total);
      return DONE;
    }
    const k = this.releasable(n);
    if (step.at !== 'pass' || k === 0) return DONE;
    this.releases++;
    return { kind: 'release', cidrs: k };
  }

  nextLook(n: NodeView, now: number): number {
    this.timer.see(n.now.assigned, n.now.total, now);
    if (this.idle(now)) return this.releasable(n) > 0 ? now : Infinity;
    const inner = this.inner.nextLook(n, now);
    if (this.off || this.releasable(n) === 0) return inner;
    return Math.min(inner, Math.max(now, this.timer.changedAt + this.settings.afterMs));
  }

  quietBand(): readonly [number, number] {
    // Empty: every pod event is a look, which restarts the idle timer.
    return [1, 0];
  }

  satisfied(n: NodeView): boolean {
    return this.inner.satisfied(n);
  }
}
