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
    .command(runCommand(io) as any)
    .command(validateCommand(io, setExit) as any)
    .command(limitsCommand(io) as any)
    .command(schemaCommand(io) as any)
    .command(sweepCommand(io) as any)
    .command(compareCommand(io) as any)
    .command(recommendCommand(io, setExit) as any)
    .command(mergeCommand(io) as any)
    .command(reportSweepCommand(io) as any)
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
  skipHelpCache(y);
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

/**
 * yargs renders the whole help text each time a command's handler starts, keeping it for a failure message that this
 * CLI never prints (its `fail` handler shows none): about 35 ms of every run, most of it measuring text. Where yargs
 * exposes that step (its internal usage instance's `cacheHelpMessage`), this skips it and says so; elsewhere nothing
 * changes.
 */
export function skipHelpCache(y: unknown): boolean {
  const usage = (y as { getInternalMethods?: () => { getUsageInstance?: () => { cacheHelpMessage?: unknown } } })
    .getInternalMethods?.()
    .getUsageInstance?.();
  if (!usage || typeof usage.cacheHelpMessage !== 'function') return false;
  usage.cacheHelpMessage = () => {};
  return true;
}
