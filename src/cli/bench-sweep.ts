/**
 * Benchmark: wall time of a 200-run sweep (10 settings combinations x 20 seeds) with 1 worker and with one worker
 * per core (each repeated, alternating), and a check that both give the same summary.
 * `npm run bench:sweep [-- scenario.yaml] [--repeat 3]`.
 */
import { loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import { Worker } from 'node:worker_threads';
import { main } from './main.js';
import { defaultWorkers } from './pool.js';
import type { Io } from './io.js';

/** The benchmark grid: 5 x 2 combinations x 20 seeds = 200 runs. */
const GRID = ['--set', 'WARM_IP_TARGET=0,1,2,5,10', '--set', 'MINIMUM_IP_TARGET=0,10', '--seeds', '20'];

/** Runs the sweep once with `workers` threads; returns wall time in ms and the JSON summary. */
async function timed(scenario: string, workers: number): Promise<{ ms: number; summary: string }> {
  let summary = '';
  let errors = '';
  const io: Io = { stdout: (s) => void (summary += s), stderr: (s) => void (errors += s), isTty: false };
  const start = performance.now();
  const code = await main(['sweep', scenario, ...GRID, '--workers', String(workers), '--format', 'json'], io);
  const ms = performance.now() - start;
  if (code !== 0) throw new Error(`sweep failed (exit ${code}):\n${errors}`);
  return { ms, summary };
}

/** Busy-loop iterations `threads` threads complete in `ms` milliseconds together (how much CPU is really free). */
async function spin(threads: number, ms: number): Promise<number> {
  const code = `const { parentPort, workerData } = require('node:worker_threads'); let n = 0; const end = Date.now() + workerData; while (Date.now() < end) n++; parentPort.postMessage(n);`;
  const one = (): Promise<number> =>
    new Promise((done, fail) => {
      const w = new Worker(code, { eval: true, workerData: ms });
      w.once('message', (n: number) => void w.terminate().then(() => done(n)));
      w.once('error', fail);
    });
  const counts = await Promise.all(Array.from({ length: threads }, one));
  return counts.reduce((a, b) => a + b, 0);
}

/** Median of a non-empty list. */
function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

const secs = (ms: number): string => `${(ms / 1000).toFixed(2)} s`;

/** Runs the benchmark (alternating 1 worker and all cores, `--repeat` times each) and prints both wall times. */
async function bench(): Promise<void> {
  const args = process.argv.slice(2);
  const at = args.indexOf('--repeat');
  const repeat = at >= 0 ? Math.max(1, Number(args.splice(at, 2)[1]) || 1) : 3;
  const here = dirname(fileURLToPath(import.meta.url));
  const scenario = args[0] ?? join(here, '..', '..', 'scenarios', 'default.yaml');
  const cores = defaultWorkers();
  process.stdout.write(
    `sweep benchmark: ${scenario}, 200 runs (10 settings combinations x 20 seeds), ${cores} cores, ${repeat} repeats\n`,
  );
  process.stdout.write(
    `  load average before: ${loadavg()
      .map((x) => x.toFixed(2))
      .join(' ')}\n`,
  );
  const capacity = (await spin(cores, 1000)) / (await spin(1, 1000));
  process.stdout.write(
    `  CPU free for parallel work: ${cores} busy threads did x${capacity.toFixed(2)} the work of 1 (x${cores} on an idle machine)\n`,
  );
  const times: Record<'one' | 'all', number[]> = { one: [], all: [] };
  const summaries = new Set<string>();
  for (let k = 0; k < repeat; k++) {
    for (const [which, workers] of [
      ['one', 1],
      ['all', cores],
    ] as const) {
      const r = await timed(scenario, workers);
      times[which].push(r.ms);
      summaries.add(r.summary);
    }
  }
  const line = (label: string, ms: number[]): string =>
    `  ${label}: median ${secs(median(ms))}, best ${secs(Math.min(...ms))} wall (${ms.map(secs).join(', ')})\n`;
  process.stdout.write(line('1 worker ', times.one));
  process.stdout.write(line(`${cores} workers`, times.all));
  process.stdout.write(`  speed-up (medians): x${(median(times.one) / median(times.all)).toFixed(2)}\n`);
  process.stdout.write(
    `  load average after: ${loadavg()
      .map((x) => x.toFixed(2))
      .join(' ')}\n`,
  );
  process.stdout.write(`  same summary with 1 and ${cores} workers: ${summaries.size === 1 ? 'yes' : 'NO'}\n`);
  if (summaries.size !== 1) process.exitCode = 1;
}

bench().catch((e: unknown) => {
  process.stderr.write(`bench-sweep: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exitCode = 1;
});
