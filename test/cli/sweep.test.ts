import { beforeAll, describe, expect, it } from 'vitest';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cli, fixture, parseJson, sortedLines, tempDir } from './helpers.js';
import type { SweepRow } from '../../src/sweep/types.js';

const scenario = fixture('tiny.yaml');
const grid = fixture('tiny-grid.yaml'); // 6 combinations x 3 seeds = 18 runs
const RUNS = 18;

describe('sweep', () => {
  const dir = tempDir();
  let one: { stdout: string; file: string };

  beforeAll(async () => {
    const file = join(dir, 'one.jsonl');
    const r = await cli(['sweep', scenario, '--grid', grid, '--workers', '1', '--out', file, '--format', 'json']);
    expect(r.code, r.stderr).toBe(0);
    one = { stdout: r.stdout, file: readFileSync(file, 'utf8') };
  });

  it('writes one line per run and a summary sorted by grid point', () => {
    const lines = one.file.trim().split('\n');
    expect(lines).toHaveLength(RUNS);
    const rows = lines.map((l) => parseJson<SweepRow>(l));
    expect(new Set(rows.map((r) => r.key)).size).toBe(RUNS);
    expect(rows.every((r) => r.tool === 'warmpool-sim' && r.scenario?.name === 'tiny')).toBe(true);
    const summary = parseJson<{ rows: { point: number; pareto: boolean; settings: unknown }[] }>(one.stdout);
    expect(summary).toMatchObject({
      tool: 'warmpool-sim',
      kind: 'sweep-summary',
      runs: RUNS,
      seeds: [7, 8, 9],
      points: 6,
    });
    expect(summary.rows.map((r) => r.point)).toEqual([0, 1, 2, 3, 4, 5]);
    expect(summary.rows[5].settings).toEqual({ WARM_IP_TARGET: 3, MINIMUM_IP_TARGET: 4 });
    expect(summary.rows.some((r) => r.pareto)).toBe(true);
  });

  it('gives identical results with 1 and 2 workers', async () => {
    const file = join(dir, 'two.jsonl');
    const r = await cli(['sweep', scenario, '--grid', grid, '--workers', '2', '--out', file, '--format', 'json']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain('on 2 workers');
    expect(r.stdout).toBe(one.stdout);
    expect(sortedLines(readFileSync(file, 'utf8'))).toEqual(sortedLines(one.file));
  });

  it('merged shards equal the unsharded sweep', async () => {
    const shards: string[] = [];
    for (let i = 0; i < 3; i++) {
      const file = join(dir, `shard-${i}.jsonl`);
      const r = await cli(['sweep', scenario, '--grid', grid, '--shard', `${i}/3`, '--out', file, '--workers', '1']);
      expect(r.code, r.stderr).toBe(0);
      expect(readFileSync(file, 'utf8').trim().split('\n')).toHaveLength(RUNS / 3);
      shards.push(file);
    }
    const merged = await cli(['merge', ...shards, '--out', join(dir, 'merged.jsonl'), '--format', 'json']);
    expect(merged.code, merged.stderr).toBe(0);
    const whole = await cli(['merge', join(dir, 'one.jsonl'), '--out', join(dir, 'whole.jsonl'), '--format', 'json']);
    expect(whole.code, whole.stderr).toBe(0);
    expect(readFileSync(join(dir, 'merged.jsonl'), 'utf8')).toBe(readFileSync(join(dir, 'whole.jsonl'), 'utf8'));
    expect(parseJson<{ rows: unknown }>(merged.stdout).rows).toEqual(parseJson<{ rows: unknown }>(one.stdout).rows);
  });

  it('resumes after a kill mid-line, losing and duplicating nothing', async () => {
    const file = join(dir, 'killed.jsonl');
    const lines = one.file.split('\n');
    const cut = lines.slice(0, 6).join('\n').length + 1 + Math.floor(lines[6].length / 2);
    writeFileSync(file, one.file.slice(0, cut)); // 6 whole rows, then half of the 7th
    const refused = await cli(['sweep', scenario, '--grid', grid, '--out', file]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('--resume');
    const r = await cli([
      'sweep',
      scenario,
      '--grid',
      grid,
      '--out',
      file,
      '--resume',
      '--format',
      'json',
      '--workers',
      '1',
    ]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain('dropping its last line');
    expect(r.stderr).toContain('6 already in');
    const after = readFileSync(file, 'utf8');
    expect(sortedLines(after)).toEqual(sortedLines(one.file));
    expect(r.stdout).toBe(one.stdout);
    const again = await cli(['sweep', scenario, '--grid', grid, '--out', file, '--resume']);
    expect(again.stderr).toContain('nothing left to run');
    expect(readFileSync(file, 'utf8')).toBe(after);
  });

  it('rejects a bad grid value with a located message before running anything', async () => {
    const bad = join(dir, 'bad-grid.yaml');
    writeFileSync(
      bad,
      'seeds: 2\nset:\n  WARM_IP_TARGET: [0, 2]\n  "nodeGroups[0].count": [1, -2]\n  WARM_ENI_TARGTE: [1]\n',
    );
    const out = join(dir, 'never.jsonl');
    const r = await cli(['sweep', scenario, '--grid', bad, '--out', out]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain(
      `${bad}:4:30: error: set.nodeGroups[0].count[1]: nodeGroups[0].count=-2: must be at least 0`,
    );
    expect(r.stderr).toContain(
      `${bad}:5:3: error: set.WARM_ENI_TARGTE: unknown ipamd variable "WARM_ENI_TARGTE"; did you mean WARM_ENI_TARGET?`,
    );
    expect(r.stderr).toContain('2 errors');
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(existsSync(out)).toBe(false);
  });

  it('rejects a bad --set value and refuses to write over files it did not write', async () => {
    const r = await cli(['sweep', scenario, '--set', 'duration=1m,ten', '--seeds', '1']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--set duration=1m,ten: error: duration=ten: expected a duration');
    const mine = join(dir, 'notes.txt');
    writeFileSync(mine, 'my notes\n');
    const clobber = await cli(['sweep', scenario, '--set', 'WARM_IP_TARGET=1', '--seeds', '1', '--out', mine]);
    expect(clobber.code).toBe(2);
    expect(readFileSync(mine, 'utf8')).toBe('my notes\n');
  });

  it('lists the grid with --dry-run, and prints a text table by default', async () => {
    const dry = await cli(['sweep', scenario, '--grid', grid, '--dry-run']);
    expect(dry.code).toBe(0);
    expect(dry.stdout).toContain('6 settings combinations x 3 seeds (7..9) = 18 runs');
    // Resuming a finished sweep runs nothing and prints its summary.
    const file = join(dir, 'done.jsonl');
    writeFileSync(file, one.file);
    const text = await cli(['sweep', scenario, '--grid', grid, '--out', file, '--resume']);
    expect(text.code, text.stderr).toBe(0);
    expect(text.stderr).toContain('nothing left to run');
    expect(text.stdout).toMatch(/#\s+WARM_IP_TARGET\s+MINIMUM_IP_TARGET\s+runs\s+p50 s/);
    expect(text.stdout.split('\n').filter((l) => /^\s+\d+\s/.test(l))).toHaveLength(6);
    expect(text.stdout).toContain('Pareto-optimal');
  });
});

describe('merge', () => {
  it('refuses files whose runs disagree', async () => {
    const dir = tempDir();
    const r = await cli(['sweep', scenario, '--grid', grid, '--dry-run']);
    expect(r.code).toBe(0);
    const a = join(dir, 'a.jsonl');
    const row = {
      tool: 'warmpool-sim',
      kind: 'sweep-run',
      key: 'WARM_IP_TARGET=1|seed=1',
      point: 0,
      settings: { WARM_IP_TARGET: 1 },
      seed: 1,
      figures: {
        p50: 0,
        p90: 0,
        p99: 10,
        max: 10,
        mean: 1,
        idleMean: 2,
        attachedPeak: 3,
        ec2Calls: 4,
        failedAddAttempts: 0,
        neverStarted: 0,
        started: 5,
      },
    };
    writeFileSync(a, JSON.stringify(row) + '\n');
    const b = join(dir, 'b.jsonl');
    writeFileSync(b, JSON.stringify({ ...row, figures: { ...row.figures, p99: 11 } }) + '\n');
    const m = await cli(['merge', a, b]);
    expect(m.code).toBe(2);
    expect(m.stderr).toContain('other figures');
    const ok = await cli(['merge', a, a, '--format', 'json']);
    expect(ok.code, ok.stderr).toBe(0);
    expect(parseJson<unknown>(ok.stdout)).toMatchObject({ runs: 1, rows: [{ point: 0, runs: 1, pareto: true }] });
  });
});

describe('sweep --html', () => {
  it('writes the sweep report with the scatter, heatmap and every settings combination', async () => {
    const file = join(tempDir(), 'sweep.html');
    const r = await cli(['sweep', scenario, '--grid', grid, '--workers', '1', '--html', file, '--figure', 'idleMean']);
    expect(r.code, r.stderr).toBe(0);
    const html = readFileSync(file, 'utf8');
    expect(html).toContain('warmpool-sim');
    expect(html).toContain('<svg');
    expect(html).toContain('WARM_IP_TARGET');
    expect(html).toContain('MINIMUM_IP_TARGET');
  });

  it('rejects an unknown heatmap setting with exit 2 after the runs, and refuses to overwrite a user file before them', async () => {
    const dir = tempDir();
    const bad = await cli([
      'sweep',
      scenario,
      '--grid',
      grid,
      '--workers',
      '1',
      '--html',
      join(dir, 's.html'),
      '--x',
      'NOPE',
    ]);
    expect(bad.code).toBe(2);
    const mine = join(dir, 'mine.html');
    writeFileSync(mine, '<p>my notes</p>');
    const refused = await cli(['sweep', scenario, '--grid', grid, '--workers', '1', '--html', mine]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('refusing to overwrite');
    expect(refused.stderr).not.toContain('runs done');
    expect(readFileSync(mine, 'utf8')).toBe('<p>my notes</p>');
  });
});
