#!/usr/bin/env node
// One run of `npm run bench` (scripts/bench.mjs starts this file once per run, each a process of its own, with
// Node's default flags). A 300-node, 12-hour churn scenario (m5.large, WARM_ENI_TARGET=1, 450 pod arrivals a minute,
// 10-minute mean lifetime: about 650,000 pod events) through the built library (dist/index.js), as a program using
// warmpool-sim would run it. Prints what it simulated, the time to simulate and report, the time before that (Node's
// start, loading the library, parsing the scenario) and peak memory. The whole-process time is measured by the
// parent, from spawning this process to its exit.
//
// `--every-tick` runs ipamd's loop every 5 s instead of lazily (same report, more passes).
// `--scale NODES MODE HOURS` runs one cell of `npm run bench -- --scale` instead (scripts/bench-scale-scenario.mjs)
// and prints one line of JSON: simulated and pod events, the time to simulate and report, and peak memory.
import { performance } from 'node:perf_hooks';
import { Cluster, buildReport, parseScenarioText, validateScenario } from '../dist/index.js';
import { scaleScenario } from './bench-scale-scenario.mjs';

const scaleAt = process.argv.indexOf('--scale');
if (scaleAt >= 0) {
  const [nodes, mode, hours] = process.argv.slice(scaleAt + 1, scaleAt + 4);
  scaleRun(Number(nodes), mode, Number(hours));
  process.exit(0);
}

/** One cell of the scale table: prints what it simulated, its time and its peak memory as JSON. */
function scaleRun(nodes, mode, hours) {
  const text = scaleScenario(nodes, mode, hours);
  const { scenario, problems } = validateScenario(parseScenarioText(text, 'bench-scale.yaml'), process.cwd());
  if (!scenario) throw new Error(problems.map((p) => p.message).join('; '));
  const t0 = performance.now();
  const cluster = new Cluster(scenario);
  cluster.run();
  const report = buildReport(cluster);
  const simMs = performance.now() - t0;
  const out = {
    nodes,
    mode,
    hours,
    simMs: Math.round(simMs),
    // CPU time of the whole process (user + system): less swayed by other processes than wall time.
    cpuMs: Math.round((process.cpuUsage().user + process.cpuUsage().system) / 1000),
    podEvents: report.pods.requested + report.pods.deleted,
    simEvents: cluster.sim.eventsProcessed,
    ec2Calls: report.ec2.total,
    throttled: Object.values(report.ec2.throttled).reduce((a, b) => a + b, 0),
    rssMb: Math.round(process.resourceUsage().maxRSS / 1024),
  };
  process.stdout.write(JSON.stringify(out) + '\n');
}

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

/** 1234567 as "1,234,567". */
const grouped = (n) => String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ',');

const loopMode = process.argv.includes('--every-tick') ? 'every-tick' : 'lazy';
const { scenario, problems } = validateScenario(parseScenarioText(SCENARIO, 'bench-churn-300.yaml'), process.cwd());
if (!scenario) throw new Error(problems.map((p) => p.message).join('; '));
const startupMs = process.uptime() * 1000;
const t0 = performance.now();
const cluster = new Cluster(scenario, { loopMode });
cluster.run();
const report = buildReport(cluster);
const simMs = performance.now() - t0;
const rss = process.resourceUsage().maxRSS / 1024;
const podEvents = report.pods.requested + report.pods.deleted;
const simEvents = cluster.sim.eventsProcessed;
const everyTickPasses = Math.round((scenario.durationMs / 5000) * 300);
const lines = [
  `scenario           ${scenario.name} (300 x m5.large, 12h, 450 pods/min, mean lifetime 10m, loop ${loopMode})`,
  `pod events         ${grouped(podEvents)} (requested ${report.pods.requested}, deleted ${report.pods.deleted})`,
  `simulation events  ${grouped(simEvents)} (ipamd passes run ${grouped(report.ipamd.passes)}; every-tick would be ${grouped(everyTickPasses)})`,
  `start-up           ${startupMs.toFixed(0)} ms (Node's start, loading dist/index.js, parsing the scenario)`,
  `simulate + report  ${simMs.toFixed(0)} ms (${(((simEvents / simMs) * 1000) / 1e6).toFixed(2)} M events/s)`,
  `peak memory        ${rss.toFixed(0)} MB max RSS`,
  `report             latency p99 ${report.podStartLatencyMs.p99} ms; idle mean ${report.ips.idleMean}; EC2 calls ${report.ec2.total}`,
];
process.stdout.write(lines.join('\n') + '\n');
