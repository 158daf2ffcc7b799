import type { Argv } from 'yargs';
import { loadScenario } from '../../workload/load.js';
import { Cluster } from '../../run/cluster.js';
import { buildReport, buildRunData } from '../../run/report.js';
import type { RunData, RunReport } from '../../report/types.js';
import { renderCsv } from '../../report/csv.js';
import { renderRunHtml } from '../../report/run-html.js';
import { DEFAULT_NODE_LIMIT } from '../../run/series.js';
import { parseDuration } from '../../util/duration.js';
import { renderText } from '../../report/text.js';
import { checkDistinctOutputs, planOutput, printProblems, UsageError, writePlanned, type Io } from '../io.js';
import { seedOption, wholeOption } from '../args.js';
import { scenarioInputs } from '../inputs.js';
import { openEventLog } from '../event-log.js';
import { parseEventFilters } from '../event-filter.js';
import { checkMemory, memoryOptions, type MemoryArgs } from '../memory-limit.js';

interface RunArgs extends MemoryArgs {
  scenario: string;
  seed?: number;
  format: 'text' | 'json';
  out?: string;
  events?: string;
  eventsFilter?: string[];
  html?: string;
  csv?: string;
  sampleEvery?: string;
  nodeSeries?: number;
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
        .option('seed', seedOption('seed', "root seed (overrides the scenario's seed; default: scenario's, else 1)"))
        .option('format', {
          choices: ['text', 'json'] as const,
          default: 'text' as const,
          describe: 'report format on stdout',
        })
        .option('out', {
          type: 'string',
          requiresArg: true,
          describe: 'also write the JSON report to this file (atomically; - for stdout, instead of the report)',
        })
        .option('events', {
          type: 'string',
          requiresArg: true,
          describe: 'write an event log (JSON lines) to this file; gzip-compressed when its name ends in .gz',
        })
        .option('events-filter', {
          type: 'string',
          array: true,
          requiresArg: true,
          describe:
            'keep only matching events: kind=KIND,..., node=NAME,... or pod=NAME,... (* is a wildcard); repeat to combine',
        })
        .option('html', {
          type: 'string',
          requiresArg: true,
          describe: 'write a self-contained HTML report with charts to this file',
        })
        .option('csv', {
          type: 'string',
          requiresArg: true,
          describe: 'write the time series behind the charts as CSV to this file',
        })
        .option('sample-every', {
          type: 'string',
          requiresArg: true,
          describe: 'time series interval, e.g. 10s (default: a round interval giving at most ~1,500 samples)',
        })
        .option(
          'node-series',
          wholeOption(
            'node-series',
            `keep per-node series when the cluster has at most this many nodes, else per-group spreads (default ${DEFAULT_NODE_LIMIT})`,
            0,
          ),
        )
        .option('force', {
          type: 'boolean',
          default: false,
          describe: 'allow replacing output files not written by warmpool-sim',
        })
        .example('$0 run scenarios/batch-burst.yaml', 'text report')
        .example('$0 run my.yaml --seed 7 --format json', 'JSON report on stdout')
        .example('$0 run my.yaml --out report.json', 'write the JSON report to a file')
        .example('$0 run my.yaml --events events.jsonl', 'trace why each pod waited')
        .example(
          '$0 run my.yaml --events ev.jsonl.gz --events-filter kind=pod-started',
          'a compressed log of pod starts',
        )
        .example('$0 run my.yaml --html report.html --csv series.csv', 'charts, and the series behind them'),
    handler: async (a: RunArgs) => {
      // Every flag and output is settled before the scenario is run.
      const everyMs = a.sampleEvery === undefined ? undefined : parseDuration(a.sampleEvery);
      if (a.sampleEvery !== undefined && !(everyMs !== undefined && everyMs >= 1))
        throw new UsageError(`--sample-every must be a duration of at least 1ms, e.g. 10s; got "${a.sampleEvery}"`);
      const named = { '--out': a.out, '--events': a.events, '--html': a.html, '--csv': a.csv };
      checkDistinctOutputs(named);
      const filters = a.eventsFilter ?? [];
      if (filters.length > 0 && a.events === undefined)
        throw new UsageError('--events-filter chooses what --events writes: give --events FILE too');
      const eventFilter = parseEventFilters(filters);
      const outputs = { inputs: scenarioInputs(a.scenario), force: a.force, io };
      // Check every output before the run, so a refused file does not cost a long simulation.
      const plans = {
        out: a.out === undefined ? undefined : planOutput(a.out, outputs),
        html: a.html === undefined ? undefined : planOutput(a.html, outputs),
        csv: a.csv === undefined ? undefined : planOutput(a.csv, outputs),
      };
      const { scenario, warnings } = loadScenario(a.scenario);
      printProblems(io, warnings);
      checkMemory(io, a.scenario, scenario, a);
      const visual = a.html !== undefined || a.csv !== undefined;
      if (everyMs !== undefined && scenario.durationMs / everyMs > MAX_SAMPLES) {
        throw new UsageError(
          `--sample-every ${a.sampleEvery} would take ${Math.floor(scenario.durationMs / everyMs) + 1} samples (at most ${MAX_SAMPLES})`,
        );
      }
      const log = a.events ? openEventLog(a.events, outputs, eventFilter) : undefined;
      let report: RunReport;
      let data: RunData | undefined;
      try {
        const cluster = new Cluster(scenario, {
          ...(a.seed !== undefined ? { seed: a.seed } : {}),
          ...(log ? { events: log } : {}),
          ...(visual
            ? {
                timeseries: {
                  nodeLimit: a.nodeSeries ?? DEFAULT_NODE_LIMIT,
                  ...(everyMs !== undefined ? { everyMs } : {}),
                },
              }
            : {}),
        });
        cluster.run();
        data = visual ? buildRunData(cluster) : undefined;
        report = data?.report ?? buildReport(cluster);
      } catch (e) {
        log?.abandon();
        throw e;
      }
      log?.close();
      const json = JSON.stringify(report, null, 2) + '\n';
      if (plans.out) writePlanned(plans.out, json, io);
      if (data && plans.csv) writePlanned(plans.csv, renderCsv(data.timeseries, report), io);
      if (data && plans.html) writePlanned(plans.html, await renderRunHtml(data), io);
      // An output named "-" has stdout: the report is not printed beside it.
      if (Object.values(named).includes('-')) return;
      io.stdout(a.format === 'json' ? json : renderText(report));
    },
  };
}
