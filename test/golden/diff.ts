/** Readable differences between a pinned report and a new one: field paths for JSON, line numbers for text. */

/** Most differences listed; the rest are counted. */
const MOST = 20;

function show(v: unknown): string {
  const s = JSON.stringify(v);
  return s === undefined ? 'absent' : s.length > 80 ? s.slice(0, 77) + '...' : s;
}

function walk(path: string, a: unknown, b: unknown, out: string[]): void {
  if (Object.is(a, b)) return;
  const bothObjects = typeof a === 'object' && a !== null && typeof b === 'object' && b !== null;
  if (!bothObjects || Array.isArray(a) !== Array.isArray(b)) {
    out.push(`${path || '(root)'}: was ${show(a)}, now ${show(b)}`);
    return;
  }
  if (Array.isArray(a) && Array.isArray(b)) {
    if (a.length !== b.length) out.push(`${path}.length: was ${a.length}, now ${b.length}`);
    for (let i = 0; i < Math.min(a.length, b.length); i++) walk(`${path}[${i}]`, a[i], b[i], out);
    return;
  }
  const ra = a as Record<string, unknown>;
  const rb = b as Record<string, unknown>;
  const keys = [...new Set([...Object.keys(ra), ...Object.keys(rb)])];
  for (const k of keys) walk(path ? `${path}.${k}` : k, ra[k], rb[k], out);
  if (!out.length && Object.keys(ra).join() !== Object.keys(rb).join()) out.push(`${path || '(root)'}: keys reordered`);
}

/** The fields that differ between two JSON values, as `path: was X, now Y`, the first 20 and a count. */
export function diffJson(was: unknown, now: unknown): string[] {
  const out: string[] = [];
  walk('', was, JSON.parse(JSON.stringify(now)), out);
  return out.length > MOST ? [...out.slice(0, MOST), `... and ${out.length - MOST} more`] : out;
}

/** The lines that differ between two texts, as `line N: was "...", now "..."`, the first 20 and a count. */
export function diffLines(was: string, now: string): string[] {
  const a = was.split('\n');
  const b = now.split('\n');
  const out: string[] = [];
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    if (a[i] !== b[i]) out.push(`line ${i + 1}: was ${show(a[i])}, now ${show(b[i])}`);
  }
  return out.length > MOST ? [...out.slice(0, MOST), `... and ${out.length - MOST} more`] : out;
}
