#!/usr/bin/env node
// `npm run bench:outputs [-- --nodes 1000,3000] [--repeat 3] [--cases plain,html,events]`: what the outputs of a run
// cost at scale. For each node count, a 24-hour day of m5.large nodes (WARM_ENI_TARGET=1, 1.5 pod arrivals a minute
// per node, 10-minute exponential lifetimes, seed 1) is run as whole `node dist/warmpool-sim.mjs run` processes,
// once per case and repeat, the cases alternating: plain (no output file), --html and --csv, --events to a .jsonl
// file, --events to a .jsonl.gz file, and --events with a filter (one node's events). Each process reports its peak
// memory (max RSS, read in the process itself as it exits); the figures are medians of the repeats, wall time
// from spawn to exit, and each case's ratio to the plain run. `--before path/to/warmpool-sim.mjs` also runs every
// case with that (older) build, alternating with this one, so a change can be measured in the same minutes.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';

const cli = fileURLToPath(new URL('../dist/warmpool-sim.mjs', import.meta.url));
/** Loaded before the CLI: prints the process's peak memory on stderr as it exits. */
const RSS_PROBE =
  'data:text/javascript,process.on("exit",()=>process.stderr.write("\\nmax-rss-kb "+process.resourceUsage().maxRSS+"\\n"))';

function scenario(nodes) {
  return [
    `name: day-${nodes}`,
    'seed: 1',
    'duration: 24h',
    'nodeGroups:',
    `  - { name: workers, instanceType: m5.large, count: ${nodes} }`,
    'ipamd: { WARM_ENI_TARGET: 1 }',
    'workload:',
    `  - poisson: { from: 0s, to: 24h, ratePerMinute: ${nodes * 1.5}, lifetime: { exponential: 10m } }`,
    '',
  ].join('\n');
}

/** The cases: extra arguments and the output files whose sizes are shown. */
const CASES = {
  plain: () => ({ args: [], files: [] }),
  html: (dir) => ({
    args: ['--html', join(dir, 'r.html'), '--csv', join(dir, 'r.csv')],
    files: [join(dir, 'r.html'), join(dir, 'r.csv')],
  }),
  events: (dir) => ({ args: ['--events', join(dir, 'e.jsonl')], files: [join(dir, 'e.jsonl')] }),
  'events-gz': (dir) => ({ args: ['--events', join(dir, 'e.jsonl.gz')], files: [join(dir, 'e.jsonl.gz')] }),
  'events-filter': (dir) => ({
    args: ['--events', join(dir, 'f.jsonl'), '--events-filter', 'node=workers-3'],
    files: [join(dir, 'f.jsonl')],
  }),
};

function timed(bundle, file, extra) {
  return new Promise((done, fail) => {
    const start = performance.now();
    const child = spawn(process.execPath, ['--import', RSS_PROBE, bundle, 'run', file, '--force', ...extra], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let errors = '';
    child.stderr.on('data', (b) => (errors += b));
    child.on('error', fail);
    child.on('close', (code) => {
      const ms = performance.now() - start;
      const m = /max-rss-kb (\d+)/.exec(errors);
      if (code !== 0 || !m) fail(new Error(`run failed (exit ${code}):\n${errors}`));
      else done({ ms, rssMb: Number(m[1]) / 1024 });
    });
  });
}

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

function option(args, name, fallback) {
  const at = args.indexOf(name);
  return at >= 0 ? args.splice(at, 2)[1] : fallback;
}

async function bench() {
  const args = process.argv.slice(2);
  const nodeCounts = option(args, '--nodes', '1000').split(',').map(Number);
  const repeat = Math.max(1, Number(option(args, '--repeat', '3')) || 1);
  const cases = option(args, '--cases', Object.keys(CASES).join(',')).split(',');
  for (const c of cases)
    if (!(c in CASES)) throw new Error(`unknown case ${c}; cases: ${Object.keys(CASES).join(', ')}`);
  const before = option(args, '--before', undefined);
  const builds = before
    ? [
        ['', cli],
        [' (before)', before],
      ]
    : [['', cli]];
  // The older build runs only the cases it has options for (plain, html, events).
  const rows = builds.flatMap(([tag, bundle]) =>
    cases.filter((c) => !tag || ['plain', 'html', 'events'].includes(c)).map((c) => ({ c, label: c + tag, bundle })),
  );
  const dir = mkdtempSync(join(tmpdir(), 'bench-outputs-'));
  try {
    for (const nodes of nodeCounts) {
      const file = join(dir, `day-${nodes}.yaml`);
      writeFileSync(file, scenario(nodes));
      process.stdout.write(
        `outputs benchmark: ${nodes} m5.large nodes, 24h, ${nodes * 1.5} pods/min, ${repeat} repeats, load ${loadavg()
          .map((x) => x.toFixed(1))
          .join(' ')}\n`,
      );
      const got = Object.fromEntries(rows.map((r) => [r.label, { ms: [], rss: [], sizes: [] }]));
      for (let k = 0; k < repeat; k++) {
        for (const { c, label, bundle } of rows) {
          const { args: extra, files } = CASES[c](dir);
          const r = await timed(bundle, file, extra);
          got[label].ms.push(r.ms);
          got[label].rss.push(r.rssMb);
          got[label].sizes = files.map((f) => statSync(f).size);
        }
      }
      const base = got.plain ?? got[rows[0].label];
      for (const { label: c } of rows) {
        const g = got[c];
        const t = median(g.ms);
        const m = median(g.rss);
        const sizes = g.sizes.length ? `; files ${g.sizes.map((b) => `${(b / 1e6).toFixed(1)} MB`).join(', ')}` : '';
        process.stdout.write(
          `  ${c.padEnd(24)} ${(t / 1000).toFixed(2).padStart(7)} s (x${(t / median(base.ms)).toFixed(2)})  ` +
            `${m.toFixed(0).padStart(5)} MB max RSS (x${(m / median(base.rss)).toFixed(2)})${sizes}` +
            `  [${g.ms.map((x) => (x / 1000).toFixed(1)).join(', ')} s; ${g.rss.map((x) => x.toFixed(0)).join(', ')} MB]\n`,
        );
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

bench().catch((e) => {
  process.stderr.write(`bench-outputs: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exitCode = 1;
});
