/**
 * Executes a planned sweep: skips runs already in the results file, keeps this shard's runs, runs the rest on the
 * worker pool with progress on stderr, and appends each finished run to the results file.
 */
import { performance } from 'node:perf_hooks';
import { settingsKey, shardRuns, type RunSpec, type Shard } from '../sweep/grid.js';
import { makeRow, sortRows } from '../sweep/rows.js';
import type { RunFigures, SweepRow } from '../sweep/types.js';
import type { Io } from './io.js';
import { runPool } from './pool.js';
import { createProgress } from './progress.js';
import { openResults } from './results-file.js';
import type { Plan } from './sweep-plan.js';
import type { RunTask } from './sweep-worker.js';

/** How to execute a plan. */
export interface ExecOptions {
  workers: number;
  /** Results file (JSON lines); none: rows are only kept in memory. */
  out?: string;
  resume: boolean;
  force: boolean;
  shard?: Shard;
  /** Files never to write over. */
  inputs: string[];
  /** Word that starts progress lines, e.g. "sweep". */
  label: string;
  /** Millisecond clock for progress (tests). */
  now?: () => number;
}

/** What an execution produced. */
export interface ExecResult {
  /** Rows of this plan's grid (earlier ones from the file and new ones), points numbered as in this plan, sorted. */
  rows: SweepRow[];
}

/** Runs tasks on the pool with a progress display; `onDone` is called in completion order. */
export async function runWithProgress<T extends RunTask>(
  io: Io,
  tasks: readonly T[],
  opts: { workers: number; label: string; now?: () => number },
  onDone: (task: T, figures: RunFigures) => void,
): Promise<void> {
  if (tasks.length === 0) return;
  const progress = createProgress(io, tasks.length, opts.label, opts.now ?? (() => performance.now()));
  try {
    await runPool(tasks, opts.workers, (task, figures) => {
      onDone(task, figures);
      progress.tick();
    });
  } finally {
    progress.finish();
  }
}

function describe(plan: Plan, shardRunsCount: number, skipped: number, todo: number, opts: ExecOptions): string {
  const n = (k: number, what: string): string => `${k} ${what}${k === 1 ? '' : 's'}`;
  const parts = [
    `${opts.label}: ${n(plan.points.length, 'settings combination')} x ${n(plan.seeds.length, 'seed')} = ${n(plan.runs.length, 'run')}`,
  ];
  if (opts.shard) parts.push(`${shardRunsCount} in shard ${opts.shard.index}/${opts.shard.count}`);
  if (skipped) parts.push(`${skipped} already in ${opts.out}`);
  parts.push(
    todo
      ? `running ${todo} on ${Math.min(opts.workers, todo)} worker${Math.min(opts.workers, todo) === 1 ? '' : 's'}`
      : 'nothing left to run',
  );
  return parts.join('; ') + '\n';
}

/** Executes the plan (or this shard of it) and returns its rows. */
export async function executePlan(io: Io, plan: Plan, opts: ExecOptions): Promise<ExecResult> {
  const mine = opts.shard ? shardRuns(plan.runs, opts.shard) : plan.runs;
  const file = opts.out
    ? openResults(
        opts.out,
        { resume: opts.resume, force: opts.force, inputs: opts.inputs, scenario: plan.scenario },
        io,
      )
    : undefined;
  const done = file?.done ?? new Map<string, SweepRow>();
  const todo = mine.filter((r) => !done.has(r.key));
  io.stderr(describe(plan, mine.length, mine.length - todo.length, todo.length, opts));
  const fresh: SweepRow[] = [];
  // Ctrl-C: every finished run is already in the file; say how to continue (exit code 130, as for SIGINT).
  const onInterrupt = (): void => {
    io.stderr(
      `\n${opts.label}: interrupted; ${done.size + fresh.length} runs are in ${opts.out}: run the same command with --resume to do the rest\n`,
    );
    process.exit(130);
  };
  if (file) process.once('SIGINT', onInterrupt);
  try {
    const tasks = todo.map((run) => ({
      scenario: plan.scenarioPath,
      settings: plan.points[run.point].settings,
      seed: run.seed,
      run,
    }));
    await runWithProgress(io, tasks, opts, (task, figures) => {
      const row = makeRow(plan.points[task.run.point], task.run.seed, figures, plan.scenario);
      file?.append(row);
      fresh.push(row);
    });
  } finally {
    process.removeListener('SIGINT', onInterrupt);
    file?.close();
  }
  return { rows: planRows(plan, [...done.values(), ...fresh]) };
}

/** Keeps the rows that belong to the plan's grid, numbered by the plan's points, one per key, sorted. */
export function planRows(plan: Plan, rows: readonly SweepRow[]): SweepRow[] {
  const pointOf = new Map(plan.points.map((p) => [settingsKey(p.settings), p.index]));
  const keys = new Set(plan.runs.map((r: RunSpec) => r.key));
  const byKey = new Map<string, SweepRow>();
  for (const r of rows) {
    const point = pointOf.get(settingsKey(r.settings));
    if (point === undefined || !keys.has(r.key) || byKey.has(r.key)) continue;
    byKey.set(r.key, { ...r, point });
  }
  return sortRows([...byKey.values()]);
}
