/**
 * The time series as CSV: one row per sample, one column per series, times in ms. The first line is a `#`
 * comment naming the tool (so warmpool-sim recognises its own file before replacing it) and the run; most
 * readers skip it with a comment option (pandas `comment='#'`, R `comment.char='#'`).
 */
import { formatDuration } from '../util/duration.js';
import type { TimeSeries } from './timeseries.js';
import type { RunReport } from './types.js';

/** Name of the first column: sample time in ms since the run started. */
export const TIME_COLUMN = 'timeMs';

/** Renders time series as CSV text (pure: the same input gives the same bytes). */
export function renderCsv(ts: TimeSeries, report: Pick<RunReport, 'tool' | 'scenario' | 'seed'>): string {
  const oneLine = (s: string): string => s.replace(/[\r\n]+/g, ' ');
  const lines: string[] = [
    `# ${report.tool.name} ${report.tool.version} time series; scenario "${oneLine(report.scenario)}"; seed ${report.seed}; ` +
      `sampled every ${ts.everyMs} ms (${formatDuration(ts.everyMs)}); columns are described in docs/reports.md`,
    [TIME_COLUMN, ...ts.series.map((s) => s.name)].join(','),
  ];
  const cols = ts.series.map((s) => s.values);
  for (let i = 0; i < ts.times.length; i++) {
    const row: (number | string)[] = [ts.times[i]];
    for (const c of cols) row.push(c[i]);
    lines.push(row.join(','));
  }
  return lines.join('\n') + '\n';
}

/** Parses CSV written by {@link renderCsv} back into columns (for tests and tools; not a general CSV reader). */
export function parseCsv(text: string): { header: string[]; columns: Map<string, number[]> } {
  const rows = text.split('\n').filter((l) => l !== '' && !l.startsWith('#'));
  const header = rows[0].split(',');
  const columns = new Map(header.map((h) => [h, [] as number[]]));
  for (const r of rows.slice(1)) r.split(',').forEach((v, i) => columns.get(header[i])!.push(Number(v)));
  return { header, columns };
}
