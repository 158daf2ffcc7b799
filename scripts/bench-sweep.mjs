#!/usr/bin/env node
// `npm run bench:sweep [-- scenario.yaml] [--repeat 3]`: wall time of a 200-run sweep (10 settings combinations x
// 20 seeds) with 1 worker and with one worker per core, each repeated, alternating, and a check that both give the
// same summary. Each sweep is a process of its own, `node dist/warmpool-sim.mjs sweep ...` with Node's default flags
// in this process's environment, timed from spawn to exit; the figure is the median of the repeats.
//
// `npm run bench:sweep -- --nodes 300 [--hours 6]`: instead, a 100-run sweep (WARM_ENI_TARGET=1,2 x 50 seeds) of a
// generated scenario of that many m5.large nodes (WARM_ENI_TARGET=1, 1.5 pod arrivals a minute per node, 10-minute
// exponential lifetimes, 6 simulated hours unless told), the case where each run is large enough to keep a worker
// busy for a while.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';

/** The benchmark grid: 5 x 2 combinations x 20 seeds = 200 runs. */
const GRID = ['--set', 'WARM_IP_TARGET=0,1,2,5,10', '--set', 'MINIMUM_IP_TARGET=0,10', '--seeds', '20'];
/** The grid of the generated large scenario: 2 combinations x 50 seeds = 100 runs. */
const LARGE_GRID = ['--set', 'WARM_ENI_TARGET=1,2', '--seeds', '50'];

/** A generated scenario of `nodes` m5.large nodes over `hours` hours. */
function largeScenario(nodes, hours) {
  return [
    `name: sweep-bench-${nodes}`,
    'seed: 1',
    `duration: ${hours}h`,
    'nodeGroups:',
    `  - { name: workers, instanceType: m5.large, count: ${nodes} }`,
    'ipamd: { WARM_ENI_TARGET: 1 }',
    'workload:',
    `  - poisson: { from: 0s, to: ${hours}h, ratePerMinute: ${nodes * 1.5}, lifetime: { exponential: 10m } }`,
    '',
  ].join('\n');
}
const cli = fileURLToPath(new URL('../dist/warmpool-sim.mjs', import.meta.url));

/** Runs the sweep once, in a process of its own, with `workers` threads; resolves to wall ms and the JSON summary. */
function timed(scenario, workers, grid) {
  return new Promise((done, fail) => {
    const start = performance.now();
    const child = spawn(
      process.execPath,
      [cli, 'sweep', scenario, ...grid, '--workers', String(workers), '--format', 'json'],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let summary = '';
    let errors = '';
    child.stdout.on('data', (b) => (summary += b));
    child.stderr.on('data', (b) => (errors += b));
    child.on('error', fail);
    child.on('close', (code) => {
      const ms = performance.now() - start;
      if (code !== 0) fail(new Error(`sweep failed (exit ${code}):\n${errors}`));
      else done({ ms, summary });
    });
  });
}

/** Busy-loop iterations `threads` threads complete in `ms` milliseconds together (how much CPU is really free). */
async function spin(threads, ms) {
  const code = `const { parentPort, workerData } = require('node:worker_threads'); let n = 0; const end = Date.now() + workerData; while (Date.now() < end) n++; parentPort.postMessage(n);`;
  const one = () =>
    new Promise((done, fail) => {
      const w = new Worker(code, { eval: true, workerData: ms });
      w.once('message', (n) => void w.terminate().then(() => done(n)));
      w.once('error', fail);
    });
  const counts = await Promise.all(Array.from({ length: threads }, one));
  return counts.reduce((a, b) => a + b, 0);
}

/** Median of a non-empty list. */
function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

const secs = (ms) => `${(ms / 1000).toFixed(2)} s`;
const load = () =>
  loadavg()
    .map((x) => x.toFixed(2))
    .join(' ');

async function bench() {
  const args = process.argv.slice(2);
  const at = args.indexOf('--repeat');
  const repeat = at >= 0 ? Math.max(1, Number(args.splice(at, 2)[1]) || 1) : 3;
  const atNodes = args.indexOf('--nodes');
  const nodes = atNodes >= 0 ? Number(args.splice(atNodes, 2)[1]) : undefined;
  const atHours = args.indexOf('--hours');
  const hours = atHours >= 0 ? Number(args.splice(atHours, 2)[1]) : 6;
  let scenario = args[0] ?? fileURLToPath(new URL('../scenarios/default.yaml', import.meta.url));
  let grid = GRID;
  let what = '200 runs (10 settings combinations x 20 seeds)';
  let dir;
  if (nodes !== undefined) {
    if (!(Number.isInteger(nodes) && nodes > 0 && hours > 0)) throw new Error('--nodes and --hours must be positive');
    dir = mkdtempSync(join(tmpdir(), 'bench-sweep-'));
    scenario = join(dir, `sweep-bench-${nodes}.yaml`);
    writeFileSync(scenario, largeScenario(nodes, hours));
    grid = LARGE_GRID;
    what = `100 runs (2 settings combinations x 50 seeds) of ${nodes} m5.large nodes, ${hours}h, ${nodes * 1.5} pods/min`;
  }
  const cores = availableParallelism();
  process.stdout.write(`sweep benchmark: ${scenario}, ${what}, ${cores} cores, ${repeat} repeats\n`);
  process.stdout.write(`  load average before: ${load()}\n`);
  const capacity = (await spin(cores, 1000)) / (await spin(1, 1000));
  process.stdout.write(
    `  CPU free for parallel work: ${cores} busy threads did x${capacity.toFixed(2)} the work of 1 (x${cores} on an idle machine)\n`,
  );
  const times = { one: [], all: [] };
  const summaries = new Set();
  for (let k = 0; k < repeat; k++) {
    for (const [which, workers] of [
      ['one', 1],
      ['all', cores],
    ]) {
      const r = await timed(scenario, workers, grid);
      times[which].push(r.ms);
      summaries.add(r.summary);
    }
  }
  const line = (label, ms) =>
    `  ${label}: median ${secs(median(ms))}, best ${secs(Math.min(...ms))} whole process (${ms.map(secs).join(', ')})\n`;
  process.stdout.write(line('1 worker ', times.one));
  process.stdout.write(line(`${cores} workers`, times.all));
  process.stdout.write(`  speed-up (medians): x${(median(times.one) / median(times.all)).toFixed(2)}\n`);
  process.stdout.write(`  load average after: ${load()}\n`);
  process.stdout.write(`  same summary with 1 and ${cores} workers: ${summaries.size === 1 ? 'yes' : 'NO'}\n`);
  if (summaries.size !== 1) process.exitCode = 1;
  if (dir) rmSync(dir, { recursive: true, force: true });
}

bench().catch((e) => {
  process.stderr.write(`bench-sweep: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exitCode = 1;
});
