/**
 * Golden reports: the JSON and text report of every shipped scenario and of the fixtures beside this file, at
 * each file's own seed, pinned under test/golden/. A change that moves a figure fails here with the first
 * differences; `npm run golden` rewrites the files and prints what moved (say why in the commit message).
 */
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadScenario, runScenario } from '../../src/index.js';
import { renderText } from '../../src/report/text.js';
import { diffJson, diffLines } from './diff.js';

const UPDATE = process.env.GOLDEN_UPDATE === '1';
const DIR = 'test/golden';
/** Event logs up to this size are pinned whole (a readable diff); larger ones by line count and SHA-256. */
const WHOLE_LOG_BYTES = 256 * 1024;

/** The pinned form of an event log: the log itself, or its digest. */
function pinnedLog(lines: string[]): { ext: string; body: string } {
  const body = lines.join('\n') + '\n';
  if (body.length <= WHOLE_LOG_BYTES) return { ext: 'events.jsonl', body };
  const sha = createHash('sha256').update(body).digest('hex');
  return { ext: 'events.sha256', body: `lines ${lines.length}\nsha256 ${sha}\n` };
}

/** Compares or rewrites one pinned file; returns the differences found. */
function pin(path: string, now: string, differ: (was: string) => string[]): string[] {
  const was = existsSync(path) ? readFileSync(path, 'utf8') : undefined;
  if (UPDATE) {
    writeFileSync(path, now);
    return was === undefined ? [`${path}: new`] : differ(was).map((d) => `${path}: ${d}`);
  }
  if (was === undefined) return [`${path} is missing: run npm run golden and commit it`];
  const d = differ(was);
  return d.length || was === now ? d : ['bytes differ (white space or key order)'];
}

/** Every golden case: shipped scenarios first, then the fixtures. */
function cases(): { name: string; file: string }[] {
  const list = (dir: string, prefix: string) =>
    readdirSync(dir)
      .filter((f) => f.endsWith('.yaml'))
      .sort()
      .map((f) => ({ name: prefix + basename(f, '.yaml'), file: join(dir, f) }));
  return [...list('scenarios', ''), ...list(join(DIR, 'fixtures'), 'fixture-')];
}

describe('golden reports', () => {
  for (const { name, file } of cases()) {
    it(`${file} gives its pinned report and event log`, () => {
      const lines: string[] = [];
      const report = runScenario(loadScenario(file).scenario, {
        events: { write: (r) => lines.push(JSON.stringify(r)) },
      });
      const base = join(DIR, name);
      const log = pinnedLog(lines);
      for (const ext of ['events.jsonl', 'events.sha256'])
        if (UPDATE && ext !== log.ext) rmSync(`${base}.${ext}`, { force: true });
      const moved = [
        ...pin(`${base}.json`, JSON.stringify(report, null, 2) + '\n', (was) => diffJson(JSON.parse(was), report)),
        ...pin(`${base}.txt`, renderText(report), (was) => diffLines(was, renderText(report))),
        ...pin(`${base}.${log.ext}`, log.body, (was) => diffLines(was, log.body)),
      ];
      if (UPDATE) {
        console.log(moved.length ? `golden ${name}: rewritten\n  ${moved.join('\n  ')}` : `golden ${name}: unchanged`);
        return;
      }
      expect(moved, `${base}.* moved (npm run golden rewrites them):\n  ${moved.join('\n  ')}`).toEqual([]);
    });
  }
});
