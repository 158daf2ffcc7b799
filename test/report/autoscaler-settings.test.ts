/** The text report's settings line names a node group's autoscaler, as the JSON report does. */
import { describe, expect, it } from 'vitest';
import { autoscalerText, renderText } from '../../src/report/text.js';
import { runScenario } from '../../src/index.js';
import { scenarioFrom } from '../helpers.js';

describe('settings line and autoscaler', () => {
  it('names the autoscaler and its bounds, and nothing without one', () => {
    expect(
      autoscalerText({
        autoscaler: {
          kind: 'cluster-autoscaler',
          minNodes: 1,
          maxNodes: 9,
          scanIntervalMs: 10_000,
          scaleDownUtilizationThreshold: 0.5,
          scaleDownUnneededTimeMs: 600_000,
          scaleDownDelayAfterAddMs: 600_000,
        },
      }),
    ).toBe('; cluster-autoscaler (min 1, max 9)');
    expect(
      autoscalerText({
        autoscaler: {
          kind: 'karpenter',
          maxNodes: 4,
          batchIdleDurationMs: 1000,
          batchMaxDurationMs: 10_000,
          consolidationPolicy: 'WhenEmpty',
          consolidateAfterMs: 30_000,
        },
      }),
    ).toBe('; karpenter (max 4, WhenEmpty after 30.0s)');
    expect(autoscalerText({})).toBe('');
  });
  it('appears on the group line of a run with a Karpenter group', () => {
    const s = scenarioFrom(`
name: k
duration: 3m
nodeGroups:
  - { name: pool, instanceType: m5.large, count: 1, autoscaler: { karpenter: { maxNodes: 3 } } }
workload:
  - burst: { at: 10s, pods: 5 }
`);
    expect(renderText(runScenario(s, { seed: 1 }))).toMatch(/^ {2}pool: .*; karpenter \(max 3, /m);
  });
});
