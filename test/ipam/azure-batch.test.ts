/**
 * The azure-cns-batch what-if (src/ipam/azure-batch.ts): Azure CNS's scaling math as a decision table, and the
 * allocator invariants after every event when it runs on ipamd's mechanics.
 */
import { describe, expect, it } from 'vitest';
import { AZURE_BATCH_DEFAULTS, azureDelta, azureTarget } from '../../src/ipam/azure-batch.js';
import { runLogged } from '../helpers.js';

const aks = AZURE_BATCH_DEFAULTS;

describe("Azure CNS's batch law (docs/feature/subnet-scarcity/phase-2/2-scalingmath.md)", () => {
  it("the doc's worked example: batch 16, request threshold 50 %, 25 pods -> 48 addresses", () => {
    expect(azureTarget(aks, 25)).toBe(48);
  });
  // [assigned, target]: B x ceil(0.5 + assigned / 16)
  it.each([
    [0, 16],
    [7, 16],
    [8, 16], // exactly 8 free: no second batch
    [9, 32],
    [24, 32],
    [25, 48],
    [40, 48],
    [240, 250], // clamped to max-ip-count
  ])('%i assigned -> target %i', (assigned, target) => {
    expect(azureTarget(aks, assigned)).toBe(target);
  });
  // [total, assigned, delta]: grow below 8 free (50 % of 16), shrink above 24 free (150 % of 16), else stay.
  it.each([
    [0, 0, 16], // empty pool: one batch
    [16, 8, 0], // 8 free is not below 8: stay
    [16, 9, 16], // 7 free < 8: grow to 32
    [32, 9, 0], // 23 free: inside the band
    [48, 9, -16], // 39 free > 24: back to the target, 32
    [48, 24, 0], // 24 free is not above 24
  ])('pool %i with %i assigned -> %i', (total, assigned, delta) => {
    expect(azureDelta(aks, total, assigned)).toBe(delta);
  });
  it('a larger batch with a wider band', () => {
    const s = { ...aks, batchSize: 32, requestThresholdPercent: 25, releaseThresholdPercent: 200 };
    expect(azureTarget(s, 10)).toBe(32);
    expect(azureDelta(s, 32, 25)).toBe(32); // 7 free < 8
    expect(azureDelta(s, 96, 10)).toBe(-64); // 86 free > 64
  });
});

describe('azure-cns-batch on ipamd mechanics: invariants after every event', () => {
  it('keeps the invariants with churn and scale-in, and its pools end inside the band', () => {
    const { c } = runLogged(`
name: azure-churn
seed: 3
duration: 20m
allocator: azure-cns-batch
azure: { batch-size: 8 }
nodeGroups:
  - { name: w, instanceType: m5.large, count: 3 }
workload:
  - burst: { at: 10s, pods: 30, lifetime: { exponential: 3m } }
  - poisson: { from: 1m, to: 15m, ratePerMinute: 10, lifetime: { uniform: [20s, 2m] } }
  - scale: { at: 12m, nodeGroup: w, to: 2 }
`);
    const live = c.nodes.filter((n) => n.runtime.drainedAt < 0);
    expect(live.length).toBe(2);
    for (const n of live) {
      const free = n.ipamd.ds.total - n.ipamd.ds.assigned;
      expect(free).toBeGreaterThanOrEqual(4);
      expect(free).toBeLessThanOrEqual(12);
    }
  });
});
