/**
 * How a latency figure reads in every format: the value, "≥ value" when pods that never got an address make only
 * a lower bound known, and "n/a" when no pod was measured. Text, HTML and the JSON's nulls say the same thing.
 */
import { formatDuration } from '../util/duration.js';
import type { CensoredLatency, LatencySummary, SubnetReport } from './types.js';

/** A figure of a latency summary. */
export type LatencyKey = 'mean' | 'p50' | 'p90' | 'p99' | 'max';

/** What stands for a figure nobody measured. */
export const NOT_AVAILABLE = 'n/a';

/** The figure, or its lower bound (censored pods), or undefined when there is neither. */
export function figureOf(
  l: LatencySummary & Partial<CensoredLatency>,
  key: LatencyKey,
): { value: number; atLeast: boolean } | undefined {
  const v = l[key];
  if (v !== null) return { value: v, atLeast: false };
  const bound = l[`${key}AtLeast`];
  return bound === undefined ? undefined : { value: bound, atLeast: true };
}

/** "12.0s", "≥ 48m00s" or "n/a". */
export function formatFigure(l: LatencySummary & Partial<CensoredLatency>, key: LatencyKey): string {
  const f = figureOf(l, key);
  if (f === undefined) return NOT_AVAILABLE;
  return f.atLeast ? `≥ ${formatDuration(f.value)}` : formatDuration(f.value);
}

/**
 * A figure as a number for tables of runs (sweep rows): the figure, else its lower bound, else 0 (no pod measured).
 */
export function latencyFigure(l: LatencySummary & Partial<CensoredLatency>, key: LatencyKey): number {
  return figureOf(l, key)?.value ?? 0;
}

/**
 * Whether a subnet is the one assumed when a scenario defines none (10.0.0.0/8 named "default"): a 16.7 M-address
 * line nobody asked about is not worth a chart or a table, unless something went wrong in it.
 */
export function isAssumedSubnet(s: Pick<SubnetReport, 'name' | 'cidr' | 'availabilityZone'>): boolean {
  return s.name === 'default' && s.cidr === '10.0.0.0/8' && s.availabilityZone === 'default';
}
