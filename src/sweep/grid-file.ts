/**
 * The grid file (YAML): which settings to sweep, over which values, with how many seeds. Every problem is
 * reported at once with file:line:col and the field path, with "did you mean" for misspelled names.
 *
 * ```yaml
 * seeds: 20
 * set:
 *   WARM_IP_TARGET: [0, 2, 5]
 *   "nodeGroups[0].count": { min: 3, max: 9, step: 3 }
 * sample: { count: 50, seed: 1, ranges: { MINIMUM_IP_TARGET: { min: 0, max: 60 } } }
 * ```
 */
import { parseScenarioText, type ParsedDoc } from '../workload/load.js';
import { closest } from '../util/suggest.js';
import { formatPath, sortProblems, type Problem } from '../workload/problems.js';
import type { Dimension, GridSpec, ValueSite } from './grid.js';
import { resolveSettingName, type SettingValue } from './settings.js';
import { expandRange, firstDuplicate } from './values.js';

const TOP_KEYS = ['seeds', 'seedBase', 'set', 'sample'];
const SAMPLE_KEYS = ['count', 'seed', 'ranges'];
const RANGE_KEYS = ['min', 'max', 'step'];

type Path = (string | number)[];

interface Ctx {
  doc: ParsedDoc;
  problems: Problem[];
}

function site(ctx: Ctx, path: Path, key?: string): ValueSite {
  const pos = ctx.doc.locate(path, key);
  return { file: ctx.doc.file, ...pos, path: formatPath(key === undefined ? path : [...path, key]) };
}

function report(ctx: Ctx, path: Path, message: string, key?: string): void {
  const s = site(ctx, path, key);
  ctx.problems.push({ file: s.file, line: s.line, col: s.col, path: s.path, message, severity: 'error' });
}

const isMapping = (v: unknown): v is Record<string, unknown> =>
  v !== null && typeof v === 'object' && !Array.isArray(v);
const isScalar = (v: unknown): v is SettingValue =>
  typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean';

function checkKeys(ctx: Ctx, path: Path, obj: Record<string, unknown>, known: readonly string[]): void {
  for (const k of Object.keys(obj)) {
    if (known.includes(k)) continue;
    const hint = closest(k, known);
    report(
      ctx,
      path,
      `unknown field "${k}"${hint ? `; did you mean "${hint}"?` : ` (expected one of: ${known.join(', ')})`}`,
      k,
    );
  }
}

function wholeNumber(ctx: Ctx, path: Path, v: unknown, min: number): number | undefined {
  if (typeof v === 'number' && Number.isInteger(v) && v >= min) return v;
  report(ctx, path, `expected a whole number >= ${min}, got ${JSON.stringify(v) ?? 'nothing'}`);
  return undefined;
}

/** Reads a value spec: a scalar, a list of scalars, or `{ min, max, step }`. */
function readValues(
  ctx: Ctx,
  path: Path,
  v: unknown,
  allowScalar: boolean,
): { values: SettingValue[]; sites: ValueSite[] } | undefined {
  if (isScalar(v) && allowScalar) return { values: [v], sites: [site(ctx, path)] };
  if (Array.isArray(v)) {
    if (v.length === 0) return void report(ctx, path, 'the list of values is empty');
    const bad = v.findIndex((x) => !isScalar(x));
    if (bad >= 0) return void report(ctx, [...path, bad], 'expected a number, string or boolean');
    const dup = firstDuplicate(v as SettingValue[]);
    if (dup !== undefined) {
      const at = (v as SettingValue[]).lastIndexOf(dup);
      return void report(ctx, [...path, at], `value ${JSON.stringify(dup)} is listed twice`);
    }
    return { values: v as SettingValue[], sites: v.map((_, i) => site(ctx, [...path, i])) };
  }
  if (isMapping(v)) {
    checkKeys(ctx, path, v, RANGE_KEYS);
    for (const k of ['min', 'max'] as const)
      if (typeof v[k] !== 'number')
        report(ctx, path, `a range needs a number "${k}"`, v[k] === undefined ? undefined : k);
    if (v.step !== undefined && typeof v.step !== 'number') report(ctx, path, 'expected a number', 'step');
    if (typeof v.min !== 'number' || typeof v.max !== 'number' || (v.step !== undefined && typeof v.step !== 'number'))
      return undefined;
    const r = expandRange({ min: v.min, max: v.max, ...(typeof v.step === 'number' ? { step: v.step } : {}) });
    if ('error' in r) return void report(ctx, path, `range: ${r.error}`);
    const s = site(ctx, path);
    return { values: r.values, sites: r.values.map(() => s) };
  }
  const what = allowScalar
    ? 'a value, a list of values, or a range { min, max, step }'
    : 'a list of values or a range { min, max, step }';
  report(ctx, path, `expected ${what}, got ${v === null || v === undefined ? 'nothing' : JSON.stringify(v)}`);
  return undefined;
}

/** Reads a mapping of setting name to values into dimensions. */
function readDims(ctx: Ctx, path: Path, v: unknown, allowScalar: boolean): Dimension[] {
  if (!isMapping(v)) {
    report(ctx, path, 'expected a mapping of setting name to values, e.g. { WARM_IP_TARGET: [0, 2, 5] }');
    return [];
  }
  const dims: Dimension[] = [];
  for (const [name, spec] of Object.entries(v)) {
    const r = resolveSettingName(name);
    if ('error' in r) report(ctx, path, r.error, name);
    const vals = readValues(ctx, [...path, name], spec, allowScalar);
    if (vals && !('error' in r)) dims.push({ name, ...vals, nameSite: site(ctx, path, name) });
  }
  return dims;
}

function readSample(ctx: Ctx, v: unknown): GridSpec['sample'] {
  if (!isMapping(v))
    return void report(
      ctx,
      ['sample'],
      'expected a mapping such as { count: 50, seed: 1, ranges: { WARM_IP_TARGET: { min: 0, max: 20 } } }',
    );
  checkKeys(ctx, ['sample'], v, SAMPLE_KEYS);
  const count =
    v.count === undefined
      ? void report(ctx, ['sample'], 'missing "count" (how many combinations to draw)')
      : wholeNumber(ctx, ['sample', 'count'], v.count, 1);
  const seed = v.seed === undefined ? 1 : wholeNumber(ctx, ['sample', 'seed'], v.seed, 0);
  const dims =
    v.ranges === undefined
      ? void report(ctx, ['sample'], 'missing "ranges" (the settings to draw and their values)')
      : readDims(ctx, ['sample', 'ranges'], v.ranges, false);
  if (count === undefined || seed === undefined || !dims) return undefined;
  return { count, seed, dims };
}

/** Parses and checks a grid file's text. The spec is usable only when no problem is an error. */
export function parseGridText(text: string, file: string): { spec: GridSpec; problems: Problem[] } {
  const doc = parseScenarioText(text, file);
  const ctx: Ctx = { doc, problems: [...doc.problems] };
  const spec: GridSpec = { set: [] };
  const raw = doc.raw;
  if (ctx.problems.some((p) => p.severity === 'error')) return { spec, problems: ctx.problems };
  if (!isMapping(raw)) {
    report(ctx, [], 'expected a mapping with "set" and/or "sample" (and optionally "seeds", "seedBase")');
    return { spec, problems: ctx.problems };
  }
  checkKeys(ctx, [], raw, TOP_KEYS);
  if (raw.seeds !== undefined) spec.seeds = wholeNumber(ctx, ['seeds'], raw.seeds, 1);
  if (raw.seedBase !== undefined) spec.seedBase = wholeNumber(ctx, ['seedBase'], raw.seedBase, 0);
  if (raw.set !== undefined) spec.set = readDims(ctx, ['set'], raw.set, true);
  if (raw.sample !== undefined) spec.sample = readSample(ctx, raw.sample);
  for (const d of spec.sample?.dims ?? []) {
    const both = spec.set.find((s) => s.name === d.name);
    if (both)
      report(ctx, ['sample', 'ranges'], `"${d.name}" is both in "set" and in "sample.ranges"; keep it in one`, d.name);
  }
  return { spec, problems: sortProblems(ctx.problems) };
}
