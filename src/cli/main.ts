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
  const y = yargs(argv)
    .scriptName('warmpool-sim')
    .usage('$0 <command> [options]\n\nSimulate the AWS VPC CNI ipamd warm pools on a scenario file.')
    .command(runCommand(io))
    .command(validateCommand(io, setExit))
    .command(limitsCommand(io))
    .command(schemaCommand(io))
    .command(sweepCommand(io))
    .command(compareCommand(io))
    .command(recommendCommand(io, setExit))
    .command(mergeCommand(io))
    .command(reportSweepCommand())
    .command(importCommand(io))
    .demandCommand(1, 'name a command, e.g. `warmpool-sim run scenarios/default.yaml`')
    .strict()
    .recommendCommands()
    .version(TOOL.version)
    .help()
    .wrap(Math.min(110, process.stdout.columns || 100))
    .exitProcess(false)
    .fail((msg, err) => {
      if (err) throw err;
      usageProblem = msg;
    });
  try {
    await y.parseAsync();
  } catch (e) {
    return reportError(io, e);
  }
  if (usageProblem !== undefined) {
    return reportError(io, new UsageError(`${usageProblem}\n(see warmpool-sim --help)`));
  }
  return exit;
}
