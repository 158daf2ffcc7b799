/**
 * model.ec2 tunes the controller's own APIs (AssociateTrunkInterface, DisassociateTrunkInterface) like ipamd's:
 * latency, account bucket and other tenants' rate, validated with located messages.
 */
import { describe, expect, it } from 'vitest';
import { parseScenarioText, validateScenario } from '../../src/workload/load.js';
import { runScenario } from '../../src/index.js';
import { scenarioFrom } from '../helpers.js';

const sgp = (model: string): string => `
name: sgp-latency
seed: 5
duration: 8m
ipamd: { ENABLE_POD_ENI: true }
nodeGroups: [{ name: w, instanceType: m5.large, count: 1 }]
${model}
workload:
  - burst: { at: 1m, pods: 6, lifetime: { constant: 2m }, securityGroupPolicy: true }
`;

describe('model.ec2 for the controller APIs', () => {
  it('a latency for AssociateTrunkInterface delays every branch-ENI pod by about that much', () => {
    const fast = runScenario(scenarioFrom(sgp('')), { seed: 5 });
    const slow = runScenario(
      scenarioFrom(sgp('model: { ec2: { latency: { AssociateTrunkInterface: { constant: 30s } } } }')),
      { seed: 5 },
    );
    const p50 = (r: typeof fast): number => r.vpcResourceController?.branchPods.startLatencyMs.p50 ?? NaN;
    expect(p50(slow) - p50(fast)).toBeGreaterThan(25_000);
    expect(slow.settings.model['ec2.latency.AssociateTrunkInterface']).toMatch(/30\.0s/);
    // The run without the controller does not list the controller's APIs.
    const plain = runScenario(
      scenarioFrom(`
name: plain
duration: 2m
nodeGroups: [{ name: w, instanceType: m5.large, count: 1 }]
workload:
  - burst: { at: 10s, pods: 2 }
`),
      { seed: 1 },
    );
    expect(Object.keys(plain.settings.model).some((k) => k.includes('Trunk'))).toBe(false);
  });

  it('accepts a bucket and a background rate for them, and refuses a misspelt API with its path', () => {
    const ok = validateScenario(
      parseScenarioText(
        sgp(`model:
  ec2:
    throttle: { DisassociateTrunkInterface: { capacity: 5, refillPerSecond: 1 } }
    background: { AssociateTrunkInterface: 2 }`),
        'x.yaml',
      ),
      process.cwd(),
    );
    expect(ok.problems.filter((p) => p.severity === 'error')).toEqual([]);
    expect(ok.scenario?.model.ec2.throttle?.DisassociateTrunkInterface).toEqual({ capacity: 5, refillPerSecond: 1 });
    expect(ok.scenario?.model.ec2.background.AssociateTrunkInterface).toBe(2);
    const bad = validateScenario(
      parseScenarioText(sgp('model: { ec2: { latency: { AssociateTrunkInterfaces: { constant: 1s } } } }'), 'x.yaml'),
      process.cwd(),
    );
    const err = bad.problems.find((p) => p.severity === 'error');
    expect(err?.path).toMatch(/model\.ec2\.latency/);
    expect(err?.message).toMatch(/AssociateTrunkInterface/);
  });
});
