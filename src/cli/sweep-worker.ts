/**
 * Worker-thread entry of the sweep pool: runs one (scenario, settings, seed) and returns its headline figures.
 * Each run is a pure function of its task, so results do not depend on which worker ran it or in which order.
 */
import { loadScenario } from '../workload/load.js';
import { runScenario } from '../index.js';
import { pointEdits, type Setting } from '../sweep/settings.js';
import { settingsKey } from '../sweep/grid.js';
import { figuresOf } from '../sweep/rows.js';
import type { RunFigures } from '../sweep/types.js';
import type { Scenario } from '../workload/scenario.js';

/** One run, as posted to a worker. */
export interface RunTask {
  /** Absolute path of the scenario file. */
  scenario: string;
  settings: Setting[];
  seed: number;
}

/** The last scenario loaded (tasks arrive point by point, so consecutive runs mostly share it). */
let cached: { key: string; scenario: Scenario } | undefined;

function scenarioFor(task: RunTask): Scenario {
  const key = `${task.scenario}\u0000${settingsKey(task.settings)}`;
  if (cached?.key === key) return cached.scenario;
  const pe = pointEdits(task.settings);
  const { scenario } = loadScenario(task.scenario, pe.edits);
  const failed = [...pe.errors].map(([name, message]) => `${name}: ${message}`);
  if (failed.length > 0) throw new Error(`cannot apply ${failed.join('; ')}`);
  cached = { key, scenario };
  return scenario;
}

/** Runs one task (the pool calls the default export). */
export default function runTask(task: RunTask): RunFigures {
  return figuresOf(runScenario(scenarioFor(task), { seed: task.seed }));
}
