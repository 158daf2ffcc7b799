/**
 * Service-level objectives over run figures, such as `p99<5s`, `neverStarted==0` or `p99<=2s and ec2Calls<100`,
 * and whether a settings combination holds them over its seeds.
 */
import { parseDuration } from '../util/duration.js';
import { closest } from '../util/suggest.js';
import { interval, mean } from './stats.js';
import type { FigureName } from './types.js';

/** A comparison operator of a clause. */
export type SloOp = '<' | '<=' | '>' | '>=' | '==' | '!=';

/** One clause: a figure, an operator and a bound (latencies in ms). */
export interface SloClause {
  metric: FigureName;
  op: SloOp;
  /** The bound; in ms for latency figures. */
  value: number;
  /** The clause as written. */
  text: string;
}

/**
 * Which statistic over seeds must meet the bound: `mean` (the mean over seeds), `ci` (the whole 95% confidence
 * interval of the mean), `every` (every single run).
 */
export type SloBasis = 'mean' | 'ci' | 'every';

/** Latency figures: bounds need a time unit. */
export const LATENCY_METRICS: readonly FigureName[] = ['p50', 'p90', 'p99', 'max', 'mean'];
/** Count figures: bounds are plain numbers. */
export const COUNT_METRICS: readonly FigureName[] = [
  'idleMean',
  'attachedPeak',
  'ec2Calls',
  'failedAddAttempts',
  'neverStarted',
  'started',
];
const ALIASES: Record<string, FigureName> = { idle: 'idleMean', ec2: 'ec2Calls', never: 'neverStarted' };
const CLAUSE = /^\s*([A-Za-z][A-Za-z0-9]*)\s*(<=|>=|==|!=|<|>|=)\s*(\S+)\s*$/;

function metricName(name: string): FigureName | undefined {
  const all = [...LATENCY_METRICS, ...COUNT_METRICS];
  return all.find((m) => m.toLowerCase() === name.toLowerCase()) ?? ALIASES[name.toLowerCase()];
}

/** Parses one clause, or says what is wrong with it. */
export function parseClause(text: string): SloClause | { error: string } {
  const m = CLAUSE.exec(text);
  if (!m) return { error: `"${text}" is not a clause such as p99<5s or neverStarted==0` };
  const metric = metricName(m[1]);
  if (!metric) {
    const hint = closest(m[1], [...LATENCY_METRICS, ...COUNT_METRICS, ...Object.keys(ALIASES)]);
    return {
      error: `"${text}": unknown figure "${m[1]}"${hint ? `; did you mean ${hint}?` : ''} (figures: ${[...LATENCY_METRICS, ...COUNT_METRICS].join(', ')})`,
    };
  }
  const op = (m[2] === '=' ? '==' : m[2]) as SloOp;
  if (LATENCY_METRICS.includes(metric)) {
    if (/^\d+(\.\d+)?$/.test(m[3]))
      return { error: `"${text}": give ${metric} a time unit, e.g. ${m[3]}s or ${m[3]}ms` };
    const ms = parseDuration(m[3]);
    if (ms === undefined) return { error: `"${text}": "${m[3]}" is not a duration such as 500ms, 5s or 1m` };
    return { metric, op, value: ms, text: text.trim() };
  }
  const n = Number(m[3]);
  if (!Number.isFinite(n) || m[3].trim() === '')
    return { error: `"${text}": ${metric} is a count; expected a number, got "${m[3]}"` };
  return { metric, op, value: n, text: text.trim() };
}

/** Parses an SLO: clauses joined by commas or "and" (several --slo flags are joined the same way). */
export function parseSlo(texts: readonly string[]): { clauses: SloClause[]; errors: string[] } {
  const clauses: SloClause[] = [];
  const errors: string[] = [];
  for (const t of texts.flatMap((x) => x.split(/,|\band\b|&&/))) {
    if (t.trim() === '') continue;
    const c = parseClause(t);
    if ('error' in c) errors.push(c.error);
    else clauses.push(c);
  }
  if (clauses.length === 0 && errors.length === 0) errors.push('the SLO is empty; write e.g. --slo "p99<5s"');
  return { clauses, errors };
}

/** Whether `x op bound` holds. */
export function compareOp(x: number, op: SloOp, bound: number): boolean {
  switch (op) {
    case '<':
      return x < bound;
    case '<=':
      return x <= bound;
    case '>':
      return x > bound;
    case '>=':
      return x >= bound;
    case '==':
      return x === bound;
    case '!=':
      return x !== bound;
  }
}

/** Whether one clause holds for a point's values of its figure (one value per seed). */
export function clauseHolds(c: SloClause, values: readonly number[], basis: SloBasis): boolean {
  if (values.length === 0) return false;
  if (basis === 'every') return values.every((v) => compareOp(v, c.op, c.value));
  if (basis === 'mean') return compareOp(mean(values), c.op, c.value);
  const i = interval(values);
  if (c.op === '<' || c.op === '<=') return compareOp(i.hi, c.op, c.value);
  if (c.op === '>' || c.op === '>=') return compareOp(i.lo, c.op, c.value);
  if (c.op === '==') return i.lo === c.value && i.hi === c.value;
  return c.value < i.lo || c.value > i.hi;
}

/** The statistic the basis judges, named: the mean, the CI bound on the clause's side, or the worst run. */
export function judged(c: SloClause, values: readonly number[], basis: SloBasis): { what: string; value: number } {
  const upper = c.op === '<' || c.op === '<=';
  const lower = c.op === '>' || c.op === '>=';
  if (basis === 'ci' && (upper || lower)) {
    const i = interval(values);
    return upper ? { what: '95% CI upper bound', value: i.hi } : { what: '95% CI lower bound', value: i.lo };
  }
  if (basis === 'every' && (upper || lower)) {
    const worst = values.reduce((w, v) => (upper ? Math.max(w, v) : Math.min(w, v)), upper ? -Infinity : Infinity);
    return { what: 'worst run', value: worst };
  }
  return { what: 'mean', value: mean(values) };
}

/** How far the mean misses a clause, relative to the bound (0 when it holds on the mean): ranks near misses. */
export function shortfall(c: SloClause, values: readonly number[]): number {
  const m = mean(values);
  if (compareOp(m, c.op, c.value)) return 0;
  return Math.abs(m - c.value) / Math.max(Math.abs(c.value), 1);
}

/** The SLO as text, with the basis: `p99<5s and neverStarted==0 (on the mean over seeds)`. */
export function describeSlo(clauses: readonly SloClause[], basis: SloBasis): string {
  const how = { mean: 'on the mean over seeds', ci: 'on the whole 95% confidence interval', every: 'in every run' }[
    basis
  ];
  return `${clauses.map((c) => c.text.replace(/\s+/g, '')).join(' and ')} (${how})`;
}
