import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { heatmapAxes, meanByPoint, paretoFlags, sweptSettings } from '../../src/sweep/pareto.js';
import { renderSweepHtml } from '../../src/sweep/html.js';
import type { SweepRow } from '../../src/sweep/types.js';
import { cli, sweepRows, tempDir } from '../helpers.js';

const rows = sweepRows();

describe('sweep summary', () => {
  it('means each figure over the seeds of a point', () => {
    const s = meanByPoint(rows);
    expect(s.map((x) => x.point)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
    for (const x of s) {
      const mine = rows.filter((r) => r.point === x.point);
      expect(x.runs).toBe(2);
      expect(x.settings).toEqual(mine[0].settings);
      expect(x.p99.mean).toBeCloseTo((mine[0].figures.p99 + mine[1].figures.p99) / 2, 9);
      expect(x.idleMean.lo).toBe(x.idleMean.mean);
    }
  });

  it('flags exactly the points no other point dominates', () => {
    const vec = fc.array(fc.integer({ min: 0, max: 6 }), { minLength: 2, maxLength: 3 });
    fc.assert(
      fc.property(fc.array(vec, { minLength: 1, maxLength: 30 }), (raw) => {
        const d = Math.min(...raw.map((v) => v.length));
        const pts = raw.map((v) => v.slice(0, d));
        const flags = paretoFlags(pts);
        const dominates = (a: number[], b: number[]) => a.every((x, i) => x <= b[i]) && a.some((x, i) => x < b[i]);
        pts.forEach((p, i) => expect(flags[i]).toBe(!pts.some((q) => dominates(q, p))));
        expect(flags.some(Boolean)).toBe(true);
      }),
    );
  });

  it('picks the two settings with most distinct values, or the ones asked for', () => {
    const three = meanByPoint(rows).map((s, i) => ({
      ...s,
      settings: { ...s.settings, IP_COOLDOWN_PERIOD: i % 2 ? 30 : 0 },
    }));
    expect(sweptSettings(three).map((s) => [s.name, s.values])).toEqual([
      ['WARM_IP_TARGET', [1, 2, 4, 8]],
      ['MINIMUM_IP_TARGET', [0, 5, 10]],
      ['IP_COOLDOWN_PERIOD', [0, 30]],
    ]);
    expect(heatmapAxes(three)).toEqual({ x: 'WARM_IP_TARGET', y: 'MINIMUM_IP_TARGET' });
    expect(heatmapAxes(three, 'IP_COOLDOWN_PERIOD')).toEqual({ x: 'IP_COOLDOWN_PERIOD', y: 'WARM_IP_TARGET' });
    expect(heatmapAxes(three, undefined, 'WARM_IP_TARGET')).toEqual({ x: 'MINIMUM_IP_TARGET', y: 'WARM_IP_TARGET' });
    expect(() => heatmapAxes(three, 'NOPE')).toThrow(/not a swept setting/);
    const one = meanByPoint(rows.filter((r) => r.settings.MINIMUM_IP_TARGET === 0));
    expect(heatmapAxes(one)).toBeUndefined();
  });
});

describe('HTML sweep report', () => {
  it('draws the trade-off and the heatmap, byte-identical for the same rows', async () => {
    const a = await renderSweepHtml(rows, undefined, { title: 'fixture' });
    expect(await renderSweepHtml(rows, undefined, { title: 'fixture' })).toBe(a);
    expect(a.slice(0, 4096)).toContain('warmpool-sim');
    expect([...a.matchAll(/<figure id="([^"]+)"/g)].map((m) => m[1])).toEqual(['tradeoff', 'heatmap']);
    expect(a).toContain('p99 pod start latency (s) over WARM_IP_TARGET and MINIMUM_IP_TARGET');
    const b = await renderSweepHtml(rows, undefined, {
      figure: 'idleMean',
      heatmapX: 'MINIMUM_IP_TARGET',
      heatmapY: 'WARM_IP_TARGET',
    });
    expect(b).toContain('mean idle addresses (addresses) over MINIMUM_IP_TARGET and WARM_IP_TARGET');
  }, 30_000);

  it('says so instead of drawing a heatmap when fewer than two settings vary', async () => {
    const html = await renderSweepHtml(rows.filter((r) => r.settings.MINIMUM_IP_TARGET === 5));
    expect(html).toContain('Fewer than two settings vary: no heatmap.');
    expect(html).toContain('id="tradeoff"');
  }, 30_000);
});

describe('report-sweep command', () => {
  const dir = tempDir();
  const results = join(dir, 'results.jsonl');
  writeFileSync(results, rows.map((r) => JSON.stringify(r)).join('\n') + '\n');

  it('renders a results file', async () => {
    const out = join(dir, 'sweep.html');
    const r = await cli(['report-sweep', results, '--html', out, '--figure', 'ec2Calls']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(readFileSync(out, 'utf8')).toContain('EC2 calls (calls) over WARM_IP_TARGET');
  }, 30_000);

  it('reports bad lines by file and line number', async () => {
    const bad = join(dir, 'bad.jsonl');
    const broken: Partial<SweepRow> = { ...rows[0], kind: undefined };
    writeFileSync(bad, [JSON.stringify(rows[0]), '{oops', JSON.stringify(broken)].join('\n'));
    const r = await cli(['report-sweep', bad, '--html', join(dir, 'x.html')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/bad\.jsonl:2:1.*not JSON/);
    expect(r.stderr).toMatch(/bad\.jsonl:3:1.*kind/);
  });

  it('rejects an unknown heatmap setting as a usage error', async () => {
    const r = await cli(['report-sweep', results, '--html', join(dir, 'y.html'), '--x', 'WARM_ENI_TARGET']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/"WARM_ENI_TARGET" is not a swept setting/);
  });
});
