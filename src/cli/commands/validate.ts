import type { Argv } from 'yargs';
import { dirname, resolve } from 'node:path';
import { parseScenarioText, readScenarioText, validateScenario } from '../../workload/load.js';
import { describeEstimate, estimateRun, memoryRefusal } from '../../workload/estimate.js';
import { InputError, type Problem } from '../../workload/problems.js';
import type { Scenario } from '../../workload/scenario.js';
import { noEffectVars } from '../../ipam/config.js';
import { printProblems, type Io } from '../io.js';
import { memoryLimit, memoryOptions, type MemoryArgs } from '../memory-limit.js';

interface ValidateArgs extends MemoryArgs {
  scenarios: string[];
}

/** Every problem of one file, and the scenario when it has no errors. */
function check(file: string): { problems: Problem[]; scenario?: Scenario } {
  try {
    return validateScenario(parseScenarioText(readScenarioText(file), file), dirname(resolve(file)));
  } catch (e) {
    if (!(e instanceof InputError)) throw e;
    return { problems: e.problems };
  }
}

/** The estimate of a valid scenario (info), and an error when `run` would refuse it for memory. */
function estimateProblems(file: string, scenario: Scenario, a: MemoryArgs): Problem[] {
  const estimate = estimateRun(scenario);
  const limit = memoryLimit(a);
  const refusal = limit && memoryRefusal(estimate, limit.bytes, limit.name);
  return refusal ? [{ file, line: 0, col: 0, path: '', severity: 'error', message: `run refuses it: ${refusal}` }] : [];
}

/** Every aws-node variable a scenario sets, for the cluster or for a node group. */
function allEnv(s: Scenario): Record<string, unknown> {
  const all: Record<string, unknown> = { ...s.env };
  for (const g of s.nodeGroups) Object.assign(all, g.env);
  return all;
}

/** `warmpool-sim validate`: check scenario files, reporting every problem at once. */
export function validateCommand(io: Io, setExit: (code: number) => void) {
  return {
    command: 'validate <scenarios..>',
    describe: 'Check scenario files and report every problem with file:line:col, and estimate what a run takes',
    builder: (y: Argv) =>
      memoryOptions(
        y.positional('scenarios', { type: 'string', array: true, demandOption: true, describe: 'scenario files' }),
      )
        .example('$0 validate my.yaml', 'check one file')
        .example('$0 validate scenarios/*.yaml', 'check many'),
    handler: (a: ValidateArgs) => {
      let errors = 0;
      for (const file of a.scenarios) {
        const checked = check(file);
        const problems = checked.scenario
          ? [...checked.problems, ...estimateProblems(file, checked.scenario, a)]
          : checked.problems;
        printProblems(io, problems);
        const n = problems.filter((p) => p.severity === 'error').length;
        const warnings = problems.length - n;
        errors += n;
        if (n === 0) io.stdout(`${file}: ok${warnings ? ` (${warnings} warning${warnings === 1 ? '' : 's'})` : ''}\n`);
        if (checked.scenario)
          io.stdout(`${file}: info: a run takes ${describeEstimate(estimateRun(checked.scenario))}\n`);
        const quiet = checked.scenario ? noEffectVars(allEnv(checked.scenario)) : [];
        if (quiet.length) io.stdout(`${file}: info: no effect in this model: ${quiet.join(', ')}\n`);
      }
      if (errors > 0) {
        io.stderr(`${errors} error${errors === 1 ? '' : 's'}\n`);
        setExit(2);
      }
    },
  };
}
