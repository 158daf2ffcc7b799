import type { Argv } from 'yargs';
import { mergeRows, rowLine } from '../../sweep/rows.js';
import { summarise } from '../../sweep/summary.js';
import { renderSummary } from '../../sweep/format-summary.js';
import { InputError } from '../../workload/problems.js';
import { planOutput, UsageError, writePlanned, type Io } from '../io.js';
import { readResultsFile } from '../results-file.js';
import { summaryJson } from './sweep.js';

interface MergeArgs {
  files: string[];
  out?: string;
  force: boolean;
  format: 'text' | 'json';
}

/** `warmpool-sim merge`: join sweep result files (shards, resumed parts) into one, without duplicates. */
export function mergeCommand(io: Io) {
  return {
    command: 'merge <files..>',
    describe: 'Join sweep result files (e.g. shards) into one and summarise them',
    builder: (y: Argv) =>
      y
        .positional('files', {
          type: 'string',
          array: true,
          demandOption: true,
          describe: 'results files (.jsonl) written by sweep --out',
        })
        .option('out', {
          type: 'string',
          requiresArg: true,
          describe: 'write the merged rows here (atomically), sorted by settings and seed',
        })
        .option('force', {
          type: 'boolean',
          default: false,
          describe: 'allow replacing an --out file not written by warmpool-sim',
        })
        .option('format', {
          choices: ['text', 'json'] as const,
          default: 'text' as const,
          describe: 'summary format on stdout',
        })
        .example('$0 merge shard-*.jsonl --out all.jsonl', 'join the shards of a sweep'),
    handler: (a: MergeArgs) => {
      if (a.files.length === 0) throw new UsageError('merge needs at least one results file (written by sweep --out)');
      const plan = a.out === undefined ? undefined : planOutput(a.out, { inputs: a.files, force: a.force, io });
      const sources = a.files.map((file) => ({ file, rows: readResultsFile(file, io).rows }));
      const merged = mergeRows(sources);
      if (merged.problems.length > 0) throw new InputError(merged.problems);
      if (plan) writePlanned(plan, merged.rows.map(rowLine).join(''), io);
      const total = sources.reduce((n, s) => n + s.rows.length, 0);
      io.stderr(
        `merge: ${merged.rows.length} runs from ${a.files.length} file${a.files.length === 1 ? '' : 's'} (${total - merged.rows.length} duplicates dropped)${a.out ? ` into ${a.out}` : ''}\n`,
      );
      // Rows written to stdout (--out -) have it to themselves.
      if (a.out === '-') return;
      const summary = summarise(merged.rows);
      const named = merged.rows.find((r) => r.scenario)?.scenario;
      const scenario = named ?? {};
      if (a.format === 'json') io.stdout(summaryJson('sweep-summary', scenario, merged.rows, summary));
      else
        io.stdout(
          renderSummary(
            summary,
            `Merged sweep${named ? ` of "${named.name}"` : ''}: ${summary.length} settings combinations, ${merged.rows.length} runs`,
          ),
        );
    },
  };
}
