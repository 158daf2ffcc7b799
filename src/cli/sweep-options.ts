/** Command-line options shared by `sweep`, `recommend` and `compare`, and their checks. */
import type { Argv } from 'yargs';
import { parseShard, type Shard } from '../sweep/grid.js';
import { UsageError, wholeNumber } from './io.js';
import { seedOption, wholeOption } from './args.js';
import { defaultWorkers } from './pool.js';

/** Options that describe the grid. */
export interface GridArgs {
  set?: string | string[];
  grid?: string;
  seeds?: number;
  'seed-base'?: number;
  'sample-seed'?: number;
}

/** Options that control execution and the results file. */
export interface ExecArgs {
  workers?: number;
  out?: string;
  resume: boolean;
  force: boolean;
  shard?: string;
}

/** A repeatable string option as a list. */
export function list(v: string | string[] | undefined): string[] {
  return v === undefined ? [] : Array.isArray(v) ? v.map(String) : [String(v)];
}

/** Adds --set, --grid, --seeds, --seed-base and --sample-seed. */
export function gridOptions<T>(y: Argv<T>): Argv<T & GridArgs> {
  return y
    .option('set', {
      type: 'string',
      requiresArg: true,
      describe:
        'NAME=V1,V2,... to sweep (repeatable): an ipamd variable or a scenario path such as nodeGroups[0].count; ranges as 0..30:10',
    })
    .option('grid', {
      type: 'string',
      requiresArg: true,
      describe: 'grid file (YAML) with "set", "sample", "seeds"; see docs/sweep.md',
    })
    .option('seeds', wholeOption('seeds', "runs per settings combination (default: the grid file's, else 10)", 1))
    .option(
      'seed-base',
      seedOption('seed-base', "seed of each combination's first run (default: the scenario's seed, else 1)"),
    )
    .option(
      'sample-seed',
      seedOption('sample-seed', 'seed of the grid file\'s random sample (overrides "sample.seed")'),
    );
}

/** Adds --workers, --out, --resume, --force and (when `shard`) --shard. */
export function execOptions<T>(y: Argv<T>, shard: boolean): Argv<T & ExecArgs> {
  let out = y
    .option('workers', wholeOption('workers', `worker threads (default: one per core, here ${defaultWorkers()})`, 1))
    .option('out', {
      type: 'string',
      requiresArg: true,
      describe: 'append one JSON line per finished run to this file',
    })
    .option('resume', { type: 'boolean', default: false, describe: 'keep the runs already in --out and skip them' })
    .option('force', {
      type: 'boolean',
      default: false,
      describe: 'start --out over, or replace a file not written by warmpool-sim',
    });
  if (shard)
    out = out.option('shard', {
      type: 'string',
      requiresArg: true,
      describe: 'run only shard i of n (i counts from 0), e.g. 3/8',
    });
  return out;
}

/** Checks the grid flags and returns them in the planner's terms. */
export function gridInputs(
  scenario: string,
  a: GridArgs,
): { scenario: string; set: string[]; grid?: string; seeds?: number; seedBase?: number; sampleSeed?: number } {
  const seeds = wholeNumber('seeds', a.seeds, 1);
  const seedBase = wholeNumber('seed-base', a['seed-base'], 0);
  const sampleSeed = wholeNumber('sample-seed', a['sample-seed'], 0);
  return {
    scenario,
    set: list(a.set),
    ...(a.grid !== undefined ? { grid: a.grid } : {}),
    ...(seeds !== undefined ? { seeds } : {}),
    ...(seedBase !== undefined ? { seedBase } : {}),
    ...(sampleSeed !== undefined ? { sampleSeed } : {}),
  };
}

/** Checks --workers and --shard. */
export function execInputs(a: ExecArgs): { workers: number; shard?: Shard } {
  const workers = wholeNumber('workers', a.workers, 1) ?? defaultWorkers();
  if (a.resume && !a.out) throw new UsageError('--resume needs --out (the results file to continue)');
  if (a.shard === undefined) return { workers };
  const shard = parseShard(a.shard);
  if ('error' in shard) throw new UsageError(shard.error);
  return { workers, shard };
}
