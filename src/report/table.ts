/**
 * Renders rows as a plain-text table, two spaces between columns. Columns are aligned as `align` says ('r' right,
 * 'l' left), or by default numeric-looking columns right and the rest left.
 */
/** A number, a duration ("12.0s", "4m05s", "1h00m"), a lower bound ("≥ 48m00s"), "-" or "n/a". */
const NUMERIC = /^(≥ )?([-+]?[\d.,]+(ms|s|m|h|%)?|[-+]?\d+[hm]\d+[ms]?)$|^-$|^n\/a$/;

export function table(
  header: readonly string[],
  rows: readonly (readonly (string | number)[])[],
  indent = '  ',
  align?: readonly ('l' | 'r')[],
): string {
  const cells = [header, ...rows.map((r) => r.map(String))];
  const widths = header.map((_, i) => Math.max(...cells.map((r) => (r[i] ?? '').length)));
  const numeric = align
    ? align.map((a) => a === 'r')
    : header.map((_, i) => rows.length > 0 && rows.every((r) => NUMERIC.test(String(r[i]))));
  return cells
    .map(
      (r) =>
        indent +
        r
          .map((c, i) => (numeric[i] ? c.padStart(widths[i]) : c.padEnd(widths[i])))
          .join('  ')
          .trimEnd(),
    )
    .join('\n');
}
