/**
 * Docs that run: every `warmpool-sim` / `npx warmpool-sim` command in the sh blocks of README.md, CONTRIBUTING.md
 * and docs/*.md runs as written from the repo root (in a sandbox holding copies of scenarios/, docs/examples/ and test/fixtures/import/,
 * in document order, with the built CLI) and exits as the doc says: 0, or N for a trailing `(exit N)` comment.
 * Commands marked `(slow)` run with `--seeds 1`. Needs `npm run build` (npm test does it).
 */
import { afterAll, describe, expect, it } from 'vitest';
import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import {
  ROOT,
  docCommands,
  docFiles,
  quickVersion,
  readDoc,
  runDocCommand,
  sandbox,
  toShell,
} from '../../scripts/docs-lib.mjs';

const sandboxes: string[] = [];
afterAll(() => {
  for (const d of sandboxes) rmSync(d, { recursive: true, force: true });
});

describe('doc command extraction', () => {
  const doc = [
    'text `warmpool-sim run inline.yaml` is not a command',
    '```sh',
    'npm ci && npm start          # not ours',
    'npx warmpool-sim run scenarios/default.yaml   # a comment',
    'warmpool-sim sweep scenarios/rollout.yaml \\',
    '    --set WARM_IP_TARGET=0,5 --seeds 10   # 20 runs (slow)',
    'warmpool-sim recommend --from all.jsonl --slo "p99<5s # not a comment"   # none holds (exit 3)',
    '```',
    '```text',
    'warmpool-sim run not-run.yaml',
    '```',
  ].join('\n');

  it('takes the commands of sh blocks, joins continued lines and reads the annotations', () => {
    expect(docCommands(doc)).toEqual([
      { line: 4, command: 'npx warmpool-sim run scenarios/default.yaml', slow: false, exit: 0 },
      {
        line: 5,
        command: 'warmpool-sim sweep scenarios/rollout.yaml --set WARM_IP_TARGET=0,5 --seeds 10',
        slow: true,
        exit: 0,
      },
      {
        line: 7,
        command: 'warmpool-sim recommend --from all.jsonl --slo "p99<5s # not a comment"',
        slow: false,
        exit: 3,
      },
    ]);
  });

  it('shortens slow commands to 2 seeds and runs the built CLI', () => {
    expect(quickVersion('warmpool-sim sweep s.yaml --seeds 10 --out r.jsonl')).toBe(
      'warmpool-sim sweep s.yaml --seeds 1 --out r.jsonl',
    );
    expect(quickVersion('warmpool-sim compare a.yaml b.yaml')).toBe('warmpool-sim compare a.yaml b.yaml --seeds 1');
    const cli = `node ${JSON.stringify(join(ROOT, 'dist/warmpool-sim.mjs'))}`;
    expect(toShell('npx warmpool-sim schema > x.json && warmpool-sim validate s.yaml')).toBe(
      `${cli} schema > x.json && ${cli} validate s.yaml`,
    );
  });

  it('notices a command that fails', () => {
    const dir = sandbox();
    sandboxes.push(dir);
    expect(runDocCommand('warmpool-sim run scenarios/no-such-file.yaml', dir).code).toBe(2);
  });
});

for (const file of docFiles()) {
  const commands = docCommands(readDoc(file));
  if (commands.length === 0) continue;
  describe(`${file} commands`, () => {
    const dir = sandbox();
    sandboxes.push(dir);
    for (const c of commands) {
      it(`line ${c.line}: ${c.command}${c.slow ? ' (with --seeds 1)' : ''}`, () => {
        expect(existsSync(join(ROOT, 'dist/warmpool-sim.mjs')), 'run npm run build first').toBe(true);
        const r = runDocCommand(c.slow ? quickVersion(c.command) : c.command, dir);
        expect(r.stderr).not.toMatch(/internal error/);
        expect(r.code, `exit ${r.code}\n${r.stderr}`).toBe(c.exit);
      });
    }
  });
}
