/**
 * WHAT-IF, not a product: Azure CNS's batch law (dynamic IP allocation, cns/ipampool/v2/monitor.go and
 * docs/feature/subnet-scarcity/phase-2/2-scalingmath.md in Azure/azure-container-networking) run on ipamd's
 * mechanics and ipamd's per-node loop, to ask "what if ipamd kept its pool the way Azure's CNS does?".
 *
 * The law: with batch B, request threshold mf (50 % = 0.5) and release threshold Mf (150 % = 1.5), the target is
 * B x ceil(mf + assigned / B), at most max-ip-count (AKS defaults: B 16, mf 50 %, Mf 150 %, max 250). The pool grows
 * to the target when fewer than mf x B addresses are free and shrinks to it when more than Mf x B are free (the
 * hysteresis of v1; v2 sets the target idempotently). Growth fills ENIs with room (ipamd's top-up, one EC2 call per
 * ENI) and attaches a new ENI when none has room. What stays ipamd's: the 30 s address cooldown, the ENI and address
 * limits of the instance, the EC2 calls and their retries; ENIs are never freed.
 */
import type { AllocationPolicy, Intent, NodeView, Step } from './allocator.js';
import type { PoolSnapshot } from './policy.js';

/** The NodeNetworkConfig scaler (AKS defaults). */
export interface AzureBatchSettings {
  batchSize: number;
  requestThresholdPercent: number;
  releaseThresholdPercent: number;
  maxIpCount: number;
}

export const AZURE_BATCH_DEFAULTS: Readonly<AzureBatchSettings> = {
  batchSize: 16,
  requestThresholdPercent: 50,
  releaseThresholdPercent: 150,
  maxIpCount: 250,
};

/** The target pool size for `assigned` addresses: B x ceil(mf + assigned / B), at most max-ip-count. */
export function azureTarget(s: AzureBatchSettings, assigned: number): number {
  const b = s.batchSize;
  return Math.min(s.maxIpCount, b * Math.ceil(s.requestThresholdPercent / 100 + assigned / b));
}

/** What the law does with a pool: +n to grow, -n to shrink, 0 to stay. */
export function azureDelta(s: AzureBatchSettings, total: number, assigned: number): number {
  const free = total - assigned;
  const target = azureTarget(s, assigned);
  const b = s.batchSize;
  if (free < (s.requestThresholdPercent / 100) * b && target > total) return target - total;
  if (free > (s.releaseThresholdPercent / 100) * b && target < total) return target - total;
  return 0;
}

const DONE: Intent = { kind: 'done' };

/** The batch law as ipamd's per-node policy. */
export class AzureBatchPolicy implements AllocationPolicy {
  constructor(readonly settings: AzureBatchSettings) {}

  private capped(n: NodeView, s: PoolSnapshot): number {
    return Math.min(azureDelta(this.settings, s.total, s.assigned), n.eniCap * s.maxIpsPerEni - s.total);
  }

  decide(n: NodeView, step: Step, now: number): Intent {
    // One new ENI a pass at most (the next pass, a loop interval later, goes on).
    if (step.at === 'freed' || step.at === 'released' || step.at === 'attached') return DONE;
    if (step.at === 'topped-up' && step.error !== undefined) return DONE;
    if (now < n.backoffUntil) return DONE;
    const s = n.now;
    const delta = this.capped(n, s);
    if (delta < 0)
      return step.at === 'pass' ? { kind: 'release', cidrs: Math.min(-delta, s.total - s.assigned) } : DONE;
    if (delta === 0) return DONE;
    const pool = n.pool;
    const perEni = s.maxIpsPerEni;
    const room = pool.enis.filter((e) => e.allocatable && pool.cidrsOn(e) < perEni);
    // A top-up that added nothing moves on to a new ENI, as ipamd's increase does.
    if (room.length > 0 && !(step.at === 'topped-up' && !step.increased))
      return { kind: 'top-up', enis: room, perEni, want: delta, nextOnInsufficient: false };
    if (pool.enis.length < n.eniCap) return { kind: 'attach-eni', cidrs: Math.min(perEni, delta) };
    return DONE;
  }

  nextLook(n: NodeView, now: number): number {
    if (this.capped(n, n.now) === 0) return Infinity;
    return Math.max(now, n.backoffUntil);
  }

  quietBand(): readonly [number, number] {
    return [1, 0];
  }

  satisfied(n: NodeView): boolean {
    return this.capped(n, n.now) <= 0;
  }
}
