/** The command line: yargs wiring only; each command hands off to one domain function. */
import yargs from 'yargs';
import { processIo, reportError, UsageError, type Io } from './io.js';
import { runCommand } from './commands/run.js';
import { validateCommand } from './commands/validate.js';
import { limitsCommand } from './commands/limits.js';
import { schemaCommand } from './commands/schema.js';
import { reportSweepCommand } from './commands/report-sweep.js';
import { sweepCommand } from './commands/sweep.js';
import { compareCommand } from './commands/compare.js';
import { recommendCommand } from './commands/recommend.js';
import { mergeCommand } from './commands/merge.js';
import { importCommand } from './commands/import.js';
import { TOOL } from '../run/report.js';
import { closest } from '../util/suggest.js';

/** Command names, for "did you mean" on a mistyped command. */
const COMMANDS = [
  'run',
  'validate',
  'limits',
  'schema',
  'sweep',
  'compare',
  'recommend',
  'merge',
  'report-sweep',
  'import',
];

/** Runs the CLI with `argv` (without node and script); resolves to the exit code. */
export async function main(argv: string[], io: Io = processIo): Promise<number> {
  let exit = 0;
  const setExit = (c: number): void => {
    exit = Math.max(exit, c);
  };
  let usageProblem: string | undefined;
  const first = argv[0];
  if (first !== undefined && !first.startsWith('-') && !COMMANDS.includes(first)) {
    const hint = closest(first, COMMANDS);
    return reportError(
      io,
      new UsageError(
        `unknown command "${first}"${hint ? `; did you mean ${hint}?` : ''} (commands: ${COMMANDS.join(', ')})`,
      ),
    );
  }
  // Each command's handler runs only after yargs has parsed and checked the whole command line (strict mode, choices,
  // flag values): yargs itself would call a handler before reporting an unknown flag, so the handler here only keeps
  // the work for later.
  let job: (() => unknown) | undefined;
  const later = <A, M extends { handler: (a: A) => unknown }>(m: M & { handler: (a: A) => unknown }): M => ({
    ...m,
    handler: (a: A) => {
      job = () => m.handler(a);
    },
  });
  const y = yargs(argv)
    .scriptName('warmpool-sim')
    .usage('$0 <command> [options]\n\nSimulate the AWS VPC CNI ipamd warm pools on a scenario file.')
    .command(later(runCommand(io)))
    .command(later(validateCommand(io, setExit)))
    .command(later(limitsCommand(io)))
    .command(later(schemaCommand(io)))
    .command(later(sweepCommand(io)))
    .command(later(compareCommand(io)))
    .command(later(recommendCommand(io, setExit)))
    .command(later(mergeCommand(io)))
    .command(later(reportSweepCommand(io)))
    .command(later(importCommand(io)))
    .demandCommand(1, 'name a command, e.g. `warmpool-sim run scenarios/default.yaml`')
    .strict()
    .recommendCommands()
    .version(TOOL.version)
    .help()
    .wrap(Math.min(110, process.stdout.columns || 100))
    .exitProcess(false)
    .fail((msg, err) => {
      // A flag value refused while parsing (args.ts) is a usage problem like yargs' own; anything else is a bug.
      if (err && !(err instanceof UsageError) && err.name !== 'YError') throw err;
      usageProblem ??= err?.message ?? msg;
    });
  try {
    await y.parseAsync();
  } catch (e) {
    return reportError(io, e);
  }
  if (usageProblem !== undefined) {
    return reportError(io, new UsageError(`${usageProblem}\n(see warmpool-sim --help)`));
  }
  if (job) {
    try {
      await job();
    } catch (e) {
      return reportError(io, e);
    }
  }
  return exit;
}
