/**
 * Security groups for pods in sweeps: rows carry the branch figures when the run had the VPC resource controller
 * (and only then), results files with or without them read back, compare and the sweep summary report them.
 */
import { describe, expect, it } from 'vitest';
import { runScenario } from '../../src/index.js';
import { compareSides } from '../../src/sweep/compare.js';
import { renderSummary } from '../../src/sweep/format-summary.js';
import { renderSweepHtml } from '../../src/sweep/html.js';
import { figuresOf, parseResults, rowLine } from '../../src/sweep/rows.js';
import { summarise } from '../../src/sweep/summary.js';
import type { SweepRow } from '../../src/sweep/types.js';
import { cli, scenarioFile, scenarioFrom, tempDir } from '../helpers.js';

const SGP = `
name: sgp-small
duration: 6m
ipamd: { ENABLE_POD_ENI: true }
nodeGroups:
  - { name: workers, instanceType: m5.large, count: 2 }
workload:
  - burst: { at: 20s, pods: 12, lifetime: { uniform: [1m, 2m] }, securityGroupPolicy: true }
  - burst: { at: 20s, pods: 10 }
`;
const PLAIN = `
name: plain
duration: 4m
nodeGroups:
  - { name: workers, instanceType: m5.large, count: 1 }
workload:
  - burst: { at: 20s, pods: 5 }
`;

function rowsOf(yaml: string, workers: number, point: number, seeds: number[]): SweepRow[] {
  // Only the scenario with security-group pods names the controller (naming it runs it).
  const s = scenarioFrom(
    yaml === SGP ? yaml.replace('workload:', `vpcResourceController: { workers: ${workers} }\nworkload:`) : yaml,
  );
  return seeds.map((seed) => ({
    tool: 'warmpool-sim',
    kind: 'sweep-run',
    key: `${workers}-${seed}`,
    point,
    settings: { 'vpcResourceController.workers': workers },
    seed,
    figures: figuresOf(runScenario(s, { seed })),
  }));
}

describe('branch figures in sweep rows', () => {
  it('come from the vpcResourceController section, and are absent without the controller', () => {
    const report = runScenario(scenarioFrom(SGP), { seed: 3 });
    const v = report.vpcResourceController;
    expect(v).toBeDefined();
    const b = figuresOf(report).branch;
    expect(b).toBeDefined();
    expect(b?.branchP50).toBe(v?.branchPods.startLatencyMs.p50);
    expect(b?.branchP99).toBe(v?.branchPods.startLatencyMs.p99);
    expect(b?.controllerEc2Calls).toBe(v?.ec2.total);
    expect(b?.controllerEc2Calls).toBeGreaterThan(0);
    expect(b?.trunkAttachMax).toBe(v?.trunkAttachMs.max);
    expect(b?.branchCapacityWaits).toBe(v?.branchPods.pendingForBranchCapacity);
    expect(figuresOf(runScenario(scenarioFrom(PLAIN), { seed: 3 })).branch).toBeUndefined();
  });
  it('a results file with and without them reads back; a bad branch block is refused', () => {
    const [withBranch] = rowsOf(SGP, 30, 0, [1]);
    const [plain] = rowsOf(PLAIN, 30, 1, [1]);
    const parsed = parseResults(rowLine(withBranch) + rowLine(plain), 'r.jsonl');
    expect(parsed.problems).toEqual([]);
    expect(parsed.rows[0].figures.branch).toEqual(withBranch.figures.branch);
    expect(parsed.rows[1].figures.branch).toBeUndefined();
    const bad = JSON.parse(rowLine(withBranch)) as { figures: { branch: Record<string, unknown> } };
    bad.figures.branch.branchP99 = 'slow';
    expect(parseResults(JSON.stringify(bad) + '\n', 'r.jsonl').problems[0].message).toMatch(
      /figures\.branch\.branchP99/,
    );
  });
  it('compare reports them when both sides ran the controller, and not otherwise', () => {
    const a = rowsOf(SGP, 1, 0, [1, 2, 3]);
    const b = rowsOf(SGP, 30, 1, [1, 2, 3]);
    const c = compareSides(a, b);
    const p99 = c.figures.find((f) => f.figure === 'branchP99');
    expect(p99).toBeDefined();
    expect(p99?.diff.a).toBeCloseTo(a.reduce((s, r) => s + (r.figures.branch?.branchP99 ?? NaN), 0) / 3, 2);
    expect(c.figures.map((f) => f.figure)).toContain('controllerEc2Calls');
    const plain = rowsOf(PLAIN, 30, 1, [1, 2, 3]);
    expect(compareSides(a, plain).figures.map((f) => f.figure)).not.toContain('branchP99');
  });
  it('the sweep summary (text and HTML) gains branch columns only when runs have them', async () => {
    const rows = [...rowsOf(SGP, 1, 0, [1, 2]), ...rowsOf(SGP, 30, 1, [1, 2])];
    const sum = summarise(rows);
    expect(sum[0].branch?.branchP99.mean).toBeCloseTo(
      (rows[0].figures.branch?.branchP99 ?? NaN) / 2 + (rows[1].figures.branch?.branchP99 ?? NaN) / 2,
      6,
    );
    expect(renderSummary(sum, 'h')).toMatch(/branch p99 s.*ctrl EC2 calls/);
    expect(await renderSweepHtml(rows, sum)).toMatch(/branch pod p99 \(s\)/);
    const plain = rowsOf(PLAIN, 30, 0, [1, 2]);
    const plainSum = summarise(plain);
    expect(plainSum[0].branch).toBeUndefined();
    expect(renderSummary(plainSum, 'h')).not.toMatch(/branch/);
  });
  it('compare --set vpcResourceController.workers prints the branch figures', async () => {
    const file = scenarioFile(tempDir(), SGP);
    const r = await cli([
      'compare',
      file,
      '--set',
      'vpcResourceController.workers=1,30',
      '--seeds',
      '2',
      '--workers',
      '1',
    ]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/p99 branch-ENI pod start/);
    expect(r.stdout).toMatch(/controller EC2 calls/);
  });
});
