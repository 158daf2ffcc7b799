/** The --events log: JSON lines written to a temp file and renamed into place when the run ends. */
import { closeSync, openSync, renameSync, writeSync } from 'node:fs';
import type { EventSink } from '../report/metrics.js';
import { checkReplaceable } from './io.js';

/** An event sink writing one JSON object per line; buffered; atomic on close. */
export interface EventLog extends EventSink {
  close(): void;
}

/** Opens an event log at `path`; the first line names the tool so later runs may replace it. */
export function openEventLog(path: string, opts: { inputs?: string[]; force?: boolean }): EventLog {
  // Check we may replace the target before spending a run on it.
  const target = checkReplaceable(path, opts);
  const tmp = `${target}.tmp-${process.pid}`;
  const fd = openSync(tmp, 'w');
  let buf: string[] = [JSON.stringify({ type: 'header', tool: 'warmpool-sim', format: 'events/v1' })];
  let size = 0;
  const flush = (): void => {
    if (buf.length) writeSync(fd, buf.join('\n') + '\n');
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
      closeSync(fd);
      renameSync(tmp, target);
    },
  };
}
