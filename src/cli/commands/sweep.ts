import type { Argv } from 'yargs';
import { summarise } from '../../sweep/summary.js';
import { renderSummary } from '../../sweep/format-summary.js';
import { formatSetting } from '../../sweep/settings.js';
import { shardRuns } from '../../sweep/grid.js';
import type { SweepRow, SweepSummaryRow } from '../../sweep/types.js';
import { checkDistinctOutputs, planOutput, printProblems, UsageError, type Io } from '../io.js';
import { scenarioInputs } from '../inputs.js';
import { SUMMARY_FIGURES, type SummaryFigure } from '../../sweep/pareto.js';
import { buildPlan, type Plan } from '../sweep-plan.js';
import { executePlan } from '../run-sweep.js';
import { writeSweepHtml } from './report-sweep.js';
import { execInputs, execOptions, gridInputs, gridOptions, type ExecArgs, type GridArgs } from '../sweep-options.js';
import { checkPlanMemory, memoryOptions, type MemoryArgs } from '../memory-limit.js';

interface SweepArgs extends GridArgs, ExecArgs, MemoryArgs {
  scenario: string;
  format: 'text' | 'json';
  'dry-run': boolean;
  html?: string;
  x?: string;
  y?: string;
  figure: SummaryFigure;
}

/** The machine-readable summary printed by `sweep --format json` (and `merge`, `recommend`). */
export function summaryJson(
  kind: string,
  scenario: { file?: string; name?: string; sha256?: string },
  rows: readonly SweepRow[],
  summary: readonly SweepSummaryRow[],
  extra: Record<string, unknown> = {},
): string {
  const seeds = [...new Set(rows.map((r) => r.seed))].sort((a, b) => a - b);
  return (
    JSON.stringify(
      { tool: 'warmpool-sim', kind, scenario, runs: rows.length, seeds, ...extra, rows: summary },
      null,
      2,
    ) + '\n'
  );
}

function dryRun(io: Io, plan: Plan, format: 'text' | 'json', shardRuns: number): void {
  if (format === 'json') {
    const points = plan.points.map((p) => ({
      point: p.index,
      settings: Object.fromEntries(p.settings.map((s) => [s.name, s.value])),
    }));
    io.stdout(
      JSON.stringify(
        {
          tool: 'warmpool-sim',
          kind: 'sweep-plan',
          scenario: plan.scenario,
          seeds: plan.seeds,
          runs: plan.runs.length,
          shardRuns,
          points,
        },
        null,
        2,
      ) + '\n',
    );
    return;
  }
  io.stdout(
    `${plan.points.length} settings combinations x ${plan.seeds.length} seeds (${plan.seeds[0]}..${plan.seeds[plan.seeds.length - 1]}) = ${plan.runs.length} runs; all valid\n`,
  );
  for (const p of plan.points)
    io.stdout(
      `  ${String(p.index).padStart(4)}  ${p.settings.map(formatSetting).join(' ') || '(scenario as written)'}\n`,
    );
}

/** Refuses heatmap axes that are not swept settings, before any run. */
export function checkAxes(names: readonly string[], x: string | undefined, y: string | undefined): void {
  for (const [flag, name] of [
    ['--x', x],
    ['--y', y],
  ] as const) {
    if (name !== undefined && !names.includes(name))
      throw new UsageError(`${flag} "${name}" is not a swept setting (swept: ${names.join(', ') || 'none'})`);
  }
  if (x !== undefined && x === y) throw new UsageError(`--x and --y both name "${x}": give the heatmap two settings`);
}

/** `warmpool-sim sweep`: run a grid of settings x seeds in parallel and summarise the trade-offs. */
export function sweepCommand(io: Io) {
  return {
    command: 'sweep <scenario>',
    describe: 'Run a scenario over a grid of settings and seeds; summarise latency, idle IPs, EC2 calls',
    builder: (y: Argv) =>
      execOptions(
        gridOptions(
          memoryOptions(y).positional('scenario', {
            type: 'string',
            demandOption: true,
            describe: 'scenario file (YAML or JSON)',
          }),
        ),
        true,
      )
        .option('format', {
          choices: ['text', 'json'] as const,
          default: 'text' as const,
          describe: 'summary format on stdout',
        })
        .option('dry-run', {
          type: 'boolean',
          default: false,
          describe: 'validate every settings combination and list them; run nothing',
        })
        .option('html', {
          type: 'string',
          describe: 'also write the HTML sweep report (scatter, Pareto front, heatmap) to this file',
        })
        .option('x', { type: 'string', describe: 'heatmap x setting (default: the setting with most distinct values)' })
        .option('y', { type: 'string', describe: 'heatmap y setting (default: the next one)' })
        .option('figure', { choices: SUMMARY_FIGURES, default: 'p99' as const, describe: 'figure the heatmap shows' })
        .example(
          '$0 sweep rollout.yaml --set WARM_IP_TARGET=0,2,5,10 --set MINIMUM_IP_TARGET=0,10,30 --seeds 20',
          'a 12-point grid',
        )
        .example(
          '$0 sweep rollout.yaml --grid sweep.yaml --out results.jsonl --resume',
          'continue an interrupted sweep',
        )
        .example(
          '$0 sweep rollout.yaml --grid sweep.yaml --shard 3/8 --out shard-3.jsonl',
          'one of 8 shards (merge them later)',
        ),
    handler: async (a: SweepArgs) => {
      const exec = execInputs(a);
      checkDistinctOutputs({ '--out': a.out, '--html': a.html });
      const plan = buildPlan(gridInputs(a.scenario, a));
      printProblems(io, plan.warnings);
      checkPlanMemory(io, a.scenario, plan, a, exec.workers);
      checkAxes(plan.names, a.x, a.y);
      const inputs = [...scenarioInputs(a.scenario), ...(a.grid ? [a.grid] : [])];
      if (a.html) planOutput(a.html, { inputs, force: a.force });
      if (a['dry-run'])
        return dryRun(io, plan, a.format, exec.shard ? shardRuns(plan.runs, exec.shard).length : plan.runs.length);
      const result = await executePlan(io, plan, {
        ...exec,
        ...(a.out ? { out: a.out } : {}),
        resume: a.resume,
        force: a.force,
        inputs,
        label: 'sweep',
      });
      const summary = summarise(result.rows);
      const scenario = { file: a.scenario, ...plan.scenario };
      if (a.html)
        await writeSweepHtml(
          a.html,
          result.rows,
          summary,
          { ...a, title: `Sweep of "${plan.scenario.name}"` },
          { inputs, force: a.force, io },
        );
      // An output written to stdout (--out - or --html -) has it to itself.
      if (a.out === '-' || a.html === '-') return;
      if (a.format === 'json') {
        io.stdout(
          summaryJson('sweep-summary', scenario, result.rows, summary, {
            settings: plan.names,
            points: plan.points.length,
            ...(exec.shard ? { shard: exec.shard } : {}),
          }),
        );
        return;
      }
      const shardNote = exec.shard
        ? ` (shard ${exec.shard.index}/${exec.shard.count} only: merge the shards for the whole grid)`
        : '';
      const heading = `Sweep of "${plan.scenario.name}" (${a.scenario}): ${summary.length} of ${plan.points.length} settings combinations, ${result.rows.length} runs${shardNote}`;
      io.stdout(renderSummary(summary, heading));
    },
  };
}
