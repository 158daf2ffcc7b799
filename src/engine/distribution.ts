import type { Rng } from './random.js';

/**
 * A distribution of durations in milliseconds. All sampled values are rounded to whole milliseconds
 * and are never negative.
 */
export type Distribution =
  | { kind: 'constant'; ms: number }
  | { kind: 'uniform'; minMs: number; maxMs: number }
  | { kind: 'exponential'; meanMs: number }
  /** Lognormal given by its median and 99th percentile (p99 >= median). */
  | { kind: 'lognormal'; medianMs: number; p99Ms: number; maxMs?: number };

const Z99 = 2.3263478740408408;

/** Draws one value (integer ms) from `d` using `rng`. A constant draws nothing from the stream. */
export function sample(d: Distribution, rng: Rng): number {
  switch (d.kind) {
    case 'constant':
      return d.ms;
    case 'uniform':
      return Math.round(rng.uniform(d.minMs, d.maxMs));
    case 'exponential':
      return Math.round(rng.exponential(d.meanMs));
    case 'lognormal': {
      const sigma = d.p99Ms > d.medianMs ? Math.log(d.p99Ms / d.medianMs) / Z99 : 0;
      const v = Math.round(d.medianMs * Math.exp(sigma * rng.normal()));
      return d.maxMs !== undefined ? Math.min(v, d.maxMs) : v;
    }
  }
}

/** The mean of a distribution (ms), for reports and sanity checks. */
export function mean(d: Distribution): number {
  switch (d.kind) {
    case 'constant':
      return d.ms;
    case 'uniform':
      return (d.minMs + d.maxMs) / 2;
    case 'exponential':
      return d.meanMs;
    case 'lognormal': {
      const sigma = d.p99Ms > d.medianMs ? Math.log(d.p99Ms / d.medianMs) / Z99 : 0;
      return d.medianMs * Math.exp((sigma * sigma) / 2);
    }
  }
}

/** Short human description, e.g. "lognormal(median 600ms, p99 3s)". */
export function describe(d: Distribution, fmt: (ms: number) => string): string {
  switch (d.kind) {
    case 'constant':
      return fmt(d.ms);
    case 'uniform':
      return `uniform(${fmt(d.minMs)}..${fmt(d.maxMs)})`;
    case 'exponential':
      return `exponential(mean ${fmt(d.meanMs)})`;
    case 'lognormal':
      return `lognormal(median ${fmt(d.medianMs)}, p99 ${fmt(d.p99Ms)}${d.maxMs !== undefined ? `, max ${fmt(d.maxMs)}` : ''})`;
  }
}
