// Helpers that keep the Markdown docs honest, shared by scripts/docs-samples.mjs and test/docs/: the doc files,
// their fenced code blocks, the `warmpool-sim` commands in their sh blocks, GitHub's heading anchors, and a sandbox
// (a temporary folder holding copies of the files the docs name) in which commands run as if from the repo root.
//
// Conventions (documented in CONTRIBUTING.md):
// - every line of a ```sh block that starts with `warmpool-sim` or `npx warmpool-sim` (after joining lines that
//   end in `\`) is a command that must run as written from the repo root;
// - a trailing comment that ends in `(slow)` marks a long command: the docs test runs it with `--seeds 1`;
// - a trailing comment that holds `(exit N)` says the command exits with N rather than 0;
// - `<!-- sample: COMMAND -->` ... `<!-- /sample -->` holds COMMAND's output, written by `npm run docs:samples`;
// - `<!-- include: PATH -->` ... `<!-- /include -->` holds the text of the file PATH, written the same way.
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** The repository root. */
export const ROOT = fileURLToPath(new URL('..', import.meta.url));

/** What the docs may name besides the scenarios: copied into every sandbox. */
const SANDBOX_DIRS = ['scenarios', 'docs/examples', 'test/fixtures/import'];

/** The Markdown files that make up the docs, relative to the root. */
export function docFiles(root = ROOT) {
  const docs = (existsSync(join(root, 'docs')) ? readdirSync(join(root, 'docs')) : [])
    .filter((f) => f.endsWith('.md'))
    .sort()
    .map((f) => `docs/${f}`);
  return ['README.md', 'CONTRIBUTING.md', ...docs].filter((f) => existsSync(join(root, f)));
}

/** The fenced code blocks of a Markdown text: info string, first content line (1-based) and content lines. */
export function fencedBlocks(text) {
  const lines = text.split('\n');
  const blocks = [];
  for (let i = 0; i < lines.length; i++) {
    const open = /^(\s*)(`{3,}|~{3,})\s*([^`]*)$/.exec(lines[i]);
    if (!open) continue;
    const fence = open[2];
    const body = [];
    let j = i + 1;
    while (j < lines.length && !(lines[j].trim().startsWith(fence) && lines[j].trim().replace(/[`~]/g, '') === ''))
      body.push(lines[j++]);
    blocks.push({ info: open[3].trim(), lang: open[3].trim().split(/\s+/)[0], line: i + 2, lines: body });
    i = j;
  }
  return blocks;
}

/** Splits a shell line into its command and its trailing `# comment` (a `#` outside quotes after a blank). */
export function splitComment(line) {
  let quote = '';
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (quote) {
      if (c === quote) quote = '';
    } else if (c === "'" || c === '"') quote = c;
    else if (c === '#' && (i === 0 || /\s/.test(line[i - 1])))
      return { command: line.slice(0, i).trimEnd(), comment: line.slice(i + 1).trim() };
  }
  return { command: line.trimEnd(), comment: '' };
}

/** The `warmpool-sim` commands of a Markdown text's sh blocks, in order, with their annotations. */
export function docCommands(text) {
  const out = [];
  for (const block of fencedBlocks(text)) {
    if (!['sh', 'bash', 'shell', 'console'].includes(block.lang)) continue;
    for (let k = 0; k < block.lines.length; k++) {
      const line = block.line + k;
      let joined = block.lines[k];
      while (joined.endsWith('\\') && k + 1 < block.lines.length) joined = joined.slice(0, -1) + block.lines[++k];
      const { command, comment } = splitComment(joined.trim());
      if (!/^(npx\s+)?warmpool-sim(\s|$)/.test(command)) continue;
      const exit = /\(exit (\d+)\)/.exec(comment);
      out.push({
        line,
        command: command.replace(/\s+/g, ' '),
        slow: /\(slow\)\s*$/.test(comment),
        exit: exit ? Number(exit[1]) : 0,
      });
    }
  }
  return out;
}

/** A command as the docs test runs it: `(slow)` commands get `--seeds 1`. */
export function quickVersion(command) {
  if (/--seeds\s+\d+/.test(command)) return command.replace(/--seeds\s+\d+/, '--seeds 1');
  return `${command} --seeds 1`;
}

/** The command with every `warmpool-sim` / `npx warmpool-sim` replaced by this checkout's built CLI. */
export function toShell(command, root = ROOT) {
  const cli = `node ${JSON.stringify(join(root, 'dist/warmpool-sim.mjs'))}`;
  return command.replace(/(^|[;&|]\s*)(npx\s+)?warmpool-sim(?=\s|$)/g, (_m, lead) => `${lead}${cli}`);
}

/** A fresh temporary folder holding copies of the files the docs name, to run their commands in. */
export function sandbox(root = ROOT) {
  const dir = mkdtempSync(join(tmpdir(), 'warmpool-docs-'));
  for (const d of SANDBOX_DIRS) if (existsSync(join(root, d))) cpSync(join(root, d), join(dir, d), { recursive: true });
  return dir;
}

/** Runs a doc command (a shell line) in `cwd` with this checkout's built CLI; returns its exit code and output. */
export function runDocCommand(command, cwd) {
  const r = spawnSync('sh', ['-c', toShell(command)], {
    cwd,
    encoding: 'utf8',
    env: { ...process.env, COLUMNS: '100', NO_COLOR: '1' },
    maxBuffer: 64 * 1024 * 1024,
  });
  return { code: r.status ?? 1, stdout: r.stdout ?? '', stderr: r.stderr ?? '' };
}

/** GitHub's anchor for a heading's text (github-slugger: lower case, punctuation dropped, spaces to hyphens). */
export function slug(heading) {
  return heading
    .replace(/!?\[([^\]]*)\]\([^)]*\)/g, '$1') // links and images: their text
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{M}\p{N}\p{Pc} -]/gu, '')
    .replace(/ /g, '-');
}

/** The anchors of a Markdown text's headings (`x`, then `x-1`, `x-2` for repeats), code blocks skipped. */
export function anchors(text) {
  const inCode = new Set();
  for (const b of fencedBlocks(text)) for (let k = -1; k <= b.lines.length; k++) inCode.add(b.line + k);
  const seen = new Map();
  const out = new Set();
  text.split('\n').forEach((line, i) => {
    if (inCode.has(i + 1)) return;
    const h = /^#{1,6}\s+(.*?)\s*#*\s*$/.exec(line);
    if (!h) return;
    const base = slug(h[1]);
    const n = seen.get(base) ?? 0;
    seen.set(base, n + 1);
    out.add(n === 0 ? base : `${base}-${n}`);
  });
  for (const m of text.matchAll(/<a\s+(?:name|id)="([^"]+)"/g)) out.add(m[1]);
  return out;
}

/** The relative links of a Markdown text (outside code), with their line numbers. */
export function relativeLinks(text) {
  const inCode = new Set();
  for (const b of fencedBlocks(text)) for (let k = -1; k <= b.lines.length; k++) inCode.add(b.line + k);
  const out = [];
  text.split('\n').forEach((line, i) => {
    if (inCode.has(i + 1)) return;
    const bare = line.replace(/`[^`]*`/g, '');
    for (const m of bare.matchAll(/\]\(([^)\s]+)(?:\s+"[^"]*")?\)/g)) {
      const target = m[1];
      if (/^[a-z][a-z0-9+.-]*:/i.test(target)) continue; // http:, https:, mailto:
      out.push({ line: i + 1, target });
    }
  });
  return out;
}

/** The sample and include markers of a Markdown text: what they ask for and where their content lies. */
export function markers(text) {
  const out = [];
  const re = /<!-- (sample|include): (.+?) -->\n([\s\S]*?)<!-- \/\1 -->/g;
  for (const m of text.matchAll(re)) {
    const start = m.index + m[0].indexOf('\n') + 1;
    out.push({ kind: m[1], what: m[2].trim(), start, end: start + m[3].length, body: m[3] });
  }
  return out;
}

/** Reads a doc file relative to the root. */
export function readDoc(file, root = ROOT) {
  return readFileSync(join(root, file), 'utf8');
}
