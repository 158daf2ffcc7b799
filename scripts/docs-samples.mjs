#!/usr/bin/env node
// `npm run docs:samples [-- --check]`: regenerates the sample outputs in README.md, CONTRIBUTING.md and docs/*.md.
//
// `<!-- sample: warmpool-sim ARGS -->` ... `<!-- /sample -->` gets a ```text block: `$ warmpool-sim ARGS`, then what
// the command prints on stdout, and on stderr too when it exits 2 (bad input: the messages are the point). The
// command is a shell line and runs in a sandbox (copies of scenarios/ and docs/examples/), as if from the repo
// root, with the built CLI (dist/: run `npm run build` first). A command that exits 1 (a bug) stops the script.
// `<!-- include: PATH -->` ... `<!-- /include -->` gets the text of the file PATH in a fenced block.
//
// `--root DIR` reads and writes the docs of another folder (the CLI is still this checkout's); test/docs uses it.
//
// With --check nothing is written: the script says which samples are stale and exits 1 if any is
// (test/docs/samples.test.ts runs it so).
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { extname, join, resolve } from 'node:path';
import { ROOT, docFiles, markers, readDoc, runDocCommand, sandbox } from './docs-lib.mjs';

const check = process.argv.includes('--check');
const rootAt = process.argv.indexOf('--root');
const root = rootAt >= 0 ? resolve(process.argv[rootAt + 1] ?? '.') : ROOT;

if (!existsSync(join(ROOT, 'dist/warmpool-sim.mjs'))) {
  process.stderr.write('docs:samples: dist/warmpool-sim.mjs is missing: run `npm run build` first\n');
  process.exit(2);
}

/** The fence language for an included file. */
const langOf = (path) => ({ '.yaml': 'yaml', '.yml': 'yaml', '.json': 'json', '.csv': 'csv' })[extname(path)] ?? 'text';

/** The new content of one marker (what lies between its two comments). */
function render(marker, dir) {
  if (marker.kind === 'include') {
    const text = readFileSync(join(root, marker.what), 'utf8');
    return '```' + langOf(marker.what) + '\n' + text + (text.endsWith('\n') ? '' : '\n') + '```\n';
  }
  const r = runDocCommand(marker.what, dir);
  if (r.code === 1 || r.code === null) {
    throw new Error(`sample "${marker.what}" failed (exit ${r.code}):\n${r.stderr}`);
  }
  const output = r.stdout + (r.code === 2 ? r.stderr : '');
  return '```text\n$ ' + marker.what + '\n' + output + (output.endsWith('\n') || output === '' ? '' : '\n') + '```\n';
}

const dir = sandbox(root);
const stale = [];
try {
  for (const file of docFiles(root)) {
    const text = readDoc(file, root);
    let out = '';
    let at = 0;
    for (const m of markers(text)) {
      const fresh = render(m, dir);
      if (fresh !== m.body) {
        const line = text.slice(0, m.start).split('\n').length - 1; // the marker's own line
        stale.push(`${file}:${line}: ${m.kind} "${m.what}" is stale`);
      }
      out += text.slice(at, m.start) + fresh;
      at = m.end;
    }
    out += text.slice(at);
    if (!check && out !== text) writeFileSync(join(root, file), out);
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}

if (check) {
  for (const s of stale) process.stderr.write(s + '\n');
  if (stale.length > 0) {
    process.stderr.write(`${stale.length} stale sample(s): run \`npm run build && npm run docs:samples\`\n`);
    process.exit(1);
  }
  process.stdout.write('docs samples are up to date\n');
} else process.stdout.write(`docs samples: ${stale.length} rewritten\n`);
