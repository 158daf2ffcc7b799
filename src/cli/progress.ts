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
const BAR_WIDTH = 28;

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

/** Creates a progress reporter for `total` runs; `now` is a millisecond clock (injected by tests). */
export function createProgress(
  io: Io,
  total: number,
  label: string,
  now: () => number = () => performance.now(),
): Progress {
  const start = now();
  let done = 0;
  let last = start;
  const bar = (): string => {
    const filled = total ? Math.round((done / total) * BAR_WIDTH) : BAR_WIDTH;
    return `[${'#'.repeat(filled)}${'.'.repeat(BAR_WIDTH - filled)}]`;
  };
  const draw = (final: boolean): void => {
    const t = now();
    const text = statusText(label, done, total, t - start);
    if (io.isTty) io.stderr(`\r${bar()} ${text}\x1b[K${final ? '\n' : ''}`);
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
