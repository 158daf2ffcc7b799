/**
 * Value lists of a swept setting: `--set NAME=v1,v2,...` flags, numeric ranges (`0..30:10` on the command line,
 * `{ min, max, step }` in a grid file) and their checks.
 */
import { parseScalar, type SettingValue } from './settings.js';

/** Most values one range may expand to (a guard against `0..1e9`). */
export const MAX_RANGE_VALUES = 10_000;

/** A numeric range: every `min + k * step` up to `max` inclusive. */
export interface NumericRange {
  min: number;
  max: number;
  /** Default 1. */
  step?: number;
}

/** Expands a range into its values, or says why it is not a usable range. */
export function expandRange(r: NumericRange): { values: number[] } | { error: string } {
  const step = r.step ?? 1;
  if (![r.min, r.max, step].every(Number.isFinite)) return { error: 'min, max and step must be numbers' };
  if (step <= 0) return { error: `step must be above 0, got ${step}` };
  if (r.max < r.min) return { error: `max (${r.max}) is below min (${r.min})` };
  const n = Math.floor((r.max - r.min) / step + 1e-9) + 1;
  if (n > MAX_RANGE_VALUES) return { error: `expands to ${n} values (at most ${MAX_RANGE_VALUES})` };
  // Round away binary noise such as 0.30000000000000004 (to 9 decimals).
  const values = Array.from({ length: n }, (_, k) => Math.round((r.min + k * step) * 1e9) / 1e9);
  return { values };
}

const RANGE_TOKEN = /^([-+]?\d+(?:\.\d+)?)\.\.([-+]?\d+(?:\.\d+)?)(?::(\d+(?:\.\d+)?))?$/;

/** Reads the value list of a `--set` flag: comma-separated scalars, each possibly a range `min..max[:step]`. */
export function parseValueList(text: string): { values: SettingValue[] } | { error: string } {
  const values: SettingValue[] = [];
  const tokens = splitTokens(text);
  if (tokens.some((t) => t.trim() === ''))
    return { error: 'empty value (write values as v1,v2,... or a range such as 0..30:10)' };
  for (const t of tokens) {
    const m = RANGE_TOKEN.exec(t.trim());
    if (m) {
      const r = expandRange({
        min: Number(m[1]),
        max: Number(m[2]),
        ...(m[3] !== undefined ? { step: Number(m[3]) } : {}),
      });
      if ('error' in r) return { error: `range ${t.trim()}: ${r.error}` };
      values.push(...r.values);
    } else values.push(parseScalar(t));
  }
  const dup = firstDuplicate(values);
  if (dup !== undefined) return { error: `value ${JSON.stringify(dup)} is listed twice` };
  return { values };
}

/** Splits on commas outside double quotes. */
function splitTokens(text: string): string[] {
  const out: string[] = [];
  let cur = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '\\' && quoted && i + 1 < text.length) {
      cur += c + text[++i];
      continue;
    }
    if (c === '"') quoted = !quoted;
    if (c === ',' && !quoted) {
      out.push(cur);
      cur = '';
    } else cur += c;
  }
  out.push(cur);
  return out;
}

/** The first value that occurs twice (compared by type and value), if any. */
export function firstDuplicate(values: readonly SettingValue[]): SettingValue | undefined {
  const seen = new Set<string>();
  for (const v of values) {
    const k = JSON.stringify(v);
    if (seen.has(k)) return v;
    seen.add(k);
  }
  return undefined;
}

/** Splits `NAME=v1,v2` into the name and the value text; undefined without an "=". */
export function splitSetFlag(flag: string): { name: string; valueText: string } | undefined {
  const eq = flag.indexOf('=');
  if (eq <= 0) return undefined;
  return { name: flag.slice(0, eq).trim(), valueText: flag.slice(eq + 1) };
}
