import { describe, expect, it } from 'vitest';
import { Cluster } from '../src/run/cluster.js';
import { buildRunData } from '../src/run/report.js';
import { renderRunHtml } from '../src/report/run-html.js';
import { runCharts } from '../src/report/run-charts.js';
import { cdfPoints, histogram } from '../src/report/latency-charts.js';
import { compactPaths, renameIds } from '../src/report/charts.js';
import type { RunData } from '../src/report/types.js';
import { CHURN_IP_TARGET, ENI_TARGET, scenarioFrom } from './helpers.js';

function data(yaml: string, seed = 1, nodeLimit?: number): RunData {
  const c = new Cluster(scenarioFrom(yaml), { seed, timeseries: nodeLimit === undefined ? {} : { nodeLimit } });
  c.run();
  return buildRunData(c);
}

const figureIds = (html: string): string[] => [...html.matchAll(/<figure id="([^"]+)"/g)].map((m) => m[1]);

describe('HTML run report', () => {
  it('is self-contained, marked as ours and byte-identical for the same run', async () => {
    const a = await renderRunHtml(data(CHURN_IP_TARGET, 3));
    const b = await renderRunHtml(data(CHURN_IP_TARGET, 3));
    expect(a === b).toBe(true);
    expect(a.slice(0, 4096)).toContain('warmpool-sim');
    expect(a).not.toMatch(/<script|<link|<img|<iframe|@import|url\(http/i);
    // The only absolute URLs are SVG namespace names, which are never fetched.
    const urls = [...a.matchAll(/https?:\/\/[^\s"'<>)]+/g)].map((m) => m[0]);
    expect(new Set(urls)).toEqual(new Set(['http://www.w3.org/2000/svg', 'http://www.w3.org/1999/xlink']));
    const other = await renderRunHtml(data(CHURN_IP_TARGET, 4));
    expect(other).not.toBe(a);
  }, 30_000);

  it('draws the listed charts, per group and per node for a small cluster', async () => {
    const html = await renderRunHtml(data(CHURN_IP_TARGET, 1));
    expect(figureIds(html)).toEqual([
      'addresses',
      'addresses-by-group',
      'addresses-by-node',
      'enis',
      'pods',
      'latency-cdf',
      'latency-histogram',
      'ec2',
    ]);
    expect(html).toContain('seed 1');
    expect(html).toContain('WARM_IP_TARGET=2');
    // Element ids are unique across the page (Vega numbers them per process; we rename them per chart).
    const ids = [...html.matchAll(/\bid="([^"]+)"/g)].map((m) => m[1]);
    expect(new Set(ids).size).toBe(ids.length);
  }, 30_000);

  it('uses per-group spreads instead of per-node charts above the node limit', () => {
    const ids = runCharts(data(ENI_TARGET, 1, 2)).map((c) => c.id);
    expect(ids).toContain('spread-idle');
    expect(ids).toContain('spread-attached');
    expect(ids).not.toContain('addresses-by-node');
    expect(ids).not.toContain('addresses-by-group'); // one group only
  });

  it("records each subnet's free addresses; charts only a subnet the scenario defined", () => {
    const d = data(ENI_TARGET, 1);
    const free = d.timeseries.series.find((x) => x.name === 'subnet.default.free');
    expect(free).toBeDefined();
    // Every ENI's primary address and every address attached come out of the one subnet: free + attached + ENIs
    // stays what the subnet started with, while free itself moves.
    const attached = d.timeseries.series.find((x) => x.name === 'attached')!;
    const enis = d.timeseries.series.find((x) => x.name === 'enis')!;
    const whole = free!.values.map((v, i) => v + attached.values[i] + enis.values[i]);
    expect(new Set(whole).size).toBe(1);
    expect(new Set(free!.values).size).toBeGreaterThan(1);
    // The assumed 10.0.0.0/8 (16.7 M addresses, a flat line) is not drawn; a subnet the scenario names is.
    expect(runCharts(d).map((c) => c.id)).not.toContain('subnet');
    const mine = data(
      ENI_TARGET.replace('nodeGroups:', 'subnets:\n  - { name: mine, cidr: 10.1.0.0/24 }\nnodeGroups:').replace(
        'count: 3 }',
        'count: 3, subnet: mine }',
      ),
      1,
    );
    const chart = runCharts(mine).find((c) => c.id === 'subnet');
    expect(JSON.stringify(chart?.spec)).toContain('subnet.mine.free');
  });

  it('adds the throttled line and the subnet chart only when their series exist', () => {
    const d = data(ENI_TARGET, 1);
    d.timeseries.series = d.timeseries.series.filter((x) => x.name !== 'ec2Throttled' && !x.name.startsWith('subnet'));
    const before = runCharts(d);
    expect(before.map((c) => c.id)).not.toContain('subnet');
    expect(JSON.stringify(before.find((c) => c.id === 'ec2')!.spec)).not.toContain('ec2Throttled');
    const n = d.timeseries.times.length;
    d.timeseries.series.push(
      { name: 'ec2Throttled', unit: 'calls', description: '', kind: 'delta', values: new Array<number>(n).fill(1) },
      {
        name: 'subnet.mine.free',
        unit: 'addresses',
        description: '',
        kind: 'level',
        values: new Array<number>(n).fill(100),
      },
    );
    const after = runCharts(d);
    expect(after.map((c) => c.id)).toContain('subnet');
    expect(JSON.stringify(after.find((c) => c.id === 'ec2')!.spec)).toContain('ec2Throttled');
  });

  it('says in a sentence that no pod started, instead of drawing latency charts', async () => {
    const d = data(ENI_TARGET.replace(/workload:[\s\S]*/, 'workload: []'), 1);
    expect(runCharts(d).map((c) => c.id)).not.toContain('latency-cdf');
    const html = await renderRunHtml(d);
    expect(html).toContain('<p class="note" data-note="latency">No pod reached a node: no latency to draw.</p>');
  });

  it('says in a sentence that every pod started at once, instead of a one-tick CDF and a one-bin histogram', async () => {
    const d = data(ENI_TARGET.replace(/workload:[\s\S]*/, 'workload:\n  - burst: { at: 5m, pods: 6, name: web }'), 1);
    expect(Array.from(d.latencies.all).every((v) => v === 0)).toBe(true);
    const plans = runCharts(d);
    expect(plans.map((c) => c.id)).not.toContain('latency-cdf');
    expect(plans.map((c) => c.id)).not.toContain('latency-histogram');
    const html = await renderRunHtml(d);
    expect(html).toContain('All 6 pods that started got an address at the first CNI ADD (latency 0 ms)');
    expect(html).not.toContain('0.000000');
    expect(html).toContain('No pod waited for a node or for an address at any sample');
  });

  it('draws the CDF of pods that never got an address as a curve that stops below 100%', () => {
    const d = data(
      ENI_TARGET.replace('nodeGroups:', 'subnets:\n  - { name: tiny, cidr: 10.1.0.0/27 }\nnodeGroups:').replace(
        'count: 3 }',
        'count: 3, subnet: tiny }',
      ),
      1,
    );
    const l = d.report.podStartLatencyMs;
    expect(l.censored).toBeGreaterThan(0);
    const cdf = runCharts(d).find((c) => c.id === 'latency-cdf');
    const values = (cdf?.spec as { layer: { data: { values: { y: number }[] } }[] }).layer[0].data.values;
    expect(Math.max(...values.map((v) => v.y))).toBeCloseTo(l.count / (l.count + l.censored), 9);
    expect(cdf?.caption).toContain(`${l.censored} pods reached a node and never got an address`);
  });
});

describe('chart helpers', () => {
  it('compacts polyline paths to relative commands at 0.1 px and leaves curves alone', () => {
    expect(compactPaths('<path d="M0,0L10,0L10,5L3.25,7.5L3.25,7.5Z"/>')).toBe('<path d="M0,0h10v5l-6.7,2.5Z"/>');
    expect(compactPaths('<path d="M1.04,2L1.06,3"/>')).toBe('<path d="M1,2l.1,1"/>');
    expect(compactPaths('<path d="M0,0L0,-0.5"/>')).toBe('<path d="M0,0v-.5"/>');
    const curve = '<path d="M0,0C1,1,2,2,3,3"/>';
    expect(compactPaths(curve)).toBe(curve);
  });

  it('renames ids and their references consistently', () => {
    const svg =
      '<clipPath id="clip7"></clipPath><g clip-path="url(#clip7)"></g><use href="#clip7"/><linearGradient id="g2"/>';
    expect(renameIds(svg, 'c')).toBe(
      '<clipPath id="c-1"></clipPath><g clip-path="url(#c-1)"></g><use href="#c-1"/><linearGradient id="c-2"/>',
    );
  });

  it('builds a CDF from at most ~400 points ending at the largest latency', () => {
    const values = Array.from({ length: 10_000 }, (_, i) => (i * 7919) % 10_000);
    const pts = cdfPoints(values);
    expect(pts.length).toBe(401);
    expect(pts.at(-1)).toEqual([9.999, 1]);
    for (let i = 1; i < pts.length; i++) expect(pts[i][0]).toBeGreaterThanOrEqual(pts[i - 1][0]);
    expect(cdfPoints([5000])).toEqual([
      [0, 0],
      [5, 1],
    ]);
  });

  it('bins every latency into readable bins', () => {
    const values = [0, 0, 0, 1200, 11_000, 14_900, 29_000];
    const bins = histogram(values);
    expect(bins.reduce((a, b) => a + b.n, 0)).toBe(values.length);
    expect(bins[0]).toEqual({ x0: 0, x1: 1, n: 3 });
    expect(bins.length).toBe(30);
  });
});
