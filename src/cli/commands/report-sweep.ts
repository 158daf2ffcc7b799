/**
 * `warmpool-sim report-sweep`: reads a sweep results file (and optionally a summary), validates every line, and
 * writes the HTML sweep report. The `sweep` command can call {@link renderSweepHtml} directly instead.
 */
import type { Argv } from 'yargs';
import * as z from 'zod';
import { renderSweepHtml } from '../../sweep/html.js';
import { SUMMARY_FIGURES, type SummaryFigure } from '../../sweep/pareto.js';
import type { SweepRow, SweepSummaryRow } from '../../sweep/types.js';
import { RowSchema, SettingsSchema } from '../../sweep/rows.js';
import { TOOL } from '../../run/report.js';
import { InputError, type Problem } from '../../workload/problems.js';
import { readInputText } from '../../workload/load.js';
import { planOutput, UsageError, writeOutput, type Io, type OutputOptions } from '../io.js';

interface ReportSweepArgs {
  results: string;
  html: string;
  summary?: string;
  x?: string;
  y?: string;
  figure: SummaryFigure;
  title?: string;
  force: boolean;
}

const Interval = z.object({ mean: z.number(), lo: z.number(), hi: z.number() });
const SummaryRow = z.object({
  point: z.number().int().nonnegative(),
  settings: SettingsSchema,
  runs: z.number(),
  p50: Interval,
  p90: Interval,
  p99: Interval,
  idleMean: Interval,
  ec2Calls: Interval,
  neverStarted: Interval,
  pareto: z.boolean(),
});

/**
 * Renders the HTML sweep report and writes it atomically to `file`. Options the report cannot honour (an unknown
 * heatmap axis) are usage errors.
 */
export async function writeSweepHtml(
  file: string,
  rows: readonly SweepRow[],
  summary: readonly SweepSummaryRow[] | undefined,
  o: { title?: string; figure: SummaryFigure; x?: string; y?: string },
  outputs: OutputOptions,
): Promise<void> {
  let html: string;
  try {
    html = await renderSweepHtml(rows, summary, {
      figure: o.figure,
      generator: `${TOOL.name} ${TOOL.version}`,
      ...(o.title !== undefined ? { title: o.title } : {}),
      ...(o.x !== undefined ? { heatmapX: o.x } : {}),
      ...(o.y !== undefined ? { heatmapY: o.y } : {}),
    });
  } catch (e) {
    if (e instanceof RangeError) throw new UsageError(e.message);
    throw e;
  }
  writeOutput(file, html, outputs);
}

/** Reads JSON lines (or one JSON array) of `schema` items, reporting every bad line as file:line. */
function readJsonItems<T>(file: string, schema: z.ZodType<T>, what: string): T[] {
  const text = readInputText(file);
  const problems: Problem[] = [];
  const items: T[] = [];
  const check = (value: unknown, line: number): void => {
    const r = schema.safeParse(value);
    if (r.success) items.push(r.data);
    else {
      const issue = r.error.issues[0];
      problems.push({
        file,
        line,
        col: 1,
        path: issue.path.join('.'),
        severity: 'error',
        message: `not a ${what}: ${issue.path.join('.') || 'line'}: ${issue.message}`,
      });
    }
  };
  if (text.trimStart().startsWith('[')) {
    let all: unknown;
    try {
      all = JSON.parse(text);
    } catch (e) {
      throw new InputError([
        { file, line: 1, col: 1, path: '', severity: 'error', message: `not JSON: ${(e as Error).message}` },
      ]);
    }
    (all as unknown[]).forEach((v) => check(v, 1));
  } else {
    text.split('\n').forEach((raw, i) => {
      if (raw.trim() === '') return;
      try {
        check(JSON.parse(raw), i + 1);
      } catch (e) {
        problems.push({
          file,
          line: i + 1,
          col: 1,
          path: '',
          severity: 'error',
          message: `not JSON: ${(e as Error).message}`,
        });
      }
    });
  }
  if (problems.length) throw new InputError(problems);
  return items;
}

/** `warmpool-sim report-sweep`: renders a sweep results file as an HTML report. */
export function reportSweepCommand(io: Io) {
  return {
    command: 'report-sweep <results>',
    describe: 'Render sweep results (JSON lines) as an HTML report',
    builder: (y: Argv) =>
      y
        .positional('results', {
          type: 'string',
          demandOption: true,
          describe: 'sweep results file (.jsonl, one run per line)',
        })
        .option('html', { type: 'string', demandOption: true, describe: 'write the HTML report to this file' })
        .option('summary', {
          type: 'string',
          describe: 'per-point summary (JSON array or lines); default: plain means per point',
        })
        .option('x', { type: 'string', describe: 'heatmap x setting (default: the setting with most distinct values)' })
        .option('y', { type: 'string', describe: 'heatmap y setting (default: the next one)' })
        .option('figure', { choices: SUMMARY_FIGURES, default: 'p99' as const, describe: 'figure the heatmap shows' })
        .option('title', { type: 'string', describe: 'report heading' })
        .option('force', {
          type: 'boolean',
          default: false,
          describe: 'allow replacing an output file not written by warmpool-sim',
        })
        .example('$0 report-sweep results.jsonl --html sweep.html', 'scatter and heatmap of a sweep')
        .example(
          '$0 report-sweep results.jsonl --html sweep.html --x WARM_IP_TARGET --y MINIMUM_IP_TARGET --figure idleMean',
          'choose the heatmap',
        ),
    handler: async (a: ReportSweepArgs) => {
      const outputs = { inputs: [a.results, ...(a.summary ? [a.summary] : [])], force: a.force, io };
      planOutput(a.html, outputs);
      const rows: SweepRow[] = readJsonItems(a.results, RowSchema, 'sweep result row');
      const summary: SweepSummaryRow[] | undefined = a.summary
        ? readJsonItems(a.summary, SummaryRow, 'sweep summary row')
        : undefined;
      if (rows.length === 0) throw new UsageError(`${a.results} holds no sweep runs`);
      await writeSweepHtml(a.html, rows, summary, a, outputs);
    },
  };
}
