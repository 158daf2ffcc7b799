/**
 * Kubernetes lists as `kubectl get <kind> -o json` prints them: `{ apiVersion: v1, kind: List, items: [...] }`
 * (each item carrying its own kind), or a typed list (`NodeList`), or one object of the kind.
 */
import { Findings, guessFlag, parseJson, type SourceFile } from './source.js';

/** The items of a list of `kind` with their indexes; problems (wrong kind, no list) go to `f`. */
export function readList(
  src: SourceFile,
  kind: string,
  command: string,
  flag: string,
  f: Findings,
): { items: unknown[]; path: (i: number) => (string | number)[] } | undefined {
  const v = parseJson(src, f);
  if (v === undefined) return undefined;
  const wrongFile = (path: string, found: string): undefined => {
    const g = guessFlag(v);
    const hint = g && g !== flag ? `; this looks like the file for ${g}` : '';
    f.error(src.file, path, `expected a list of ${kind} (the output of \`${command}\`), got ${found}${hint}`);
    return undefined;
  };
  if (v === null || typeof v !== 'object' || Array.isArray(v)) return wrongFile('', describe(v));
  const o = v as Record<string, unknown>;
  if (o.kind === kind) return { items: [v], path: () => [] };
  if (!Array.isArray(o.items)) {
    return wrongFile(
      o.kind === undefined ? '' : 'kind',
      o.kind === undefined ? 'an object without "items"' : `kind ${JSON.stringify(o.kind)}`,
    );
  }
  if (o.kind !== undefined && o.kind !== 'List' && o.kind !== `${kind}List`)
    return wrongFile('kind', `a ${JSON.stringify(o.kind)}`);
  const items = o.items as unknown[];
  const bad = items.findIndex((it) => {
    const k = it !== null && typeof it === 'object' ? (it as { kind?: unknown }).kind : undefined;
    return k !== undefined && k !== kind;
  });
  if (bad >= 0) {
    const k = (items[bad] as { kind: unknown }).kind;
    return wrongFile(`items[${bad}].kind`, `a list of ${typeof k === 'string' ? k : JSON.stringify(k)}`);
  }
  return { items, path: (i) => ['items', i] };
}

function describe(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'a bare JSON list';
  return `${typeof v} ${JSON.stringify(v)}`;
}
