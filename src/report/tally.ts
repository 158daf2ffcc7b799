import type { CensoredLatency, LatencySummary } from './types.js';

/**
 * A time-weighted level (SimScript's Tally idea): on every change, add the previous level weighted by the time
 * since the last change; flush at the end.
 */
export class TimeWeighted implements LevelStats {
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

/** What the report reads of a time-weighted level. */
export interface LevelStats {
  readonly value: number;
  readonly integral: number;
  mean(start: number, now: number): number;
}

/**
 * The difference of two time-weighted levels (idle = attached - assigned), kept by reading them rather than as a
 * third level updated on every change. Levels are whole numbers and time whole ms, so each integral is an exact
 * sum below 2^53, and the difference of the integrals is exactly the integral of the difference.
 */
export class Gap implements LevelStats {
  constructor(
    private readonly a: TimeWeighted,
    private readonly b: TimeWeighted,
  ) {}

  get value(): number {
    return this.a.value - this.b.value;
  }

  /** Integral of the difference up to the later of the two levels' last changes (flush with mean() first). */
  get integral(): number {
    return this.a.integral - this.b.integral;
  }

  mean(start: number, now: number): number {
    const a = this.a.mean(start, now);
    const b = this.b.mean(start, now);
    return now > start ? (this.a.integral - this.b.integral) / (now - start) : a - b;
  }
}

/**
 * Durations (ms) appended one by one, kept in push order in a growable Int32Array (no per-value boxing). Most pod
 * latencies in a healthy pool are 0, so the log also keeps, as values arrive, their sum and the values other than
 * 0: the summary then sorts only those and never walks the whole log (a loop over hundreds of thousands of values,
 * run once at the end of a run, is one V8 would compile on the spot and throw away again). A log built with
 * `keepValues` false is only ever summarised: it keeps the count, the sum and the values other than 0, not the log
 * itself (at 10,000 nodes a day's log is 80 MB).
 */
export class DurationLog {
  private vals: Int32Array | Float64Array;
  private n = 0;
  /** The values other than 0 (and -0), in push order. */
  private nonzero: Int32Array | Float64Array = new Int32Array(64);
  private k = 0;
  /** Sum of the values, added in push order. */
  private sum = 0;

  constructor(private readonly keepValues = true) {
    this.vals = new Int32Array(keepValues ? 1024 : 0);
  }

  get length(): number {
    return this.n;
  }

  push(v: number): void {
    // Whole milliseconds below 2^31 (24.8 days) fit the Int32Array; anything else switches to doubles once.
    if ((v | 0) !== v && this.nonzero instanceof Int32Array) {
      this.vals = Float64Array.from(this.vals);
      this.nonzero = Float64Array.from(this.nonzero);
    }
    if (this.keepValues) {
      if (this.n === this.vals.length) this.vals = grown(this.vals, this.vals.length * 2);
      this.vals[this.n] = v;
    }
    this.n++;
    this.sum += v;
    if (v !== 0) {
      if (this.k === this.nonzero.length) this.nonzero = grown(this.nonzero, this.nonzero.length * 2);
      this.nonzero[this.k++] = v;
    }
  }

  /** The values in push order (a copy); only for a log that keeps them. */
  values(): number[] {
    if (!this.keepValues) throw new Error('DurationLog.values: this log keeps only its summary');
    return Array.from(this.vals.subarray(0, this.n));
  }

  /**
   * The values in push order without copying them: a view of the log's own array, valid until the next push (the
   * charts read a finished run's log this way, so a long run's latencies are not held twice).
   */
  view(): Readonly<Int32Array | Float64Array> {
    return this.vals.subarray(0, this.n);
  }

  /**
   * The values in ascending order without the log: `at(i)` is the i-th smallest (i < length), `sum` their sum in
   * ascending order. Sorts only the values other than 0.
   */
  sorted(): { at: (i: number) => number; sum: number } {
    const rest = this.nonzero.slice(0, this.k).sort();
    const zeros = this.n - this.k;
    // Sorted order is: negatives (none for durations, but kept correct), the zeros, the positives.
    let neg = 0;
    while (neg < rest.length && rest[neg] < 0) neg++;
    let sum = 0;
    // Adding the zeros would not change the sum, which starts at +0.
    for (let i = 0; i < rest.length; i++) sum += rest[i];
    return { at: (i) => (i < neg ? rest[i] : i < neg + zeros ? 0 : rest[i - zeros]), sum };
  }

  /** Count, mean (to 0.1 ms), nearest-rank p50/p90/p99 and max. */
  summary(): LatencySummary {
    const n = this.n;
    if (n === 0) return { count: 0, mean: null, p50: null, p90: null, p99: null, max: null };
    const { at: nth } = this.sorted();
    const at = (p: number): number => nth(Math.min(n - 1, Math.max(0, Math.ceil((p / 100) * n) - 1)));
    return {
      count: n,
      mean: Math.round((this.sum / n) * 10) / 10,
      p50: at(50),
      p90: at(90),
      p99: at(99),
      max: at(100),
    };
  }
}

/** A copy of `a` with room for `size` values, of the same kind. */
function grown<T extends Int32Array | Float64Array>(a: T, size: number): T {
  const next = (a instanceof Int32Array ? new Int32Array(size) : new Float64Array(size)) as T;
  next.set(a);
  return next;
}

/** {@link DurationLog.summary} of a list of durations (ms). */
export function summarise(values: ArrayLike<number>): LatencySummary {
  const log = new DurationLog();
  for (let i = 0; i < values.length; i++) log.push(values[i]);
  return log.summary();
}

/** The percentiles a summary gives, with their ranks in percent. */
const PERCENTILES = [
  ['p50', 50],
  ['p90', 90],
  ['p99', 99],
  ['max', 100],
] as const;

/**
 * The summary of `exact` durations (pods that got an address) together with `bounds`: for each pod that never got
 * one, the time it had waited by the end of the run (its latency is at least that). Nearest-rank percentiles over
 * all of them, each never-addressed pod at its bound (after exact values equal to it): a percentile whose rank
 * falls on such a pod is null, with the bound as `pAtLeast`. The mean and the max are lower bounds whenever a pod is
 * censored.
 */
export function censoredSummary(exact: DurationLog, bounds: readonly number[]): CensoredLatency {
  const plain = exact.summary();
  if (bounds.length === 0) return { ...plain, censored: 0 };
  const values = exact.sorted();
  const count = exact.length;
  const cut = Float64Array.from(bounds).sort();
  const total = count + cut.length;
  /** The value at 1-based rank k of the merged order (exact values first among equals), and whether it is a bound. */
  const at = (k: number): { v: number; censored: boolean } => {
    // How many exact values come among the first k: the largest i with values[i - 1] <= cut[k - i] (binary search).
    let lo = Math.max(0, k - cut.length);
    let hi = Math.min(k, count);
    while (lo < hi) {
      const i = (lo + hi + 1) >> 1;
      if (k - i >= cut.length || values.at(i - 1) <= cut[k - i]) lo = i;
      else hi = i - 1;
    }
    // lo exact values and k - lo bounds make the first k; the k-th is the larger of the last of each.
    const lastExact = lo > 0 ? values.at(lo - 1) : -Infinity;
    const lastCut = k - lo > 0 ? cut[k - lo - 1] : -Infinity;
    return k - lo > 0 && lastCut >= lastExact ? { v: lastCut, censored: true } : { v: lastExact, censored: false };
  };
  let sum = values.sum;
  for (const v of cut) sum += v;
  const out: CensoredLatency = {
    count: plain.count,
    mean: null,
    p50: null,
    p90: null,
    p99: null,
    max: null,
    censored: bounds.length,
    meanAtLeast: Math.round((sum / total) * 10) / 10,
  };
  for (const [key, p] of PERCENTILES) {
    const { v, censored } = at(Math.min(total, Math.max(1, Math.ceil((p / 100) * total))));
    // The largest latency is never known while a pod still waits: its bound is the larger of the two.
    if (censored || key === 'max') out[`${key}AtLeast`] = v;
    else out[key] = v;
  }
  return out;
}
