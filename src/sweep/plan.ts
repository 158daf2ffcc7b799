/**
 * Planning a sweep before anything runs: `--set` flags as grid dimensions, their union with a grid file, and
 * problems found while validating a grid point moved to where the offending value was written.
 */
import { formatProblem, type Problem } from '../workload/problems.js';
import type { Dimension, GridPoint, GridSpec, ValueSite } from './grid.js';
import { formatSetting, resolveSettingName, type SettingValue } from './settings.js';
import { parseValueList, splitSetFlag } from './values.js';

/** A `--set` value as typed, or one given through another option (compare's `--a`, `--b`). */
export type SetFlag = string | { option: string; text: string };

/** Reads `--set NAME=v1,v2,...` flags as dimensions; every problem at once. */
export function dimsFromFlags(flags: readonly SetFlag[]): { dims: Dimension[]; problems: Problem[] } {
  const dims: Dimension[] = [];
  const problems: Problem[] = [];
  for (const f of flags) {
    const flag = typeof f === 'string' ? f : f.text;
    const where = `${typeof f === 'string' ? '--set' : f.option} ${flag}`;
    const err = (path: string, message: string): void =>
      void problems.push({ file: where, line: 0, col: 0, path, message, severity: 'error' });
    const parts = splitSetFlag(flag);
    if (!parts) {
      err('', 'expected NAME=VALUES, e.g. --set WARM_IP_TARGET=0,2,5 or --set nodeGroups[0].count=3..9:3');
      continue;
    }
    const target = resolveSettingName(parts.name);
    if ('error' in target) err(parts.name, target.error);
    const values = parseValueList(parts.valueText);
    if ('error' in values) err(parts.name, values.error);
    if ('error' in target || 'error' in values) continue;
    if (dims.some((d) => d.name === parts.name)) {
      err(parts.name, `${parts.name} is set twice; give all its values in one --set, e.g. --set ${parts.name}=0,2,5`);
      continue;
    }
    // The flag itself names the setting: problems with its values need no field path.
    const site: ValueSite = { file: where, line: 0, col: 0, path: '' };
    dims.push({ name: parts.name, values: values.values, sites: values.values.map(() => site), nameSite: site });
  }
  return { dims, problems };
}

/** The grid file's spec with the --set dimensions added; a --set replaces the file's values of the same setting. */
export function combineSpec(
  file: GridSpec | undefined,
  flagDims: readonly Dimension[],
): { spec: GridSpec; problems: Problem[] } {
  const spec: GridSpec = file ? { ...file, set: [...file.set] } : { set: [] };
  const problems: Problem[] = [];
  for (const d of flagDims) {
    if (spec.sample?.dims.some((s) => s.name === d.name)) {
      const s = d.nameSite;
      problems.push({
        ...s,
        severity: 'error',
        message: `${d.name} is also sampled by the grid file ("sample.ranges"); keep it in one place`,
      });
      continue;
    }
    const at = spec.set.findIndex((s) => s.name === d.name);
    if (at >= 0) spec.set[at] = d;
    else spec.set.push(d);
  }
  return { spec, problems };
}

/** Finds where a setting's value was written, over every dimension of a spec. */
export function siteFinder(spec: GridSpec): (name: string, value: SettingValue) => ValueSite | undefined {
  const sites = new Map<string, ValueSite>();
  for (const d of [...spec.set, ...(spec.sample?.dims ?? [])]) {
    d.values.forEach((v, i) => sites.set(`${d.name}\u0000${JSON.stringify(v)}`, d.sites[i]));
  }
  return (name, value) => sites.get(`${name}\u0000${JSON.stringify(value)}`);
}

const under = (path: string, root: string): boolean =>
  path === root || path.startsWith(`${root}.`) || path.startsWith(`${root}[`);

/**
 * Moves a problem found while validating `point` to the grid value that caused it: a problem at a field the value
 * was written to is reported at the value's place (grid file position or --set flag); any other problem stays in
 * the scenario, with the point's settings added so the user knows which combination failed.
 */
export function relocate(
  p: Problem,
  point: GridPoint,
  written: ReadonlyMap<string, readonly string[]>,
  siteOf: (name: string, value: SettingValue) => ValueSite | undefined,
): Problem {
  for (const s of point.settings) {
    if (!(written.get(s.name) ?? []).some((w) => under(p.path, w))) continue;
    const site = siteOf(s.name, s.value);
    if (!site) break;
    const where = p.path === s.name || p.path === `ipamd.${s.name}` ? '' : ` (at ${p.path} in ${p.file})`;
    return {
      file: site.file,
      line: site.line,
      col: site.col,
      path: site.path,
      severity: p.severity,
      message: `${formatSetting(s)}: ${p.message}${where}`,
    };
  }
  const combo = point.settings.map(formatSetting).join(' ');
  return { ...p, message: `${p.message}${combo ? ` (with ${combo})` : ''}` };
}

/** A problem for a setting that cannot be written into this scenario (e.g. `nodeGroups[3]` of a one-group scenario). */
export function applyProblem(
  name: string,
  value: SettingValue,
  message: string,
  site: ValueSite | undefined,
  scenarioFile: string,
): Problem {
  const at = site ?? { file: scenarioFile, line: 0, col: 0, path: name };
  return {
    file: at.file,
    line: at.line,
    col: at.col,
    path: at.path,
    severity: 'error',
    message: `${formatSetting({ name, value })}: ${message}`,
  };
}

/** Drops repeated problems (the same bad value fails in every point it appears in), keeping the first. */
export function dedupeProblems(ps: readonly Problem[]): Problem[] {
  const seen = new Set<string>();
  return ps.filter((p) => {
    const k = formatProblem(p);
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}
