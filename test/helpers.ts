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

import { runScenario } from '../src/index.js';
import type { SweepRow } from '../src/sweep/types.js';

/**
 * Real sweep rows: WARM_IP_TARGET x MINIMUM_IP_TARGET x seeds over a small bursty scenario, built the way
 * the sweep command builds them (figures taken from each RunReport).
 */
export function sweepRows(warm = [1, 2, 4, 8], minimum = [0, 5, 10], seeds = [1, 2]): SweepRow[] {
  const rows: SweepRow[] = [];
  let point = 0;
  for (const w of warm) {
    for (const m of minimum) {
      const s = scenarioFrom(`
name: sweep-fixture
duration: 20m
ipamd: { WARM_IP_TARGET: ${w}, MINIMUM_IP_TARGET: ${m} }
nodeGroups: [{ name: workers, instanceType: m5.large, count: 3 }]
workload:
  - burst: { at: 30s, pods: 24, lifetime: { uniform: [2m, 6m] } }
  - burst: { at: 9m, pods: 30, lifetime: 4m }
  - poisson: { from: 1m, to: 18m, ratePerMinute: 4, lifetime: { exponential: 3m } }
`);
      for (const seed of seeds) {
        const r = runScenario(s, { seed });
        const l = r.podStartLatencyMs;
        rows.push({
          tool: 'warmpool-sim',
          kind: 'sweep-run',
          key: `w${w}-m${m}-s${seed}`,
          point,
          settings: { WARM_IP_TARGET: w, MINIMUM_IP_TARGET: m },
          seed,
          figures: {
            p50: l.p50,
            p90: l.p90,
            p99: l.p99,
            max: l.max,
            mean: l.mean,
            idleMean: r.ips.idleMean,
            attachedPeak: r.ips.attachedPeak,
            ec2Calls: r.ec2.total,
            failedAddAttempts: r.pods.failedAddAttempts,
            neverStarted: r.pods.neverStarted,
            started: r.pods.started,
          },
        });
      }
      point++;
    }
  }
  return rows;
}

import { mkdtempSync, writeFileSync as writeFile } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../src/cli/main.js';

/** A fresh temporary folder. */
export function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'warmpool-sim-test-'));
}

/** Writes `yaml` as a scenario file in `dir`; returns its path. */
export function scenarioFile(dir: string, yaml: string, name = 'scenario.yaml'): string {
  const p = join(dir, name);
  writeFile(p, yaml);
  return p;
}

/** Runs the CLI in-process; returns the exit code and what it printed. */
export async function cli(argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const code = await main(argv, { stdout: (s) => void (stdout += s), stderr: (s) => void (stderr += s), isTty: false });
  return { code, stdout, stderr };
}
