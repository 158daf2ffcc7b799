/**
 * The scale shortcuts against the straightforward way (RunOptions.straightforward), on random small clusters: in
 * WARM_ENI_TARGET, WARM_IP_TARGET and prefix-delegation mode, some behind nearly empty account buckets (throttled
 * calls, SDK retries, aws-node restarts), with churn and cooldowns. Reports and event logs must be identical.
 * Also deletableEnis against getDeletableENI's plain reading (every ENI's facts, in datastore order).
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { Cluster } from '../../src/run/cluster.js';
import { buildReport } from '../../src/run/report.js';
import { deletableEnis, eniFacts } from '../../src/ipam/deletable.js';
import { eniFreeBlocker, type PoolTargets } from '../../src/ipam/policy.js';
import type { Datastore, DsEni } from '../../src/ipam/datastore.js';
import type { IpamdPolicy } from '../../src/ipam/ipamd-policy.js';
import { scenarioFrom } from '../helpers.js';
import { fcParams } from '../fc.js';

const modes = fc.oneof(
  fc.record({ WARM_ENI_TARGET: fc.integer({ min: 0, max: 2 }) }),
  fc.record(
    {
      WARM_IP_TARGET: fc.integer({ min: 1, max: 8 }),
      MINIMUM_IP_TARGET: fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 20 })),
    },
    { requiredKeys: ['WARM_IP_TARGET'] },
  ),
  fc.record(
    { ENABLE_PREFIX_DELEGATION: fc.constant(true), WARM_PREFIX_TARGET: fc.integer({ min: 0, max: 2 }) },
    { requiredKeys: ['ENABLE_PREFIX_DELEGATION'] },
  ),
);

const scenarioArb = fc.record({
  type: fc.constantFrom('m5.large', 't3.medium', 'c5.xlarge'),
  count: fc.integer({ min: 1, max: 6 }),
  mode: modes,
  cooldown: fc.constantFrom(0, 5, 30),
  throttled: fc.boolean(),
  rate: fc.integer({ min: 2, max: 60 }),
  burst: fc.integer({ min: 0, max: 80 }),
  life: fc.integer({ min: 10, max: 240 }),
  seed: fc.integer({ min: 0, max: 1e6 }),
  minutes: fc.integer({ min: 5, max: 20 }),
});

type Spec = typeof scenarioArb extends fc.Arbitrary<infer T> ? T : never;

function yamlOf(s: Spec): string {
  const env = Object.entries({ ...s.mode, IP_COOLDOWN_PERIOD: s.cooldown })
    .map(([k, v]) => `${k}: ${String(v)}`)
    .join(', ');
  const throttle = s.throttled
    ? `
model:
  ec2:
    throttle:
      AssignPrivateIpAddresses: { capacity: 3, refillPerSecond: 0.3 }
      CreateNetworkInterface: { capacity: 2, refillPerSecond: 0.2 }
    background: { AssignPrivateIpAddresses: 0.2 }`
    : '';
  return `
seed: ${s.seed}
duration: ${s.minutes}m
nodeGroups: [{ name: g, instanceType: ${s.type}, count: ${s.count} }]
ipamd: { ${env} }
workload:
  - poisson: { from: 0s, to: ${s.minutes}m, ratePerMinute: ${s.rate}, lifetime: { exponential: ${s.life}s } }
${s.burst > 0 ? `  - burst: { at: 2m, pods: ${s.burst}, lifetime: { uniform: [30s, 3m] } }` : ''}${throttle}
`;
}

/** The report (JSON) and the event log (one JSON line per record) of one run. */
function runBoth(yaml: string, straightforward: boolean): { report: string; log: string[] } {
  const log: string[] = [];
  const c = new Cluster(scenarioFrom(yaml), { straightforward, events: { write: (r) => log.push(JSON.stringify(r)) } });
  c.run();
  return { report: JSON.stringify(buildReport(c)), log };
}

describe('scale shortcuts', () => {
  it('give the report and event log of the straightforward way', () => {
    let decreases = 0;
    fc.assert(
      fc.property(scenarioArb, (s) => {
        const yaml = yamlOf(s);
        const fast = runBoth(yaml, false);
        const plain = runBoth(yaml, true);
        expect(fast.log.length).toBe(plain.log.length);
        fast.log.forEach((line, i) => {
          if (line !== plain.log[i]) expect(`record ${i}: ${line}`).toBe(`record ${i}: ${plain.log[i]}`);
        });
        expect(fast.report).toBe(plain.report);
        decreases += fast.log.filter((l) => l.includes('"release-ips"')).length;
      }),
      fcParams(30),
    );
    // The runs released addresses back to EC2 (the cooling lane's shortcut was exercised), not never.
    expect(decreases).toBeGreaterThan(0);
  });
});

/** getDeletableENI read plainly: every ENI's facts and blocker, in datastore order. */
function deletablePlain(ds: Datastore, t: PoolTargets, now: number, minLife: number) {
  const found: DsEni[] = [];
  let wakeAt = Infinity;
  for (const e of ds.enis) {
    if (e.primary) continue;
    const facts = eniFacts(ds, e, now);
    const blocker = eniFreeBlocker(t, facts, minLife);
    if (blocker === undefined) found.push(e);
    else if (blocker === 'too young' || blocker === 'address cooling') {
      if (eniFreeBlocker(t, { ...facts, ageMs: Infinity, cooling: false }, minLife) === undefined)
        wakeAt = Math.min(wakeAt, Math.max(e.createdAt + minLife, ds.coolingEndsAt(e)));
    }
  }
  return { found, wakeAt };
}

describe('deletableEnis', () => {
  it('skips ENIs with pods and still finds what the plain reading finds, with the same wake-up time', () => {
    let compared = 0;
    fc.assert(
      fc.property(scenarioArb, (s) => {
        const c = new Cluster(scenarioFrom(yamlOf(s)));
        c.sim.afterEvent = () => {
          for (const n of c.nodes) {
            const t = (n.ipamd.policy as IpamdPolicy).targets;
            const ds = n.ipamd.ds;
            for (const minLife of [0, 60_000]) {
              expect(deletableEnis(ds, t, c.sim.now, minLife)).toEqual(deletablePlain(ds, t, c.sim.now, minLife));
              compared++;
            }
          }
        };
        c.run();
      }),
      fcParams(10),
    );
    expect(compared).toBeGreaterThan(1000);
  });
});
