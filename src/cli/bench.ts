/**
 * `npm run bench`: the speed benchmark. A 300-node, 12-hour churn scenario (m5.large,
 * WARM_ENI_TARGET=1, 450 pod arrivals a minute, 10-minute mean lifetime: about 650,000 pod events). Prints wall
 * time of the whole process, simulated events per second and peak memory (max RSS).
 */
import { parseScenarioText, validateScenario } from '../workload/load.js';
import { Cluster } from '../run/cluster.js';
import { buildReport } from '../run/report.js';
import { formatDuration } from '../util/duration.js';
import { Priority } from '../engine/sim.js';

const SCENARIO = `
name: bench-churn-300
seed: 1
duration: 12h
nodeGroups:
  - { name: workers, instanceType: m5.large, count: 300 }
ipamd: { WARM_ENI_TARGET: 1 }
workload:
  - poisson: { from: 0s, to: 12h, ratePerMinute: 450, lifetime: { exponential: 10m } }
`;

/** 1234567 as "1,234,567" (toLocaleString would load ICU's locale data: a few ms of start-up). */
const grouped = (n: number): string => String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ',');

/**
 * Runs the benchmark and prints its figures. `nodeStartMs`: when the launcher's first line ran (process.uptime, ms),
 * to tell Node's own start from ours.
 */
export function main(nodeStartMs: number): void {
  const loopMode = process.argv.includes('--every-tick') ? 'every-tick' : 'lazy';
  const doc = parseScenarioText(SCENARIO, 'bench-churn-300.yaml');
  const { scenario, problems } = validateScenario(doc, process.cwd());
  if (!scenario) throw new Error(problems.map((p) => p.message).join('; '));
  const t0 = performance.now();
  const startupMs = process.uptime() * 1000;
  const cluster = new Cluster(scenario, { loopMode });
  // Timed in two parts: the boot storm and JIT warm-up of the first 30 simulated minutes, then the steady state.
  // The split is read by one event at 30 minutes rather than by two calls of run(), so that the event loop runs
  // once from start to end, as in `warmpool-sim run` (leaving and re-entering it costs V8 a recompilation).
  let t1 = 0;
  cluster.sim.at(30 * 60_000, Priority.loop, () => (t1 = performance.now()), undefined);
  cluster.run();
  const report = buildReport(cluster);
  const t2 = performance.now();
  const simMs = t2 - t0;
  const wall = process.uptime() * 1000;
  const rss = process.resourceUsage().maxRSS / 1024;
  const podEvents = report.pods.requested + report.pods.deleted;
  const simEvents = cluster.sim.eventsProcessed - 1; // less the timing probe
  const loopPassesIfEveryTick = Math.round((scenario.durationMs / 5000) * 300);
  const lines = [
    `scenario           ${scenario.name} (300 x m5.large, 12h, 450 pods/min, mean lifetime 10m, loop ${loopMode})`,
    `pod events         ${grouped(podEvents)} (requested ${report.pods.requested}, deleted ${report.pods.deleted})`,
    `simulation events  ${grouped(simEvents)} (ipamd passes run ${grouped(report.ipamd.passes)}; every-tick would be ${grouped(loopPassesIfEveryTick)})`,
    `simulate + report  ${simMs.toFixed(0)} ms  (${(((simEvents / simMs) * 1000) / 1e6).toFixed(2)} M events/s, ${(((podEvents / simMs) * 1000) / 1e6).toFixed(2)} M pod events/s)`,
    `  of which        first 30 simulated minutes ${(t1 - t0).toFixed(0)} ms (300 nodes booting, code not yet optimised), the rest and the report ${(t2 - t1).toFixed(0)} ms`,
    `start-up          ${startupMs.toFixed(0)} ms: Node's own start ${nodeStartMs.toFixed(0)} ms, then loading the bundle, parsing and validating the scenario ${(startupMs - nodeStartMs).toFixed(0)} ms`,
    `whole process      ${wall.toFixed(0)} ms wall (target < 1000 ms)`,
    `peak memory        ${rss.toFixed(0)} MB max RSS (target < 500 MB)`,
    `latency p99        ${formatDuration(report.podStartLatencyMs.p99)}; idle mean ${report.ips.idleMean}; EC2 calls ${report.ec2.total}`,
  ];
  process.stdout.write(lines.join('\n') + '\n');
}
