/**
 * The sweep grid: dimensions (a setting and its values), their expansion into points (full factorial crossed
 * with a seeded random sample), the runs of each point (one per seed) and deterministic shards of those runs.
 */
import alea from 'seedrandom/lib/alea.js';
import type { Setting, SettingValue } from './settings.js';

/** Where a value (or a name) was written: a grid file position, or a command-line flag (line 0). */
export interface ValueSite {
  file: string;
  /** 1-based; 0 for a command-line flag. */
  line: number;
  col: number;
  /** Field path in the grid file (or the setting name for a flag). */
  path: string;
}

/** One swept setting and the values it takes. */
export interface Dimension {
  name: string;
  values: SettingValue[];
  /** Where each value was written (same length as `values`). */
  sites: ValueSite[];
  /** Where the name was written. */
  nameSite: ValueSite;
}

/** What a grid file and the --set flags describe, before expansion. */
export interface GridSpec {
  /** Full-factorial dimensions, slowest-varying first. */
  set: Dimension[];
  /** Dimensions sampled at random: `count` distinct combinations drawn with `seed`. */
  sample?: { count: number; seed: number; dims: Dimension[] };
  /** Runs per point (number of seeds). */
  seeds?: number;
  /** Seed of a point's first run. */
  seedBase?: number;
}

/** One settings combination. */
export interface GridPoint {
  /** Position in the grid (0-based). */
  index: number;
  settings: Setting[];
}

/** One run: a point and a seed. */
export interface RunSpec {
  /** Position among all runs of the grid: point * seeds + k. */
  index: number;
  point: number;
  seed: number;
  key: string;
}

/** Most grid points a sweep may have. */
export const MAX_POINTS = 100_000;

/** Every combination of the dimensions' values, last dimension fastest. */
export function factorial(dims: readonly Dimension[]): Setting[][] {
  let out: Setting[][] = [[]];
  for (const d of dims) out = out.flatMap((prefix) => d.values.map((value) => [...prefix, { name: d.name, value }]));
  return out;
}

/** `count` distinct combinations of the dimensions drawn with a seeded generator, in grid order. All when fewer exist. */
export function sampleCombos(dims: readonly Dimension[], count: number, seed: number): Setting[][] {
  const sizes = dims.map((d) => d.values.length);
  const space = sizes.reduce((a, b) => a * b, 1);
  if (space <= count) return factorial(dims);
  const rng = alea(`warmpool-sim grid sample ${seed}`);
  const draw = (n: number): number => Math.floor(rng() * n);
  const chosen: number[][] = [];
  if (count * 2 >= space) {
    // Dense: partial Fisher-Yates over all combination numbers.
    const all = Array.from({ length: space }, (_, i) => i);
    for (let i = 0; i < count; i++) {
      const j = i + draw(space - i);
      [all[i], all[j]] = [all[j], all[i]];
      chosen.push(unrank(all[i], sizes));
    }
  } else {
    const seen = new Set<string>();
    while (chosen.length < count) {
      const idx = sizes.map(draw);
      const k = idx.join(',');
      if (!seen.has(k)) {
        seen.add(k);
        chosen.push(idx);
      }
    }
  }
  chosen.sort(compareTuples);
  return chosen.map((idx) => idx.map((i, d) => ({ name: dims[d].name, value: dims[d].values[i] })));
}

function unrank(n: number, sizes: readonly number[]): number[] {
  const out = new Array<number>(sizes.length);
  for (let d = sizes.length - 1; d >= 0; d--) {
    out[d] = n % sizes[d];
    n = Math.floor(n / sizes[d]);
  }
  return out;
}

function compareTuples(a: readonly number[], b: readonly number[]): number {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return a[i] - b[i];
  return 0;
}

/** Number of points a spec expands to (without expanding it). */
export function gridSize(spec: GridSpec): number {
  const full = spec.set.reduce((a, d) => a * d.values.length, 1);
  if (!spec.sample) return full;
  const space = spec.sample.dims.reduce((a, d) => a * d.values.length, 1);
  return full * Math.min(space, spec.sample.count);
}

/** Expands a spec into its points: the full factorial of `set` crossed with the random sample. */
export function expandGrid(spec: GridSpec): GridPoint[] {
  const full = factorial(spec.set);
  const sampled = spec.sample ? sampleCombos(spec.sample.dims, spec.sample.count, spec.sample.seed) : [[]];
  const points: GridPoint[] = [];
  for (const f of full) for (const s of sampled) points.push({ index: points.length, settings: [...f, ...s] });
  return points;
}

/** Seeds of every point: `base`, `base + 1`, ... (the same for every point: common random numbers). */
export function seedList(base: number, count: number): number[] {
  return Array.from({ length: count }, (_, k) => base + k);
}

function isSettingList(s: readonly Setting[] | Record<string, SettingValue>): s is readonly Setting[] {
  return Array.isArray(s);
}

/** Identity of a settings combination, independent of the order the settings were given in. */
export function settingsKey(settings: readonly Setting[] | Record<string, SettingValue>): string {
  const entries = isSettingList(settings) ? settings.map((s) => [s.name, s.value] as const) : Object.entries(settings);
  return [...entries]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([n, v]) => `${n}=${JSON.stringify(v)}`)
    .join(';');
}

/** Identity of one run: its settings and seed (the `key` of a result line). */
export function rowKey(settings: readonly Setting[] | Record<string, SettingValue>, seed: number): string {
  return `${settingsKey(settings)}|seed=${seed}`;
}

/** Every run of the grid, point by point, seed by seed. */
export function gridRuns(points: readonly GridPoint[], seeds: readonly number[]): RunSpec[] {
  return points.flatMap((p) =>
    seeds.map((seed, k) => ({
      index: p.index * seeds.length + k,
      point: p.index,
      seed,
      key: rowKey(p.settings, seed),
    })),
  );
}

/** A slice of the runs: shard `index` of `count` (0-based) takes every run whose index is `index` modulo `count`. */
export interface Shard {
  index: number;
  count: number;
}

/** Reads `i/n` (0 <= i < n), e.g. "3/8"; says what is wrong otherwise. */
export function parseShard(text: string): Shard | { error: string } {
  const m = /^\s*(\d+)\s*\/\s*(\d+)\s*$/.exec(text);
  if (!m) return { error: `--shard wants i/n such as 0/4 (shard i of n, counted from 0), got "${text}"` };
  const index = Number(m[1]);
  const count = Number(m[2]);
  if (count < 1) return { error: `--shard ${text}: the number of shards must be at least 1` };
  if (index >= count) return { error: `--shard ${text}: the shard index counts from 0, so it must be below ${count}` };
  return { index, count };
}

/** The runs of one shard. Shards partition the runs and balance them to within one run. */
export function shardRuns<T extends { index: number }>(runs: readonly T[], shard: Shard): T[] {
  return runs.filter((r) => r.index % shard.count === shard.index);
}
