/**
 * Time series of a run, sampled at a fixed interval. The recorder is generic: a series is a name, a unit, a
 * meaning and a function that reads one number from the simulation's state, so adding a series is one line
 * in the list of probes (see `src/run/series.ts`). Sampling only reads state; it never draws a random number
 * or changes a figure, so a run with sampling gives the same report as one without.
 */
import { MAX_PRIORITY } from '../engine/queue.js';
import type { Simulation } from '../engine/sim.js';

/**
 * Priority of sampling events: after every other event at the same millisecond, so a sample at time t sees
 * the state once everything that happens at t has happened.
 */
export const SAMPLE_PRIORITY = MAX_PRIORITY - 1;

/** How a series turns the probe's reading into a sample. */
export type SeriesKind =
  /** The reading itself (a level such as addresses attached). */
  | 'level'
  /** The growth of a running total since the previous sample (e.g. EC2 calls in the interval). */
  | 'delta';

/** One series to record: where its numbers come from and what they mean. */
export interface SeriesProbe {
  /** Column name, e.g. "attached" or "group.workers.idle". */
  name: string;
  /** Unit shown in docs and charts, e.g. "addresses", "calls". */
  unit: string;
  /** One-line meaning. */
  description: string;
  kind: SeriesKind;
  /** Reads the current value (for 'delta', the running total) at simulated time `now` (ms). */
  read: (now: number) => number;
}

/** One recorded series. */
export interface Series {
  name: string;
  unit: string;
  description: string;
  kind: SeriesKind;
  /** One value per sample time. */
  values: number[];
}

/** Every series of a run, sampled at the same times. */
export interface TimeSeries {
  /** Sampling interval (ms). */
  everyMs: number;
  /** Sample times (ms): 0, every, 2 x every, ..., and the run's end. */
  times: number[];
  series: Series[];
}

/** Samples a run aims for at most when the interval is chosen automatically. */
export const TARGET_SAMPLES = 1500;

const S = 1000;
const M = 60 * S;
const H = 60 * M;
/** Intervals a person reads easily, smallest first. */
const NICE_MS = [
  1,
  2,
  5,
  10,
  20,
  50,
  100,
  200,
  500,
  S,
  2 * S,
  5 * S,
  10 * S,
  15 * S,
  30 * S,
  M,
  2 * M,
  5 * M,
  10 * M,
  15 * M,
  30 * M,
  H,
  2 * H,
  3 * H,
  6 * H,
  12 * H,
  24 * H,
];

/**
 * The smallest readable interval that gives at most about {@link TARGET_SAMPLES} samples over `durationMs`
 * (e.g. 2 s for 30 minutes, 1 min for 24 hours).
 */
export function autoSampleEvery(durationMs: number): number {
  const wanted = durationMs / TARGET_SAMPLES;
  for (const ms of NICE_MS) if (ms >= wanted) return ms;
  return Math.ceil(wanted / (24 * H)) * 24 * H;
}

/**
 * How many samples of `everyMs` to sum for bars at least `samples` samples wide, so that the bar width is a
 * readable interval when one is a multiple of the sampling interval (2 s samples, 16 wanted: 30 s bars, 15).
 */
export function niceMultiple(everyMs: number, samples: number): number {
  const wanted = Math.max(1, Math.ceil(samples)) * everyMs;
  for (const ms of NICE_MS) if (ms >= wanted && ms % everyMs === 0) return ms / everyMs;
  return Math.ceil(wanted / everyMs);
}

/** Records probes on a simulation at 0, every, 2 x every, ... and at `endMs`. */
export class TimeSeriesRecorder {
  private readonly times: number[] = [];
  private readonly values: number[][];
  private readonly last: number[];
  /** Sampling events processed so far (they are observation, not simulation: the report leaves them out). */
  samplesTaken = 0;

  constructor(
    private readonly sim: Simulation,
    private readonly probes: readonly SeriesProbe[],
    readonly everyMs: number,
    private readonly endMs: number,
  ) {
    if (!(everyMs >= 1) || !Number.isInteger(everyMs))
      throw new RangeError(`sample interval must be a whole number of ms >= 1, got ${everyMs}`);
    const names = new Set<string>();
    for (const p of probes) {
      if (names.has(p.name)) throw new RangeError(`duplicate series name ${p.name}`);
      names.add(p.name);
    }
    this.values = probes.map(() => []);
    this.last = probes.map(() => 0);
    // One pending sampling event at a time keeps the event queue small on long runs.
    sim.at(0, SAMPLE_PRIORITY, this.sample, 0);
  }

  private readonly sample = (t: number): void => {
    this.samplesTaken++;
    this.times.push(t);
    for (let i = 0; i < this.probes.length; i++) {
      const p = this.probes[i];
      const v = p.read(t);
      if (p.kind === 'delta') {
        this.values[i].push(v - this.last[i]);
        this.last[i] = v;
      } else this.values[i].push(v);
    }
    if (t >= this.endMs) return;
    const next = Math.min(t + this.everyMs, this.endMs);
    this.sim.at(next, SAMPLE_PRIORITY, this.sample, next);
  };

  /** The samples taken so far. */
  result(): TimeSeries {
    return {
      everyMs: this.everyMs,
      times: [...this.times],
      series: this.probes.map((p, i) => ({
        name: p.name,
        unit: p.unit,
        description: p.description,
        kind: p.kind,
        values: [...this.values[i]],
      })),
    };
  }
}

/** The series called `name`, or undefined. */
export function findSeries(ts: TimeSeries, name: string): Series | undefined {
  return ts.series.find((s) => s.name === name);
}
