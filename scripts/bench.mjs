#!/usr/bin/env node
// `npm run bench [-- --runs N] [-- --v8-pool-size N] [-- --every-tick]`: runs the benchmark (dist/bench.cjs) N times
// (default 5), each in a process of its own, and prints the run with the median whole-process time in full, then
// every run's split and the spread. On a shared machine one run says little: timings here swing by up to 40 % from
// minute to minute.
//
// Each run gets NODE_EXTRA_CA_CERTS cleared. Where that variable names a CA bundle (this project's machine sets one
// for its proxy), Node parses every certificate in it when it starts, about 85 ms here, before any benchmark code
// runs; the benchmark makes no network connection. Run `node dist/bench.cjs` directly to measure with it as it is.
//
// Each run also gets Node's --v8-pool-size: V8's helper threads, which compile hot functions and collect garbage in
// the background. Node starts four whatever the machine. The simulation is one thread, so on a machine with few cores
// the helpers compete with it for them: on the 2-core machine, the first 30 simulated minutes (when V8 compiles the
// most) took 35-60 ms longer with four helpers than with one (medians of alternating runs). The default here is one
// helper per core beside the simulation's, at most Node's four; `--v8-pool-size N` sets another count (4: Node's own
// default).
import { spawnSync } from 'node:child_process';
import { availableParallelism } from 'node:os';
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
const cores = availableParallelism();
const runs = option(passOn, '--runs', 1, 5, 'a whole number of runs');
const helpers = option(passOn, '--v8-pool-size', 1, Math.min(4, Math.max(1, cores - 1)), 'a whole number of threads');

const env = { ...process.env };
const cleared = env.NODE_EXTRA_CA_CERTS !== undefined && env.NODE_EXTRA_CA_CERTS !== '';
delete env.NODE_EXTRA_CA_CERTS;
const bench = fileURLToPath(new URL('../dist/bench.cjs', import.meta.url));

const ms = (out, re) => Number(out.match(re)?.[1]);
const results = [];
let warmUp = false;
for (let i = 0; i < runs; i++) {
  const r = spawnSync(process.execPath, [`--v8-pool-size=${helpers}`, bench, ...passOn], { encoding: 'utf8', env });
  if (r.status !== 0) {
    process.stdout.write(r.stdout ?? '');
    process.stderr.write(r.stderr ?? '');
    process.exit(r.status ?? 1);
  }
  // The first run of a new build writes the code cache and starts slower: it does not count (unless it is all).
  if (i === 0 && runs > 1 && !warmUp && /^code cache +none yet/m.test(r.stdout)) {
    warmUp = true;
    i--;
    continue;
  }
  results.push({
    out: r.stdout,
    whole: ms(r.stdout, /^whole process +(\d+) ms/m),
    startup: ms(r.stdout, /^start-up +(\d+) ms/m),
    first: ms(r.stdout, /first 30 simulated minutes (\d+) ms/),
    rest: ms(r.stdout, /the rest and the report (\d+) ms/),
  });
}
const byWhole = [...results].sort((a, b) => a.whole - b.whole);
const median = byWhole[Math.floor((byWhole.length - 1) / 2)];
process.stdout.write(median.out);
process.stdout.write(
  `V8 helper threads  ${helpers} (node --v8-pool-size=${helpers}; ${cores} cores here; Node's default is 4: see scripts/bench.mjs)\n`,
);
if (cleared)
  process.stdout.write(
    'environment        NODE_EXTRA_CA_CERTS cleared for the benchmark processes (see scripts/bench.mjs)\n',
  );
if (runs > 1) {
  const first = warmUp ? ', after one that wrote the code cache' : '';
  process.stdout.write(
    `\n${runs} runs, each a process of its own${first} (the one above has the median whole-process time):\n`,
  );
  process.stdout.write('  run   start-up   first 30 min       rest      whole\n');
  results.forEach((x, i) => {
    const cells = [x.startup, x.first, x.rest, x.whole].map((v) => `${v} ms`.padStart(11)).join('');
    process.stdout.write(`  ${String(i + 1).padStart(3)}${cells}\n`);
  });
  const under = results.filter((x) => x.whole < 1000).length;
  process.stdout.write(
    `whole process      median ${median.whole} ms, min ${byWhole[0].whole} ms, max ${byWhole[byWhole.length - 1].whole} ms; ${under} of ${runs} under 1000 ms\n`,
  );
}
