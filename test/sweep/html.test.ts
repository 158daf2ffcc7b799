import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { heatmapAxes, meanByPoint, paretoFlags, sweptSettings } from '../../src/sweep/pareto.js';
import { renderSweepHtml } from '../../src/sweep/html.js';
import { axisPlan, placeLabels, position, scatterPlan, type ScatterPoint } from '../../src/sweep/scatter.js';
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

describe('trade-off scatter layout', () => {
  const pt = (point: number, idle: number, p99: number, front = false): ScatterPoint => ({
    point,
    idle,
    p99,
    lo: p99 - 5,
    hi: p99 + 5,
    front,
  });

  it('starts both axes at 0, even with intervals below 0', () => {
    const plan = scatterPlan([pt(0, 3, 1, true), pt(1, 5, 2), pt(2, 8, 3)]);
    const json = JSON.stringify(plan.spec);
    expect(json).toContain(`"domain":[0,${plan.x.top}]`);
    expect(json).toContain(`"domain":[0,${plan.y.top}]`);
    expect(json).not.toMatch(/"lo":-/);
    expect(plan.y.type).toBe('linear');
  });

  it('uses a log latency axis when latencies span more than 10x', () => {
    expect(axisPlan([0.5, 2, 30], true).type).toBe('symlog');
    expect(axisPlan([0, 5, 40], true).type).toBe('linear');
    expect(axisPlan([0.5, 2, 30], false).type).toBe('linear');
    const log = axisPlan([0.5, 2, 30], true);
    expect(log.ticks?.[0]).toBe(0);
    expect(position(log, 0.5)).toBeGreaterThan(0.1); // not squashed at the bottom as on a linear axis (0.016)
  });

  it('puts one far point on the edge instead of letting it squash the others', () => {
    const pts = [pt(0, 10, 5, true), pt(1, 12, 6), pt(2, 14, 5.5), pt(3, 11, 7), pt(4, 13, 6.5), pt(5, 4000, 6)];
    const plan = scatterPlan(pts);
    expect(plan.offChart.map((p) => p.point)).toEqual([5]);
    expect(plan.x.top).toBeLessThan(20);
    // The other points spread over most of the width rather than the first 0.35% of it.
    expect(position(plan.x, 14) - position(plan.x, 10)).toBeGreaterThan(0.2);
  });

  it('places labels that never overlap each other, leaving out those with no room', () => {
    const box = (p: { x: number; y: number; text: string }, a: string) => {
      const w = p.text.length * 6.2;
      const [x, y] =
        a === 'right'
          ? [p.x + 7, p.y - 6]
          : a === 'left'
            ? [p.x - 7 - w, p.y - 6]
            : a === 'above'
              ? [p.x - w / 2, p.y - 19]
              : [p.x - w / 2, p.y + 7];
      return [x, y, w, 12];
    };
    fc.assert(
      fc.property(
        fc.array(fc.record({ x: fc.integer({ min: 0, max: 760 }), y: fc.integer({ min: 0, max: 320 }) }), {
          maxLength: 60,
        }),
        (raw) => {
          const pts = raw.map((p, i) => ({ ...p, text: `#${i}` }));
          const anchors = placeLabels(pts);
          const boxes = pts.flatMap((p, i) => (anchors[i] ? [box(p, anchors[i])] : []));
          for (let i = 0; i < boxes.length; i++)
            for (let j = i + 1; j < boxes.length; j++) {
              const [a, b] = [boxes[i], boxes[j]];
              const overlap = a[0] < b[0] + b[2] && b[0] < a[0] + a[2] && a[1] < b[1] + b[3] && b[1] < a[1] + a[3];
              expect(overlap).toBe(false);
            }
          if (pts.length === 1 && pts[0].x > 30 && pts[0].x < 700 && pts[0].y > 20 && pts[0].y < 300)
            expect(anchors[0]).toBeDefined();
        },
      ),
    );
  });

  it('says in the caption which points are off the chart and that the table lists unlabelled ones', async () => {
    const out = rows.map((r) => (r.point === 5 ? { ...r, figures: { ...r.figures, idleMean: 5000 } } : r));
    const html = await renderSweepHtml(out);
    expect(html).toMatch(/Off the chart, drawn as triangles on its edge so the others stay readable: #5 \(p99 /);
  }, 30_000);
});
