#!/usr/bin/env node
// `npm run bench [-- --runs N] [-- --every-tick]`: runs the benchmark (scripts/bench-run.mjs, a 300-node, 12-hour
// churn scenario through the built library) N times (default 5), each in a process of its own started as
// `node scripts/bench-run.mjs`: Node's default flags, this process's environment. Prints the run with the median
// whole-process time in full, then every run's figures and the spread. The whole-process time runs from spawning
// the process to its exit, as a user would time it. On a shared machine one run says little: timings swing by up
// to 40 % from minute to minute.
//
// `npm run bench -- --scale [--nodes 300,1000,3000] [--modes eni,ip,pd] [--hours 24] [--timeout 600]` prints the
// scale table of issue #18 instead (see scaleTable below).
import { spawnSync } from 'node:child_process';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';

/** Takes `--name N` out of args: N as a whole number of at least `min`, or `fallback` when absent. */
function option(args, name, min, fallback, what) {
  const at = args.indexOf(name);
  if (at < 0) return fallback;
  const n = Number(args[at + 1]);
  if (!Number.isInteger(n) || n < min) {
    process.stderr.write(`bench: ${name} expects ${what}, ${min} or more (got ${args[at + 1] ?? 'nothing'})\n`);
    process.exit(2);
  }
  args.splice(at, 2);
  return n;
}

// `npm run bench | head` closes the pipe early: that is the reader's choice, not an error.
process.stdout.on('error', (e) => {
  if (e.code === 'EPIPE') process.exit(0);
  throw e;
});

const passOn = process.argv.slice(2);
if (passOn.includes('--scale')) {
  const { scaleTable } = await import('./bench-scale.mjs');
  process.exit(scaleTable(passOn.filter((a) => a !== '--scale')));
}
const runs = option(passOn, '--runs', 1, 5, 'a whole number of runs');
const bench = fileURLToPath(new URL('./bench-run.mjs', import.meta.url));

const ms = (out, re) => Number(out.match(re)?.[1]);
const results = [];
for (let i = 0; i < runs; i++) {
  const start = performance.now();
  const r = spawnSync(process.execPath, [bench, ...passOn], { encoding: 'utf8' });
  const whole = Math.round(performance.now() - start);
  if (r.status !== 0) {
    process.stdout.write(r.stdout ?? '');
    process.stderr.write(r.stderr ?? '');
    process.exit(r.status ?? 1);
  }
  results.push({
    out: r.stdout,
    whole,
    startup: ms(r.stdout, /^start-up +(\d+) ms/m),
    sim: ms(r.stdout, /^simulate \+ report +(\d+) ms/m),
  });
}
const byWhole = [...results].sort((a, b) => a.whole - b.whole);
const median = byWhole[Math.floor((byWhole.length - 1) / 2)];
process.stdout.write(median.out);
process.stdout.write(`whole process      ${median.whole} ms wall (spawn to exit, node with default flags)\n`);
if (runs > 1) {
  process.stdout.write(
    `\n${runs} runs, each a process of its own (the one above has the median whole-process time):\n`,
  );
  process.stdout.write('  run   start-up   simulate      whole\n');
  results.forEach((x, i) => {
    const cells = [x.startup, x.sim, x.whole].map((v) => `${v} ms`.padStart(11)).join('');
    process.stdout.write(`  ${String(i + 1).padStart(3)}${cells}\n`);
  });
  process.stdout.write(
    `whole process      median ${median.whole} ms, min ${byWhole[0].whole} ms, max ${byWhole[byWhole.length - 1].whole} ms\n`,
  );
}
