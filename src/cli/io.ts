/**
 * Process-facing helpers for the CLI: output streams, atomic file writes that never clobber a user's file,
 * and uniform error reporting (exit code 2 for bad input, never a stack trace).
 */
import {
  closeSync,
  existsSync,
  fsyncSync,
  openSync,
  readSync,
  renameSync,
  unlinkSync,
  writeFileSync,
  realpathSync,
} from 'node:fs';
import { dirname, resolve } from 'node:path';
import { InputError, formatProblems, type Problem } from '../workload/problems.js';

/** Where the CLI writes; replaced in tests. */
export interface Io {
  stdout: (s: string) => void;
  stderr: (s: string) => void;
  /** Whether stdout/stderr are terminals (progress bars). */
  isTty: boolean;
}

/** The real process streams. */
export const processIo: Io = {
  stdout: (s) => void process.stdout.write(s),
  stderr: (s) => void process.stderr.write(s),
  isTty: Boolean(process.stderr.isTTY),
};

/** Raised for a usage problem (bad flag value, refusing to overwrite); exit code 2. */
export class UsageError extends Error {
  override name = 'UsageError';
}

/** Marker every file we write contains near its start, so we only ever replace our own outputs. */
export const OUTPUT_MARKER = 'warmpool-sim';

function looksLikeOurs(path: string): boolean {
  const fd = openSync(path, 'r');
  try {
    const buf = Buffer.alloc(4096);
    const n = readSync(fd, buf, 0, buf.length, 0);
    return n === 0 || buf.subarray(0, n).toString('utf8').includes(OUTPUT_MARKER);
  } finally {
    closeSync(fd);
  }
}

/**
 * Writes `content` to `path` atomically (temp file in the same folder, fsync, rename). Refuses to replace a file
 * that is one of `inputs` or that warmpool-sim did not write, unless `force`.
 */
export function writeOutput(path: string, content: string, opts: { inputs?: string[]; force?: boolean } = {}): void {
  const target = checkReplaceable(path, opts);
  const tmp = `${target}.tmp-${process.pid}-${Date.now()}`;
  try {
    writeFileSync(tmp, content);
    const fd = openSync(tmp, 'r+');
    fsyncSync(fd);
    closeSync(fd);
    renameSync(tmp, target);
  } catch (e) {
    try {
      unlinkSync(tmp);
    } catch {
      /* already gone */
    }
    throw e;
  }
}

/** Throws a {@link UsageError} unless `path` may be (re)written; returns its absolute path. */
export function checkReplaceable(path: string, opts: { inputs?: string[]; force?: boolean } = {}): string {
  const target = resolve(path);
  if (existsSync(target)) {
    const real = realpathSync(target);
    for (const input of opts.inputs ?? []) {
      if (existsSync(input) && realpathSync(input) === real)
        throw new UsageError(`refusing to write over the input file ${path}`);
    }
    if (!opts.force && !looksLikeOurs(target)) {
      throw new UsageError(
        `refusing to overwrite ${path}: it was not written by warmpool-sim (use --force to replace it)`,
      );
    }
  }
  if (!existsSync(dirname(target)))
    throw new UsageError(`cannot write ${path}: folder ${dirname(path)} does not exist`);
  return target;
}

/** Prints problems, one per line, in file:line:col form. */
export function printProblems(io: Io, problems: readonly Problem[]): void {
  for (const line of formatProblems(problems)) io.stderr(line + '\n');
}

/** Maps an error to an exit code, printing it without a stack trace for expected kinds. */
export function reportError(io: Io, e: unknown): number {
  if (e instanceof InputError) {
    printProblems(io, e.problems);
    const n = e.problems.filter((p) => p.severity === 'error').length;
    io.stderr(`${n} error${n === 1 ? '' : 's'}\n`);
    return 2;
  }
  if (e instanceof UsageError) {
    io.stderr(`warmpool-sim: ${e.message}\n`);
    return 2;
  }
  const err = e as Error;
  io.stderr(`warmpool-sim: internal error: ${err?.message ?? String(e)}\n`);
  if (process.env.WARMPOOL_DEBUG) io.stderr(`${err?.stack ?? ''}\n`);
  else io.stderr('(this is a bug; set WARMPOOL_DEBUG=1 for a stack trace and please report it)\n');
  return 1;
}

/** A whole-number flag's value, or a usage error. */
export function wholeNumber(flag: string, v: number | undefined, min: number): number | undefined {
  if (v === undefined) return undefined;
  if (!Number.isInteger(v) || v < min) throw new UsageError(`--${flag} must be a whole number >= ${min}, got ${v}`);
  return v;
}
