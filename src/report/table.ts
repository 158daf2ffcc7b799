/** Renders rows as a plain-text table; numeric-looking cells are right-aligned. */
export function table(header: readonly string[], rows: readonly (readonly (string | number)[])[], indent = '  '): string {
  const cells = [header, ...rows.map((r) => r.map(String))];
  const widths = header.map((_, i) => Math.max(...cells.map((r) => (r[i] ?? '').length)));
  const numeric = header.map((_, i) => rows.length > 0 && rows.every((r) => /^[-+]?[\d.,]+(ms|s|m|h|%)?$|^[-+]?\d+m\d+s$|^-$/.test(String(r[i]))));
  return cells
    .map((r) =>
      indent +
      r
        .map((c, i) => (numeric[i] ? c.padStart(widths[i]) : c.padEnd(widths[i])))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}
