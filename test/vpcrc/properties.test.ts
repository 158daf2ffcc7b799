/**
 * Security groups for pods over random scenarios, the invariants checked after every event: no address or branch
 * ENI held twice, branch ENIs within each trunk's limit, bound branch-ENI pods within the advertised capacity, and
 * ipamd's own invariants beside them (test/helpers.ts checkInvariants).
 */
import { describe, it } from 'vitest';
import fc from 'fast-check';
import { Cluster } from '../../src/run/cluster.js';
import { checkInvariants, expectDeterministic, scenarioFrom } from '../helpers.js';
import { fcParams } from '../fc.js';

const arb = fc.record({
  type: fc.constantFrom('m5.large', 'c5.xlarge', 't3.medium', 'm6i.large'),
  count: fc.integer({ min: 1, max: 3 }),
  pd: fc.boolean(),
  sgp: fc.integer({ min: 1, max: 40 }),
  plain: fc.integer({ min: 1, max: 30 }),
  rate: fc.integer({ min: 1, max: 12 }),
  workers: fc.constantFrom(1, 2, 30),
  cooldown: fc.constantFrom('30s', '60s', '2m'),
  qps: fc.constantFrom(2, 12),
  scaleTo: fc.integer({ min: 0, max: 4 }),
  subnet: fc.constantFrom(24, 26),
  seed: fc.integer({ min: 0, max: 1e6 }),
});

type S = typeof arb extends fc.Arbitrary<infer T> ? T : never;

function yamlOf(s: S): string {
  return `
seed: ${s.seed}
duration: 12m
subnets: [{ name: a, cidr: 10.0.0.0/${s.subnet} }]
ipamd: { ENABLE_POD_ENI: true, ENABLE_PREFIX_DELEGATION: ${s.pd} }
nodeGroups: [{ name: g, instanceType: ${s.type}, count: ${s.count}, subnet: a }]
vpcResourceController: { workers: ${s.workers}, cooldown: ${s.cooldown}, userQps: ${s.qps}, instanceQps: ${s.qps} }
workload:
  - burst: { at: 20s, pods: ${s.sgp}, lifetime: { exponential: 3m }, securityGroupPolicy: true }
  - burst: { at: 30s, pods: ${s.plain}, lifetime: { exponential: 4m } }
  - poisson: { from: 1m, to: 11m, ratePerMinute: ${s.rate}, lifetime: { exponential: 2m }, securityGroupPolicy: true }
  - scale: { at: 4m, nodeGroup: g, to: ${s.scaleTo}, drain: reschedule }
  - scale: { at: 8m, nodeGroup: g, to: ${s.count} }
`;
}

describe('security groups for pods: invariants over random scenarios', () => {
  it('hold after every event', () => {
    fc.assert(
      fc.property(arb, (s) => {
        const c = new Cluster(scenarioFrom(yamlOf(s)));
        c.sim.afterEvent = () => checkInvariants(c);
        c.run();
        checkInvariants(c);
      }),
      fcParams(25),
    );
  });

  it('give a byte-identical report for the same seed', () => {
    fc.assert(
      fc.property(arb, (s) => expectDeterministic(scenarioFrom(yamlOf(s)))),
      fcParams(5),
    );
  });
});
