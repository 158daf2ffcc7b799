/**
 * Result lines: building a {@link SweepRow} from a run report, reading a results file's text back (tolerating a
 * last line cut short by a kill), and merging several files' rows without duplicates.
 */
import * as z from 'zod';
import type { RunReport } from '../report/types.js';
import { latencyFigure } from '../report/figures.js';
import type { Problem } from '../workload/problems.js';
import type { GridPoint } from './grid.js';
import { rowKey } from './grid.js';
import type { BranchFigures, RowScenario, RunFigures, SweepRow } from './types.js';

/** The security-groups-for-pods figures of a run report, when it had the VPC resource controller. */
export function branchFiguresOf(r: RunReport): BranchFigures | undefined {
  const v = r.vpcResourceController;
  if (!v) return undefined;
  const l = v.branchPods.startLatencyMs;
  return {
    branchP50: latencyFigure(l, 'p50'),
    branchP99: latencyFigure(l, 'p99'),
    branchCapacityWaits: v.branchPods.pendingForBranchCapacity,
    trunkAttachP50: latencyFigure(v.trunkAttachMs, 'p50'),
    trunkAttachMax: latencyFigure(v.trunkAttachMs, 'max'),
    controllerEc2Calls: v.ec2.total,
  };
}

/** The headline figures of a run report. */
export function figuresOf(r: RunReport): RunFigures {
  const l = r.podStartLatencyMs;
  const branch = branchFiguresOf(r);
  return {
    p50: latencyFigure(l, 'p50'),
    p90: latencyFigure(l, 'p90'),
    p99: latencyFigure(l, 'p99'),
    max: latencyFigure(l, 'max'),
    mean: latencyFigure(l, 'mean'),
    idleMean: r.ips.idleMean,
    attachedPeak: r.ips.attachedPeak,
    ec2Calls: r.ec2.total,
    failedAddAttempts: r.pods.failedAddAttempts,
    neverStarted: r.pods.neverStarted,
    started: r.pods.started,
    ...(branch ? { branch } : {}),
  };
}

/** The result row of one run of `point` with `seed`. */
export function makeRow(point: GridPoint, seed: number, figures: RunFigures, scenario?: RowScenario): SweepRow {
  const settings = Object.fromEntries(point.settings.map((s) => [s.name, s.value]));
  return {
    tool: 'warmpool-sim',
    kind: 'sweep-run',
    key: rowKey(point.settings, seed),
    point: point.index,
    settings,
    seed,
    figures,
    ...(scenario ? { scenario } : {}),
  };
}

/** One line of a results file (JSON and a newline). */
export function rowLine(row: SweepRow): string {
  return JSON.stringify(row) + '\n';
}

const num = z.number();
/** A row's settings: each swept name with its value (shared with `report-sweep`'s summary rows). */
export const SettingsSchema = z.record(z.string(), z.union([z.string(), z.number(), z.boolean()]));
/** One results row as a file holds it (shared with `report-sweep`). */
export const RowSchema = z.object({
  tool: z.literal('warmpool-sim'),
  kind: z.literal('sweep-run'),
  key: z.string(),
  point: z.number().int().nonnegative(),
  settings: SettingsSchema,
  seed: z.number().int(),
  figures: z.object({
    p50: num,
    p90: num,
    p99: num,
    max: num,
    mean: num,
    idleMean: num,
    attachedPeak: num,
    ec2Calls: num,
    failedAddAttempts: num,
    neverStarted: num,
    started: num,
    branch: z
      .object({
        branchP50: num,
        branchP99: num,
        branchCapacityWaits: num,
        trunkAttachP50: num,
        trunkAttachMax: num,
        controllerEc2Calls: num,
      })
      .optional(),
  }),
  scenario: z.object({ name: z.string(), sha256: z.string() }).optional(),
});

/** A results file's text, read back. */
export interface ParsedResults {
  rows: SweepRow[];
  problems: Problem[];
  /** Length in UTF-8 bytes of the part to keep: everything but a cut-short last line. */
  keepBytes: number;
  /** The last line was cut short (a killed run) and is dropped. */
  truncated: boolean;
  /** The kept part does not end with a newline (append one before appending rows). */
  needsNewline: boolean;
}

/** Reads the rows of a results file. A last line without a newline that does not parse is a cut-short write, not an error. */
export function parseResults(text: string, file: string): ParsedResults {
  const rows: SweepRow[] = [];
  const problems: Problem[] = [];
  const lines = text.split('\n');
  let keepChars = 0;
  let truncated = false;
  lines.forEach((line, i) => {
    const last = i === lines.length - 1;
    const row = line.trim() === '' ? null : readRow(line);
    if (last && line !== '' && typeof row === 'string') {
      truncated = true;
      return;
    }
    keepChars += line.length + (last ? 0 : 1);
    if (typeof row === 'string')
      problems.push({ file, line: i + 1, col: 1, path: '', message: row, severity: 'error' });
    else if (row) rows.push(row);
  });
  const kept = text.slice(0, keepChars);
  return {
    rows,
    problems,
    keepBytes: new TextEncoder().encode(kept).length,
    truncated,
    needsNewline: kept !== '' && !kept.endsWith('\n'),
  };
}

function readRow(line: string): SweepRow | string {
  let json: unknown;
  try {
    json = JSON.parse(line);
  } catch {
    return 'not a JSON line (is this a warmpool-sim results file?)';
  }
  const r = RowSchema.safeParse(json);
  if (r.success) return r.data;
  const issue = r.error.issues[0];
  return `not a warmpool-sim result row: ${issue.path.map(String).join('.') || 'line'}: ${issue.message}`;
}

/** Sorts rows by point, then seed, then key (the order of merged files and summaries). */
export function sortRows(rows: readonly SweepRow[]): SweepRow[] {
  return [...rows].sort((a, b) => a.point - b.point || a.seed - b.seed || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}

/**
 * Joins rows from several files: one row per key, sorted. The same key with different figures, or rows from
 * different scenarios, are errors.
 */
export function mergeRows(sources: readonly { file: string; rows: readonly SweepRow[] }[]): {
  rows: SweepRow[];
  problems: Problem[];
} {
  const byKey = new Map<string, { row: SweepRow; file: string }>();
  const problems: Problem[] = [];
  const err = (file: string, message: string): void =>
    void problems.push({ file, line: 0, col: 0, path: '', message, severity: 'error' });
  let scenario: { s: RowScenario; file: string } | undefined;
  for (const { file, rows } of sources) {
    for (const row of rows) {
      if (
        row.scenario &&
        scenario &&
        (row.scenario.sha256 !== scenario.s.sha256 || row.scenario.name !== scenario.s.name)
      ) {
        err(
          file,
          `holds runs of scenario "${row.scenario.name}" (${row.scenario.sha256}) but ${scenario.file} holds "${scenario.s.name}" (${scenario.s.sha256})`,
        );
        break;
      }
      if (row.scenario && !scenario) scenario = { s: row.scenario, file };
      const seen = byKey.get(row.key);
      if (!seen) byKey.set(row.key, { row, file });
      else if (JSON.stringify(seen.row.figures) !== JSON.stringify(row.figures)) {
        err(
          file,
          `run ${row.key} has other figures than in ${seen.file}: were they made by different versions or scenarios?`,
        );
      }
    }
  }
  return { rows: sortRows([...byKey.values()].map((v) => v.row)), problems };
}
