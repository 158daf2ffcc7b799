/**
 * The report's cooling count is the datastores' own, after every event, also when node groups have different
 * IP_COOLDOWN_PERIODs (releases then no longer expire in release order cluster-wide).
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { Cluster } from '../../src/run/cluster.js';
import { scenarioFrom } from '../helpers.js';
import { fcParams } from '../fc.js';

describe('cooling addresses', () => {
  it('the metrics count equals the sum over datastores after every event, with mixed cooldowns', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(0, 1, 5, 30, 60),
        fc.constantFrom(0, 1, 5, 30, 60),
        fc.option(fc.integer({ min: 1, max: 8 })),
        fc.integer({ min: 0, max: 1e6 }),
        (cdA, cdB, warmIp, seed) => {
          const sc = scenarioFrom(`
seed: ${seed}
duration: 12m
nodeGroups:
  - { name: a, instanceType: m5.large, count: 2, ipamd: { IP_COOLDOWN_PERIOD: ${cdA} } }
  - { name: b, instanceType: t3.small, count: 2, ipamd: { IP_COOLDOWN_PERIOD: ${cdB} } }
${warmIp !== null ? `ipamd: { WARM_IP_TARGET: ${warmIp} }` : ''}
workload:
  - poisson: { from: 0s, to: 11m, ratePerMinute: 40, lifetime: { exponential: 40s } }
`);
          const c = new Cluster(sc);
          let peak = 0;
          c.sim.afterEvent = (sim) => {
            let sum = 0;
            for (const n of c.nodes) sum += n.ipamd.ds.coolingCount(sim.now);
            const m = c.metrics.coolingAt(sim.now);
            if (m !== sum) expect(m).toBe(sum);
            peak = Math.max(peak, sum);
          };
          c.run();
          expect(c.metrics.coolingPeak).toBeGreaterThanOrEqual(peak);
        },
      ),
      fcParams(40),
    );
  });
});
