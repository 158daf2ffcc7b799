/**
 * Process-facing helpers for the CLI: output streams, atomic file writes that never clobber a user's file,
 * and uniform error reporting (exit code 2 for bad input, never a stack trace).
 */
import {
  closeSync,
  fstatSync,
  fsyncSync,
  lstatSync,
  openSync,
  readlinkSync,
  renameSync,
  statSync,
  unlinkSync,
  writeFileSync,
  writeSync,
  type Stats,
} from 'node:fs';
import { dirname, resolve } from 'node:path';
import { InputError, formatProblems, type Problem } from '../workload/problems.js';
import { isOwnOutput } from './own-formats.js';

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

/** Name of the tool, which each of its output formats carries (see own-formats.ts). */
export const OUTPUT_MARKER = 'warmpool-sim';

/** How an output is to be written. */
export type OutputPlan =
  /** `-`: the command's stdout. */
  | { kind: 'stdout'; path: string }
  /** A character device, FIFO or socket, or a path under /dev or /proc: opened and written, never replaced. */
  | { kind: 'stream'; path: string }
  /** A regular file (existing or not): written to a temp file beside `target`, fsynced and renamed onto it. */
  | { kind: 'file'; path: string; target: string; exists: boolean };

/** Options of an output check. */
export interface OutputOptions {
  /** Files of the run that must never be written over (scenario, traces, grid file, results read). */
  inputs?: readonly string[];
  /** Replace a regular file that is not one of warmpool-sim's outputs. */
  force?: boolean;
  /** Where `-` writes (default: the process's stdout). */
  io?: Io;
}

/** Follows `path` through symlinks to what it names in the end (which may not exist yet). */
function followLinks(path: string, shown: string): string {
  let at = resolve(path);
  for (let hops = 0; hops < 40; hops++) {
    let st: Stats;
    try {
      st = lstatSync(at);
    } catch {
      return at; // nothing there (yet): the output is created here
    }
    if (!st.isSymbolicLink()) return at;
    at = resolve(dirname(at), readlinkSync(at));
  }
  throw new UsageError(`cannot write ${shown}: too many levels of symbolic links`);
}

/** Whether `st` is the file this process's stdout is open on. */
function isStdout(st: Stats): boolean {
  try {
    const out = fstatSync(1);
    return out.dev === st.dev && out.ino === st.ino;
  } catch {
    return false;
  }
}

/** Identity of an existing file (device and inode), or undefined. */
function identity(path: string): string | undefined {
  try {
    const st = statSync(path);
    return `${st.dev}:${st.ino}`;
  } catch {
    return undefined;
  }
}

/**
 * Decides how `path` may be written, or throws a {@link UsageError} (exit 2): never onto an input of the run
 * (whatever `force` says), never onto a directory, never over a regular file that is not one of warmpool-sim's own
 * outputs (unless `force`). A symlink is followed and the rules apply to its target. Reads nothing from anything but
 * a regular file.
 */
export function planOutput(path: string, opts: OutputOptions = {}): OutputPlan {
  if (path === '-') return { kind: 'stdout', path };
  if (path === '') throw new UsageError('an output file name is empty');
  let st: Stats | undefined;
  try {
    st = statSync(path);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT')
      throw new UsageError(`cannot write ${path}: ${(e as Error).message}`);
  }
  if (st) {
    const id = `${st.dev}:${st.ino}`;
    for (const input of opts.inputs ?? []) {
      if (identity(input) === id)
        throw new UsageError(`refusing to write over ${path}: it is an input of this run (${input})`);
    }
    if (st.isDirectory()) throw new UsageError(`cannot write ${path}: it is a directory`);
  }
  const abs = resolve(path);
  const special = /^\/(dev|proc)\//.test(abs);
  // This process's own stdout (/dev/stdout, /dev/fd/1): written through it, which also works when it is a socket
  // (that cannot be opened by name).
  if (st && !st.isFile() && isStdout(st)) return { kind: 'stdout', path };
  if (st && (special || st.isCharacterDevice() || st.isFIFO() || st.isSocket() || !st.isFile()))
    return { kind: 'stream', path };
  const target = followLinks(path, path);
  if (st) {
    if (!opts.force && !isOwnOutput(target)) {
      throw new UsageError(
        `refusing to overwrite ${path}: it is not an output of warmpool-sim (use --force to replace it)`,
      );
    }
    return { kind: 'file', path, target, exists: true };
  }
  let folder: Stats | undefined;
  try {
    folder = statSync(dirname(target));
  } catch {
    /* checked below */
  }
  if (!folder?.isDirectory()) throw new UsageError(`cannot write ${path}: folder ${dirname(path)} does not exist`);
  return { kind: 'file', path, target, exists: false };
}

/** Throws a {@link UsageError} unless `path` may be (re)written (see {@link planOutput}). */
export function checkReplaceable(path: string, opts: OutputOptions = {}): OutputPlan {
  return planOutput(path, opts);
}

/**
 * Refuses two outputs of one command on one file (or both on stdout): names them by their flags. `outputs` maps a
 * flag (e.g. "--out") to its path, undefined when not given.
 */
export function checkDistinctOutputs(outputs: Record<string, string | undefined>): void {
  const seen = new Map<string, string>();
  for (const [flag, path] of Object.entries(outputs)) {
    if (path === undefined) continue;
    const key = path === '-' ? '-' : (identity(path) ?? followLinks(path, path));
    const other = seen.get(key);
    if (other !== undefined)
      throw new UsageError(
        `${other} and ${flag} name the same ${path === '-' ? 'stream (stdout)' : `file (${path})`}: give each output a path of its own`,
      );
    seen.set(key, flag);
  }
}

/** Writes all of `content` to an open descriptor. */
function writeAll(fd: number, content: string): void {
  const buf = Buffer.from(content, 'utf8');
  let off = 0;
  while (off < buf.length) off += writeSync(fd, buf, off, buf.length - off);
}

/**
 * Writes `content` to `path` as {@link planOutput} allows: `-` to stdout, a device or FIFO as a stream, a regular file
 * atomically (temp file in the same folder, fsync, rename).
 */
export function writeOutput(path: string, content: string, opts: OutputOptions = {}): void {
  writePlanned(planOutput(path, opts), content, opts.io);
}

/** Writes `content` where `plan` says. */
export function writePlanned(plan: OutputPlan, content: string, io?: Io): void {
  if (plan.kind === 'stdout') {
    if (io) io.stdout(content);
    else process.stdout.write(content);
    return;
  }
  if (plan.kind === 'stream') {
    const fd = openSync(plan.path, 'a');
    try {
      writeAll(fd, content);
    } finally {
      closeSync(fd);
    }
    return;
  }
  const tmp = `${plan.target}.tmp-${process.pid}-${Date.now()}`;
  try {
    writeFileSync(tmp, content, { flag: 'wx' });
    const fd = openSync(tmp, 'r+');
    fsyncSync(fd);
    closeSync(fd);
    renameSync(tmp, plan.target);
  } catch (e) {
    try {
      unlinkSync(tmp);
    } catch {
      /* already gone */
    }
    throw e;
  }
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
