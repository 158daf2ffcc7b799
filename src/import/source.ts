/**
 * Reading the files `warmpool-sim import` is given: JSON with syntax errors located at file:line:col, shapes checked
 * with zod (unknown fields ignored) and errors located by JSON path (`items[3].metadata.labels`), RFC 3339 times.
 */
import type { z } from 'zod';
import type { Problem } from '../workload/problems.js';

/** One input file's name (as the user wrote it) and text. */
export interface SourceFile {
  file: string;
  text: string;
}

/** Collects located problems and notes (what was skipped, ignored or assumed) for one import. */
export class Findings {
  readonly problems: Problem[] = [];
  readonly notes: string[] = [];

  error(file: string, path: string, message: string, line = 0, col = 0): void {
    this.problems.push({ file, line, col, path, message, severity: 'error' });
  }

  note(message: string): void {
    this.notes.push(message);
  }

  get failed(): boolean {
    return this.problems.length > 0;
  }
}

/** 1-based line and column of a character offset. */
export function lineCol(text: string, offset: number): { line: number; col: number } {
  let line = 1;
  let start = 0;
  for (let i = 0; i < offset && i < text.length; i++) {
    if (text.charCodeAt(i) === 10) {
      line++;
      start = i + 1;
    }
  }
  return { line, col: Math.min(offset, text.length) - start + 1 };
}

/**
 * Finds where JSON text stops being JSON (JSON.parse in Node 20 does not say where): a small scanner run only after
 * JSON.parse failed. Returns the offset and what was expected there.
 */
export function jsonSyntaxError(text: string): { offset: number; message: string } {
  let i = 0;
  const ws = (): void => {
    while (i < text.length && ' \t\r\n'.includes(text[i])) i++;
  };
  const fail = (expected: string): never => {
    const found = i >= text.length ? 'the end of the file' : JSON.stringify(text[i]);
    throw new SyntaxAt(i, `expected ${expected}, found ${found}`);
  };
  const str = (): void => {
    if (text[i] !== '"') fail('a string');
    i++;
    for (;;) {
      if (i >= text.length) fail('a closing quote');
      const c = text[i];
      if (c === '"') {
        i++;
        return;
      }
      if (c === '\\') {
        i++;
        if (text[i] === 'u') {
          if (!/^[0-9a-fA-F]{4}$/.test(text.slice(i + 1, i + 5))) fail('four hex digits after \\u');
          i += 5;
        } else if (i < text.length && '"\\/bfnrt'.includes(text[i])) i++;
        else fail('an escape such as \\n or \\"');
      } else if (c.charCodeAt(0) < 0x20) fail('no control character inside a string');
      else i++;
    }
  };
  const value = (depth: number): void => {
    ws();
    const c = text[i];
    if (c === '{') {
      i++;
      ws();
      if (text[i] === '}') {
        i++;
        return;
      }
      for (;;) {
        ws();
        str();
        ws();
        if (text[i] !== ':') fail('":"');
        i++;
        value(depth + 1);
        ws();
        if (text[i] === ',') {
          i++;
          continue;
        }
        if (text[i] === '}') {
          i++;
          return;
        }
        fail('"," or "}"');
      }
    }
    if (c === '[') {
      i++;
      ws();
      if (text[i] === ']') {
        i++;
        return;
      }
      for (;;) {
        value(depth + 1);
        ws();
        if (text[i] === ',') {
          i++;
          continue;
        }
        if (text[i] === ']') {
          i++;
          return;
        }
        fail('"," or "]"');
      }
    }
    if (c === '"') return str();
    const m = /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/.exec(text.slice(i, i + 400));
    if (m) {
      i += m[0].length;
      return;
    }
    for (const lit of ['true', 'false', 'null']) {
      if (text.startsWith(lit, i)) {
        i += lit.length;
        return;
      }
    }
    fail('a value');
  };
  try {
    value(0);
    ws();
    if (i < text.length) fail('the end of the file');
  } catch (e) {
    if (e instanceof SyntaxAt) return { offset: e.offset, message: e.message };
    throw e;
  }
  return { offset: 0, message: 'not valid JSON' };
}

class SyntaxAt extends Error {
  constructor(
    readonly offset: number,
    message: string,
  ) {
    super(message);
  }
}

/** Parses JSON text; a syntax error becomes a located problem (file:line:col) and undefined. */
export function parseJson(src: SourceFile, f: Findings, lineOffset = 0): unknown {
  try {
    return JSON.parse(src.text) as unknown;
  } catch {
    const { offset, message } = jsonSyntaxError(src.text);
    const { line, col } = lineCol(src.text, offset);
    f.error(src.file, '', `not valid JSON: ${message}`, line + lineOffset, col);
    return undefined;
  }
}

function typeName(v: unknown): string {
  if (v === undefined) return 'nothing';
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'object') return 'an object';
  return `${typeof v} ${JSON.stringify(v)}`;
}

function valueAt(root: unknown, path: readonly PropertyKey[]): unknown {
  let v = root;
  for (const p of path) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<PropertyKey, unknown>)[p];
  }
  return v;
}

/** Most shape problems reported per file: a wrong file would otherwise give one per item. */
export const MAX_PROBLEMS_PER_FILE = 20;

/**
 * Checks `value` against `schema` (loose objects: unknown fields are ignored). Each issue becomes a problem located
 * by its JSON path under `prefix`; returns the parsed value, or undefined when the shape is wrong.
 */
export function checkShape<T>(
  schema: z.ZodType<T>,
  value: unknown,
  src: { file: string; line?: number },
  prefix: readonly PropertyKey[],
  f: Findings,
): T | undefined {
  const r = schema.safeParse(value);
  if (r.success) return r.data;
  const already = f.problems.filter((p) => p.file === src.file).length;
  for (const issue of r.error.issues) {
    if (already >= MAX_PROBLEMS_PER_FILE) break;
    const found = valueAt(value, issue.path);
    const message =
      issue.code === 'invalid_type' ? `expected ${issue.expected}, got ${typeName(found)}` : issue.message;
    f.error(src.file, formatJsonPath([...prefix, ...issue.path]), message, src.line ?? 0, src.line ? 1 : 0);
  }
  return undefined;
}

/**
 * Milliseconds since the epoch of an RFC 3339 time as Kubernetes writes them ("2024-05-01T10:00:00Z",
 * "2024-05-01T10:00:00.123456Z", "2024-05-01T12:00:00+02:00"); undefined for anything else.
 */
export function parseTime(s: string): number | undefined {
  const m = /^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2}):(\d{2})(?:\.(\d+))?(Z|z|[+-]\d{2}:\d{2})$/.exec(s.trim());
  if (!m) return undefined;
  const [, y, mo, d, h, mi, sec, frac, zone] = m;
  const ms = frac ? Math.floor(Number(`0.${frac}`) * 1000) : 0;
  let t = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(sec), ms);
  if (zone !== 'Z' && zone !== 'z') {
    const sign = zone[0] === '-' ? -1 : 1;
    t -= sign * (Number(zone.slice(1, 3)) * 60 + Number(zone.slice(4, 6))) * 60_000;
  }
  return Number.isFinite(t) ? t : undefined;
}

/** Which import flag a parsed file looks like it belongs to, for "did you mean" on a file given to the wrong flag. */
export function guessFlag(v: unknown): string | undefined {
  if (v === null || typeof v !== 'object') return undefined;
  const o = v as Record<string, unknown>;
  if (Array.isArray(o.Subnets)) return '--subnets';
  const kind = typeof o.kind === 'string' ? o.kind : undefined;
  const first = Array.isArray(o.items) ? (o.items[0] as Record<string, unknown> | undefined) : undefined;
  const itemKind = kind === 'List' || kind === undefined ? first?.kind : kind.replace(/List$/, '');
  if (itemKind === 'Node') return '--nodes';
  if (itemKind === 'Pod') return '--pods';
  if (itemKind === 'Event') return '--events';
  if (itemKind === 'DaemonSet') return '--daemonset';
  return undefined;
}

/** `items[3].metadata.labels["node.kubernetes.io/instance-type"]`: keys that are not plain names are quoted. */
export function formatJsonPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const p of path) {
    if (typeof p === 'number') out += `[${p}]`;
    else if (typeof p === 'symbol') continue;
    else if (/^[A-Za-z_$][\w$]*$/.test(p)) out += out === '' ? p : `.${p}`;
    else out += `[${JSON.stringify(p)}]`;
  }
  return out;
}
