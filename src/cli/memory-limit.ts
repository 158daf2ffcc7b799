/**
 * Limits before work: a scenario whose estimated run would not fit in memory is refused (exit 2) before it starts,
 * naming the estimate and the flags that let the user go on anyway (--max-memory, --no-limit).
 */
import { totalmem } from 'node:os';
import type { Argv } from 'yargs';
import { dirname } from 'node:path';
import { describeEstimate, estimateRun, memoryRefusal, parseSize, type Estimate } from '../workload/estimate.js';
import { parseScenarioText, readScenarioText, validateEdited } from '../workload/load.js';
import { InputError } from '../workload/problems.js';
import type { Scenario } from '../workload/scenario.js';
import { pointEdits } from '../sweep/settings.js';
import { UsageError, type Io } from './io.js';
import type { Plan } from './sweep-plan.js';

/** The flags as yargs parses them. */
export interface MemoryArgs {
  'max-memory'?: string;
  limit?: boolean;
}

/** Estimated runs longer than this print their estimate before they start. */
const ANNOUNCE_SECONDS = 30;

/** Adds --max-memory and --limit (--no-limit). */
export function memoryOptions<T>(y: Argv<T>) {
  return y
    .option('max-memory', {
      type: 'string',
      describe: "memory a run may use, e.g. 8GB (default: the machine's); larger runs are refused before they start",
    })
    .option('limit', {
      type: 'boolean',
      default: true,
      describe: 'refuse runs estimated not to fit in memory (--no-limit runs them anyway)',
    });
}

/** The memory limit in bytes and where it comes from; undefined with --no-limit. */
export function memoryLimit(a: MemoryArgs): { bytes: number; name: string } | undefined {
  if (a.limit === false) return undefined;
  const text = a['max-memory'];
  if (text === undefined) return { bytes: totalmem(), name: "this machine's memory" };
  const bytes = parseSize(text);
  if (bytes === undefined) throw new UsageError(`--max-memory must be a size such as 512MB or 8GB; got "${text}"`);
  return { bytes, name: `--max-memory ${text}` };
}

/**
 * Refuses (exit 2) a run of `scenario` from `file` that would not fit in memory, `parallel` runs at once;
 * prints the estimate of a long run before it starts.
 */
export function checkMemory(io: Io, file: string, scenario: Scenario, a: MemoryArgs, parallel = 1): void {
  checkEstimate(io, file, estimateRun(scenario), a, parallel);
}

function checkEstimate(io: Io, file: string, estimate: Estimate, a: MemoryArgs, parallel: number): void {
  const limit = memoryLimit(a);
  const refusal = limit && memoryRefusal(estimate, limit.bytes, limit.name, parallel);
  if (refusal) throw new InputError([{ file, line: 0, col: 0, path: '', severity: 'error', message: refusal }]);
  if (estimate.seconds > ANNOUNCE_SECONDS) io.stderr(`${file}: info: estimate: ${describeEstimate(estimate)}\n`);
}

/**
 * {@link checkMemory} for a sweep: the grid point estimated to need the most memory, `workers` runs at once (a
 * swept setting such as nodeGroups[0].count changes what a run needs).
 */
export function checkPlanMemory(io: Io, file: string, plan: Plan, a: MemoryArgs, workers: number): void {
  const doc = parseScenarioText(readScenarioText(plan.scenarioPath), file);
  let worst: Estimate | undefined;
  for (const point of plan.points) {
    const { scenario } = validateEdited(doc, dirname(plan.scenarioPath), pointEdits(point.settings).edits);
    const e = scenario && estimateRun(scenario);
    if (e && (!worst || e.bytes > worst.bytes)) worst = e;
  }
  if (worst) checkEstimate(io, file, worst, a, Math.max(1, Math.min(workers, plan.runs.length)));
}
