/**
 * Sample outputs in the docs are generated: `npm run docs:samples` splices each `<!-- sample: COMMAND -->` block's
 * output (and each `<!-- include: PATH -->` block's file) into the docs. This fails when a sample is stale, i.e.
 * when re-running the commands would change the text. Needs `npm run build` (npm test does it).
 */
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT, docFiles, markers, readDoc } from '../../scripts/docs-lib.mjs';

const script = join(ROOT, 'scripts/docs-samples.mjs');

describe('doc samples', () => {
  it('the docs hold generated samples of sweep, compare, recommend and the grid errors', () => {
    const all = docFiles().flatMap((f) => markers(readDoc(f)).map((m) => m.what));
    for (const cmd of ['warmpool-sim sweep', 'warmpool-sim compare', 'warmpool-sim recommend'])
      expect(all.some((w) => w.startsWith(cmd))).toBe(true);
    expect(all).toContain('docs/examples/bad-grid.yaml');
  });

  it('every sample is what its command prints today (npm run docs:samples rewrites them)', () => {
    const r = spawnSync(process.execPath, [script, '--check'], { cwd: ROOT, encoding: 'utf8' });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
  });

  it('--check fails on a stale sample and names it; without --check it rewrites it', () => {
    const dir = mkdtempSync(join(tmpdir(), 'warmpool-docs-stale-'));
    try {
      const doc = (output: string) =>
        `# Doc\n\n<!-- sample: warmpool-sim limits t3.small --format json | grep -c instanceType -->\n` +
        '```text\n$ warmpool-sim limits t3.small --format json | grep -c instanceType\n' +
        `${output}\n` +
        '```\n<!-- /sample -->\n';
      writeFileSync(join(dir, 'README.md'), doc('7'));
      const run = (...args: string[]) =>
        spawnSync(process.execPath, [script, '--root', dir, ...args], { cwd: ROOT, encoding: 'utf8' });
      const stale = run('--check');
      expect(stale.status).toBe(1);
      expect(stale.stderr).toContain('README.md:3: sample "warmpool-sim limits t3.small --format json');
      expect(readFileSync(join(dir, 'README.md'), 'utf8')).toBe(doc('7'));
      expect(run().status).toBe(0);
      expect(readFileSync(join(dir, 'README.md'), 'utf8')).toBe(doc('1'));
      expect(run('--check').status).toBe(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
