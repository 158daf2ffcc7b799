/** A problem found in user input, located as precisely as possible. */
export interface Problem {
  file: string;
  /** 1-based line and column; 0 when unknown. */
  line: number;
  col: number;
  /** Field path such as `nodeGroups[2].instanceType` ('' for the whole file). */
  path: string;
  message: string;
  severity: 'error' | 'warning';
}

/** Formats a path array as `a.b[2].c`. */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const p of path) {
    if (typeof p === 'number') out += `[${p}]`;
    else out += out === '' ? String(p) : `.${String(p)}`;
  }
  return out;
}

/** `file:line:col: error: path: message`, the form editors and terminals link. */
export function formatProblem(p: Problem): string {
  const loc = p.line > 0 ? `${p.file}:${p.line}:${p.col}` : p.file;
  return `${loc}: ${p.severity}: ${p.path ? `${p.path}: ` : ''}${p.message}`;
}

/** Raised by loaders when input has errors; carries every problem found. */
export class InputError extends Error {
  override name = 'InputError';
  constructor(readonly problems: Problem[]) {
    super(formatProblems(problems).join('\n'));
  }
}

/** Most problems printed for one input: past it the rest are counted, not listed (a bad trace can have thousands). */
export const MAX_PROBLEMS_SHOWN = 50;

/** Formatted problems, at most {@link MAX_PROBLEMS_SHOWN} of them, then one line "... and N more (E errors, W warnings)". */
export function formatProblems(ps: readonly Problem[], max = MAX_PROBLEMS_SHOWN): string[] {
  const lines = ps.slice(0, max).map(formatProblem);
  const rest = ps.slice(max);
  if (rest.length > 0) {
    const errors = rest.filter((p) => p.severity === 'error').length;
    const parts = [
      ...(errors ? [`${errors} error${errors === 1 ? '' : 's'}`] : []),
      ...(rest.length - errors ? [`${rest.length - errors} warning${rest.length - errors === 1 ? '' : 's'}`] : []),
    ];
    lines.push(`... and ${rest.length} more (${parts.join(', ')})`);
  }
  return lines;
}

/** Problems of one file in line and column order (stable; problems of different files keep their order). */
export function sortProblems(ps: readonly Problem[]): Problem[] {
  return ps
    .map((p, i) => ({ p, i }))
    .sort((a, b) => (a.p.file === b.p.file ? a.p.line - b.p.line || a.p.col - b.p.col || a.i - b.i : a.i - b.i))
    .map((x) => x.p);
}
