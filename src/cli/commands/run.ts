import type { Argv } from 'yargs';
import { loadScenario } from '../../workload/load.js';
import { Cluster } from '../../run/cluster.js';
import { buildReport } from '../../run/report.js';
import { renderText } from '../../report/text.js';
import { printProblems, UsageError, writeOutput, type Io } from '../io.js';
import { openEventLog } from '../event-log.js';

interface RunArgs {
  scenario: string;
  seed?: number;
  format: 'text' | 'json';
  out?: string;
  events?: string;
  force: boolean;
}

/** `warmpool-sim run`: one scenario, one report. */
export function runCommand(io: Io) {
  return {
    command: 'run <scenario>',
    describe: 'Run a scenario and print the report',
    builder: (y: Argv) =>
      y
        .positional('scenario', { type: 'string', demandOption: true, describe: 'scenario file (YAML or JSON)' })
        .option('seed', { type: 'number', describe: "root seed (overrides the scenario's seed; default: scenario's, else 1)" })
        .option('format', { choices: ['text', 'json'] as const, default: 'text' as const, describe: 'report format on stdout' })
        .option('out', { type: 'string', describe: 'also write the JSON report to this file (atomically)' })
        .option('events', { type: 'string', describe: 'write an event log (JSON lines) to this file' })
        .option('force', { type: 'boolean', default: false, describe: 'allow replacing output files not written by warmpool-sim' })
        .example('$0 run scenarios/burst.yaml', 'text report')
        .example('$0 run my.yaml --seed 7 --format json', 'JSON report on stdout')
        .example('$0 run my.yaml --out report.json', 'write the JSON report to a file')
        .example('$0 run my.yaml --events events.jsonl', 'trace why each pod waited'),
    handler: (a: RunArgs) => {
      if (a.seed !== undefined && (!Number.isInteger(a.seed) || a.seed < 0)) throw new UsageError(`--seed must be a whole number >= 0, got ${a.seed}`);
      const { scenario, warnings } = loadScenario(a.scenario);
      printProblems(io, warnings);
      const log = a.events ? openEventLog(a.events, { inputs: [a.scenario], force: a.force }) : undefined;
      const cluster = new Cluster(scenario, { ...(a.seed !== undefined ? { seed: a.seed } : {}), ...(log ? { events: log } : {}) });
      cluster.run();
      const report = buildReport(cluster);
      log?.close();
      const json = JSON.stringify(report, null, 2) + '\n';
      if (a.out) writeOutput(a.out, json, { inputs: [a.scenario], force: a.force });
      io.stdout(a.format === 'json' ? json : renderText(report));
    },
  };
}
