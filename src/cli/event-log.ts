/**
 * The --events log: JSON lines. A regular file is written to a temp file and renamed into place when the run ends;
 * `-` goes to stdout and a device or FIFO is written as a stream, as the records come.
 */
import { closeSync, fsyncSync, openSync, renameSync, unlinkSync, writeSync } from 'node:fs';
import type { EventSink } from '../report/metrics.js';
import { planOutput, type OutputOptions } from './io.js';

/** An event sink writing one JSON object per line; buffered; atomic on close for a regular file. */
export interface EventLog extends EventSink {
  close(): void;
  /** Drops a half-written log (the run failed): removes the temp file. */
  abandon(): void;
}

/** Opens an event log at `path`; the first line names the tool so later runs may replace it. */
export function openEventLog(path: string, opts: OutputOptions): EventLog {
  // Check we may replace the target before spending a run on it.
  const plan = planOutput(path, opts);
  const tmp = plan.kind === 'file' ? `${plan.target}.tmp-${process.pid}-${Date.now()}` : undefined;
  const fd = plan.kind === 'stdout' ? undefined : openSync(tmp ?? plan.path, tmp ? 'wx' : 'a');
  const emit = (text: string): void => {
    if (fd === undefined) {
      if (opts.io) opts.io.stdout(text);
      else process.stdout.write(text);
      return;
    }
    const buf = Buffer.from(text, 'utf8');
    let off = 0;
    while (off < buf.length) off += writeSync(fd, buf, off, buf.length - off);
  };
  let buf: string[] = [JSON.stringify({ type: 'header', tool: 'warmpool-sim', format: 'events/v1' })];
  let size = 0;
  const flush = (): void => {
    if (buf.length) emit(buf.join('\n') + '\n');
    buf = [];
    size = 0;
  };
  return {
    write(record) {
      const line = JSON.stringify(record);
      buf.push(line);
      size += line.length;
      if (size > 1 << 20) flush();
    },
    close() {
      flush();
      if (fd === undefined) return;
      if (tmp && plan.kind === 'file') {
        fsyncSync(fd);
        closeSync(fd);
        renameSync(tmp, plan.target);
      } else closeSync(fd);
    },
    abandon() {
      if (fd !== undefined) closeSync(fd);
      if (tmp)
        try {
          unlinkSync(tmp);
        } catch {
          /* already gone */
        }
    },
  };
}
