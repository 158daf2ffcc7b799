/**
 * The HTML page around the charts: one self-contained file with inline CSS and inline SVG, no script, and a
 * Content-Security-Policy that forbids loading anything, so it opens offline and can never reach the network.
 */

/** Escapes text for HTML element content and attribute values. */
export function esc(s: unknown): string {
  return String(s).replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string,
  );
}

const STYLE = `
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#222;margin:0;background:#fafafa}
main{max-width:960px;margin:0 auto;padding:16px 24px 48px;background:#fff}
h1{font-size:22px;margin:8px 0 4px}h2{font-size:17px;margin:28px 0 6px;border-bottom:1px solid #ddd;padding-bottom:3px}
.sub{color:#555;margin:0 0 12px}
table{border-collapse:collapse;margin:6px 0 10px;font-size:13px}
th,td{border:1px solid #ddd;padding:3px 8px;text-align:left;vertical-align:top}th{background:#f3f3f3}
td.n{text-align:right;font-variant-numeric:tabular-nums}
.cards{display:flex;flex-wrap:wrap;gap:8px;margin:10px 0}
.card{border:1px solid #ddd;border-radius:6px;padding:6px 12px;min-width:110px}
.card b{display:block;font-size:18px}.card span{color:#555;font-size:12px}
.card.bad{border-color:#e45756;background:#fff3f2}
figure{margin:14px 0 22px}figcaption{color:#444;font-size:13px;margin-top:4px;max-width:860px}
figure svg{max-width:100%;height:auto}
details{margin:6px 0}summary{cursor:pointer;color:#333}
code{background:#f3f3f3;padding:0 3px;border-radius:3px}
footer{color:#777;font-size:12px;margin-top:30px}
`;

/** A whole page. `generator` (e.g. "warmpool-sim 0.1.0") goes in the first bytes so the CLI recognises the file. */
export function page(title: string, generator: string, body: string): string {
  return [
    '<!DOCTYPE html>',
    `<!-- Written by ${esc(generator)}. Self-contained: no script, nothing loaded from the network. -->`,
    '<html lang="en"><head><meta charset="utf-8">',
    `<meta name="generator" content="${esc(generator)}">`,
    `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">`,
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${esc(title)}</title><style>${STYLE}</style></head>`,
    `<body><main>${body}<footer>Made by ${esc(generator)}. Charts drawn with Vega-Lite.</footer></main></body></html>`,
    '',
  ].join('\n');
}

/** A chart with its caption. `id` names the chart for tests and links. */
export function figure(id: string, svg: string, caption: string): string {
  return `<figure id="${esc(id)}" data-chart="${esc(id)}">${svg}<figcaption>${caption}</figcaption></figure>\n`;
}

/** A table; cells that are numbers are right-aligned. Cells are escaped. */
export function table(headers: readonly string[], rows: readonly (readonly unknown[])[]): string {
  const head = `<tr>${headers.map((h) => `<th>${esc(h)}</th>`).join('')}</tr>`;
  const body = rows.map(
    (r) =>
      `<tr>${r.map((c) => (typeof c === 'number' ? `<td class="n">${esc(c)}</td>` : `<td>${esc(c)}</td>`)).join('')}</tr>`,
  );
  return `<table>${head}${body.join('')}</table>\n`;
}

/** Headline figures as a row of cards; `bad` cards are highlighted. */
export function cards(items: readonly { label: string; value: string; bad?: boolean }[]): string {
  return `<div class="cards">${items.map((i) => `<div class="card${i.bad ? ' bad' : ''}"><b>${esc(i.value)}</b><span>${esc(i.label)}</span></div>`).join('')}</div>\n`;
}
