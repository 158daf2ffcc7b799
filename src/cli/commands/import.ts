import type { Argv } from 'yargs';
import { existsSync, unlinkSync } from 'node:fs';
import { basename, dirname, extname, join, relative, resolve, sep } from 'node:path';
import { importCluster, type ImportInputs } from '../../import/build.js';
import type { SourceFile } from '../../import/source.js';
import { parseDuration } from '../../util/duration.js';
import { parseScenarioText, readInputText, validateScenario } from '../../workload/load.js';
import { InputError, type Problem } from '../../workload/problems.js';
import { checkReplaceable, UsageError, writeOutput, type Io } from '../io.js';

interface ImportArgs {
  nodes: string;
  daemonset?: string;
  subnets?: string;
  pods?: string;
  events?: string;
  audit?: string;
  duration?: string;
  name?: string;
  out: string;
  traceOut?: string;
  force: boolean;
}

/** `warmpool-sim import`: a scenario (and a trace CSV) from what kubectl and the AWS CLI printed. */
export function importCommand(io: Io) {
  return {
    command: 'import',
    describe: 'Build a scenario (and a trace CSV) from saved kubectl and AWS CLI output',
    builder: (y: Argv) =>
      y
        .option('nodes', { type: 'string', demandOption: true, describe: 'kubectl get nodes -o json' })
        .option('daemonset', {
          type: 'string',
          describe: 'kubectl -n kube-system get ds aws-node -o yaml (or -o json)',
        })
        .option('subnets', { type: 'string', describe: 'aws ec2 describe-subnets --output json' })
        .option('pods', { type: 'string', describe: 'kubectl get pods -A -o json' })
        .option('events', { type: 'string', describe: 'kubectl get events -A -o json (pod lifecycle)' })
        .option('audit', { type: 'string', describe: 'a Kubernetes audit log, JSON lines (pod lifecycle)' })
        .option('duration', {
          type: 'string',
          describe: 'run length, e.g. 1h (default: the recorded window plus 5m, at least 30m)',
        })
        .option('name', { type: 'string', describe: "scenario name (default: the --out file's name)" })
        .option('out', { type: 'string', demandOption: true, describe: 'scenario file to write (YAML)' })
        .option('trace-out', {
          type: 'string',
          describe: 'trace CSV to write (default: beside --out, named after it: <out>.trace.csv)',
        })
        .option('force', {
          type: 'boolean',
          default: false,
          describe: 'allow replacing output files not written by warmpool-sim',
        })
        .conflicts('events', 'audit')
        .example('$0 import --nodes nodes.json --out my-cluster.yaml', 'node groups only; defaults for the rest')
        .example(
          '$0 import --nodes nodes.json --daemonset aws-node.yaml --subnets subnets.json --pods pods.json --events events.json --out my-cluster.yaml',
          'everything',
        ),
    handler: (a: ImportArgs) => {
      const durationMs = a.duration === undefined ? undefined : parseDuration(a.duration);
      if (a.duration !== undefined && !(durationMs !== undefined && durationMs > 0))
        throw new UsageError(`--duration must be a duration longer than 0, e.g. 1h or 90m; got ${a.duration}`);
      const given = { daemonset: a.daemonset, subnets: a.subnets, pods: a.pods, events: a.events, audit: a.audit };
      const problems: Problem[] = [];
      const read = (file: string | undefined): SourceFile | undefined => {
        if (file === undefined) return undefined;
        try {
          return { file, text: readInputText(file) };
        } catch (e) {
          if (!(e instanceof InputError)) throw e;
          problems.push(...e.problems);
          return undefined;
        }
      };
      const nodes = read(a.nodes);
      const files = Object.fromEntries(Object.entries(given).map(([k, v]) => [k, read(v)])) as Record<
        keyof typeof given,
        SourceFile | undefined
      >;
      if (problems.length || !nodes) throw new InputError(problems);

      const out = a.out;
      const name = a.name ?? basename(out, extname(out));
      const tracePath = a.traceOut ?? join(dirname(out), `${basename(out, extname(out))}.trace.csv`);
      const traceRef = relative(dirname(resolve(out)), resolve(tracePath))
        .split(sep)
        .join('/');
      const inputs: ImportInputs = {
        nodes,
        ...Object.fromEntries(Object.entries(files).filter(([, v]) => v !== undefined)),
        ...(durationMs !== undefined ? { durationMs } : {}),
        name,
        traceRef,
      };
      const result = importCluster(inputs);

      // Refuse before writing anything; then the trace, then the scenario (which reads the trace when checked).
      const inputFiles = [a.nodes, ...Object.values(given).filter((v): v is string => v !== undefined)];
      const opts = { inputs: inputFiles, force: a.force };
      checkReplaceable(out, opts);
      if (result.traceCsv !== undefined) checkReplaceable(tracePath, opts);
      const traceIsNew = !existsSync(tracePath);
      if (result.traceCsv !== undefined) writeOutput(tracePath, result.traceCsv, opts);
      const check = validateScenario(parseScenarioText(result.scenarioYaml, out), dirname(resolve(out)));
      if (!check.scenario) {
        if (result.traceCsv !== undefined && traceIsNew) unlinkSync(tracePath);
        throw new Error(
          `the imported scenario does not validate:\n${check.problems.map((p) => `  ${p.path}: ${p.message}`).join('\n')}`,
        );
      }
      writeOutput(out, result.scenarioYaml, opts);

      const list = (title: string, lines: string[]): void => {
        if (lines.length) io.stderr(`${title}:\n${lines.map((l) => `  - ${l}\n`).join('')}`);
      };
      list('defaults used', result.defaults);
      list('notes', result.notes);
      io.stdout(`wrote ${out}${result.traceCsv !== undefined ? ` and ${tracePath}` : ''}\n`);
    },
  };
}
