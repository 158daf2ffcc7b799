import type { Argv } from 'yargs';
import { dirname, resolve } from 'node:path';
import { parseScenarioText, readInputText, validateScenario } from '../../workload/load.js';
import { InputError, type Problem } from '../../workload/problems.js';
import { printProblems, type Io } from '../io.js';

/** `warmpool-sim validate`: check scenario files, reporting every problem at once. */
export function validateCommand(io: Io, setExit: (code: number) => void) {
  return {
    command: 'validate <scenarios..>',
    describe: 'Check scenario files and report every problem with file:line:col',
    builder: (y: Argv) =>
      y
        .positional('scenarios', { type: 'string', array: true, demandOption: true, describe: 'scenario files' })
        .example('$0 validate my.yaml', 'check one file')
        .example('$0 validate scenarios/*.yaml', 'check many'),
    handler: (a: { scenarios: string[] }) => {
      let errors = 0;
      for (const file of a.scenarios) {
        let problems: Problem[];
        try {
          const doc = parseScenarioText(readInputText(file), file);
          problems = validateScenario(doc, dirname(resolve(file))).problems;
        } catch (e) {
          if (!(e instanceof InputError)) throw e;
          problems = e.problems;
        }
        printProblems(io, problems);
        const n = problems.filter((p) => p.severity === 'error').length;
        errors += n;
        if (n === 0)
          io.stdout(
            `${file}: ok${problems.length ? ` (${problems.length} warning${problems.length === 1 ? '' : 's'})` : ''}\n`,
          );
      }
      if (errors > 0) {
        io.stderr(`${errors} error${errors === 1 ? '' : 's'}\n`);
        setExit(2);
      }
    },
  };
}
