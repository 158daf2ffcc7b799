/** Nodes come and go: scale-out boots nodes, scale-in drains them and leaves no address behind. */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { Cluster } from '../../src/run/cluster.js';
import { buildReport } from '../../src/run/report.js';
import { runScenario } from '../../src/index.js';
import { scenarioFrom, checkInvariants, expectLazyEqualsEveryTick } from '../helpers.js';
import { fcParams } from '../fc.js';

describe('scale-out', () => {
  it('boots new nodes after the boot delay; pending pods wait for them and start once they are Ready', () => {
    const c = new Cluster(
      scenarioFrom(`
duration: 10m
nodeGroups: [{ name: w, instanceType: m5.large, count: 0 }]
workload:
  - scale: { at: 1m, nodeGroup: w, to: 3 }
  - burst: { at: 1m, pods: 30, nodeGroup: w }
model: { nodes: { bootDelay: 40s } }
`),
    );
    c.sim.afterEvent = () => checkInvariants(c);
    c.run();
    const r = buildReport(c);
    expect(r.nodeLifecycle.joined).toBe(3);
    for (const n of r.nodes) {
      expect(n.joinedAt).toBe(100_000);
      expect(n.readyAt).toBeGreaterThan(100_000);
    }
    expect(r.pods.started).toBe(30);
    expect(r.podSchedulingWaitMs.p50).toBeGreaterThanOrEqual(40_000);
    expect(r.nodeLifecycle.lastWaitingPodStartedAt).toBeGreaterThan(100_000);
    expect(r.nodes.map((n) => n.name)).toEqual(['w-0', 'w-1', 'w-2']);
  });
});

describe('scale-in', () => {
  it('drains the newest nodes: pods deleted, instance terminated, addresses back in the subnet', () => {
    const c = new Cluster(
      scenarioFrom(`
duration: 10m
nodeGroups: [{ name: w, instanceType: m5.large, count: 4 }]
workload:
  - burst: { at: 20s, pods: 40 }
  - scale: { at: 3m, nodeGroup: w, by: -2 }
model: { nodes: { terminateDelay: 15s } }
`),
    );
    c.sim.afterEvent = () => checkInvariants(c);
    c.run();
    const r = buildReport(c);
    expect(r.nodeLifecycle.drained).toBe(2);
    const drained = r.nodes.filter((n) => n.drainedAt !== null).map((n) => n.name);
    expect(drained).toEqual(['w-2', 'w-3']);
    for (const n of r.nodes.filter((x) => x.drainedAt !== null)) expect(n.enis).toEqual([]);
    expect(r.pods.deleted).toBe(r.pods.requested - r.pods.running - r.pods.pending);
    const sn = c.subnets[0];
    expect(sn.size - sn.awsReserved - sn.freeAddresses).toBe(
      c.nodes.reduce((a, n) => a + n.ec2.enis.reduce((b, e) => b + 1 + e.secondaries.length, 0), 0),
    );
  });

  it('with drain: reschedule, the drained pods are recreated and placed on the remaining nodes', () => {
    const r = runScenario(
      scenarioFrom(`
duration: 10m
nodeGroups: [{ name: w, instanceType: m5.xlarge, count: 3 }]
workload:
  - burst: { at: 20s, pods: 30 }
  - scale: { at: 3m, nodeGroup: w, to: 2, drain: reschedule }
`),
    );
    expect(r.pods.running).toBe(30);
    expect(r.pods.requested).toBe(40); // 10 replacements
    expect(r.nodes.find((n) => n.name === 'w-2')?.podsRunning).toBe(0);
  });
});

const scaleArb = fc.record({
  seed: fc.integer({ min: 0, max: 1e6 }),
  start: fc.integer({ min: 0, max: 4 }),
  steps: fc.array(
    fc.record({ at: fc.integer({ min: 0, max: 900 }), to: fc.integer({ min: 0, max: 6 }), resched: fc.boolean() }),
    { maxLength: 4 },
  ),
  pods: fc.integer({ min: 1, max: 80 }),
  rate: fc.integer({ min: 1, max: 40 }),
  warmIp: fc.constantFrom(0, 0, 3),
  tight: fc.boolean(),
});

/** One random scaling scenario as scaleArb draws it. */
type ScaleSpec = typeof scaleArb extends fc.Arbitrary<infer T> ? T : never;

function scaleYaml(s: ScaleSpec): string {
  return `
seed: ${s.seed}
duration: 20m
nodeGroups: [{ name: w, instanceType: t3.medium, count: ${s.start} }]
ipamd: { WARM_IP_TARGET: ${s.warmIp} }
workload:
  - burst: { at: 30s, pods: ${s.pods}, lifetime: { exponential: 4m } }
  - poisson: { from: 1m, to: 18m, ratePerMinute: ${s.rate}, lifetime: { exponential: 3m } }
${s.steps.map((x) => `  - scale: { at: ${x.at}s, nodeGroup: w, to: ${x.to}${x.resched ? ', drain: reschedule' : ''} }`).join('\n')}
model:
  nodes: { bootDelay: { uniform: [20s, 60s] }, terminateDelay: { uniform: [0s, 30s] } }
${s.tight ? '  ec2: { throttle: { AssignPrivateIpAddresses: { capacity: 3, refillPerSecond: 0.5 }, AttachNetworkInterface: { capacity: 2, refillPerSecond: 0.2 } } }' : ''}
`;
}

describe('properties with nodes coming and going and throttling', () => {
  it('invariants hold after every event and drained nodes leave no address behind', () => {
    fc.assert(
      fc.property(scaleArb, (s) => {
        const c = new Cluster(scenarioFrom(scaleYaml(s)));
        c.sim.afterEvent = () => checkInvariants(c);
        c.run();
        for (const n of c.nodes) {
          if (n.runtime.drainedAt >= 0 && c.sim.now - n.runtime.drainedAt > 30_000) expect(n.ec2.enis).toEqual([]);
        }
      }),
      fcParams(30),
    );
  });

  it('the lazy loop equals the every-tick loop with scaling and throttling', () => {
    fc.assert(
      fc.property(scaleArb, (s) => {
        expectLazyEqualsEveryTick(scenarioFrom(scaleYaml(s)));
      }),
      fcParams(25),
    );
  });
});
