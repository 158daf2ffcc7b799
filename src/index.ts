/**
 * warmpool-sim public API: load a scenario, run it, get a report.
 *
 * ```ts
 * import { loadScenario, runScenario } from 'warmpool-sim';
 * const { scenario } = loadScenario('scenarios/default.yaml');
 * const report = runScenario(scenario, { seed: 7 });
 * ```
 */
import { Cluster, type RunOptions } from './run/cluster.js';
import { buildReport } from './run/report.js';
import type { RunReport } from './report/types.js';
import type { Scenario } from './workload/scenario.js';

export { loadScenario, parseScenarioText, validateScenario } from './workload/load.js';
export { InputError, formatProblem, type Problem } from './workload/problems.js';
export { Cluster, type RunOptions } from './run/cluster.js';
export { buildReport, buildRunData } from './run/report.js';
export type { RunData, RunReport } from './report/types.js';
export type { Series, SeriesProbe, TimeSeries } from './report/timeseries.js';
export { renderCsv } from './report/csv.js';
export { renderRunHtml } from './report/run-html.js';
export { renderSweepHtml, type SweepHtmlOptions } from './sweep/html.js';
export { meanByPoint } from './sweep/pareto.js';
export type { Scenario } from './workload/scenario.js';
// Sweeps from code: rows from reports, summaries with confidence intervals and Pareto marks, comparisons, SLOs.
export { figuresOf, makeRow, parseResults, mergeRows } from './sweep/rows.js';
export { summarise as summariseSweep, paretoFront } from './sweep/summary.js';
export { compareSides } from './sweep/compare.js';
export { parseSlo } from './sweep/slo.js';
export { recommend } from './sweep/recommend.js';
export type { RunFigures, SweepRow, SweepSummaryRow, Interval } from './sweep/types.js';

/** Runs a scenario to its end and returns the report. Same scenario and seed give the same report. */
export function runScenario(scenario: Scenario, options: RunOptions = {}): RunReport {
  const cluster = new Cluster(scenario, options);
  cluster.run();
  return buildReport(cluster);
}
