import { describe, expect, it } from 'vitest';
import { nodeCounts } from '../../src/run/report.js';
import type { NodeReport } from '../../src/report/types.js';

function node(joinedAt: number | null, drainedAt: number | null, launched = true): NodeReport {
  return {
    name: 'n',
    group: 'g',
    instanceType: 'm5.large',
    maxPods: 29,
    subnet: 's',
    launched,
    podsRunning: 0,
    podsWaiting: 0,
    joinedAt,
    readyAt: null,
    firstPodAddressAt: null,
    poolAtTargetAt: null,
    drainedAt,
    awsNodeRestarts: 0,
    notReadyMs: null,
    enis: [],
  };
}

describe('nodeCounts', () => {
  it('counts nodes that ran, at the end and at the peak, beside the configured count', () => {
    // A group scaled from 0 to 3 and back to 1; one more never launched, one was still booting at the end.
    const nodes = [node(60, 600), node(70, 600), node(80, null), node(90, null, false), node(null, null, false)];
    expect(nodeCounts(nodes, 0)).toEqual({ configured: 0, end: 1, peak: 3 });
  });

  it('does not count a node replaced at the same millisecond twice', () => {
    expect(nodeCounts([node(0, 100), node(100, null)], 1)).toEqual({ configured: 1, end: 1, peak: 1 });
  });
});
