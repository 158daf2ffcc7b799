// `npm run bench -- --scale`: the scale table of issue #18 for the current build. For each node count and each
// mode (scripts/bench-scale-scenario.mjs), one process of its own (`node scripts/bench-run.mjs --scale N MODE H`,
// Node's default flags), timed from spawn to exit; a process that outlives `--timeout` seconds is killed and
// reported as such. Prints a Markdown table (wall time, simulated events, microseconds per pod event of the whole
// process, peak RSS) and then one line per run with its details.
import { spawnSync } from 'node:child_process';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { DEFAULT_MODES, SCALE_MODES } from './bench-scale-scenario.mjs';

const grouped = (n) => String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ',');

/** Takes `--name value` out of args: parse(value), or `fallback` when absent; exits 2 on a bad value. */
function flag(args, name, parse, fallback) {
  const at = args.indexOf(name);
  if (at < 0) return fallback;
  const v = parse(args[at + 1] ?? '');
  if (v === undefined) {
    process.stderr.write(`bench --scale: bad value for ${name}: ${args[at + 1] ?? 'nothing'}\n`);
    process.exit(2);
  }
  args.splice(at, 2);
  return v;
}

const positive = (s) => (Number(s) > 0 ? Number(s) : undefined);
const nodeList = (s) => {
  const xs = s.split(',').map(Number);
  return xs.every((n) => Number.isInteger(n) && n > 0) ? xs : undefined;
};
const modeList = (s) => {
  const xs = s.split(',');
  return xs.every((m) => m in SCALE_MODES) ? xs : undefined;
};

/** Runs one cell in a process of its own; returns its figures, or `{ timedOut }` / `{ failed }`. */
function runCell(nodes, mode, hours, timeoutS) {
  const script = fileURLToPath(new URL('./bench-run.mjs', import.meta.url));
  const start = performance.now();
  const r = spawnSync(process.execPath, [script, '--scale', String(nodes), mode, String(hours)], {
    encoding: 'utf8',
    timeout: timeoutS * 1000,
    maxBuffer: 1 << 20,
  });
  const wallMs = Math.round(performance.now() - start);
  if (r.error?.code === 'ETIMEDOUT' || r.signal === 'SIGTERM') return { nodes, mode, timedOut: true, wallMs };
  if (r.status !== 0) return { nodes, mode, failed: (r.stderr || r.stdout).trim().split('\n').slice(-3).join(' | ') };
  return { ...JSON.parse(r.stdout.trim().split('\n').pop()), wallMs };
}

/** One table cell: "12.3 s, 4,567,890 ev, 1.23 us/pod ev, 456 MB". */
function cell(x, timeoutS) {
  if (!x) return '';
  if (x.timedOut) return `killed after ${timeoutS} s`;
  if (x.failed) return `failed: ${x.failed}`;
  const us = ((x.wallMs * 1000) / x.podEvents).toFixed(2);
  return `${(x.wallMs / 1000).toFixed(1)} s, ${grouped(x.simEvents)} ev, ${us} µs/pod ev, ${x.rssMb} MB`;
}

/** The scale table; returns the exit code. */
export function scaleTable(args) {
  const nodes = flag(args, '--nodes', nodeList, [300, 1000, 3000]);
  const modes = flag(args, '--modes', modeList, DEFAULT_MODES);
  const hours = flag(args, '--hours', positive, 24);
  const timeoutS = flag(args, '--timeout', positive, 600);
  const out = (s) => process.stdout.write(s + '\n');
  out(`${hours} simulated hours, m5.large, 1.5 pod arrivals/min/node, 10-minute exponential lifetimes, seed 1;`);
  out('each cell one process: wall time spawn to exit, simulation events, µs of wall per pod event, peak RSS.\n');
  out(`| nodes | ${modes.map((m) => SCALE_MODES[m].title).join(' | ')} |`);
  out(`|---|${modes.map(() => '---').join('|')}|`);
  const all = [];
  for (const n of nodes) {
    const row = modes.map((m) => runCell(n, m, hours, timeoutS));
    all.push(...row);
    out(`| ${grouped(n)} | ${row.map((x) => cell(x, timeoutS)).join(' | ')} |`);
  }
  out('');
  for (const x of all) if (!x.timedOut && !x.failed) out(JSON.stringify(x));
  return all.some((x) => x.failed) ? 1 : 0;
}
