#!/usr/bin/env node
// `npm run bench [-- --runs N] [-- --every-tick]`: runs the benchmark (dist/bench.cjs) N times (default 5), each in a
// process of its own, and prints the run with the median whole-process time in full, then every run's split and the
// spread. On a shared machine one run says little: timings here swing by up to 40 % from minute to minute.
//
// Each run gets NODE_EXTRA_CA_CERTS cleared. Where that variable names a CA bundle (this project's machine sets one
// for its proxy), Node parses every certificate in it when it starts, about 85 ms here, before any benchmark code
// runs; the benchmark makes no network connection. Run `node dist/bench.cjs` directly to measure with it as it is.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const args = process.argv.slice(2);
const at = args.indexOf('--runs');
const runs = at >= 0 ? Number(args[at + 1]) : 5;
if (!Number.isInteger(runs) || runs < 1) {
  process.stderr.write(`bench: --runs expects a whole number of runs, 1 or more (got ${args[at + 1] ?? 'nothing'})\n`);
  process.exit(2);
}
const passOn = args.filter((_, i) => at < 0 || (i !== at && i !== at + 1));

const env = { ...process.env };
const cleared = env.NODE_EXTRA_CA_CERTS !== undefined && env.NODE_EXTRA_CA_CERTS !== '';
delete env.NODE_EXTRA_CA_CERTS;
const bench = fileURLToPath(new URL('../dist/bench.cjs', import.meta.url));

const ms = (out, re) => Number(out.match(re)?.[1]);
const results = [];
let warmUp = false;
for (let i = 0; i < runs; i++) {
  const r = spawnSync(process.execPath, [bench, ...passOn], { encoding: 'utf8', env });
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
if (cleared) process.stdout.write('environment        NODE_EXTRA_CA_CERTS cleared for the benchmark processes (see scripts/bench.mjs)\n');
if (runs > 1) {
  const first = warmUp ? ', after one that wrote the code cache' : '';
  process.stdout.write(`\n${runs} runs, each a process of its own${first} (the one above has the median whole-process time):\n`);
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
