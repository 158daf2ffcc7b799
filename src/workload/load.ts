/**
 * Loads a scenario file (YAML or JSON): parse with positions, validate the schema, resolve names and values,
 * and report every problem at once with file:line:col and the field path.
 */
import { readFileSync, statSync } from 'node:fs';
import { basename, dirname, extname, isAbsolute, join, resolve as resolvePath } from 'node:path';
import {
  isMap,
  isNode,
  isPair,
  isScalar,
  isSeq,
  LineCounter,
  parseDocument,
  visit,
  type Document,
  type Node as YamlNode,
} from 'yaml';
import * as z from 'zod';
import {
  Model,
  NodeGroup,
  Reservation,
  ScenarioSchema,
  SubnetShell,
  TopLevelSchema,
  WorkloadItem,
  type SubnetItemInput,
} from './schema.js';
import { formatPath, InputError, sortProblems, type Problem } from './problems.js';
import { resolveScenario, type KnownGroup, type ResolveInput } from './resolve.js';
import type { Scenario } from './scenario.js';
import { closest } from '../util/suggest.js';

/** A parsed scenario document that can map field paths back to source positions. */
export interface ParsedDoc {
  file: string;
  raw: unknown;
  /** Position of the node at `path` (or its nearest existing ancestor); `key` locates an object key instead. */
  locate(path: readonly PropertyKey[], key?: string): { line: number; col: number };
  problems: Problem[];
}

/** Largest scenario file read (a long event list belongs in a trace CSV). */
export const MAX_SCENARIO_BYTES = 10 * 1024 * 1024;
/** Deepest nesting of lists and mappings (a scenario needs 7). */
export const MAX_NESTING = 64;
/** Most alias expansions in one document (the `yaml` package's default; an alias bomb needs millions). */
export const MAX_ALIAS_COUNT = 100;
/** Open brackets counted before parsing that surely exceed {@link MAX_NESTING} (the parser recurses on them). */
const MAX_RAW_BRACKETS = 1000;

type Pos = { line: number; col: number };

const problemAt = (file: string, pos: Pos, message: string, severity: 'error' | 'warning' = 'error'): Problem => ({
  file,
  ...pos,
  path: '',
  message,
  severity,
});

const nestingMessage = `nested more than ${MAX_NESTING} levels deep (a scenario needs fewer than 10)`;

/** Where flow brackets (`[`, `{`) open deeper than any scenario could need, found without parsing; else -1. */
function deepBracket(text: string): number {
  let depth = 0;
  let quote = '';
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quote) {
      if (c === '\\' && quote === '"') i++;
      else if (c === quote) quote = '';
    } else if (c === '"' || c === "'") quote = c;
    else if (c === '#') i = text.indexOf('\n', i) === -1 ? text.length : text.indexOf('\n', i);
    else if (c === '[' || c === '{') {
      if (++depth > MAX_RAW_BRACKETS) return i;
    } else if ((c === ']' || c === '}') && depth > 0) depth--;
  }
  return -1;
}

/** The first node nested deeper than {@link MAX_NESTING}, walking without recursion. */
function tooDeep(root: unknown): YamlNode | undefined {
  const stack: { node: unknown; depth: number }[] = [{ node: root, depth: 1 }];
  for (let top = stack.pop(); top; top = stack.pop()) {
    const { node, depth } = top;
    if (!isMap(node) && !isSeq(node)) continue;
    if (depth > MAX_NESTING) return node;
    for (const item of node.items) {
      if (isPair(item)) stack.push({ node: item.key, depth: depth + 1 }, { node: item.value, depth: depth + 1 });
      else stack.push({ node: item, depth: depth + 1 });
    }
  }
  return undefined;
}

/** The document as plain data, or a located problem when its aliases expand too much. */
function toPlain(
  doc: Document,
  at: (n: YamlNode | null | undefined) => Pos,
  file: string,
): { value: unknown } | { problem: Problem } {
  try {
    return { value: doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT }) };
  } catch (e) {
    if (!(e instanceof ReferenceError)) throw e;
    const bomb = /excessive alias/i.test(e.message);
    const source = /: (\S+)$/.exec(e.message)?.[1];
    let found: YamlNode | undefined;
    visit(doc, {
      Alias(_, node) {
        if (!bomb && node.source !== source) return undefined;
        found = node;
        return visit.BREAK;
      },
    });
    const message = bomb
      ? `YAML aliases expand to too much (more than ${MAX_ALIAS_COUNT} copies of an anchor's content): write the values out`
      : `unknown alias *${source ?? ''}: an anchor &${source ?? 'name'} must come before it`;
    return { problem: problemAt(file, at(found), message) };
  }
}

/** A parser message in the user's terms. */
function yamlMessage(message: string): string {
  if (/call stack/i.test(message)) return nestingMessage;
  if (/multiple documents/i.test(message))
    return 'a scenario is one YAML document: remove the second "---" and what follows';
  return message;
}

/** Parser errors and warnings, located; a parser stack overflow is reported as too deep nesting. */
function yamlProblems(doc: Document, lc: LineCounter, file: string): Problem[] {
  const out: Problem[] = [];
  for (const [list, severity] of [
    [doc.errors, 'error'],
    [doc.warnings, 'warning'],
  ] as const) {
    for (const e of list) {
      out.push(problemAt(file, lc.linePos(e.pos[0]), yamlMessage(e.message.split('\n')[0]), severity));
    }
  }
  return out;
}

/** Parses scenario text (YAML 1.2, which includes JSON) keeping positions; refuses what is too large or deep. */
export function parseScenarioText(text: string, file: string): ParsedDoc {
  const nowhere = { file, raw: undefined, locate: () => ({ line: 1, col: 1 }) };
  if (text.length > MAX_SCENARIO_BYTES) return { ...nowhere, problems: [tooLarge(file, text.length)] };
  const lc = new LineCounter();
  const deep = deepBracket(text);
  if (deep >= 0) {
    lc.addNewLine(0);
    for (let i = text.indexOf('\n'); i !== -1 && i < deep; i = text.indexOf('\n', i + 1)) lc.addNewLine(i + 1);
    return { ...nowhere, problems: [problemAt(file, lc.linePos(deep), nestingMessage)] };
  }
  const doc: Document = parseDocument(text, { lineCounter: lc, uniqueKeys: true, prettyErrors: false });
  const problems = yamlProblems(doc, lc, file);
  const at = (n: YamlNode | null | undefined): Pos => {
    const off = n?.range?.[0];
    return off === undefined ? { line: 1, col: 1 } : lc.linePos(off);
  };
  const locate = (path: readonly PropertyKey[], key?: string): Pos => {
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
    const found = key !== undefined && keyNode ? keyNode : node;
    return isNode(found) ? at(found) : { line: 1, col: 1 };
  };
  const deepNode = problems.length === 0 ? tooDeep(doc.contents) : undefined;
  if (deepNode) problems.push(problemAt(file, at(deepNode), nestingMessage));
  if (problems.some((p) => p.severity === 'error')) return { file, raw: undefined, locate, problems };
  const plain = toPlain(doc, at, file);
  if ('problem' in plain) return { file, raw: undefined, locate, problems: [...problems, plain.problem] };
  return { file, raw: plain.value, locate, problems };
}

function tooLarge(file: string, bytes: number): Problem {
  const mb = (n: number): string => `${(n / 1024 / 1024).toFixed(1)} MB`;
  return problemAt(
    file,
    { line: 0, col: 0 },
    `the file is ${mb(bytes)}; a scenario is at most ${mb(MAX_SCENARIO_BYTES)} (put long event lists in a trace CSV)`,
  );
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
      // A branch that only rejects the value's type (or is itself a union doing so) explains nothing.
      const typeOnly = (b: { issue: z.core.$ZodIssue; path: PropertyKey[] }[]) =>
        b.every(
          (x) => (x.issue.code === 'invalid_type' || x.issue.code === 'invalid_union') && x.path.length === path.length,
        );
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
  switch (issue.code) {
    case 'invalid_type':
      return `expected ${issue.expected === 'int' ? 'a whole number' : issue.expected}${found}`;
    case 'invalid_union':
      return `${issue.message}${found}`;
    case 'too_small':
    case 'too_big': {
      const small = issue.code === 'too_small';
      const bound = String(small ? issue.minimum : issue.maximum);
      const word = small ? (issue.inclusive ? 'at least' : 'more than') : issue.inclusive ? 'at most' : 'less than';
      return issue.origin === 'array'
        ? `must have ${word} ${bound} item${bound === '1' ? '' : 's'}`
        : `must be ${word} ${bound}${found}`;
    }
    case 'invalid_value':
      return `expected one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}${found}`;
    default:
      return issue.message.startsWith('expected ') && issue.message.includes(' or ')
        ? `${issue.message}${found}`
        : issue.message;
  }
}

function typeName(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'object') return 'an object';
  return `${typeof v} ${JSON.stringify(v)}`;
}

/** The schema inside optional, default, nullable and pipe wrappers. */
function unwrap(s: z.ZodType | undefined): z.ZodType | undefined {
  for (let x = s; ;) {
    if (x instanceof z.ZodOptional || x instanceof z.ZodDefault || x instanceof z.ZodNullable)
      x = x.unwrap() as z.ZodType;
    else if (x instanceof z.ZodPipe) x = x.in as z.ZodType;
    else return x;
  }
}

/** The object schema of a schema or of the first object branch of a union. */
function objectOf(s: z.ZodType | undefined): z.ZodObject | undefined {
  const u = unwrap(s);
  if (u instanceof z.ZodObject) return u;
  if (u instanceof z.ZodUnion) {
    for (const o of u.options as readonly z.ZodType[]) {
      const obj = unwrap(o);
      if (obj instanceof z.ZodObject) return obj;
    }
  }
  return undefined;
}

/** Known keys of the object schema at `path`, for "did you mean" on unknown keys. */
function knownKeysAt(path: readonly PropertyKey[]): string[] {
  let s: z.ZodType | undefined = ScenarioSchema;
  for (const seg of path) {
    const u = unwrap(s);
    if (u instanceof z.ZodArray) s = u.element as z.ZodType;
    else s = objectOf(u)?.shape[String(seg)] as z.ZodType | undefined;
    if (!s) return [];
  }
  const obj = objectOf(s);
  return obj ? Object.keys(obj.shape) : [];
}

type Flat = { path: PropertyKey[]; issue: z.core.$ZodIssue };
type Push = (path: readonly PropertyKey[], message: string, severity?: 'error' | 'warning', key?: string) => void;

const isRecord = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);
const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);

/**
 * What is left of a value that failed `schema` once the fields its issues point at are dropped (a field inside a
 * list drops the whole list; unknown keys are dropped): so the rest of it is still checked. Undefined when even
 * that fails (a required field was bad).
 */
function salvage<T>(schema: z.ZodType<T>, value: unknown, issues: readonly z.core.$ZodIssue[]): T | undefined {
  if (!isRecord(value)) return undefined;
  const copy = structuredClone(value);
  for (const issue of issues) {
    if (issue.code === 'unrecognized_keys') {
      const at = valueAt(copy, issue.path);
      if (isRecord(at)) for (const k of issue.keys) delete at[k];
      continue;
    }
    const firstIndex = issue.path.findIndex((p) => typeof p === 'number');
    const path = firstIndex === -1 ? issue.path : issue.path.slice(0, firstIndex);
    if (path.length === 0) return undefined;
    const parent = valueAt(copy, path.slice(0, -1));
    if (isRecord(parent)) delete parent[String(path[path.length - 1])];
  }
  const r = schema.safeParse(copy);
  return r.success ? r.data : undefined;
}

/** Checks pieces of the document against their schemas, collecting every issue with its full path. */
class Checker {
  readonly flat: Flat[] = [];
  /** The value as `schema` parses it, or what {@link salvage} keeps of it (with its issues recorded). */
  check<T>(schema: z.ZodType<T>, value: unknown, path: PropertyKey[], lenient?: z.ZodType<T>): T | undefined {
    const r = schema.safeParse(value);
    if (r.success) return r.data;
    this.flat.push(...flattenIssues(r.error.issues, path));
    return salvage(lenient ?? schema, value, r.error.issues);
  }
}

/** The document's pieces, each checked against its own schema (a bad piece is undefined or salvaged). */
function checkPieces(raw: Record<string, unknown>, c: Checker): ResolveInput {
  const top = c.check(TopLevelSchema, raw, [], TopLevelSchema.partial());
  const subnets = raw.subnets === undefined ? undefined : list(raw.subnets).map((x, i) => checkSubnet(x, i, c));
  return {
    ...(top?.name !== undefined ? { name: top.name } : {}),
    ...(top?.description !== undefined ? { description: top.description } : {}),
    ...(top?.seed !== undefined ? { seed: top.seed } : {}),
    ...(top?.duration !== undefined ? { duration: top.duration } : {}),
    ...(top?.ipamd !== undefined ? { ipamd: top.ipamd } : {}),
    ...(top?.allocator !== undefined ? { allocator: top.allocator } : {}),
    ...(top?.cilium !== undefined ? { cilium: top.cilium } : {}),
    ...(top?.azure !== undefined ? { azure: top.azure } : {}),
    ...(top?.terway !== undefined ? { terway: top.terway } : {}),
    ...(top?.idleRelease !== undefined ? { idleRelease: top.idleRelease } : {}),
    ...(subnets !== undefined ? { subnets } : {}),
    ...(top?.eniConfigs !== undefined ? { eniConfigs: top.eniConfigs } : {}),
    nodeGroups: list(raw.nodeGroups).map((g, i) => c.check(NodeGroup, g, ['nodeGroups', i])),
    workload: list(raw.workload).map((w, i) => c.check(WorkloadItem, w, ['workload', i])),
    ...(raw.model !== undefined ? { model: c.check(Model, raw.model, ['model']) } : {}),
    ...(top?.vpcResourceController !== undefined ? { vpcResourceController: top.vpcResourceController } : {}),
  };
}

/** A subnet, its reservations checked one by one so that one bad reservation does not hide the others. */
function checkSubnet(x: unknown, i: number, c: Checker): SubnetItemInput | undefined {
  const shell = c.check(SubnetShell, x, ['subnets', i]);
  if (!shell) return undefined;
  const reservations = shell.reservations?.map((r, j) => c.check(Reservation, r, ['subnets', i, 'reservations', j]));
  return { ...shell, reservations };
}

/** Names and counts of every node group written (valid or not); undefined when "nodeGroups" is not a list. */
function writtenGroups(raw: Record<string, unknown>): KnownGroup[] | undefined {
  if (!Array.isArray(raw.nodeGroups)) return undefined;
  return raw.nodeGroups.map((x) => {
    const g = isRecord(x) ? x : {};
    return { name: typeof g.name === 'string' ? g.name : '', count: typeof g.count === 'number' ? g.count : 0 };
  });
}

/** A path written in the scenario `file` (relative to it), as the user can open it: relative to where `file` is. */
function pathShower(file: string, baseDir: string): (written: string) => string {
  const sameDir = resolvePath(dirname(file)) === resolvePath(baseDir);
  return (written) =>
    isAbsolute(written) ? written : sameDir ? join(dirname(file), written) : resolvePath(baseDir, written);
}

/** Validates a parsed document and resolves it; collects every problem. */
export function validateScenario(doc: ParsedDoc, baseDir: string): { scenario?: Scenario; problems: Problem[] } {
  const problems = [...doc.problems];
  const { file } = doc;
  const push: Push = (path, message, severity = 'error', key) => {
    const pos = doc.locate(path, key);
    problems.push({ file, ...pos, path: formatPath(key === undefined ? path : [...path, key]), message, severity });
  };
  if (doc.raw === undefined || problems.some((p) => p.severity === 'error'))
    return { problems: sortProblems(problems) };
  if (!isRecord(doc.raw)) {
    push([], 'expected a mapping with at least "duration" and "nodeGroups"');
    return { problems };
  }
  const raw = doc.raw;
  const checker = new Checker();
  const input = checkPieces(raw, checker);
  reportIssues(checker.flat, raw, push);
  // Resolve what is valid (or salvaged) so that semantic problems are reported too; invalid pieces are skipped.
  const { scenario, problems: more } = resolveScenario(input, {
    file,
    baseDir,
    defaultName: basename(file, extname(file)),
    report: push,
    showPath: pathShower(file, baseDir),
    knownGroups: writtenGroups(raw),
    knownSubnets: list(raw.subnets).flatMap((x) => (isRecord(x) && typeof x.name === 'string' ? [x.name] : [])),
  });
  problems.push(...more);
  const failed = problems.some((p) => p.severity === 'error');
  return { scenario: failed ? undefined : scenario, problems: sortProblems(problems) };
}

/** Turns zod issues into located problems: unknown keys get "did you mean", wrong types say what was found. */
function reportIssues(flat: readonly Flat[], raw: unknown, push: Push): void {
  const unknownAt = new Set(flat.filter((f) => f.issue.code === 'unrecognized_keys').map((f) => formatPath(f.path)));
  for (const { path, issue } of flat) {
    if (issue.code === 'unrecognized_keys') {
      const known = knownKeysAt(path);
      for (const k of issue.keys) {
        const hint = closest(k, known);
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
  let v = raw;
  for (const p of path) {
    if (Array.isArray(v) && typeof p === 'number') v = v[p];
    else if (isRecord(v)) v = v[String(p)];
    else return undefined;
  }
  return v;
}

/** Mutates the raw document before validation (used by sweeps: `--set`). */
export type RawEdit = (raw: Record<string, unknown>) => void;

/** An input file's bytes; a file that cannot be read is an {@link InputError} ("no such file", "cannot read (CODE)"). */
export function readInput(path: string, maxBytes = Infinity): Buffer {
  const fail = (message: string): InputError =>
    new InputError([{ file: path, line: 0, col: 0, path: '', severity: 'error', message }]);
  try {
    if (maxBytes < Infinity) {
      const size = statSync(path).size;
      if (size > maxBytes) throw fail(tooLarge(path, size).message);
    }
    return readFileSync(path);
  } catch (e) {
    if (e instanceof InputError) throw e;
    const code = (e as NodeJS.ErrnoException).code;
    throw fail(code === 'ENOENT' ? 'no such file' : `cannot read (${code ?? String(e)})`);
  }
}

/** {@link readInput} as UTF-8 text. */
export function readInputText(path: string, maxBytes = Infinity): string {
  return readInput(path, maxBytes).toString('utf8');
}

/** A scenario file's text, refused unread when over {@link MAX_SCENARIO_BYTES}. */
export function readScenarioText(path: string): string {
  return readInputText(path, MAX_SCENARIO_BYTES);
}

/** Validates a copy of a parsed scenario with `edits` applied to its raw document (the parsed one is left as it is). */
export function validateEdited(
  doc: ParsedDoc,
  baseDir: string,
  edits: readonly RawEdit[],
): { scenario?: Scenario; problems: Problem[] } {
  if (!isRecord(doc.raw)) return validateScenario(doc, baseDir);
  const raw = structuredClone(doc.raw);
  for (const edit of edits) edit(raw);
  return validateScenario({ ...doc, raw }, baseDir);
}

/** Loads and resolves a scenario file. Throws {@link InputError} listing every problem when it has errors. */
export function loadScenario(path: string, edits: RawEdit[] = []): { scenario: Scenario; warnings: Problem[] } {
  const doc = parseScenarioText(readScenarioText(path), path);
  const { scenario, problems } = validateEdited(doc, dirname(resolvePath(path)), edits);
  if (!scenario) throw new InputError(problems);
  return { scenario, warnings: problems.filter((p) => p.severity === 'warning') };
}
