/** Workload shapes and autoscalers in a running cluster. */
import { describe, expect, it } from 'vitest';
import { Cluster } from '../../src/run/cluster.js';
import { buildReport } from '../../src/run/report.js';
import { PodState } from '../../src/kubelet/pod.js';
import fc from 'fast-check';
import { checkInvariants, expectLazyEqualsEveryTick, runLogged, scenarioFrom, type LogRecord } from '../helpers.js';
import { fcParams } from '../fc.js';
import { bootingRoom, MAX_NODE_PROVISION_MS } from '../../src/run/autoscaler/autoscaler.js';
import type { ClusterNode } from '../../src/run/view.js';

const created = (log: LogRecord[], prefix: string): LogRecord[] =>
  log.filter((r) => r.type === 'pod' && r.event === 'created' && String(r.pod).startsWith(prefix));
const autoscale = (log: LogRecord[]): LogRecord[] => log.filter((r) => r.type === 'node' && r.event === 'autoscale');

/** Live pods of the cluster whose name starts with `prefix`, by state. */
function podsNamed(c: Cluster, prefix: string, names: string[]): { alive: number; running: number } {
  let alive = 0;
  let running = 0;
  for (const n of names) {
    const p = c.kubelet.pod(n);
    if (!p || !n.startsWith(prefix)) continue;
    alive++;
    if (p.state === PodState.Running) running++;
  }
  return { alive, running };
}

describe('daily rate curve', () => {
  it('arrivals follow the curve: many around the peak, few around the trough', () => {
    const { log } = runLogged(`
duration: 2h
nodeGroups: [{ name: w, instanceType: m5.4xlarge, count: 4 }]
workload:
  - poisson: { from: 0s, to: 2h, rateCurve: { sinusoid: { mean: 4, amplitude: 4, peakAt: 30m, period: 2h } }, lifetime: 1m, name: job }
`);
    const times = created(log, 'job').map((r) => r.t);
    const first = times.filter((t) => t < 3_600_000).length;
    const second = times.length - first;
    // Expected 240 + 4*120/pi*2 = ~545 in the first hour, ~ -65 -> 240 - 305 clipped ... about 0-ish in the second.
    expect(first).toBeGreaterThan(3 * second);
    expect(times.length).toBeGreaterThan(300);
  });
});

describe('deployment', () => {
  const yaml = (extra: string) => `
duration: 12m
nodeGroups: [{ name: w, instanceType: m5.4xlarge, count: 2 }]
workload:
  - deployment: { name: web, replicas: 5, ${extra} }
`;
  it('a rolling update keeps at most replicas + maxSurge pods and at least replicas - maxUnavailable available', () => {
    const c = new Cluster(scenarioFrom(yaml('maxSurge: 1, maxUnavailable: 0, readinessDelay: 30s, rollouts: [2m]')));
    const names: string[] = [];
    const log: LogRecord[] = [];
    c.metrics.sink = {
      write: (r) => {
        const rec = r as LogRecord;
        log.push(rec);
        if (rec.type === 'pod' && rec.event === 'created') names.push(String(rec.pod));
      },
    };
    let most = 0;
    let fewestRunning = Infinity;
    c.sim.afterEvent = () => {
      const { alive, running } = podsNamed(c, 'web-', names);
      most = Math.max(most, alive);
      if (c.sim.now > 60_000) fewestRunning = Math.min(fewestRunning, running);
    };
    c.run();
    expect(most).toBe(6);
    expect(fewestRunning).toBeGreaterThanOrEqual(5);
    expect(podsNamed(c, 'web-r1-', names).running).toBe(5);
    expect(podsNamed(c, 'web-r0-', names).alive).toBe(0);
    // Each old pod goes only once a new one has been available for 30 s: five in turn.
    const lastOld = log.filter((r) => r.type === 'pod' && r.event === 'deleted' && String(r.pod).startsWith('web-r0'));
    expect(lastOld).toHaveLength(5);
    expect(Math.max(...lastOld.map((r) => r.t))).toBeGreaterThanOrEqual(120_000 + 5 * 30_000);
  });

  it('replica steps (an HPA) grow and shrink it', () => {
    const c = new Cluster(scenarioFrom(yaml('replicaSteps: [{ at: 1m, replicas: 12 }, { at: 5m, replicas: 3 }]')));
    const names: string[] = [];
    c.metrics.sink = {
      write: (r) => {
        const rec = r as LogRecord;
        if (rec.type === 'pod' && rec.event === 'created') names.push(String(rec.pod));
      },
    };
    c.sim.run(50_000);
    expect(podsNamed(c, 'web-', names).alive).toBe(5);
    c.sim.run(240_000);
    expect(podsNamed(c, 'web-', names).running).toBe(12);
    c.sim.run(400_000);
    expect(podsNamed(c, 'web-', names).alive).toBe(3);
  });
});

describe('cronJob', () => {
  it('starts parallelism pods at each scheduled minute, each running for its run time', () => {
    const { c, log } = runLogged(`
duration: 30m
nodeGroups: [{ name: w, instanceType: m5.large, count: 2 }]
workload:
  - cronJob: { name: report, schedule: "*/10 * * * *", parallelism: 3, runTime: 1m }
`);
    const runs = created(log, 'report-').map((r) => r.t);
    expect(runs).toEqual([
      0, 0, 0, 600_000, 600_000, 600_000, 1_200_000, 1_200_000, 1_200_000, 1_800_000, 1_800_000, 1_800_000,
    ]);
    expect(buildReport(c).pods.deleted).toBe(9);
  });
});

describe('Cluster Autoscaler', () => {
  it('adds nodes for pods that lack a slot at the next scan, up to maxNodes, then removes unneeded ones down to minNodes', () => {
    const { c, log } = runLogged(`
duration: 45m
nodeGroups:
  - name: w
    instanceType: m5.large
    count: 1
    podsPerNode: 10
    autoscaler: { clusterAutoscaler: { minNodes: 1, maxNodes: 4 } }
workload:
  - burst: { at: 65s, pods: 45, lifetime: 15m }
model: { nodes: { bootDelay: 40s, terminateDelay: 20s } }
`);
    const events = autoscale(log);
    expect(events[0]).toMatchObject({ t: 70_000, by: 'cluster-autoscaler', add: 3 });
    expect(c.nodes).toHaveLength(4);
    const removals = events.filter((e) => e.remove !== undefined);
    // Empty from ~17m; unneeded for 10 min; removed together (empty nodes go in bulk), down to minNodes.
    expect(removals).toHaveLength(1);
    expect((removals[0].remove as string[]).length).toBe(3);
    expect(removals[0].t).toBeGreaterThanOrEqual(65_000 + 40_000 + 15 * 60_000 + 10 * 60_000);
    expect(c.liveNodes('w')).toHaveLength(1);
    const r = buildReport(c);
    for (const n of r.nodes.filter((x) => x.drainedAt !== null)) expect(n.enis).toEqual([]);
    const sn = c.subnets[0];
    expect(sn.size - sn.awsReserved - sn.freeAddresses).toBe(
      c.nodes.reduce((a, n) => a + n.ec2.enis.reduce((b, e) => b + 1 + e.secondaries.length, 0), 0),
    );
  });

  it('keeps a node at or above the utilisation threshold, removes one below it whose pods fit elsewhere', () => {
    const run = (threshold: number) =>
      runLogged(`
duration: 30m
nodeGroups:
  - name: w
    instanceType: m5.large
    count: 2
    podsPerNode: 20
    autoscaler: { clusterAutoscaler: { maxNodes: 2, scaleDownUtilizationThreshold: ${threshold} } }
workload: # at 5 s both nodes are Ready (nodeInit's EC2 calls take a second or two), so the pods spread over both
  - burst: { at: 5s, pods: 16, name: p }
`);
    expect(autoscale(run(0.4).log)).toEqual([]);
    const { c, log } = run(0.5);
    const removals = autoscale(log);
    expect(removals).toHaveLength(1);
    expect(removals[0].t).toBeGreaterThanOrEqual(600_000);
    // Its pods were recreated on the other node.
    expect(c.liveNodes('w')).toHaveLength(1);
    expect(c.liveNodes('w')[0].runtime.pods).toBe(16);
  });

  it('waits scaleDownDelayAfterAdd after a scale-up before it removes anything', () => {
    const { log } = runLogged(`
duration: 40m
nodeGroups:
  - name: w
    instanceType: m5.large
    count: 1
    podsPerNode: 10
    autoscaler: { clusterAutoscaler: { maxNodes: 3, scaleDownUnneededTime: 1m, scaleDownDelayAfterAdd: 20m } }
workload:
  - burst: { at: 5s, pods: 15, lifetime: 2m }
`);
    const removals = autoscale(log).filter((e) => e.remove !== undefined);
    expect(removals.length).toBeGreaterThan(0);
    expect(removals[0].t).toBeGreaterThanOrEqual(10_000 + 20 * 60_000);
  });
});

describe('Karpenter', () => {
  const yaml = (settings: string, workload: string, count = 0) => `
duration: 30m
nodeGroups:
  - name: k
    instanceType: m5.large
    count: ${count}
    podsPerNode: 10
    autoscaler: { karpenter: { maxNodes: 10, ${settings} } }
workload:
${workload}
model: { nodes: { bootDelay: 30s } }
`;
  const twoBursts = `  - burst: { at: 60s, pods: 10 }
  - burst: { at: 64s, pods: 10 }`;

  it('batches pending pods: one launch for arrivals within the idle window, two for arrivals further apart', () => {
    const one = autoscale(runLogged(yaml('batchIdleDuration: 5s', twoBursts)).log);
    expect(one).toEqual([expect.objectContaining({ add: 2, t: 69_000 })]);
    const two = autoscale(runLogged(yaml('batchIdleDuration: 1s', twoBursts)).log);
    expect(two.map((e) => e.add)).toEqual([1, 1]);
  });

  it('closes a batch at batchMaxDuration even while pods keep arriving', () => {
    const trickle = `  - poisson: { from: 60s, to: 10m, ratePerMinute: 120 }`;
    const events = autoscale(runLogged(yaml('batchIdleDuration: 5s, batchMaxDuration: 10s', trickle)).log);
    expect(events[0].t).toBeLessThanOrEqual(60_000 + 11_000);
  });

  it('consolidation deletes empty nodes and, when underutilised counts, moves pods off the least loaded node', () => {
    // 9 pods spread over 3 Ready nodes (3 each); a fourth node joins, empty, at 5m.
    const pods = `  - burst: { at: 20s, pods: 9 }
  - scale: { at: 5m, nodeGroup: k, to: 4 }`;
    const empty = runLogged(yaml('consolidationPolicy: WhenEmpty, consolidateAfter: 1m', pods, 3));
    expect(autoscale(empty.log).map((e) => e.remove)).toEqual([['k-3']]);
    const spread = `  - burst: { at: 20s, pods: 9 }`;
    const under = runLogged(yaml('consolidationPolicy: WhenEmptyOrUnderutilized, consolidateAfter: 2m', spread, 3));
    const removed = autoscale(under.log).flatMap((e) => e.remove as string[]);
    // 9 pods fit on one node of 10: all but one node go, one at a time, and every pod still runs.
    expect(removed).toHaveLength(2);
    expect(autoscale(under.log).map((e) => (e.remove as string[]).length)).toEqual([1, 1]);
    expect(under.c.liveNodes('k')).toHaveLength(1);
    expect(buildReport(under.c).pods.running).toBe(9);
    expect(autoscale(under.log)[0].t).toBeGreaterThanOrEqual(120_000);
    // The deleted nodes' ENIs went back: only the last node holds any.
    for (const n of under.c.nodes) if (!under.c.liveNodes('k').includes(n)) expect(n.ec2.enis).toEqual([]);
  });
});

it('autoscaled runs keep the cluster invariants and are deterministic', () => {
  const sc = scenarioFrom(`
duration: 20m
nodeGroups:
  - name: k
    instanceType: m5.large
    count: 1
    podsPerNode: 10
    autoscaler: { karpenter: { maxNodes: 6 } }
workload:
  - poisson: { from: 0s, to: 20m, rateCurve: { points: [[0s, 1], [10m, 30], [15m, 0]] }, lifetime: { uniform: [1m, 4m] } }
`);
  const a = new Cluster(sc);
  a.sim.afterEvent = () => checkInvariants(a);
  a.run();
  const b = new Cluster(sc);
  b.run();
  expect(JSON.stringify(buildReport(a))).toBe(JSON.stringify(buildReport(b)));
  expectLazyEqualsEveryTick(sc);
});

it('under either autoscaler a group stays within its bounds and the invariants hold after every event', () => {
  fc.assert(
    fc.property(
      fc.integer({ min: 0, max: 2 }),
      fc.integer({ min: 3, max: 6 }),
      fc.integer({ min: 1, max: 80 }),
      fc.integer({ min: 1, max: 12 }),
      fc.boolean(),
      (min, max, pods, lifetimeMin, karpenter) => {
        const autoscaler = karpenter
          ? `{ karpenter: { maxNodes: ${max} } }`
          : `{ clusterAutoscaler: { minNodes: ${min}, maxNodes: ${max}, scaleDownUnneededTime: 2m, scaleDownDelayAfterAdd: 1m } }`;
        const c = new Cluster(
          scenarioFrom(`
duration: 20m
nodeGroups: [{ name: w, instanceType: m5.large, count: ${min}, podsPerNode: 10, autoscaler: ${autoscaler} }]
workload:
  - burst: { at: 30s, pods: ${pods}, lifetime: ${lifetimeMin}m }
  - deployment: { name: web, replicas: 5, replicaSteps: [{ at: 4m, replicas: 15 }, { at: 9m, replicas: 2 }] }
`),
        );
        c.sim.afterEvent = () => {
          checkInvariants(c);
          const live = c.liveNodes('w').length;
          if (live > max || (!karpenter && live < min)) throw new Error(`${live} live nodes outside ${min}-${max}`);
        };
        c.run();
      },
    ),
    fcParams(12),
  );
});

describe('booting room', () => {
  const node = (ready: boolean, joinedAt: number, pods: number): ClusterNode =>
    ({ runtime: { ready, joinedAt, pods, podCapacity: 10, drainedAt: -1 } }) as unknown as ClusterNode;
  it('counts the free slots of booting nodes, until they have been booting for the provision timeout', () => {
    const nodes = [node(false, 0, 0), node(false, 60_000, 3), node(true, 0, 0)];
    expect(bootingRoom(nodes, 120_000)).toBe(17);
    expect(bootingRoom(nodes, MAX_NODE_PROVISION_MS + 30_000)).toBe(7);
  });
});
