import type { Argv } from 'yargs';
import { recommend } from '../../sweep/recommend.js';
import { describeSlo, parseSlo, type SloBasis } from '../../sweep/slo.js';
import { renderRecommendation } from '../../sweep/format-results.js';
import { mergeRows } from '../../sweep/rows.js';
import { summarise } from '../../sweep/summary.js';
import type { SweepRow } from '../../sweep/types.js';
import { InputError } from '../../workload/problems.js';
import { printProblems, UsageError, type Io } from '../io.js';
import { scenarioInputs } from '../inputs.js';
import { buildPlan } from '../sweep-plan.js';
import { checkPlanMemory, memoryOptions, type MemoryArgs } from '../memory-limit.js';
import { executePlan } from '../run-sweep.js';
import { readResultsFile } from '../results-file.js';
import {
  execInputs,
  execOptions,
  gridInputs,
  gridOptions,
  list,
  type ExecArgs,
  type GridArgs,
} from '../sweep-options.js';

interface RecommendArgs extends GridArgs, ExecArgs, MemoryArgs {
  scenario?: string;
  slo: string | string[];
  basis: SloBasis;
  from?: string;
  format: 'text' | 'json';
}

/** Exit code of `recommend` when no settings combination holds the SLO. */
export const NO_RECOMMENDATION_EXIT = 3;

/** The rows to judge: from --from (a results file), or by running the sweep. */
async function gatherRows(io: Io, a: RecommendArgs): Promise<SweepRow[]> {
  if (a.from !== undefined) {
    if (a.scenario !== undefined || list(a.set).length > 0 || a.grid !== undefined) {
      throw new UsageError(
        '--from judges an existing results file: give either --from or a scenario with its grid, not both',
      );
    }
    const merged = mergeRows([{ file: a.from, rows: readResultsFile(a.from, io).rows }]);
    if (merged.problems.length > 0) throw new InputError(merged.problems);
    return merged.rows;
  }
  if (a.scenario === undefined)
    throw new UsageError('name a scenario to sweep (with --set or --grid), or a results file with --from');
  const exec = execInputs(a);
  const plan = buildPlan(gridInputs(a.scenario, a));
  printProblems(io, plan.warnings);
  checkPlanMemory(io, a.scenario, plan, a, exec.workers);
  const inputs = [...scenarioInputs(a.scenario), ...(a.grid ? [a.grid] : [])];
  const result = await executePlan(io, plan, {
    workers: exec.workers,
    ...(a.out ? { out: a.out } : {}),
    resume: a.resume,
    force: a.force,
    inputs,
    label: 'recommend',
  });
  return result.rows;
}

/** `warmpool-sim recommend`: the settings that hold an SLO with the fewest idle addresses. */
export function recommendCommand(io: Io, setExit: (code: number) => void) {
  return {
    command: 'recommend [scenario]',
    describe: 'Sweep a grid and pick the settings that hold an SLO with the fewest idle IPs',
    builder: (y: Argv) =>
      execOptions(
        gridOptions(
          memoryOptions(y).positional('scenario', {
            type: 'string',
            describe: 'scenario file (YAML or JSON); omit with --from',
          }),
        ),
        false,
      )
        .option('slo', {
          type: 'string',
          demandOption: true,
          requiresArg: true,
          describe: 'objective such as "p99<5s" or "p99<5s,neverStarted==0" (repeatable; all must hold)',
        })
        .option('basis', {
          choices: ['mean', 'ci', 'every'] as const,
          default: 'mean' as const,
          describe: 'what must meet each bound: the mean over seeds, its whole 95% CI, or every run',
        })
        .option('from', {
          type: 'string',
          requiresArg: true,
          describe: 'judge the runs in this results file (e.g. merged shards) instead of running',
        })
        .option('format', {
          choices: ['text', 'json'] as const,
          default: 'text' as const,
          describe: 'output format on stdout',
        })
        .example('$0 recommend rollout.yaml --grid sweep.yaml --slo "p99<5s"', 'run the grid and pick')
        .example(
          '$0 recommend --from all.jsonl --slo "p99<2s,neverStarted==0" --basis ci',
          'judge merged shards, conservatively',
        ),
    handler: async (a: RecommendArgs) => {
      if (a.out === '-')
        throw new UsageError('--out - would mix the results with the recommendation on stdout: name a file');
      if (a.from !== undefined && a.out !== undefined)
        throw new UsageError('--out writes the runs of a sweep; with --from nothing is run: leave out --out');
      const slo = parseSlo(list(a.slo));
      if (slo.errors.length > 0) throw new UsageError(slo.errors.map((e) => `--slo ${e}`).join('\n'));
      const rows = await gatherRows(io, a);
      if (rows.length === 0) throw new UsageError('there are no runs to judge');
      const rec = recommend(rows, slo.clauses, a.basis);
      const text = describeSlo(slo.clauses, a.basis);
      if (!rec.best) setExit(NO_RECOMMENDATION_EXIT);
      if (a.format === 'text') return void io.stdout(renderRecommendation(rec, text));
      const out = {
        tool: 'warmpool-sim',
        kind: 'recommendation',
        slo: { text, basis: a.basis, clauses: slo.clauses },
        points: rec.points,
        holding: rec.holding.map((s) => s.point),
        recommended: rec.best ?? null,
        runnerUp: rec.runnerUp ?? null,
        closest: rec.closest ?? null,
        summary: summarise(rows),
      };
      io.stdout(JSON.stringify(out, null, 2) + '\n');
    },
  };
}
