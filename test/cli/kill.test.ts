import { describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';
import { cli, fixture, parseJson, sortedLines, tempDir } from './helpers.js';
import type { SweepRow } from '../../src/sweep/types.js';

const bin = fileURLToPath(new URL('../../dist/cli/bin.js', import.meta.url));
const args = (out: string): string[] => [
  'sweep',
  fixture('tiny.yaml'),
  '--grid',
  fixture('tiny-grid.yaml'),
  '--seeds',
  '10',
  '--out',
  out,
  '--workers',
  '1',
];

const lineCount = (file: string): number => (existsSync(file) ? readFileSync(file, 'utf8').split('\n').length - 1 : 0);

describe('a sweep killed for real (SIGKILL)', () => {
  it('keeps every finished run, and --resume completes it without duplicates', async () => {
    const dir = tempDir();
    const ref = join(dir, 'ref.jsonl');
    expect((await cli(args(ref))).code).toBe(0);

    const file = join(dir, 'killed.jsonl');
    const child = spawn(process.execPath, [bin, ...args(file)], { stdio: 'ignore' });
    const exited = new Promise<number | null>((done) => child.once('exit', (code) => done(code)));
    let finished = false;
    void exited.then(() => (finished = true));
    while (!finished && lineCount(file) < 3) await sleep(5); // wait for a few runs, not for a time
    child.kill('SIGKILL');
    await exited;

    const kept = readFileSync(file, 'utf8');
    const whole = kept.split('\n').slice(0, -1);
    expect(whole.every((l) => parseJson<SweepRow>(l).tool === 'warmpool-sim')).toBe(true);
    const r = await cli([...args(file), '--resume']);
    expect(r.code, r.stderr).toBe(0);
    if (whole.length < 60) expect(r.stderr).toContain(`${whole.length} already in`);
    const after = sortedLines(readFileSync(file, 'utf8'));
    expect(new Set(after.map((l) => parseJson<SweepRow>(l).key)).size).toBe(60);
    expect(after).toEqual(sortedLines(readFileSync(ref, 'utf8')));
  });
});
