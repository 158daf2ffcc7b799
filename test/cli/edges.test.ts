/**
 * The CLI's edges as a user meets them (issue #13 items 1 and 2): flags settled before any work, and outputs that
 * never replace an input, a device, a FIFO or a user's file.
 */
import { describe, expect, it } from 'vitest';
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import {
  copyFileSync,
  existsSync,
  lstatSync,
  mkdirSync,
  readFileSync,
  readdirSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { createReadStream } from 'node:fs';
import { hostname } from 'node:os';
import { join, resolve } from 'node:path';
import { cli, fixture, parseJson, tempDir } from './helpers.js';
import type { RunReport } from '../../src/report/types.js';

const bin = resolve('dist/warmpool-sim.mjs');
const built = existsSync(bin);
const tiny = fixture('tiny.yaml');

/** Runs the built CLI as a user types it, from `cwd`. */
function typed(args: string[], cwd = process.cwd()): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [bin, ...args], { cwd, encoding: 'utf8', timeout: 60_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('flags are settled before any work starts', () => {
  it('--format xml: exit 2, no report printed', async () => {
    const r = await cli(['run', tiny, '--format', 'xml']);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('Invalid values');
  });

  it('a misspelt flag beside --out writes no file', async () => {
    const out = join(tempDir(), 'o.json');
    const r = await cli(['run', tiny, '--out', out, '--sed', '7']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('Unknown argument: sed');
    expect(existsSync(out)).toBe(false);
  });

  it('sweep --x NOPE is refused before any run, and no HTML is written', async () => {
    const html = join(tempDir(), 'x.html');
    const r = await cli(['sweep', tiny, '--set', 'WARM_IP_TARGET=0,1', '--seeds', '1', '--html', html, '--x', 'NOPE']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--x "NOPE" is not a swept setting (swept: WARM_IP_TARGET)');
    expect(r.stderr).not.toContain('running');
    expect(existsSync(html)).toBe(false);
  });

  it('a misspelt sweep flag runs nothing', async () => {
    const r = await cli(['sweep', tiny, '--set', 'WARM_IP_TARGET=0,1', '--seeds', '1', '--wrokers', '1']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('Unknown argument: wrokers');
    expect(r.stderr).not.toContain('running');
    expect(r.stdout).toBe('');
  });

  it('--sample-every abc is refused, quoting the text', async () => {
    const r = await cli(['run', tiny, '--csv', join(tempDir(), 's.csv'), '--sample-every', 'abc']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--sample-every must be a duration of at least 1ms, e.g. 10s; got "abc"');
  });

  it.each([
    [['--seed', '1e30'], '--seed must be a whole number from 0 to 4294967295; got "1e30"'],
    [['--seed', 'abc'], '--seed must be a whole number from 0 to 4294967295; got "abc"'],
    [['--seed', '-3'], 'got "-3"'],
    [['--seed', '4294967296'], 'got "4294967296"'],
    [['--seed'], 'Not enough arguments following: seed'],
    [['--seed', '1', '--seed', '2'], '--seed is given more than once'],
    [['--node-series', '2.5'], '--node-series must be a whole number 0 or more; got "2.5"'],
  ])('run %j: exit 2, one message', async (flags, message) => {
    const r = await cli(['run', tiny, ...flags]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain(message);
    expect(r.stderr).not.toContain('NaN');
    expect(r.stderr.trim().split('\n')).toHaveLength(2); // the message and the pointer to --help
  });

  it('the largest seed is accepted', async () => {
    const r = await cli(['run', tiny, '--seed', '4294967295', '--format', 'json']);
    expect(r.code, r.stderr).toBe(0);
    expect(parseJson<RunReport>(r.stdout).seed).toBe(4294967295);
  });

  it('sweep seeds and workers quote the text too', async () => {
    const r = await cli(['sweep', tiny, '--set', 'WARM_IP_TARGET=0,1', '--seeds', 'ten']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--seeds must be a whole number 1 or more; got "ten"');
    const w = await cli(['compare', tiny, '--set', 'WARM_IP_TARGET=0,1', '--workers', '0']);
    expect(w.code).toBe(2);
    expect(w.stderr).toContain('--workers must be a whole number 1 or more; got "0"');
  });

  it('merge with no files: exit 2 and no summary', async () => {
    const r = await cli(['merge']);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
  });

  it('two outputs on one path are refused before the run', async () => {
    const same = join(tempDir(), 'same');
    const r = await cli(['run', tiny, '--out', same, '--html', same]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--out and --html name the same file');
    expect(existsSync(same)).toBe(false);
    const s = await cli(['sweep', tiny, '--set', 'WARM_IP_TARGET=0,1', '--out', same, '--html', same]);
    expect(s.code).toBe(2);
    expect(s.stderr).toContain('--out and --html name the same file');
  });
});

describe('output files', () => {
  it.skipIf(!built)("never replaces the scenario's trace, even with --force", () => {
    const dir = tempDir();
    mkdirSync(join(dir, 'traces'));
    copyFileSync('scenarios/trace-replay.yaml', join(dir, 'trace-replay.yaml'));
    copyFileSync('scenarios/traces/day.csv', join(dir, 'traces', 'day.csv'));
    const before = readFileSync(join(dir, 'traces', 'day.csv'), 'utf8');
    const r = typed(['run', 'trace-replay.yaml', '--csv', 'traces/day.csv', '--force'], dir);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('refusing to write over traces/day.csv: it is an input of this run');
    expect(readFileSync(join(dir, 'traces', 'day.csv'), 'utf8')).toBe(before);
  });

  it('never replaces the grid file or a results file being merged', async () => {
    const dir = tempDir();
    const grid = join(dir, 'grid.yaml');
    copyFileSync(fixture('tiny-grid.yaml'), grid);
    const r = await cli(['sweep', tiny, '--grid', grid, '--html', grid, '--force']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('it is an input of this run');
    const rows = join(dir, 'rows.jsonl');
    expect(
      (await cli(['sweep', tiny, '--set', 'WARM_IP_TARGET=0', '--seeds', '1', '--workers', '1', '--out', rows])).code,
    ).toBe(0);
    const m = await cli(['merge', rows, '--out', rows, '--force']);
    expect(m.code).toBe(2);
    expect(m.stderr).toContain('it is an input of this run');
  });

  it('- is stdout: the JSON report alone', async () => {
    const r = await cli(['run', tiny, '--out', '-']);
    expect(r.code, r.stderr).toBe(0);
    expect(parseJson<RunReport>(r.stdout).scenario).toBe('tiny');
  });

  it.skipIf(!built)('--out /dev/stdout writes to the terminal and leaves /dev/stdout as it was', () => {
    const before = lstatSync('/dev/stdout');
    const r = typed(['run', tiny, '--out', '/dev/stdout', '--format', 'json']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout.match(/"tool": \{/g)).toHaveLength(2); // the --out copy, then the report on stdout
    const after = lstatSync('/dev/stdout');
    expect([after.isSymbolicLink(), after.ino]).toEqual([before.isSymbolicLink(), before.ino]);
  });

  it.skipIf(!built)('/dev/null is written as a stream, never replaced', () => {
    const r = typed(['run', tiny, '--out', '/dev/null']);
    expect(r.code, r.stderr).toBe(0);
    expect(statSync('/dev/null').isCharacterDevice()).toBe(true);
  });

  it.skipIf(!built || process.platform === 'win32')(
    'a FIFO with a reader gets the report and stays a FIFO',
    async () => {
      const fifo = join(tempDir(), 'pipe');
      execFileSync('mkfifo', [fifo]);
      let got = '';
      const reader = new Promise<void>((done, fail) => {
        const s = createReadStream(fifo, { encoding: 'utf8' });
        s.on('data', (c) => (got += String(c)));
        s.on('end', () => done());
        s.on('error', fail);
      });
      const child = spawn(process.execPath, [bin, 'run', tiny, '--out', fifo], { stdio: 'ignore' });
      const code = await new Promise<number | null>((done) => child.on('close', done));
      await reader;
      expect(code).toBe(0);
      expect(parseJson<RunReport>(got).scenario).toBe('tiny');
      expect(statSync(fifo).isFIFO()).toBe(true);
    },
  );

  it('a symlink is followed: it stays a link, its target is rewritten, and a user file behind it is refused', async () => {
    const dir = tempDir();
    const target = join(dir, 'report.json');
    const link = join(dir, 'link.json');
    expect((await cli(['run', tiny, '--out', target])).code).toBe(0);
    symlinkSync(target, link);
    expect((await cli(['run', tiny, '--out', link, '--seed', '5'])).code).toBe(0);
    expect(lstatSync(link).isSymbolicLink()).toBe(true);
    expect(parseJson<RunReport>(readFileSync(target, 'utf8')).seed).toBe(5);
    const notes = join(dir, 'notes.txt');
    writeFileSync(notes, 'my notes');
    const other = join(dir, 'other.json');
    symlinkSync(notes, other);
    const r = await cli(['run', tiny, '--out', other]);
    expect(r.code).toBe(2);
    expect(readFileSync(notes, 'utf8')).toBe('my notes');
    expect(readdirSync(dir).filter((f) => f.includes('.tmp-'))).toEqual([]);
  });

  it('a directory is exit 2', async () => {
    const r = await cli(['run', tiny, '--out', tempDir()]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('it is a directory');
  });

  it("a file that only mentions warmpool-sim is not the tool's own", async () => {
    const notes = join(tempDir(), 'notes.json');
    writeFileSync(notes, '# things to try with warmpool-sim\n');
    const r = await cli(['run', tiny, '--out', notes]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('refusing to overwrite');
    const json = join(tempDir(), 'mine.json');
    writeFileSync(json, '{"note": "warmpool-sim"}');
    expect((await cli(['run', tiny, '--out', json])).code).toBe(2);
  });

  it("each of the tool's own formats may be replaced without --force", async () => {
    const dir = tempDir();
    const files = ['r.json', 'r.html', 'r.csv', 'e.jsonl'].map((f) => join(dir, f));
    const [out, html, csv, events] = files;
    const args = ['run', tiny, '--out', out, '--html', html, '--csv', csv, '--events', events];
    expect((await cli(args)).code).toBe(0);
    const again = await cli([...args, '--seed', '3']);
    expect(again.code, again.stderr).toBe(0);
    const rows = join(dir, 'rows.jsonl');
    const sweep = ['sweep', tiny, '--set', 'WARM_IP_TARGET=0', '--seeds', '1', '--workers', '1'];
    expect((await cli([...sweep, '--out', rows])).code).toBe(0);
    expect((await cli(['merge', rows, '--out', join(dir, 'm.jsonl')])).code).toBe(0);
    expect((await cli(['merge', rows, '--out', join(dir, 'm.jsonl')])).code).toBe(0);
  });

  it('a second sweep on one --out refuses while the first holds it, naming the holder; a stale lock is taken', async () => {
    const dir = tempDir();
    const out = join(dir, 'rows.jsonl');
    const lock = `${out}.lock`;
    writeFileSync(lock, JSON.stringify({ pid: process.pid, host: hostname(), since: 'now' }));
    const sweep = ['sweep', tiny, '--set', 'WARM_IP_TARGET=0', '--seeds', '1', '--workers', '1', '--out', out];
    const r = await cli(sweep);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`is in use by another sweep (pid ${process.pid} on ${hostname()}`);
    expect(existsSync(out)).toBe(false);
    // A pid that no process has (above Linux's pid_max limit of 2^22).
    writeFileSync(lock, JSON.stringify({ pid: 2 ** 22 + 7, host: hostname(), since: 'then' }));
    const s = await cli(sweep);
    expect(s.code, s.stderr).toBe(0);
    expect(existsSync(lock)).toBe(false);
    expect(readFileSync(out, 'utf8').trim().split('\n')).toHaveLength(1);
  });
});
