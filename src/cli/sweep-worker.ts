/**
 * Worker-thread entry of the sweep pool: runs one (scenario, settings, seed) and returns its headline figures.
 * Each run is a pure function of its task, so results do not depend on which worker ran it or in which order.
 */
import { dirname, resolve } from 'node:path';
import { parseScenarioText, readInputText, validateEdited, type ParsedDoc } from '../workload/load.js';
import { InputError } from '../workload/problems.js';
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

/** Resolved scenarios kept per worker (tasks of a few points are in flight at once, in no fixed order). */
const MAX_CACHED = 64;
const docs = new Map<string, ParsedDoc>();
const scenarios = new Map<string, Scenario>();

/**
 * What `loadScenario(path, edits)` returns, with the file read and parsed once per worker: the settings are applied
 * to a copy of the parsed document, which is then validated and resolved.
 */
function scenarioFor(task: RunTask): Scenario {
  const key = `${task.scenario}\u0000${settingsKey(task.settings)}`;
  const hit = scenarios.get(key);
  if (hit) return hit;
  let doc = docs.get(task.scenario);
  if (!doc) {
    doc = parseScenarioText(readInputText(task.scenario), task.scenario);
    docs.set(task.scenario, doc);
  }
  const pe = pointEdits(task.settings);
  const { scenario, problems } = validateEdited(doc, dirname(resolve(task.scenario)), pe.edits);
  // The edits record what they could not apply as they run.
  const failed = [...pe.errors].map(([name, message]) => `${name}: ${message}`);
  if (failed.length > 0) throw new Error(`cannot apply ${failed.join('; ')}`);
  if (!scenario) throw new InputError(problems);
  if (scenarios.size >= MAX_CACHED) scenarios.delete(scenarios.keys().next().value as string);
  scenarios.set(key, scenario);
  return scenario;
}

/** Runs one task (the pool calls the default export). */
export default function runTask(task: RunTask): RunFigures {
  return figuresOf(runScenario(scenarioFor(task), { seed: task.seed }));
}
