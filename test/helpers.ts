/** Shared test helpers: scenarios from YAML text. */
import { parseScenarioText, validateScenario } from '../src/workload/load.js';
import type { Scenario } from '../src/workload/scenario.js';

/** Resolves a scenario from YAML text; throws with the problems when it is invalid. */
export function scenarioFrom(yaml: string): Scenario {
  const { scenario, problems } = validateScenario(parseScenarioText(yaml, 'test.yaml'), process.cwd());
  if (!scenario) throw new Error(problems.map((p) => `${p.line}:${p.col} ${p.message}`).join('\n'));
  return scenario;
}

/** A small cluster with churn in WARM_IP_TARGET mode: decreases, cooldowns and kubelet retries all happen. */
export const CHURN_IP_TARGET = `
name: churn-ip-target
seed: 5
duration: 40m
ipamd: { WARM_IP_TARGET: 2, MINIMUM_IP_TARGET: 3, IP_COOLDOWN_PERIOD: 30 }
nodeGroups:
  - { name: small, instanceType: t3.medium, count: 2 }
  - { name: big, instanceType: m5.large, count: 2, ipamd: { WARM_IP_TARGET: 1 } }
workload:
  - burst: { at: 10s, pods: 30, lifetime: { exponential: 4m } }
  - burst: { at: 12m, pods: 25, lifetime: { uniform: [30s, 3m] } }
  - poisson: { from: 1m, to: 35m, ratePerMinute: 6, lifetime: { exponential: 2m } }
`;

/** The default-style scenario: WARM_ENI_TARGET mode. */
export const ENI_TARGET = `
name: eni-target
seed: 42
duration: 30m
nodeGroups:
  - { name: workers, instanceType: m5.large, count: 3 }
ipamd: { WARM_ENI_TARGET: 1 }
workload:
  - burst: { at: 0s, pods: 20, name: web }
  - burst: { at: 5m, pods: 40, lifetime: 2m, name: job }
  - poisson: { from: 1m, to: 20m, ratePerMinute: 3, lifetime: { exponential: 5m }, name: churn }
`;
