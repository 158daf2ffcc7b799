/**
 * A time-weighted level (SimScript's Tally idea): on every change, add the previous level weighted by the time
 * since the last change; flush at the end.
 */
export class TimeWeighted {
  private level = 0;
  private since = 0;
  /** Integral of the level over time, in level x ms. */
  integral = 0;
  peak = 0;

  constructor(start = 0) {
    this.since = start;
  }

  get value(): number {
    return this.level;
  }

  /** Changes the level by `delta` at time `now` (ms). */
  add(delta: number, now: number): void {
    this.integral += this.level * (now - this.since);
    this.since = now;
    this.level += delta;
    if (this.level > this.peak) this.peak = this.level;
  }

  /** Flushes up to `now` and returns the time-weighted mean over [start, now]. */
  mean(start: number, now: number): number {
    this.add(0, now);
    return now > start ? this.integral / (now - start) : this.level;
  }
}

/** Percentile by nearest rank over a sorted array (p in 0..100). */
export function percentile(sorted: ArrayLike<number>, p: number): number {
  if (sorted.length === 0) return 0;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))];
}
