import { describe, expect, it } from 'vitest';
import { Cluster } from '../src/run/cluster.js';
import { buildReport } from '../src/run/report.js';
import { autoSampleEvery, findSeries, niceMultiple } from '../src/report/timeseries.js';
import { CHURN_IP_TARGET, ENI_TARGET, scenarioFrom } from './helpers.js';

function run(yaml: string, seed: number, timeseries?: { everyMs?: number; nodeLimit?: number }) {
  const c = new Cluster(scenarioFrom(yaml), { seed, ...(timeseries ? { timeseries } : {}) });
  c.run();
  return { report: buildReport(c), ts: c.timeseries?.result() };
}

describe('time series sampling', () => {
  it.each([
    { name: 'ip-target', yaml: CHURN_IP_TARGET, seed: 1, everyMs: 1000 },
    { name: 'ip-target', yaml: CHURN_IP_TARGET, seed: 2, everyMs: 7_001 },
    { name: 'ip-target', yaml: CHURN_IP_TARGET, seed: 3, everyMs: undefined },
    { name: 'eni-target', yaml: ENI_TARGET, seed: 4, everyMs: 997 },
    { name: 'eni-target, spreads', yaml: ENI_TARGET, seed: 5, everyMs: 5_000 },
  ])('never changes the report ($name, seed $seed, every $everyMs ms)', ({ yaml, seed, everyMs }) => {
    const without = run(yaml, seed).report;
    const sampled = run(yaml, seed, { ...(everyMs ? { everyMs } : {}), nodeLimit: seed === 5 ? 1 : 16 });
    expect(sampled.ts!.times.length).toBeGreaterThan(100);
    expect(sampled.report).toEqual(without);
  });

  it('samples at 0, every interval and the end, after all events at those times', () => {
    const { report, ts } = run(CHURN_IP_TARGET, 9, { everyMs: 7_001 });
    const t = ts!.times;
    expect(t[0]).toBe(0);
    expect(t[1]).toBe(7_001);
    expect(t[t.length - 1]).toBe(report.simulatedMs);
    const last = (name: string) => findSeries(ts!, name)!.values.at(-1);
    expect(last('attached')).toBe(report.ips.attachedEnd);
    expect(last('assigned')).toBe(report.ips.assignedEnd);
    expect(last('enis')).toBe(report.ips.enisEnd);
    expect(last('podsWaitingForIp')).toBe(report.pods.waitingForIp);
    expect(last('podsPending')).toBe(report.pods.unschedulable);
    for (const g of report.nodeGroups) {
      expect(last(`group.${g.name}.attached`)).toBe(g.ipsAttached);
      expect(last(`group.${g.name}.enis`)).toBe(g.enis);
    }
    for (const n of report.nodes) {
      expect(last(`node.${n.name}.attached`)).toBe(n.enis.reduce((a, e) => a + e.ips, 0));
      expect(last(`node.${n.name}.podsWaitingForIp`)).toBe(n.podsWaiting);
    }
    const sum = (name: string) => findSeries(ts!, name)!.values.reduce((a, b) => a + b, 0);
    expect(sum('ec2Calls')).toBe(report.ec2.total);
    const att = findSeries(ts!, 'attached')!.values;
    const asg = findSeries(ts!, 'assigned')!.values;
    findSeries(ts!, 'idle')!.values.forEach((v, i) => expect(v).toBe(att[i] - asg[i]));
    expect(Math.max(...att)).toBeLessThanOrEqual(report.ips.attachedPeak);
    expect(Math.max(...findSeries(ts!, 'cooling')!.values)).toBeLessThanOrEqual(report.ips.coolingPeak);
    expect(Math.max(...findSeries(ts!, 'cooling')!.values)).toBeGreaterThan(0);
  });

  it('adds the per-node series up to the cluster series in prefix-delegation mode too (16 addresses a prefix)', () => {
    const { ts } = run(
      `duration: 20m
nodeGroups: [{ name: n, instanceType: m5.large, count: 2, maxPods: 110 }]
ipamd: { ENABLE_PREFIX_DELEGATION: true, IP_COOLDOWN_PERIOD: 60 }
workload: [{ poisson: { from: 30s, to: 18m, ratePerMinute: 20, lifetime: { exponential: 90s } } }]`,
      3,
      { everyMs: 5_000 },
    );
    const values = (name: string) => findSeries(ts!, name)!.values;
    for (const field of ['attached', 'cooling']) {
      const perNode = [values(`node.n-0.${field}`), values(`node.n-1.${field}`)];
      values(field).forEach((v, i) => expect(perNode[0][i] + perNode[1][i]).toBe(v));
    }
    expect(Math.max(...values('cooling'))).toBeGreaterThan(0);
  });

  it('keeps per-node series for small clusters and per-group spreads for large ones', () => {
    const small = run(ENI_TARGET, 1, { nodeLimit: 3 }).ts!;
    expect(findSeries(small, 'node.workers-2.attached')).toBeDefined();
    expect(findSeries(small, 'group.workers.nodeIdle.max')).toBeUndefined();
    const big = run(ENI_TARGET, 1, { nodeLimit: 2 }).ts!;
    expect(big.series.some((s) => s.name.startsWith('node.'))).toBe(false);
    const [lo, mid, hi] = ['min', 'median', 'max'].map(
      (k) => findSeries(big, `group.workers.nodeAttached.${k}`)!.values,
    );
    const total = findSeries(big, 'group.workers.attached')!.values;
    lo.forEach((v, i) => {
      expect(v).toBeLessThanOrEqual(mid[i]);
      expect(mid[i]).toBeLessThanOrEqual(hi[i]);
      expect(lo[i] + mid[i] + hi[i]).toBe(total[i]); // three nodes: min + median + max is every node
    });
  });

  it('chooses a readable interval giving at most about 1,500 samples', () => {
    expect(autoSampleEvery(30 * 60_000)).toBe(2_000);
    expect(autoSampleEvery(24 * 3_600_000)).toBe(60_000);
    expect(autoSampleEvery(10_000)).toBe(10);
    for (const d of [1, 999, 60_000, 3_600_000, 7 * 86_400_000, 400 * 86_400_000]) {
      expect(Math.ceil(d / autoSampleEvery(d)) + 1).toBeLessThanOrEqual(1_501);
    }
  });

  it('sums samples into readable bar widths when it can', () => {
    expect(niceMultiple(2_000, 8)).toBe(15); // 16 s wanted: 30 s bars (20 s is not a round interval here)
    expect(niceMultiple(60_000, 9.6)).toBe(10);
    expect(niceMultiple(7_001, 3)).toBe(3); // no round interval is a multiple of 7.001 s
    expect(niceMultiple(1_000, 0.2)).toBe(1);
  });
});
