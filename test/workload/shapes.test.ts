/** Workload shapes and autoscaler settings: curves, cron schedules, rounding, and located errors for bad values. */
import { describe, expect, it } from 'vitest';
import { parseScenarioText, validateScenario } from '../../src/workload/load.js';
import { formatProblem } from '../../src/workload/problems.js';
import { parseCron, rateAt, scaledValue } from '../../src/workload/shapes.js';
import { scenarioFrom } from '../helpers.js';

function problems(yaml: string): string[] {
  return validateScenario(parseScenarioText(yaml, 'bad.yaml'), process.cwd()).problems.map(formatProblem);
}

const H = 3_600_000;

describe('rate curves', () => {
  it('points: linear between points, wrapping from the last point of the day to the first', () => {
    const curve = {
      kind: 'points' as const,
      points: [
        [6 * H, 0],
        [12 * H, 60],
        [18 * H, 0],
      ] as [number, number][],
    };
    expect(rateAt(curve, 9 * H)).toBeCloseTo(30);
    expect(rateAt(curve, 12 * H)).toBeCloseTo(60);
    expect(rateAt(curve, 15 * H)).toBeCloseTo(30);
    expect(rateAt(curve, 0)).toBeCloseTo(0);
    expect(rateAt(curve, 24 * H + 9 * H)).toBeCloseTo(30);
  });

  it('sinusoid: highest at peakAt, lowest half a period later, clipped at 0', () => {
    const curve = { kind: 'sinusoid' as const, mean: 5, amplitude: 8, peakMs: 14 * H, periodMs: 24 * H };
    expect(rateAt(curve, 14 * H)).toBeCloseTo(13);
    expect(rateAt(curve, 2 * H)).toBe(0);
    expect(rateAt(curve, 8 * H)).toBeCloseTo(5);
  });

  it('a scenario with a curve resolves it and arrives at its highest rate before thinning', () => {
    const sc = scenarioFrom(`
duration: 1h
nodeGroups: [{ name: w, instanceType: m5.large, count: 1 }]
workload:
  - poisson: { from: 0s, to: 1h, rateCurve: { points: [[0s, 2], [12h, 8]] } }
`);
    const item = sc.workload[0];
    expect(item.kind === 'poisson' && item.ratePerMinute).toBe(8);
    expect(item.kind === 'poisson' && item.curve?.kind).toBe('points');
  });
});

describe('cron schedules', () => {
  it('reads minute and hour lists, ranges and steps', () => {
    expect(parseCron('*/15 * * * *')).toHaveLength(96);
    expect(parseCron('30 7,19 * * *')).toEqual([450, 1170]);
    expect(parseCron('0 9-17/4 * * *')).toEqual([540, 780, 1020]);
  });
  it('says what is wrong with a schedule it cannot model', () => {
    expect(parseCron('*/5 * * *')).toMatch(/expected 5 fields/);
    expect(parseCron('0 0 1 * *')).toMatch(/only daily schedules/);
    expect(parseCron('61 * * * *')).toMatch(/minute field: "61" is outside 0-59/);
    expect(parseCron('x * * * *')).toMatch(/minute field/);
  });
});

describe('maxSurge and maxUnavailable', () => {
  it('round percentages up for surge and down for unavailable, as Kubernetes does', () => {
    expect(scaledValue('25%', 10, true)).toBe(3);
    expect(scaledValue('25%', 10, false)).toBe(2);
    expect(scaledValue(4, 10, false)).toBe(4);
  });
});

describe('located errors for bad values', () => {
  it('workload shapes', () => {
    const out = problems(`duration: 1h
nodeGroups: [{ name: w, instanceType: m5.large, count: 1 }]
workload:
  - poisson: { from: 0s, to: 1h, ratePerMinute: 3, rateCurve: { sinusoid: { mean: 1, amplitude: 1, peakAt: 1h } } }
  - poisson: { from: 0s, to: 1h, rateCurve: { points: [[2h, 1], [1h, 2]] } }
  - deployment: { name: web, replicas: 3, maxSurge: 0, maxUnavailable: "0%" }
  - deployment: { name: api, replicas: 3, maxSurge: lots }
  - cronJob: { name: nightly, schedule: "0 0 * * 1", runTime: 1m }
  - cronJob: { name: web, schedule: "0 * * * *", runTime: 1m }
`);
    expect(out).toEqual([
      'bad.yaml:4:14: error: workload[0].poisson: give exactly one of "ratePerMinute" or "rateCurve"',
      'bad.yaml:5:66: error: workload[1].poisson.rateCurve.points[1][0]: must be after the previous point (2h)',
      'bad.yaml:6:72: error: workload[2].deployment.maxUnavailable: maxSurge and maxUnavailable cannot both be 0 (a rollout could never progress)',
      'bad.yaml:7:53: error: workload[3].deployment.maxSurge: a count or a percentage such as "25%"',
      'bad.yaml:8:41: error: workload[4].cronJob.schedule: only daily schedules are modelled: day-of-month, month and day-of-week must be "*" (got "0 0 * * 1")',
      'bad.yaml:9:22: error: workload[5].cronJob.name: "web" is already the name of workload[2]',
    ]);
  });

  it('autoscalers (a schema error in one field does not hide the range checks)', () => {
    const out = problems(`duration: 1h
nodeGroups:
  - name: a
    instanceType: m5.large
    count: 9
    autoscaler: { clusterAutoscaler: { minNodes: 6, maxNodes: 4, scaleDownUtilizationThreshold: 1.5 } }
  - name: b
    instanceType: m5.large
    count: 1
    autoscaler: { karpenter: { maxNodes: 3, batchIdleDuration: 20s } }
  - name: c
    instanceType: m5.large
    count: 1
    autoscaler: { clusterAutoscaler: { maxNodes: 3 }, karpenter: { maxNodes: 3 } }
`);
    expect(out).toEqual([
      'bad.yaml:5:12: error: nodeGroups[0].count: 9 is outside minNodes-maxNodes (6-4)',
      'bad.yaml:6:50: error: nodeGroups[0].autoscaler.clusterAutoscaler.minNodes: 6 is above maxNodes (4)',
      'bad.yaml:6:97: error: nodeGroups[0].autoscaler.clusterAutoscaler.scaleDownUtilizationThreshold: must be at most 1, got number 1.5',
      'bad.yaml:10:64: error: nodeGroups[1].autoscaler.karpenter.batchIdleDuration: is above batchMaxDuration (10s)',
      'bad.yaml:14:17: error: nodeGroups[2].autoscaler: only one of "clusterAutoscaler", "karpenter" may be given (an autoscaler)',
    ]);
  });
});
