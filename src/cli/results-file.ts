/**
 * The results file of a sweep: one JSON line per finished run, appended and flushed as each run finishes, so
 * that a killed sweep keeps every finished run and `--resume` skips them.
 */
import { closeSync, openSync, readFileSync, truncateSync, writeSync } from 'node:fs';
import { parseResults, rowLine } from '../sweep/rows.js';
import type { RowScenario, SweepRow } from '../sweep/types.js';
import { InputError } from '../workload/problems.js';
import { readInputText } from '../workload/load.js';
import { planOutput, UsageError, type Io } from './io.js';
import { takeLock } from './lock.js';

/** An open results file. */
export interface ResultsFile {
  /** Rows already in the file (when resuming), by key. */
  done: Map<string, SweepRow>;
  /** Appends one row as one line, written through to the file at once. */
  append(row: SweepRow): void;
  close(): void;
}

/** How to open a results file. */
export interface OpenOptions {
  /** Keep the rows already in the file and append. */
  resume: boolean;
  /** Replace a file warmpool-sim did not write, or start over on one that holds runs. */
  force: boolean;
  /** Files that must never be written over (the scenario, the grid file). */
  inputs: string[];
  /** The scenario of this sweep: resuming a file of another scenario is refused. */
  scenario: RowScenario;
}

/** Reads every row of a results file, tolerating a cut-short last line; throws {@link InputError} on a bad line. */
export function readResultsFile(path: string, io?: Io): { rows: SweepRow[]; keepBytes: number; needsNewline: boolean } {
  const parsed = parseResults(readInputText(path), path);
  if (parsed.problems.length > 0) throw new InputError(parsed.problems);
  if (parsed.truncated)
    io?.stderr(`${path}: dropping its last line, cut short (a run killed while writing); that run will be redone\n`);
  return parsed;
}

function checkScenario(path: string, rows: readonly SweepRow[], scenario: RowScenario): void {
  const other = rows.find(
    (r) => r.scenario && (r.scenario.sha256 !== scenario.sha256 || r.scenario.name !== scenario.name),
  );
  if (!other?.scenario) return;
  throw new UsageError(
    `${path} holds runs of scenario "${other.scenario.name}" (sha256 ${other.scenario.sha256}), not of this one ("${scenario.name}", ${scenario.sha256}); ` +
      'was the scenario edited? Write to another --out file',
  );
}

/**
 * Opens (creating, resuming or restarting) a results file; refuses to clobber inputs, foreign files or earlier runs.
 * `-` appends to stdout and a device or FIFO is written as a stream (neither can be resumed). A regular file is
 * locked (`<file>.lock`) while it is open, so that a second sweep on it refuses to start.
 */
export function openResults(path: string, opts: OpenOptions, io: Io): ResultsFile {
  const plan = planOutput(path, { inputs: opts.inputs, force: opts.force });
  if (plan.kind !== 'file') {
    if (opts.resume) throw new UsageError(`--resume needs a results file to read back, not ${path}`);
    const fd = plan.kind === 'stream' ? openSync(plan.path, 'a') : undefined;
    return {
      done: new Map(),
      append(row) {
        if (fd === undefined) io.stdout(rowLine(row));
        else writeSync(fd, rowLine(row));
      },
      close() {
        if (fd !== undefined) closeSync(fd);
      },
    };
  }
  const target = plan.target;
  const lock = takeLock(target, path);
  try {
    const done = new Map<string, SweepRow>();
    let prefix = '';
    if (plan.exists) {
      if (opts.resume) {
        const parsed = readResultsFile(path, io);
        checkScenario(path, parsed.rows, opts.scenario);
        for (const r of parsed.rows) if (!done.has(r.key)) done.set(r.key, r);
        truncateSync(target, parsed.keepBytes);
        if (parsed.needsNewline) prefix = '\n';
      } else if (!opts.force) {
        const text = readFileSync(target, 'utf8');
        if (text.trim() !== '') {
          const n = text.split('\n').filter((l) => l.trim() !== '').length;
          throw new UsageError(
            `${path} already holds ${n} result line${n === 1 ? '' : 's'}: pass --resume to continue that sweep, or --force to start over`,
          );
        }
      }
    }
    const fd = openSync(target, opts.resume ? 'a' : 'w');
    if (prefix) writeSync(fd, prefix);
    return {
      done,
      append(row) {
        writeSync(fd, rowLine(row));
      },
      close() {
        closeSync(fd);
        lock.release();
      },
    };
  } catch (e) {
    lock.release();
    throw e;
  }
}
