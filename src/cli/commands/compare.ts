import type { Argv } from 'yargs';
import { compareSides, verdict } from '../../sweep/compare.js';
import { renderComparison, formatSettings } from '../../sweep/format-results.js';
import { makeRow } from '../../sweep/rows.js';
import type { SetFlag } from '../../sweep/plan.js';
import type { GridPoint } from '../../sweep/grid.js';
import type { SweepRow } from '../../sweep/types.js';
import { InputError, type Problem } from '../../workload/problems.js';
import { printProblems, UsageError, type Io } from '../io.js';
import { buildPlan, type Plan } from '../sweep-plan.js';
import { runWithProgress } from '../run-sweep.js';
import { execInputs, list } from '../sweep-options.js';
import { defaultWorkers } from '../pool.js';
import { checkPlanMemory, memoryOptions, type MemoryArgs } from '../memory-limit.js';
import { seedOption, wholeOption } from '../args.js';

/** Runs per side unless --seeds says otherwise. */
const DEFAULT_SEEDS = 30;

interface CompareArgs extends MemoryArgs {
  a: string;
  b?: string;
  set?: string | string[];
  'a-set'?: string | string[];
  'b-set'?: string | string[];
  seeds?: number;
  'seed-base'?: number;
  workers?: number;
  format: 'text' | 'json';
}

/** One side of a comparison: a scenario file and one settings combination. */
interface Side {
  file: string;
  plan: Plan;
  point: GridPoint;
}

/** Builds both plans, collecting the problems of both before giving up. */
function plans(specs: { file: string; flags: SetFlag[] }[], seeds: number, seedBase?: number): Plan[] {
  const problems: Problem[] = [];
  const out: Plan[] = [];
  let base = seedBase;
  for (const s of specs) {
    try {
      const plan = buildPlan({
        scenario: s.file,
        set: s.flags,
        seeds,
        ...(base !== undefined ? { seedBase: base } : {}),
      });
      base ??= plan.seeds[0];
      out.push(plan);
    } catch (e) {
      if (!(e instanceof InputError)) throw e;
      problems.push(...e.problems);
    }
  }
  if (problems.some((p) => p.severity === 'error')) throw new InputError(problems);
  return out;
}

/** The two sides, from two scenarios, from --a-set/--b-set, or from one --set with two values. */
function sides(a: CompareArgs): Side[] {
  const common: SetFlag[] = list(a.set);
  const aFlags = list(a['a-set']).map((text) => ({ option: '--a-set', text }));
  const bFlags = list(a['b-set']).map((text) => ({ option: '--b-set', text }));
  const seeds = a.seeds ?? DEFAULT_SEEDS;
  const base = a['seed-base'];
  if (a.b !== undefined || aFlags.length > 0 || bFlags.length > 0) {
    const [pa, pb] = plans(
      [
        { file: a.a, flags: [...common, ...aFlags] },
        { file: a.b ?? a.a, flags: [...common, ...bFlags] },
      ],
      seeds,
      base,
    );
    if (pa.points.length !== 1 || pb.points.length !== 1) {
      throw new UsageError('each side must be one settings combination: give one value per --set, --a-set and --b-set');
    }
    return [
      { file: a.a, plan: pa, point: pa.points[0] },
      { file: a.b ?? a.a, plan: pb, point: pb.points[0] },
    ];
  }
  const [p] = plans([{ file: a.a, flags: common }], seeds, base);
  if (p.points.length !== 2) {
    throw new UsageError(
      `one scenario needs two sides: one --set with two values (e.g. --set WARM_IP_TARGET=0,5), or --a-set and --b-set; this gives ${p.points.length} combination${p.points.length === 1 ? '' : 's'}`,
    );
  }
  return p.points.map((point) => ({ file: a.a, plan: p, point }));
}

function label(s: Side): string {
  return `${s.file} ${formatSettings(Object.fromEntries(s.point.settings.map((x) => [x.name, x.value])))}`;
}

/** `warmpool-sim compare`: two settings (or scenarios) on the same seeds, with paired differences. */
export function compareCommand(io: Io) {
  return {
    command: 'compare <a> [b]',
    describe: 'Compare two scenarios or two settings on the same seeds (paired differences with 95% CIs)',
    builder: (y: Argv) =>
      memoryOptions(y)
        .positional('a', {
          type: 'string',
          demandOption: true,
          describe: 'scenario file of side A (and of B when no second file is given)',
        })
        .positional('b', { type: 'string', describe: 'scenario file of side B' })
        .option('set', {
          type: 'string',
          requiresArg: true,
          describe: 'NAME=VALUE for both sides (repeatable); with one scenario, one --set NAME=A,B gives the two sides',
        })
        .option('a-set', { type: 'string', requiresArg: true, describe: 'NAME=VALUE for side A only (repeatable)' })
        .option('b-set', { type: 'string', requiresArg: true, describe: 'NAME=VALUE for side B only (repeatable)' })
        .option('seeds', wholeOption('seeds', 'runs per side; run k of both sides uses the same seed (default 30)', 1))
        .option('seed-base', seedOption('seed-base', "first seed (default: scenario A's seed, else 1)"))
        .option(
          'workers',
          wholeOption('workers', `worker threads (default: one per core, here ${defaultWorkers()})`, 1),
        )
        .option('format', {
          choices: ['text', 'json'] as const,
          default: 'text' as const,
          describe: 'output format on stdout',
        })
        .example('$0 compare before.yaml after.yaml --seeds 30', 'two scenario files')
        .example('$0 compare rollout.yaml --set WARM_IP_TARGET=0,5', 'one setting, two values')
        .example(
          '$0 compare rollout.yaml --a-set WARM_ENI_TARGET=1 --b-set WARM_IP_TARGET=5 --b-set MINIMUM_IP_TARGET=10',
          'two settings combinations',
        ),
    handler: async (a: CompareArgs) => {
      const { workers } = execInputs({
        ...(a.workers !== undefined ? { workers: a.workers } : {}),
        resume: false,
        force: false,
      });
      const [sa, sb] = sides(a);
      printProblems(io, [...sa.plan.warnings, ...(sb.plan === sa.plan ? [] : sb.plan.warnings)]);
      for (const s of [sa, sb]) checkPlanMemory(io, s.file, s.plan, a, workers);
      const tasks = [sa, sb].flatMap((s, side) =>
        s.plan.seeds.map((seed) => ({ scenario: s.plan.scenarioPath, settings: s.point.settings, seed, side })),
      );
      io.stderr(
        `compare: 2 sides x ${a.seeds ?? DEFAULT_SEEDS} seeds = ${tasks.length} runs on ${Math.min(workers, tasks.length)} workers\n`,
      );
      const rows: SweepRow[][] = [[], []];
      await runWithProgress(io, tasks, { workers, label: 'compare' }, (t, figures) => {
        rows[t.side].push(makeRow({ index: t.side, settings: t.settings }, t.seed, figures));
      });
      const c = compareSides(rows[0], rows[1]);
      if (a.format === 'json') {
        const figures = c.figures.map((f) => ({ figure: f.figure, ...f.diff, verdict: verdict(f.diff) }));
        const side = (s: Side) => ({
          file: s.file,
          scenario: s.plan.scenario,
          settings: Object.fromEntries(s.point.settings.map((x) => [x.name, x.value])),
        });
        io.stdout(
          JSON.stringify(
            { tool: 'warmpool-sim', kind: 'comparison', a: side(sa), b: side(sb), seeds: c.seeds, figures },
            null,
            2,
          ) + '\n',
        );
      } else io.stdout(renderComparison(c, label(sa), label(sb)));
    },
  };
}
