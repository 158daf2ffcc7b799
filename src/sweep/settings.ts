/**
 * Swept settings: what a name such as `WARM_IP_TARGET` or `nodeGroups[0].count` targets in a scenario, and how a
 * value is written into the raw scenario document before validation (as a {@link RawEdit}).
 */
import { KNOWN_ENV_NAMES } from '../ipam/config.js';
import { closest } from '../util/suggest.js';
import { formatPath } from '../workload/problems.js';
import type { RawEdit } from '../workload/load.js';

/** A swept value, as written in YAML or on the command line. */
export type SettingValue = string | number | boolean;

/** One name = value assignment of a grid point. */
export interface Setting {
  name: string;
  value: SettingValue;
}

/**
 * Where a setting writes. `env`: the cluster-wide ipamd variable and every node group override of it (so every
 * node sees the value); `path`: exactly one field of the scenario document.
 */
export type SettingTarget = { kind: 'env'; name: string } | { kind: 'path'; path: (string | number)[] };

/** Top-level scenario fields a path may start with (`seed` is excluded: seeds are the sweep's business). */
export const SETTABLE_FIELDS = [
  'name',
  'description',
  'duration',
  'ipamd',
  'allocator',
  'cilium',
  'azure',
  'terway',
  'idleRelease',
  'nodeGroups',
  'workload',
  'model',
  'vpcResourceController',
];

const SEGMENT = /^(?:\.?([A-Za-z_$][\w$-]*)|\[(\d+)\])/;

/** Splits `a.b[2].c` into `['a', 'b', 2, 'c']`; undefined when the text is not a path. */
export function parsePath(text: string): (string | number)[] | undefined {
  const out: (string | number)[] = [];
  let rest = text;
  while (rest.length > 0) {
    const m = SEGMENT.exec(rest);
    if (
      !m ||
      (out.length === 0 && rest.startsWith('.')) ||
      (out.length > 0 && m[1] !== undefined && !rest.startsWith('.'))
    )
      return undefined;
    out.push(m[1] !== undefined ? m[1] : Number(m[2]));
    rest = rest.slice(m[0].length);
  }
  return out.length > 0 && typeof out[0] === 'string' ? out : undefined;
}

/** Resolves a setting name to its target, or explains why it cannot be swept (with a "did you mean"). */
export function resolveSettingName(name: string): { target: SettingTarget } | { error: string } {
  if (KNOWN_ENV_NAMES.includes(name)) return { target: { kind: 'env', name } };
  if (name === 'seed')
    return {
      error: 'the seed cannot be swept: use --seeds and --seed-base (or "seeds" and "seedBase" in a grid file)',
    };
  if (/[.[]/.test(name) || SETTABLE_FIELDS.includes(name)) {
    const path = parsePath(name);
    if (!path)
      return {
        error: `"${name}" is not a scenario path such as nodeGroups[0].count or model.ipamd.timers.loopInterval`,
      };
    const head = path[0] as string;
    if (head === 'seed') return resolveSettingName('seed');
    if (!SETTABLE_FIELDS.includes(head)) {
      const hint = closest(head, SETTABLE_FIELDS);
      return {
        error: `"${head}" is not a scenario field${hint ? `; did you mean "${hint}"?` : ` (fields: ${SETTABLE_FIELDS.join(', ')})`}`,
      };
    }
    return { target: { kind: 'path', path } };
  }
  const hint = closest(name, [...KNOWN_ENV_NAMES, ...SETTABLE_FIELDS]);
  const what = /^[A-Z][A-Z0-9_]*$/.test(name) ? 'unknown ipamd variable' : 'unknown setting';
  return {
    error: `${what} "${name}"${hint ? `; did you mean ${hint}?` : ''} (name an ipamd variable such as WARM_IP_TARGET or a scenario path such as nodeGroups[0].count)`,
  };
}

function isObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/** Writes `value` at `path` in `raw`, creating missing mappings; returns an error message when the path cannot exist. */
function writePath(
  raw: Record<string, unknown>,
  path: readonly (string | number)[],
  value: SettingValue,
): string | undefined {
  let node: unknown = raw;
  for (let i = 0; i < path.length - 1; i++) {
    const seg = path[i];
    const here = formatPath(path.slice(0, i + 1));
    if (typeof seg === 'number') {
      if (!Array.isArray(node)) return `${formatPath(path.slice(0, i))} is not a list in the scenario`;
      if (seg >= node.length)
        return `${here} does not exist: the scenario's ${formatPath(path.slice(0, i))} has ${node.length} item${node.length === 1 ? '' : 's'}`;
      node = node[seg];
      continue;
    }
    if (!isObject(node)) return `${formatPath(path.slice(0, i))} is not a mapping in the scenario`;
    if (node[seg] === undefined) {
      if (typeof path[i + 1] === 'number') return `${here} does not exist in the scenario`;
      node[seg] = {};
    }
    node = node[seg];
  }
  const last = path[path.length - 1];
  const parent = formatPath(path.slice(0, -1)) || 'the scenario';
  if (typeof last === 'number') {
    if (!Array.isArray(node)) return `${parent} is not a list in the scenario`;
    if (last >= node.length)
      return `${formatPath(path)} does not exist: ${parent} has ${node.length} item${node.length === 1 ? '' : 's'}`;
    node[last] = value;
  } else {
    if (!isObject(node)) return `${parent} is not a mapping in the scenario`;
    node[last] = value;
  }
  return undefined;
}

/**
 * Applies one setting to a raw scenario document. Returns the field paths written (e.g. `ipamd.WARM_IP_TARGET`,
 * `nodeGroups[1].ipamd.WARM_IP_TARGET`) or an error message when the target cannot exist in this scenario.
 */
export function applySetting(
  raw: Record<string, unknown>,
  target: SettingTarget,
  value: SettingValue,
): { written: string[] } | { error: string } {
  if (target.kind === 'path') {
    const error = writePath(raw, target.path, value);
    if (error) return { error };
    const written = [formatPath(target.path)];
    // The cluster-wide allocator also replaces every node group's own choice, as an ipamd variable does.
    if (target.path.length === 1 && target.path[0] === 'allocator' && Array.isArray(raw.nodeGroups))
      raw.nodeGroups.forEach((g, i) => {
        if (isObject(g) && Object.hasOwn(g, 'allocator')) {
          g.allocator = value;
          written.push(formatPath(['nodeGroups', i, 'allocator']));
        }
      });
    return { written };
  }
  const error = writePath(raw, ['ipamd', target.name], value);
  if (error) return { error };
  const written = [formatPath(['ipamd', target.name])];
  const groups = raw.nodeGroups;
  if (Array.isArray(groups)) {
    groups.forEach((g, i) => {
      if (isObject(g) && isObject(g.ipamd) && Object.hasOwn(g.ipamd, target.name)) {
        g.ipamd[target.name] = value;
        written.push(formatPath(['nodeGroups', i, 'ipamd', target.name]));
      }
    });
  }
  return { written };
}

/** Edits that apply `settings` to a raw document, plus what they wrote and any failures (filled in when applied). */
export interface PointEdits {
  edits: RawEdit[];
  /** Setting name to the field paths it wrote. */
  written: Map<string, string[]>;
  /** Setting name to the reason it could not be applied. */
  errors: Map<string, string>;
}

/** Builds the {@link RawEdit}s of one grid point. Names must already resolve (see {@link resolveSettingName}). */
export function pointEdits(settings: readonly Setting[]): PointEdits {
  const written = new Map<string, string[]>();
  const errors = new Map<string, string>();
  const edits: RawEdit[] = settings.map((s) => (raw) => {
    const r = resolveSettingName(s.name);
    if ('error' in r) {
      errors.set(s.name, r.error);
      return;
    }
    const out = applySetting(raw, r.target, s.value);
    if ('error' in out) errors.set(s.name, out.error);
    else written.set(s.name, out.written);
  });
  return { edits, written, errors };
}

/** `name=value` with strings JSON-quoted only when they would read back as another type. */
export function formatSetting(s: Setting): string {
  return `${s.name}=${formatValue(s.value)}`;
}

/** A value as a user would type it on the command line. */
export function formatValue(v: SettingValue): string {
  if (typeof v !== 'string') return String(v);
  return v === '' || v.includes(',') || parseScalar(v) !== v ? JSON.stringify(v) : v;
}

/** Reads one command-line token as YAML would read a plain scalar: numbers, booleans, else a string; "..." forces a string. */
export function parseScalar(token: string): SettingValue {
  const t = token.trim();
  if (/^"(?:[^"\\]|\\.)*"$/.test(t)) return JSON.parse(t) as string;
  if (t === 'true') return true;
  if (t === 'false') return false;
  if (/^[-+]?(\d+(\.\d*)?|\.\d+)(e[-+]?\d+)?$/i.test(t)) return Number(t);
  return t;
}
