/**
 * The --events log: JSON lines. A regular file is written to a temp file and renamed into place when the run ends;
 * `-` goes to stdout and a device or FIFO is written as a stream, as the records come. A file name ending in `.gz`
 * is written gzip-compressed (on a worker thread); a filter (`--events-filter`) keeps only the records wanted.
 *
 * Lines are built by {@link jsonLine} (the text `JSON.stringify` gives) straight into a large buffer, written out a
 * chunk at a time: a large run writes millions of records.
 */
import { closeSync, fsyncSync, openSync, renameSync, unlinkSync, writeSync } from 'node:fs';
import type { EventSink } from '../report/metrics.js';
import { planOutput, type OutputOptions } from './io.js';
import { jsonLine, takeNonAscii } from './event-lines.js';
import { GzipWriter } from './gzip-worker.js';
import type { EventFilter } from './event-filter.js';

/** An event sink writing one JSON object per line; buffered; atomic on close for a regular file. */
export interface EventLog extends EventSink {
  close(): void;
  /** Drops a half-written log (the run failed): removes the temp file. */
  abandon(): void;
}

/** Bytes per chunk written (and per gzip member). */
const CHUNK = 1 << 20;
/** Characters of lines encoded into the chunk at a time. */
const BATCH = 64 * 1024;

/** Whether a log at `path` is written gzip-compressed. */
export function isGzipPath(path: string): boolean {
  return /\.gz$/i.test(path);
}

/** Writes all of `buf[0, end)` to `fd`. */
function writeAll(fd: number, buf: Buffer, end: number): void {
  let off = 0;
  while (off < end) off += writeSync(fd, buf, off, end - off);
}

/**
 * Opens an event log at `path`; the first line names the tool so later runs may replace it. `filter` keeps the
 * records to write (the header is always written).
 */
export function openEventLog(path: string, opts: OutputOptions, filter?: EventFilter): EventLog {
  // Check we may replace the target before spending a run on it.
  const plan = planOutput(path, opts);
  const tmp = plan.kind === 'file' ? `${plan.target}.tmp-${process.pid}-${Date.now()}` : undefined;
  const fd = plan.kind === 'stdout' ? undefined : openSync(tmp ?? plan.path, tmp ? 'wx' : 'a');
  const gzip = fd !== undefined && isGzipPath(path) ? new GzipWriter(fd, path) : undefined;
  let chunk = Buffer.allocUnsafeSlow(CHUNK);
  let used = 0;
  // Lines are joined into a string of up to BATCH characters, encoded into the chunk in one call (byte for byte,
  // latin1, when every line of the batch is ASCII; else UTF-8).
  let batch = '';
  const emit = (buf: Buffer, end: number): void => {
    if (gzip) gzip.write(buf.subarray(0, end));
    else if (fd !== undefined) writeAll(fd, buf, end);
    else if (opts.io) opts.io.stdout(buf.toString('utf8', 0, end));
    else process.stdout.write(buf.toString('utf8', 0, end));
  };
  const flushChunk = (): void => {
    if (used === 0) return;
    emit(chunk, used);
    // The gzip writer took the chunk's memory.
    if (gzip) chunk = Buffer.allocUnsafeSlow(CHUNK);
    used = 0;
  };
  const flush = (): void => {
    if (batch.length > 0) {
      // A UTF-16 code unit takes at most 3 bytes of UTF-8.
      if (used + 3 * batch.length > CHUNK) flushChunk();
      if (3 * batch.length > CHUNK) {
        takeNonAscii();
        const big = Buffer.from(batch, 'utf8');
        emit(big, big.length);
      } else used += chunk.write(batch, used, takeNonAscii() ? 'utf8' : 'latin1');
      batch = '';
    }
  };
  const append = (line: string): void => {
    batch += `${line}\n`;
    if (batch.length >= BATCH) flush();
  };
  append(JSON.stringify({ type: 'header', tool: 'warmpool-sim', format: 'events/v1' }));
  let done = false;
  const drop = (): void => {
    if (done) return;
    done = true;
    gzip?.abandon();
    if (fd !== undefined) closeSync(fd);
    if (tmp)
      try {
        unlinkSync(tmp);
      } catch {
        /* already gone */
      }
  };
  return {
    write: filter
      ? (record) => {
          if (filter(record)) append(jsonLine(record));
        }
      : (record) => append(jsonLine(record)),
    close() {
      try {
        flush();
        flushChunk();
        gzip?.finish();
      } catch (e) {
        drop();
        throw e;
      }
      done = true;
      if (fd === undefined) return;
      if (tmp && plan.kind === 'file') {
        fsyncSync(fd);
        closeSync(fd);
        renameSync(tmp, plan.target);
      } else closeSync(fd);
    },
    abandon: drop,
  };
}
