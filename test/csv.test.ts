import { describe, expect, it } from 'vitest';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseCsv, TIME_COLUMN } from '../src/report/csv.js';
import type { RunReport } from '../src/report/types.js';
import { CHURN_IP_TARGET, cli, scenarioFile, tempDir } from './helpers.js';

describe('run --csv', () => {
  const dir = tempDir();
  const scenario = scenarioFile(dir, CHURN_IP_TARGET);

  it('writes one row per sample whose totals agree with the JSON report', async () => {
    const csvPath = join(dir, 'series.csv');
    const jsonPath = join(dir, 'report.json');
    const r = await cli(['run', scenario, '--csv', csvPath, '--out', jsonPath, '--sample-every', '30s']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const text = readFileSync(csvPath, 'utf8');
    expect(text.split('\n')[0]).toMatch(
      /^# warmpool-sim \S+ time series; scenario "churn-ip-target"; seed 5; sampled every 30000 ms \(30\.0s\); columns are described in docs\/reports\.md$/,
    );
    const report = JSON.parse(readFileSync(jsonPath, 'utf8')) as RunReport;
    const { header, columns } = parseCsv(text);
    const col = (n: string): number[] => {
      const c = columns.get(n);
      if (!c) throw new Error(`no column ${n}`);
      return c;
    };
    const last = (n: string): number => col(n).at(-1) as number;
    const total = (n: string): number => col(n).reduce((a, b) => a + b, 0);
    expect(header.slice(0, 10)).toEqual([
      TIME_COLUMN,
      'attached',
      'assigned',
      'idle',
      'cooling',
      'enis',
      'podsPending',
      'podsWaitingForIp',
      'ec2Calls',
      'ec2Errors',
    ]);
    // 40 minutes every 30 s: 0, 30 s, ..., 40 min.
    expect(col(TIME_COLUMN)).toEqual(Array.from({ length: 81 }, (_, i) => i * 30_000));
    expect(total('ec2Calls')).toBe(report.ec2.total);
    expect(total('ec2Errors')).toBe(Object.values(report.ec2.errors).reduce((a, b) => a + b, 0));
    expect(last('attached')).toBe(report.ips.attachedEnd);
    expect(last('assigned')).toBe(report.ips.assignedEnd);
    expect(last('enis')).toBe(report.ips.enisEnd);
    expect(last('podsPending') + last('podsWaitingForIp')).toBe(report.pods.pending);
    expect(Math.max(...col('attached'))).toBeLessThanOrEqual(report.ips.attachedPeak);
    expect(Math.max(...col('assigned'))).toBeLessThanOrEqual(report.ips.assignedPeak);
    expect(Math.max(...col('cooling'))).toBeLessThanOrEqual(report.ips.coolingPeak);
    col('idle').forEach((v, i) => expect(v).toBe(col('attached')[i] - col('assigned')[i]));
    for (const g of report.nodeGroups) {
      expect(last(`group.${g.name}.attached`)).toBe(g.ipsAttached);
      expect(last(`group.${g.name}.assigned`)).toBe(g.ipsAssigned);
      expect(last(`group.${g.name}.enis`)).toBe(g.enis);
    }
    // Group and node columns add up to the cluster's, sample by sample.
    const sumOf = (prefix: string, field: string) =>
      header.filter((h) => h.startsWith(prefix) && h.endsWith(`.${field}`));
    for (const field of ['attached', 'assigned', 'enis', 'podsWaitingForIp']) {
      const parts = sumOf('group.', field).map(col);
      expect(parts.length).toBe(report.nodeGroups.length);
      col(field).forEach((v, i) => expect(parts.reduce((a, p) => a + p[i], 0)).toBe(v));
    }
    for (const field of ['attached', 'assigned', 'podsWaitingForIp']) {
      const parts = sumOf('node.', field).map(col);
      expect(parts.length).toBe(report.nodes.length);
      col(field).forEach((v, i) => expect(parts.reduce((a, p) => a + p[i], 0)).toBe(v));
    }
  });

  it('documents every column in docs/reports.md', async () => {
    const csvPath = join(dir, 'doc.csv');
    expect((await cli(['run', scenario, '--csv', csvPath, '--node-series', '2'])).code).toBe(0);
    const doc = readFileSync(new URL('../docs/reports.md', import.meta.url), 'utf8');
    const { header } = parseCsv(readFileSync(csvPath, 'utf8'));
    expect(header.some((h) => h.includes('.nodeIdle.median'))).toBe(true);
    for (const h of header) {
      const generic = h
        .replace(/^group\.[^.]+\./, 'group.<group>.')
        .replace(/^node\.[^.]+\./, 'node.<node>.')
        .replace(/^bucket\..+/, 'bucket.<Api>')
        .replace(/^subnet\.[^.]+\./, 'subnet.<subnet>.');
      expect(doc, `column ${h}`).toContain(`\`${generic}\``);
    }
  });

  it('rejects a bad --sample-every and too many samples, before running', async () => {
    const p = join(dir, 'x.csv');
    const zero = await cli(['run', scenario, '--csv', p, '--sample-every', '0s']);
    expect(zero.code).toBe(2);
    expect(zero.stderr).toMatch(/--sample-every must be a duration/);
    const many = await cli(['run', scenario, '--csv', p, '--sample-every', '1ms']);
    expect(many.code).toBe(2);
    expect(many.stderr).toMatch(/would take 2400001 samples/);
  });

  it('refuses to overwrite a file warmpool-sim did not write, and leaves it alone', async () => {
    const p = join(dir, 'mine.csv');
    writeFileSync(p, 'a,b\n1,2\n');
    const r = await cli(['run', scenario, '--csv', p]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/refusing to overwrite/);
    expect(r.stdout).toBe('');
    expect(readFileSync(p, 'utf8')).toBe('a,b\n1,2\n');
  });
});
