/**
 * Security groups for pods: the VPC resource controller's rules, each tested against a run where it matters (the
 * trunk on Ready nodes only, the pod-eni extended resource, the CNI ADD waiting for the branch ENI, the cooldown
 * and the capacity check counting the delete queue, the work queue's workers and the client rate limit).
 */
import { describe, expect, it } from 'vitest';
import { Cluster } from '../../src/run/cluster.js';
import { buildReport } from '../../src/run/report.js';
import { renderText } from '../../src/report/text.js';
import { PodState } from '../../src/kubelet/pod.js';
import { CONTROLLER } from '../../src/vpcrc/controller.js';
import { parseScenarioText, validateScenario } from '../../src/workload/load.js';
import { runLogged, scenarioFrom, type LogRecord } from '../helpers.js';

const base = (workload: string, extra = '', type = 'm5.large', count = 1, env = 'ENABLE_POD_ENI: true'): string => `
name: sgp-test
seed: 11
duration: 15m
ipamd: { ${env} }
nodeGroups: [{ name: w, instanceType: ${type}, count: ${count} }]
${extra}
workload:
${workload}
`;

const controllerCalls = (log: LogRecord[], api: string): LogRecord[] =>
  log.filter((r) => r.type === 'ec2' && r.node === CONTROLLER && r.api === api && r.ok === true);

describe('trunk ENI', () => {
  it('is created and attached once the node is Ready, in the ENI slot ipamd keeps free', () => {
    const { c, log } = runLogged(base('  - burst: { at: 1m, pods: 3, securityGroupPolicy: true }'));
    const n = c.nodes[0];
    const trunk = c.vpcrc?.trunk(n.runtime.name);
    expect(trunk?.eni?.attached).toBe(true);
    expect(trunk?.readyAt).toBe(n.runtime.readyAt);
    expect(trunk?.attachedAt).toBeGreaterThan(n.runtime.readyAt);
    // Create (trunk) then Attach, both by the controller; the ENI is one of the node's EC2 ENIs.
    expect(controllerCalls(log, 'AttachNetworkInterface')).toHaveLength(1);
    expect(n.ec2.enis.some((e) => e === trunk?.eni)).toBe(true);
    expect(n.runtime.branchCapacity).toBe(9); // m5.large BranchInterface
    expect(n.ec2.enis.length).toBeLessThanOrEqual(n.ipamd.maxEnis);
  });

  it('is not created without ENABLE_POD_ENI, nor on a type that cannot take one; branch pods then never bind', () => {
    const sgp = '  - burst: { at: 1m, pods: 2, securityGroupPolicy: true }';
    for (const [type, env] of [
      ['m5.large', 'WARM_ENI_TARGET: 1'],
      ['t3.medium', 'ENABLE_POD_ENI: true'],
    ]) {
      const { c, log } = runLogged(base(sgp, '', type, 1, env));
      expect(c.vpcrc?.trunks).toHaveLength(0);
      expect(controllerCalls(log, 'AttachNetworkInterface')).toHaveLength(0);
      expect(c.kubelet.scheduler.branchPending).toBe(2);
    }
  });

  it('validate warns when securityGroupPolicy pods have no node group with ENABLE_POD_ENI', () => {
    const warned = (env: string): string[] =>
      validateScenario(
        parseScenarioText(
          base('  - burst: { at: 1m, pods: 2, securityGroupPolicy: true }', '', 'm5.large', 1, env),
          'x.yaml',
        ),
        process.cwd(),
      ).problems.map((p) => `${p.severity} ${p.path}: ${p.message}`);
    expect(warned('WARM_ENI_TARGET: 1')).toContainEqual(
      expect.stringMatching(/^warning workload\[0\]: .*ENABLE_POD_ENI/),
    );
    expect(warned('ENABLE_POD_ENI: true')).toEqual([]);
  });

  it('is not there at all without a vpcResourceController block or securityGroupPolicy pods', () => {
    const c = new Cluster(scenarioFrom(base('  - burst: { at: 1m, pods: 3 }')));
    c.run();
    expect(c.vpcrc).toBeUndefined();
    const r = buildReport(c);
    expect(r.vpcResourceController).toBeUndefined();
    expect(renderText(r)).toContain('branch ENIs not modelled');
  });
});

describe('branch-ENI pods', () => {
  it('wait for a node with free vpc.amazonaws.com/pod-eni: 12 pods on one m5.large (9 branches) bind 9', () => {
    const { c } = runLogged(base('  - burst: { at: 1m, pods: 12, securityGroupPolicy: true }'));
    const n = c.nodes[0].runtime;
    expect(n.branchPods).toBe(9);
    expect(c.kubelet.scheduler.branchPending).toBe(3);
    // The node had pod slots to spare: the three waited only for branch capacity.
    expect(c.kubelet.scheduler.branchCapacityWaits).toBe(3);
    expect(n.pods).toBeLessThan(n.podCapacity);
  });

  it('bind once branch capacity frees, and ordinary pods are not held back by them', () => {
    const { c } = runLogged(
      base('  - burst: { at: 1m, pods: 12, lifetime: 3m, securityGroupPolicy: true }\n  - burst: { at: 1m, pods: 5 }'),
    );
    const r = buildReport(c);
    const v = r.vpcResourceController;
    expect(v?.branchPods.started).toBe(12);
    expect(v?.branchPods.pendingPeak).toBe(3);
    expect(r.pods.started).toBe(17);
    expect(r.podStartLatencyMs.count).toBe(5); // ordinary pods only
  });

  it("start only after the controller created and associated their branch ENI; ipamd's addresses are untouched", () => {
    const { c, log } = runLogged(base('  - burst: { at: 1m, pods: 4, securityGroupPolicy: true }'));
    const pods = c.kubelet.podsOn(c.nodes[0].runtime);
    expect(pods.every((p) => p.state === PodState.Running)).toBe(true);
    const assoc = controllerCalls(log, 'AssociateTrunkInterface');
    expect(assoc).toHaveLength(4);
    for (const p of pods) {
      const eni = c.vpcrc?.trunk(c.nodes[0].runtime.name)?.byPod.get(p.id);
      expect(eni?.associated && eni.annotated).toBe(true);
      expect(p.addr).toBe(eni);
      // The first CNI ADD came before the association: the pod waited for a kubelet retry.
      expect(p.failedAdds).toBeGreaterThan(0);
      expect(p.startedAt).toBeGreaterThanOrEqual(Math.min(...assoc.map((a) => a.t)));
    }
    expect(c.nodes[0].ipamd.ds.assigned).toBe(0);
    expect(buildReport(c).pods.running).toBe(4);
  });

  it("deleted pods' branch ENIs wait out the cooldown before DeleteNetworkInterface", () => {
    for (const cooldown of [60, 120]) {
      const { c, log } = runLogged(
        base(
          '  - events: [{ at: 1m, add: a, securityGroupPolicy: true }, { at: 3m, delete: a }]',
          `vpcResourceController: { cooldown: ${cooldown}s }`,
        ),
      );
      const del = controllerCalls(log, 'DeleteNetworkInterface');
      expect(del).toHaveLength(1);
      expect(del[0].t).toBeGreaterThan(180_000 + cooldown * 1000);
      // ... and within one delete-queue period (30 s) plus the call's own latency.
      expect(del[0].t).toBeLessThan(180_000 + cooldown * 1000 + 30_000 + 10_000);
      expect(c.vpcrc?.branchEnis()).toHaveLength(0);
    }
  });

  it('a cooldown below 30 s is raised to 30 s (MinimalCoolDownPeriod) and validate says so', () => {
    const text = base(
      '  - events: [{ at: 1m, add: a, securityGroupPolicy: true }, { at: 3m, delete: a }]',
      'vpcResourceController: { cooldown: 5s, deleteQueuePeriod: 1s }',
    );
    const { log } = runLogged(text);
    const t = controllerCalls(log, 'DeleteNetworkInterface')[0].t;
    expect(t).toBeGreaterThan(210_000);
    expect(t).toBeLessThan(215_000);
    const { problems } = validateScenario(parseScenarioText(text, 'x.yaml'), process.cwd());
    expect(problems.map((p) => `${p.severity} ${p.path}: ${p.message}`)).toContainEqual(
      expect.stringMatching(/warning vpcResourceController\.cooldown: .*below the controller's minimum/),
    );
  });

  it('cooling branch ENIs count against the limit: a replacement pod waits (ErrCurrentlyAtMaxCapacity)', () => {
    // 9 pods fill the m5.large; at 5m they go and 9 new ones bind at once, while the old ENIs still cool.
    const { c } = runLogged(
      base(
        '  - events: [' +
          Array.from({ length: 9 }, (_, i) => `{ at: 1m, add: old${i}, securityGroupPolicy: true }`).join(', ') +
          ', ' +
          Array.from({ length: 9 }, (_, i) => `{ at: 5m, delete: old${i} }`).join(', ') +
          ', ' +
          Array.from({ length: 9 }, (_, i) => `{ at: 5m, add: new${i}, securityGroupPolicy: true }`).join(', ') +
          ']',
      ),
    );
    const v = c.vpcrc!;
    expect(v.stats.atCapacity).toBeGreaterThan(0);
    const news = c.kubelet.podsOn(c.nodes[0].runtime).filter((p) => p.name.startsWith('new'));
    expect(news).toHaveLength(9);
    // None started before the old ENIs' 60 s cooldown ended.
    for (const p of news) expect(p.startedAt).toBeGreaterThan(300_000 + 60_000);
    expect(news.every((p) => p.state === PodState.Running)).toBe(true);
  });
});

describe("the controller's throughput", () => {
  const wave = '  - burst: { at: 2m, pods: 80, securityGroupPolicy: true }';
  const run = (extra: string): Cluster => {
    const c = new Cluster(scenarioFrom(base(wave, extra, 'm5.4xlarge', 2)));
    c.run();
    return c;
  };

  it('one worker serialises the jobs: the queue grows and pods start later than with 30', () => {
    const one = run('vpcResourceController: { workers: 1 }');
    const many = run('vpcResourceController: { workers: 30 }');
    expect(one.vpcrc!.queue.peak).toBeGreaterThan(many.vpcrc!.queue.peak);
    const p90 = (c: Cluster) => buildReport(c).vpcResourceController!.branchPods.createToStartMs.p90 ?? Infinity;
    expect(p90(one)).toBeGreaterThan(p90(many));
  });

  it("the client's QPS limit spaces the controller's EC2 calls", () => {
    const slow = run('vpcResourceController: { userQps: 1, userBurst: 1, instanceQps: 1, instanceBurst: 1 }');
    const fast = run(
      'vpcResourceController: { userQps: 1000, userBurst: 1000, instanceQps: 1000, instanceBurst: 1000 }',
    );
    expect(slow.vpcrc!.user.waited).toBeGreaterThan(0);
    expect(fast.vpcrc!.user.waited).toBe(0);
    const last = (c: Cluster) => Math.max(...c.vpcrc!.stats.createToStart);
    // 80 branch ENIs at one create per second take over a minute.
    expect(last(slow)).toBeGreaterThan(80_000);
    expect(last(fast)).toBeLessThan(80_000);
  });
});

describe('reports', () => {
  it('report trunk attach per node, branch ENIs against the limit, the queue and the calls', () => {
    const c = new Cluster(
      scenarioFrom(base('  - burst: { at: 1m, pods: 12, lifetime: 2m, securityGroupPolicy: true }', '', 'm5.large', 2)),
    );
    c.run();
    const r = buildReport(c);
    const v = r.vpcResourceController!;
    expect(v.trunks).toHaveLength(2);
    for (const t of v.trunks) {
      expect(t.branchLimit).toBe(9);
      expect(t.attachMs).toBeGreaterThan(0);
      expect(t.branchEnisPeak).toBeLessThanOrEqual(t.branchLimit);
    }
    expect(v.trunkAttachMs.count).toBe(2);
    expect(v.ec2.calls.AssociateTrunkInterface).toBe(12);
    expect(v.ec2.calls.DeleteNetworkInterface).toBe(12);
    expect(v.branchEnis).toMatchObject({ created: 12, deleted: 12, end: 0 });
    expect(v.queue.jobs).toBeGreaterThan(12);
    const text = renderText(r);
    expect(text).toContain('Security groups for pods');
    expect(text).toContain('trunk attach');
  });
});

describe('time series', () => {
  it("record the controller's queue, branch pods and calls, agreeing with the report", () => {
    const c = new Cluster(scenarioFrom(base('  - burst: { at: 1m, pods: 14, securityGroupPolicy: true }')), {
      timeseries: { everyMs: 1000 },
    });
    c.run();
    const r = buildReport(c).vpcResourceController!;
    const ts = c.timeseries!.result();
    const col = (name: string): number[] => ts.series.find((s) => s.name === name)!.values;
    expect(Math.max(...col('vpcrc.branchPending'))).toBe(5);
    expect(col('vpcrc.branchPending').at(-1)).toBe(r.branchPods.pendingEnd);
    expect(col('vpcrc.branchEnis').at(-1)).toBe(r.branchEnis.end);
    expect(col('vpcrc.ec2Calls').reduce((a, b) => a + b, 0)).toBe(r.ec2.total);
    // Running branch-ENI pods are not counted as waiting for an address.
    expect(col('podsWaitingForIp').at(-1)).toBe(0);
  });
});
