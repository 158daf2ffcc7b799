/**
 * HTML charts for security groups for pods: the controller's work queue and pending branch-ENI pods, branch ENIs
 * per node against the limit, its EC2 calls, and branch-ENI pods' start latency as a curve apart from ordinary pods.
 */
import { describe, expect, it } from 'vitest';
import { Cluster } from '../../src/run/cluster.js';
import { buildRunData } from '../../src/run/report.js';
import { runCharts } from '../../src/report/run-charts.js';
import { findSeries } from '../../src/report/timeseries.js';
import { scenarioFrom } from '../helpers.js';

const SGP = `
name: sgp-charts
seed: 4
duration: 8m
ipamd: { ENABLE_POD_ENI: true }
nodeGroups: [{ name: w, instanceType: m5.large, count: 2 }]
workload:
  - burst: { at: 1m, pods: 30, lifetime: { constant: 3m }, securityGroupPolicy: true }
  - burst: { at: 1m, pods: 10 }
`;

function data(yaml: string): ReturnType<typeof buildRunData> {
  const c = new Cluster(scenarioFrom(yaml), { seed: 4, timeseries: {} });
  c.run();
  return buildRunData(c);
}

describe('security groups for pods charts', () => {
  it('draws the queue, branch ENIs per node against the limit and the controller calls', () => {
    const d = data(SGP);
    const charts = runCharts(d);
    const ids = charts.map((c) => c.id);
    expect(ids).toEqual(expect.arrayContaining(['vpcrc-queue', 'vpcrc-branch-enis', 'vpcrc-ec2']));
    // 30 pods on two m5.large (9 branch ENIs each): the busiest node reaches the limit, and pods pend.
    const max = findSeries(d.timeseries, 'vpcrc.nodeBranchEnis.max')?.values ?? [];
    const limit = findSeries(d.timeseries, 'vpcrc.nodeBranchLimit')?.values ?? [];
    expect(Math.max(...limit)).toBe(9);
    expect(Math.max(...max)).toBe(9);
    expect(max.every((v, i) => v <= limit[i] || limit[i] === 0)).toBe(true);
    expect(Math.max(...(findSeries(d.timeseries, 'vpcrc.branchPending')?.values ?? []))).toBeGreaterThan(0);
    const spec = JSON.stringify(charts.find((c) => c.id === 'vpcrc-branch-enis')?.spec);
    expect(spec).toMatch(/branch ENI limit/);
  });
  it("the latency CDF has a branch-ENI pods curve apart from ordinary pods'", () => {
    const d = data(SGP);
    expect(d.latencies.branch?.length).toBe(d.report.vpcResourceController?.branchPods.started);
    const cdf = JSON.stringify(runCharts(d).find((c) => c.id === 'latency-cdf')?.spec);
    expect(cdf).toMatch(/"curve":"branch-ENI pods"/);
    expect(cdf).toMatch(/"curve":"ordinary pods"/);
  });
  it('none of it without the controller', () => {
    const d = data(`
name: plain
duration: 3m
nodeGroups: [{ name: w, instanceType: m5.large, count: 1 }]
workload:
  - burst: { at: 10s, pods: 12 }
`);
    expect(runCharts(d).some((c) => c.id.startsWith('vpcrc'))).toBe(false);
    expect(d.latencies.branch).toBeUndefined();
  });
});
