/**
 * Which files are warmpool-sim's own outputs, and so may be replaced without --force: a file counts only when it
 * parses as one of the tool's formats and carries the tool's marker there. A user's notes that merely mention
 * warmpool-sim do not count.
 *
 * - JSON (`run --out`, `sweep --format json` saved by the user and so on): a JSON document whose `tool` is
 *   "warmpool-sim" or whose `tool.name` is.
 * - JSON lines (`run --events`, `sweep --out`, `merge --out`): every complete line a JSON object; the first is the
 *   event log's header (`tool` "warmpool-sim", `format` "events/v1") or a sweep row (`tool` "warmpool-sim", `key`).
 *   A gzip file (`run --events log.jsonl.gz`) is judged by the start of what it holds.
 * - HTML (`--html`): starts with `<!DOCTYPE html>`, and its head names warmpool-sim as the generator.
 * - CSV (`run --csv`): first line `# warmpool-sim <version> time series; ...`, then a header starting `timeMs,`.
 * - A scenario or trace CSV written by `import`: first line `# Imported by warmpool-sim import ...`.
 * - An empty file (nothing to lose).
 */
import { closeSync, openSync, readSync, fstatSync } from 'node:fs';
import { constants, gunzipSync } from 'node:zlib';

const TOOL = 'warmpool-sim';
/** Bytes read to judge a file by its start (HTML, CSV, JSON lines). */
const HEAD_BYTES = 64 * 1024;
/** Largest whole-JSON file read to judge it (bigger ones need --force). */
const MAX_JSON_BYTES = 64 * 1024 * 1024;

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function parseOrUndefined(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/** Whether a JSON document carries the tool's marker. */
function ownJson(v: unknown): boolean {
  if (!isObject(v)) return false;
  return v.tool === TOOL || (isObject(v.tool) && v.tool.name === TOOL);
}

/** Whether the head of a file is the tool's JSON lines (only complete lines are judged). */
function ownJsonLines(head: string, whole: boolean): boolean {
  const lines = head.split('\n');
  if (!whole) lines.pop(); // possibly cut short by the read
  const first = parseOrUndefined(lines[0] ?? '');
  if (!isObject(first) || first.tool !== TOOL) return false;
  const events = first.type === 'header' && first.format === 'events/v1';
  const rows = typeof first.key === 'string';
  if (!events && !rows) return false;
  return lines.slice(1).every((l, i) => {
    if (l.trim() === '') return true;
    const v = parseOrUndefined(l);
    // A results file killed mid-line keeps a cut-short last line; the tool's own reader drops it.
    if (v === undefined) return rows && i === lines.length - 2;
    return isObject(v) && (!rows || v.tool === TOOL);
  });
}

function ownHtml(head: string): boolean {
  if (!/^<!DOCTYPE html>/i.test(head)) return false;
  const end = head.search(/<\/head>/i);
  const top = end >= 0 ? head.slice(0, end) : head;
  return /<meta name="generator" content="warmpool-sim[ "]/.test(top);
}

function ownCsv(head: string): boolean {
  const [first, second] = head.split('\n');
  return /^# warmpool-sim \S+ time series; /.test(first) && (second ?? '').startsWith('timeMs,');
}

/** A scenario or trace written by `warmpool-sim import`: its header comment names the command on the first line. */
function ownImport(head: string): boolean {
  return /^# Imported by warmpool-sim import( from|:)/.test(head);
}

/** Whether the start of a gzip file decompresses to the tool's JSON lines (an event log written with `.gz`). */
function ownGzipLines(bytes: Buffer): boolean {
  let text: string;
  try {
    // Sync flush: what the (cut short) head holds, without requiring the end of the stream. 8 KB of a log is
    // about 80 KB of lines: plenty to judge, and little even for a file made to expand.
    text = gunzipSync(bytes.subarray(0, 8192), { finishFlush: constants.Z_SYNC_FLUSH })
      .subarray(0, HEAD_BYTES)
      .toString('utf8');
  } catch {
    return false;
  }
  return text.startsWith('{"') && ownJsonLines(text, false);
}

/** Reads up to `max` bytes of an open file from its start. */
function readHead(fd: number, max: number): Buffer {
  const buf = Buffer.alloc(max);
  let n = 0;
  while (n < max) {
    const k = readSync(fd, buf, n, max - n, n);
    if (k === 0) break;
    n += k;
  }
  return buf.subarray(0, n);
}

/** Whether the regular file at `path` is one of warmpool-sim's outputs (see the module comment). */
export function isOwnOutput(path: string): boolean {
  const fd = openSync(path, 'r');
  try {
    const size = fstatSync(fd).size;
    if (size === 0) return true;
    const bytes = readHead(fd, Math.min(size, HEAD_BYTES));
    if (bytes[0] === 0x1f && bytes[1] === 0x8b) return ownGzipLines(bytes);
    const head = bytes.toString('utf8');
    const whole = size <= HEAD_BYTES;
    if (head.startsWith('<')) return ownHtml(head);
    if (head.startsWith('#')) return ownCsv(head) || ownImport(head);
    const firstLine = head.slice(0, head.indexOf('\n') >= 0 ? head.indexOf('\n') : head.length);
    if (parseOrUndefined(firstLine) !== undefined && firstLine.trim().startsWith('{"'))
      return ownJsonLines(head, whole);
    if (!head.trimStart().startsWith('{') || size > MAX_JSON_BYTES) return false;
    const text = whole ? head : readHead(fd, size).toString('utf8');
    return ownJson(parseOrUndefined(text));
  } finally {
    closeSync(fd);
  }
}
