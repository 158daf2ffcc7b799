import { describe, expect, it } from 'vitest';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { cli, fixture, parseJson, tempDir } from './helpers.js';

const scenario = fixture('tiny.yaml');
const grid = fixture('tiny-grid.yaml');

describe('compare', () => {
  it('finds no difference between a scenario and itself, seed by seed', async () => {
    const r = await cli(['compare', scenario, scenario, '--seeds', '3', '--format', 'json', '--workers', '1']);
    expect(r.code, r.stderr).toBe(0);
    const out = parseJson<{ seeds: number[]; figures: { verdict: string }[] }>(r.stdout);
    expect(out.seeds).toEqual([7, 8, 9]);
    expect(out.figures.map((f) => f.verdict)).toEqual(Array(11).fill('identical'));
  });

  it('pairs two settings of one scenario on the same seeds', async () => {
    const r = await cli(['compare', scenario, '--set', 'WARM_IP_TARGET=0,3', '--seeds', '4', '--workers', '1']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('A: ' + scenario + ' WARM_IP_TARGET=0');
    expect(r.stdout).toContain('B: ' + scenario + ' WARM_IP_TARGET=3');
    expect(r.stdout).toContain('on 4 paired seeds (7..10)');
    expect(r.stdout).toMatch(/EC2 calls .* B higher|EC2 calls .* not significant|EC2 calls .* identical/);
  });

  it('needs exactly two sides', async () => {
    const r = await cli(['compare', scenario, '--set', 'WARM_IP_TARGET=0,3,5']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('gives 3 combinations');
    const bad = await cli(['compare', scenario, '--a-set', 'WARM_IP_TARGTE=1', '--b-set', 'MAX_ENI=x,y']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--a-set WARM_IP_TARGTE=1: error: WARM_IP_TARGTE: unknown ipamd variable');
  });
});

describe('recommend', () => {
  it('picks the settings holding the SLO with the fewest idle addresses, the same from a results file', async () => {
    const dir = tempDir();
    const out = join(dir, 'r.jsonl');
    const run = await cli([
      'recommend',
      scenario,
      '--grid',
      grid,
      '--slo',
      'neverStarted==0',
      '--out',
      out,
      '--format',
      'json',
      '--workers',
      '1',
    ]);
    expect(run.code, run.stderr).toBe(0);
    type Rec = { point: number; neverStarted: { mean: number }; idleMean: { mean: number } };
    const rec = parseJson<{ summary: Rec[]; recommended: Rec; holding: number[] }>(run.stdout);
    const holding = rec.summary.filter((s) => s.neverStarted.mean === 0);
    const fewest = Math.min(...holding.map((s) => s.idleMean.mean));
    expect(rec.recommended.idleMean.mean).toBe(fewest);
    expect(rec.holding).toEqual(expect.arrayContaining([rec.recommended.point]));
    const again = await cli(['recommend', '--from', out, '--slo', 'neverStarted==0', '--format', 'json']);
    expect(again.code, again.stderr).toBe(0);
    expect(parseJson<{ recommended: Rec }>(again.stdout).recommended).toEqual(rec.recommended);
  });

  it('says when no settings hold the SLO (exit code 3)', async () => {
    const r = await cli([
      'recommend',
      scenario,
      '--set',
      'WARM_IP_TARGET=0,3',
      '--seeds',
      '2',
      '--slo',
      'neverStarted<0',
      '--workers',
      '1',
    ]);
    expect(r.code).toBe(3);
    expect(r.stdout).toContain('No settings combination of the 2 in the grid holds it.');
    expect(r.stdout).toContain('Closest:');
  });

  it('rejects a bad SLO before running anything', async () => {
    const dir = tempDir();
    const out = join(dir, 'never.jsonl');
    const r = await cli(['recommend', scenario, '--grid', grid, '--slo', 'p99<5', '--out', out]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('give p99 a time unit');
    expect(r.stderr).not.toContain('runs done');
    expect(existsSync(out)).toBe(false);
  });
});

describe('command line', () => {
  it('suggests the new commands for a typo', async () => {
    const r = await cli(['swep']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('did you mean sweep?');
  });
});
