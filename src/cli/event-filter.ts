/**
 * `--events-filter`: which records of the event log to keep. Each option is `FIELD=VALUE[,VALUE...]`, FIELD one of
 * `kind`, `node`, `pod`; values of one field (in one option or several) are alternatives, different fields must all
 * match. A kind is a record's type and event (`pod-started`, `node-joined`, `ipamd-create-eni`, `ec2`, `ec2-retry`)
 * or a family of them (`pod`, `node`, `ipamd`, `ec2`: every kind that starts with it and a dash, and itself). Node
 * and pod values are names, where `*` stands for any run of characters (`workers-*`). A record without the field a
 * filter names (a pod's `created` event has no node) is left out. The header line is always written.
 */
import { closest } from '../util/suggest.js';
import { UsageError } from './io.js';

/** Every kind of record the event log holds (the kind of a record: see {@link kindOf}). */
export const EVENT_KINDS = [
  'pod-created',
  'pod-bound',
  'pod-add-failed',
  'pod-started',
  'pod-deleted',
  'pod-evicted',
  'node-scale',
  'node-joined',
  'node-cordoned',
  'node-uncordoned',
  'node-drain',
  'node-drained',
  'node-terminated',
  'node-autoscale',
  'ipamd-assign-ips',
  'ipamd-create-eni',
  'ipamd-eni-ready',
  'ipamd-release-ips',
  'ipamd-free-eni',
  'ipamd-ec2-error',
  'ipamd-init-failed',
  'ipamd-ipv6-prefix',
  'ipamd-aws-node-restart',
  'ipamd-no-eniconfig',
  'ec2',
  'ec2-retry',
  'ec2-failure',
] as const;

/** Families: each names every kind that starts with it and a dash. */
const FAMILIES = ['pod', 'node', 'ipamd', 'ec2'] as const;

const FIELDS = ['kind', 'node', 'pod'] as const;
type Field = (typeof FIELDS)[number];

/** A record's kind: its type, and its event (pod, node) or action (ipamd) after a dash. */
export function kindOf(record: Record<string, unknown>): string {
  const type = String(record.type);
  if (type === 'pod' || type === 'node') return `${type}-${String(record.event)}`;
  if (type === 'ipamd') return `ipamd-${String(record.action)}`;
  return type;
}

/** Keeps or drops one record. */
export type EventFilter = (record: Record<string, unknown>) => boolean;

/** `*` as any run of characters; everything else literal. */
function globRegExp(pattern: string): RegExp {
  const body = pattern
    .split('*')
    .map((s) => s.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
    .join('.*');
  return new RegExp(`^${body}$`);
}

/** A matcher of names: exact names by set lookup, globs by regular expression. */
function nameMatcher(values: readonly string[]): (name: unknown) => boolean {
  const exact = new Set(values.filter((v) => !v.includes('*')));
  const globs = values.filter((v) => v.includes('*')).map(globRegExp);
  return (name) => typeof name === 'string' && (exact.has(name) || globs.some((g) => g.test(name)));
}

const ordinal = (i: number): string => {
  const n = i + 1;
  const suffix =
    n % 10 === 1 && n % 100 !== 11
      ? 'st'
      : n % 10 === 2 && n % 100 !== 12
        ? 'nd'
        : n % 10 === 3 && n % 100 !== 13
          ? 'rd'
          : 'th';
  return `${n}${suffix}`;
};

/**
 * Parses the `--events-filter` options (undefined: keep everything). Every problem of every option is reported at
 * once, each located by the option's position and text, as a usage error (exit 2).
 */
export function parseEventFilters(options: readonly string[]): EventFilter | undefined {
  if (options.length === 0) return undefined;
  const values = new Map<Field, string[]>();
  const problems: string[] = [];
  options.forEach((text, i) => {
    const where = `--events-filter "${text}"${options.length > 1 ? ` (the ${ordinal(i)})` : ''}`;
    const eq = text.indexOf('=');
    if (eq < 0) {
      problems.push(
        `${where}: expected FIELD=VALUE[,VALUE...] with FIELD one of ${FIELDS.join(', ')}, e.g. kind=pod-started`,
      );
      return;
    }
    const name = text.slice(0, eq).trim();
    if (!(FIELDS as readonly string[]).includes(name)) {
      const near = closest(name, FIELDS);
      problems.push(
        `${where}: unknown field "${name}"${near ? `; did you mean "${near}"?` : ''} (fields: ${FIELDS.join(', ')})`,
      );
      return;
    }
    const field = name as Field;
    const list = text
      .slice(eq + 1)
      .split(',')
      .map((v) => v.trim());
    if (list.some((v) => v === '')) {
      problems.push(`${where}: an empty value; give ${field}=VALUE[,VALUE...], e.g. ${example(field)}`);
      return;
    }
    if (field === 'kind') {
      for (const v of list) {
        if (isKind(v)) continue;
        const near = closest(v, [...EVENT_KINDS, ...FAMILIES]);
        problems.push(
          `${where}: unknown kind "${v}"${near ? `; did you mean "${near}"?` : ''} ` +
            `(kinds: ${EVENT_KINDS.join(', ')}; or a family: ${FAMILIES.join(', ')})`,
        );
      }
    }
    values.set(field, [...(values.get(field) ?? []), ...list]);
  });
  if (problems.length > 0) throw new UsageError(problems.join('\nwarmpool-sim: '));
  const tests: EventFilter[] = [];
  const kinds = values.get('kind');
  if (kinds) {
    const wanted = EVENT_KINDS.filter((k) => kinds.some((v) => k === v || k.startsWith(`${v}-`)));
    tests.push(kindMatcher(wanted));
  }
  for (const field of ['node', 'pod'] as const) {
    const names = values.get(field);
    if (!names) continue;
    const match = nameMatcher(names);
    tests.push((r) => match(r[field]));
  }
  return (r) => tests.every((t) => t(r));
}

/** Types whose kind adds the record's event or action after a dash, and the field that holds it. */
const SUB_FIELD: Record<string, string> = { pod: 'event', node: 'event', ipamd: 'action' };

/**
 * Whether a record's kind is one of `kinds`, without building the kind's text for each record: per type, the events
 * or actions wanted (the same answer as `kinds.includes(kindOf(r))`).
 */
function kindMatcher(kinds: readonly string[]): EventFilter {
  const byType = new Map<string, Set<unknown> | true>();
  for (const k of kinds) {
    const family = Object.keys(SUB_FIELD).find((t) => k.startsWith(`${t}-`));
    if (family === undefined) byType.set(k, true);
    else {
      const subs = byType.get(family);
      const set = subs instanceof Set ? subs : new Set<unknown>();
      set.add(k.slice(family.length + 1));
      byType.set(family, set);
    }
  }
  return (r) => {
    const type = r.type as string;
    const w = byType.get(type);
    return w === true || (w !== undefined && w.has(r[SUB_FIELD[type]]));
  };
}

function isKind(v: string): boolean {
  return (EVENT_KINDS as readonly string[]).includes(v) || (FAMILIES as readonly string[]).includes(v);
}

function example(field: Field): string {
  return field === 'kind' ? 'kind=pod-started,ipamd-create-eni' : field === 'node' ? 'node=workers-3' : 'pod=web-*';
}
