/**
 * Progress of a batch of runs on stderr: a redrawn bar with rate and ETA on a terminal, plain lines at most every
 * few seconds otherwise (logs, CI, Kubernetes). Never writes to stdout.
 */
import type { Io } from './io.js';
import { formatDuration } from '../util/duration.js';

/** Reports finished runs. */
export interface Progress {
  /** One more run finished. */
  tick(): void;
  /** All done (or stopped): prints the final line. */
  finish(): void;
}

/** Milliseconds between terminal redraws. */
const TTY_EVERY_MS = 100;
/** Milliseconds between plain lines. */
const PLAIN_EVERY_MS = 10_000;
/** Widest bar; it narrows to fit the terminal, and goes below this many cells. */
const BAR_WIDTH = 28;
const MIN_BAR = 8;

/** `1h02m`, `4m05s`, `12s` for an ETA. */
export function formatEta(ms: number): string {
  if (!Number.isFinite(ms)) return '?';
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
}

/** The status text: `label 45/200 (22%) 12.3 runs/s, ETA 13s`. */
export function statusText(label: string, done: number, total: number, elapsedMs: number): string {
  const pct = total ? Math.floor((done / total) * 100) : 100;
  const rate = elapsedMs > 0 ? done / (elapsedMs / 1000) : 0;
  const eta = done > 0 ? formatEta(((total - done) * elapsedMs) / done) : '?';
  return `${label} ${done}/${total} (${pct}%) ${rate.toFixed(1)} runs/s, ETA ${eta}`;
}

/**
 * The terminal line: `[#####.....] text`, within `columns - 1` characters (a line that reaches the last column
 * wraps on some terminals). The bar narrows first, then goes; then the rate goes; then the text is cut.
 */
export function barLine(text: string, done: number, total: number, columns: number): string {
  const room = Math.max(1, columns - 1);
  const width = Math.min(BAR_WIDTH, room - text.length - 3);
  if (width >= MIN_BAR) {
    const filled = total ? Math.round((done / total) * width) : width;
    return `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${text}`;
  }
  const short = text.replace(/ [\d.]+ runs\/s,/, '');
  return short.length <= room ? short : short.slice(0, room);
}

/** The terminal's width in columns (80 when unknown). */
const terminalColumns = (): number => process.stderr.columns || 80;

/**
 * Creates a progress reporter for `total` runs; `now` is a millisecond clock and `columns` the terminal's width,
 * read at each redraw (both injected by tests).
 */
export function createProgress(
  io: Io,
  total: number,
  label: string,
  now: () => number = () => performance.now(),
  columns: () => number = terminalColumns,
): Progress {
  const start = now();
  let done = 0;
  let last = start;
  const draw = (final: boolean): void => {
    const t = now();
    const text = statusText(label, done, total, t - start);
    if (io.isTty) io.stderr(`\r${barLine(text, done, total, columns())}\x1b[K${final ? '\n' : ''}`);
    else if (final) io.stderr(`${label} ${done}/${total} runs done in ${formatDuration(t - start)}\n`);
    else io.stderr(`${text}\n`);
    last = t;
  };
  return {
    tick() {
      done++;
      if (done >= total) return;
      if (now() - last >= (io.isTty ? TTY_EVERY_MS : PLAIN_EVERY_MS)) draw(false);
    },
    finish() {
      draw(true);
    },
  };
}
