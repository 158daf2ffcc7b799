import type { Argv } from 'yargs';
import { loadScenario } from '../../workload/load.js';
import { Cluster } from '../../run/cluster.js';
import { buildReport, buildRunData } from '../../run/report.js';
import { renderCsv } from '../../report/csv.js';
import { renderRunHtml } from '../../report/run-html.js';
import { DEFAULT_NODE_LIMIT } from '../../run/series.js';
import { parseDuration } from '../../util/duration.js';
import { renderText } from '../../report/text.js';
import { checkReplaceable, printProblems, UsageError, wholeNumber, writeOutput, type Io } from '../io.js';
import { openEventLog } from '../event-log.js';
import { checkMemory, memoryOptions, type MemoryArgs } from '../memory-limit.js';

interface RunArgs extends MemoryArgs {
  scenario: string;
  seed?: number;
  format: 'text' | 'json';
  out?: string;
  events?: string;
  html?: string;
  csv?: string;
  sampleEvery?: string;
  nodeSeries: number;
  force: boolean;
}

/** Most samples a run may take (about 100 MB of CSV on a large cluster): beyond it the interval is surely a typo. */
const MAX_SAMPLES = 200_000;

/** `warmpool-sim run`: one scenario, one report. */
export function runCommand(io: Io) {
  return {
    command: 'run <scenario>',
    describe: 'Run a scenario and print the report',
    builder: (y: Argv) =>
      memoryOptions(y)
        .positional('scenario', { type: 'string', demandOption: true, describe: 'scenario file (YAML or JSON)' })
        .option('seed', {
          type: 'number',
          describe: "root seed (overrides the scenario's seed; default: scenario's, else 1)",
        })
        .option('format', {
          choices: ['text', 'json'] as const,
          default: 'text' as const,
          describe: 'report format on stdout',
        })
        .option('out', { type: 'string', describe: 'also write the JSON report to this file (atomically)' })
        .option('events', { type: 'string', describe: 'write an event log (JSON lines) to this file' })
        .option('html', { type: 'string', describe: 'write a self-contained HTML report with charts to this file' })
        .option('csv', { type: 'string', describe: 'write the time series behind the charts as CSV to this file' })
        .option('sample-every', {
          type: 'string',
          describe: 'time series interval, e.g. 10s (default: a round interval giving at most ~1,500 samples)',
        })
        .option('node-series', {
          type: 'number',
          default: DEFAULT_NODE_LIMIT,
          describe: 'keep per-node series when the cluster has at most this many nodes (else per-group spreads)',
        })
        .option('force', {
          type: 'boolean',
          default: false,
          describe: 'allow replacing output files not written by warmpool-sim',
        })
        .example('$0 run scenarios/batch-burst.yaml', 'text report')
        .example('$0 run my.yaml --seed 7 --format json', 'JSON report on stdout')
        .example('$0 run my.yaml --out report.json', 'write the JSON report to a file')
        .example('$0 run my.yaml --events events.jsonl', 'trace why each pod waited')
        .example('$0 run my.yaml --html report.html --csv series.csv', 'charts, and the series behind them'),
    handler: async (a: RunArgs) => {
      wholeNumber('seed', a.seed, 0);
      const everyMs = a.sampleEvery === undefined ? undefined : parseDuration(a.sampleEvery);
      if (everyMs !== undefined && !(everyMs >= 1))
        throw new UsageError(`--sample-every must be a duration of at least 1ms, e.g. 10s; got ${a.sampleEvery}`);
      wholeNumber('node-series', a.nodeSeries, 0);
      const { scenario, warnings } = loadScenario(a.scenario);
      printProblems(io, warnings);
      checkMemory(io, a.scenario, scenario, a);
      const visual = a.html !== undefined || a.csv !== undefined;
      if (everyMs !== undefined && scenario.durationMs / everyMs > MAX_SAMPLES) {
        throw new UsageError(
          `--sample-every ${a.sampleEvery} would take ${Math.floor(scenario.durationMs / everyMs) + 1} samples (at most ${MAX_SAMPLES})`,
        );
      }
      const outputs = { inputs: [a.scenario], force: a.force };
      // Check every output before the run, so a refused file does not cost a long simulation.
      for (const f of [a.out, a.html, a.csv]) if (f !== undefined) checkReplaceable(f, outputs);
      const log = a.events ? openEventLog(a.events, outputs) : undefined;
      const cluster = new Cluster(scenario, {
        ...(a.seed !== undefined ? { seed: a.seed } : {}),
        ...(log ? { events: log } : {}),
        ...(visual ? { timeseries: { nodeLimit: a.nodeSeries, ...(everyMs !== undefined ? { everyMs } : {}) } } : {}),
      });
      cluster.run();
      const data = visual ? buildRunData(cluster) : undefined;
      const report = data?.report ?? buildReport(cluster);
      log?.close();
      const json = JSON.stringify(report, null, 2) + '\n';
      if (a.out) writeOutput(a.out, json, outputs);
      if (data && a.csv) writeOutput(a.csv, renderCsv(data.timeseries, report), outputs);
      if (data && a.html) writeOutput(a.html, await renderRunHtml(data), outputs);
      io.stdout(a.format === 'json' ? json : renderText(report));
    },
  };
}
