/**
 * Loads a scenario file (YAML or JSON): parse with positions, validate the schema, resolve names and values,
 * and report every problem at once with file:line:col and the field path.
 */
import { readFileSync } from 'node:fs';
import { dirname, resolve as resolvePath, basename, extname } from 'node:path';
import { isMap, isScalar, isSeq, LineCounter, parseDocument, type Node as YamlNode, type Document } from 'yaml';
import type { z } from 'zod';
import {
  Model,
  NodeGroup,
  ScenarioSchema,
  SubnetInput,
  TopLevelSchema,
  WorkloadItem,
  type ScenarioInput,
} from './schema.js';
import { formatPath, InputError, sortProblems, type Problem } from './problems.js';
import { resolveScenario } from './resolve.js';
import type { Scenario } from './scenario.js';

/** A parsed scenario document that can map field paths back to source positions. */
export interface ParsedDoc {
  file: string;
  raw: unknown;
  /** Position of the node at `path` (or its nearest existing ancestor); `key` locates an object key instead. */
  locate(path: readonly PropertyKey[], key?: string): { line: number; col: number };
  problems: Problem[];
}

/** Parses scenario text (YAML 1.2, which includes JSON) keeping positions. */
export function parseScenarioText(text: string, file: string): ParsedDoc {
  const lc = new LineCounter();
  const doc: Document = parseDocument(text, { lineCounter: lc, uniqueKeys: true, prettyErrors: false });
  const problems: Problem[] = [];
  for (const e of [...doc.errors]) {
    const pos = lc.linePos(e.pos[0]);
    problems.push({
      file,
      line: pos.line,
      col: pos.col,
      path: '',
      message: e.message.split('\n')[0],
      severity: 'error',
    });
  }
  for (const w of doc.warnings) {
    const pos = lc.linePos(w.pos[0]);
    problems.push({
      file,
      line: pos.line,
      col: pos.col,
      path: '',
      message: w.message.split('\n')[0],
      severity: 'warning',
    });
  }
  const at = (n: YamlNode | null | undefined): { line: number; col: number } => {
    const off = n?.range?.[0];
    return off === undefined ? { line: 1, col: 1 } : lc.linePos(off);
  };
  const locate = (path: readonly PropertyKey[], key?: string): { line: number; col: number } => {
    let node: unknown = doc.contents;
    const full = key === undefined ? path : [...path, key];
    let keyNode: unknown;
    for (const seg of full) {
      keyNode = undefined;
      if (isMap(node)) {
        const pair = node.items.find((p) => (isScalar(p.key) ? p.key.value : p.key) === seg);
        if (!pair) break;
        keyNode = pair.key;
        node = pair.value;
      } else if (isSeq(node) && typeof seg === 'number' && seg < node.items.length) {
        node = node.items[seg];
      } else break;
    }
    return at((key !== undefined && keyNode ? keyNode : node) as YamlNode);
  };
  const raw = problems.some((p) => p.severity === 'error') ? undefined : doc.toJS();
  return { file, raw, locate, problems };
}

/** Picks the union branch that best explains a failure: the one not rejecting the input's type outright. */
function flattenIssues(
  issues: readonly z.core.$ZodIssue[],
  prefix: PropertyKey[],
): { path: PropertyKey[]; issue: z.core.$ZodIssue }[] {
  const out: { path: PropertyKey[]; issue: z.core.$ZodIssue }[] = [];
  for (const issue of issues) {
    const path = [...prefix, ...issue.path];
    if (issue.code === 'invalid_union' && issue.errors.length > 0) {
      const branches = issue.errors.map((b) => flattenIssues(b, path));
      const typeOnly = (b: { issue: z.core.$ZodIssue; path: PropertyKey[] }[]) =>
        b.every((x) => x.issue.code === 'invalid_type' && x.path.length === path.length);
      const best = branches.find((b) => !typeOnly(b));
      if (best) {
        out.push(...best);
        continue;
      }
      const expected = branches.flatMap((b) =>
        b.map((x) => (x.issue.code === 'invalid_type' ? x.issue.expected : '')).filter(Boolean),
      );
      out.push({ path, issue: { ...issue, message: `expected ${[...new Set(expected)].join(' or ')}` } });
      continue;
    }
    out.push({ path, issue });
  }
  return out;
}

function describeIssue(issue: z.core.$ZodIssue, value: unknown): string {
  const found = value === undefined ? ' (missing)' : `, got ${typeName(value)}`;
  if (issue.code === 'invalid_type') return `expected ${issue.expected}${found}`;
  if (issue.code === 'invalid_union' || (issue.message.startsWith('expected ') && issue.message.includes(' or ')))
    return `${issue.message}${found}`;
  return issue.message;
}

function typeName(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'object') return 'an object';
  return `${typeof v} ${JSON.stringify(v)}`;
}

/** Known keys of the object schema at `path`, for "did you mean" on unknown keys. */
function knownKeysAt(path: readonly PropertyKey[]): string[] {
  // Walk the zod schema's definition along the path.
  let s: any = ScenarioSchema;
  const unwrap = (x: any): any => {
    for (;;) {
      const def = x?._zod?.def;
      if (!def) return x;
      if (def.type === 'optional' || def.type === 'default' || def.type === 'nullable') x = def.innerType;
      else if (def.type === 'pipe') x = def.in;
      else return x;
    }
  };
  for (const seg of path) {
    s = unwrap(s);
    const def = s?._zod?.def;
    if (!def) return [];
    if (def.type === 'object') s = def.shape[seg as string];
    else if (def.type === 'array') s = def.element;
    else if (def.type === 'union') {
      s = def.options.map(unwrap).find((o: any) => o?._zod?.def?.type === 'object')?._zod.def.shape[seg as string];
    } else return [];
  }
  s = unwrap(s);
  const def = s?._zod?.def;
  if (def?.type === 'object') return Object.keys(def.shape);
  if (def?.type === 'union') {
    const obj = def.options.map(unwrap).find((o: any) => o?._zod?.def?.type === 'object');
    return obj ? Object.keys(obj._zod.def.shape) : [];
  }
  return [];
}

/** Validates a parsed document and resolves it; collects every problem. */
export function validateScenario(doc: ParsedDoc, baseDir: string): { scenario?: Scenario; problems: Problem[] } {
  const problems = [...doc.problems];
  const { file } = doc;
  const push = (
    path: readonly PropertyKey[],
    message: string,
    severity: 'error' | 'warning' = 'error',
    key?: string,
  ): void => {
    const pos = doc.locate(path, key);
    problems.push({ file, ...pos, path: formatPath(key === undefined ? path : [...path, key]), message, severity });
  };
  if (doc.raw === undefined || problems.some((p) => p.severity === 'error'))
    return { problems: sortProblems(problems) };
  if (doc.raw === null || typeof doc.raw !== 'object' || Array.isArray(doc.raw)) {
    push([], 'expected a mapping with at least "duration" and "nodeGroups"');
    return { problems };
  }
  const raw = doc.raw as Record<string, unknown>;
  const flat: { path: PropertyKey[]; issue: z.core.$ZodIssue }[] = [];
  const check = <T>(schema: z.ZodType<T>, value: unknown, path: PropertyKey[]): T | undefined => {
    const r = schema.safeParse(value);
    if (r.success) return r.data;
    flat.push(...flattenIssues(r.error.issues, path));
    return undefined;
  };
  const top = check(TopLevelSchema, raw, []);
  const arr = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
  const subnets =
    raw.subnets === undefined ? undefined : arr(raw.subnets).map((x, i) => check(SubnetInput, x, ['subnets', i]));
  const nodeGroups = arr(raw.nodeGroups).map((g, i) => check(NodeGroup, g, ['nodeGroups', i]));
  const workload = arr(raw.workload).map((w, i) => check(WorkloadItem, w, ['workload', i]));
  const model = raw.model === undefined ? undefined : check(Model, raw.model, ['model']);
  reportIssues(flat, raw, push);
  if (flat.length > 0 && (!top || !Array.isArray(raw.nodeGroups))) return { problems: sortProblems(problems) };
  // Resolve what is valid so that semantic problems are reported too; invalid pieces are skipped.
  const input = {
    ...(top as ScenarioInput),
    duration: top?.duration ?? '1h',
    subnets: subnets as ScenarioInput['subnets'],
    nodeGroups: nodeGroups as ScenarioInput['nodeGroups'],
    workload: workload as ScenarioInput['workload'],
    model,
  } as ScenarioInput;
  const { scenario, problems: more } = resolveScenario(input, {
    file,
    baseDir,
    defaultName: basename(file, extname(file)),
    report: push,
    knownGroups: arr(raw.nodeGroups).map((x) => {
      const g = x && typeof x === 'object' ? (x as { name?: unknown; count?: unknown }) : {};
      return { name: String(g.name ?? ''), count: typeof g.count === 'number' ? g.count : 0 };
    }),
    knownSubnets: arr(raw.subnets).flatMap((x) =>
      x && typeof x === 'object' && typeof (x as { name?: unknown }).name === 'string'
        ? [(x as { name: string }).name]
        : [],
    ),
  });
  problems.push(...more);
  const failed = problems.some((p) => p.severity === 'error');
  return { scenario: failed ? undefined : scenario, problems: sortProblems(problems) };
}

/** Turns zod issues into located problems: unknown keys get "did you mean", wrong types say what was found. */
function reportIssues(
  flat: { path: PropertyKey[]; issue: z.core.$ZodIssue }[],
  raw: unknown,
  push: (path: readonly PropertyKey[], message: string, severity?: 'error' | 'warning', key?: string) => void,
): void {
  const unknownAt = new Set(flat.filter((f) => f.issue.code === 'unrecognized_keys').map((f) => formatPath(f.path)));
  for (const { path, issue } of flat) {
    if (issue.code === 'unrecognized_keys') {
      const known = knownKeysAt(path);
      for (const k of issue.keys) {
        const hint = closestKey(k, known);
        push(
          path,
          `unknown field "${k}"${hint ? `; did you mean "${hint}"?` : known.length ? ` (expected one of: ${known.join(', ')})` : ''}`,
          'error',
          k,
        );
      }
    } else if (
      issue.code === 'custom' &&
      unknownAt.has(formatPath(path)) &&
      issue.message.startsWith('expected one of')
    ) {
      continue; // the unknown-key message already says what was meant
    } else push(path, describeIssue(issue, valueAt(raw, path)));
  }
}

function valueAt(raw: unknown, path: readonly PropertyKey[]): unknown {
  let v: any = raw;
  for (const p of path) v = v == null ? undefined : v[p as any];
  return v;
}

import { closest } from '../util/suggest.js';
function closestKey(k: string, known: string[]): string | undefined {
  return closest(k, known);
}

/** Mutates the raw document before validation (used by sweeps: `--set`). */
export type RawEdit = (raw: Record<string, unknown>) => void;

/** An input file's bytes; a file that cannot be read is an {@link InputError} ("no such file", "cannot read (CODE)"). */
export function readInput(path: string): Buffer {
  try {
    return readFileSync(path);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new InputError([
      {
        file: path,
        line: 0,
        col: 0,
        path: '',
        severity: 'error',
        message: code === 'ENOENT' ? 'no such file' : `cannot read (${code ?? String(e)})`,
      },
    ]);
  }
}

/** {@link readInput} as UTF-8 text. */
export function readInputText(path: string): string {
  return readInput(path).toString('utf8');
}

/** Validates a copy of a parsed scenario with `edits` applied to its raw document (the parsed one is left as it is). */
export function validateEdited(
  doc: ParsedDoc,
  baseDir: string,
  edits: readonly RawEdit[],
): { scenario?: Scenario; problems: Problem[] } {
  if (!doc.raw || typeof doc.raw !== 'object') return validateScenario(doc, baseDir);
  const raw = structuredClone(doc.raw) as Record<string, unknown>;
  for (const edit of edits) edit(raw);
  return validateScenario({ ...doc, raw }, baseDir);
}

/** Loads and resolves a scenario file. Throws {@link InputError} listing every problem when it has errors. */
export function loadScenario(path: string, edits: RawEdit[] = []): { scenario: Scenario; warnings: Problem[] } {
  const doc = parseScenarioText(readInputText(path), path);
  const { scenario, problems } = validateEdited(doc, dirname(resolvePath(path)), edits);
  if (!scenario) throw new InputError(problems);
  return { scenario, warnings: problems.filter((p) => p.severity === 'warning') };
}
