/**
 * Allocators as a swept setting: `allocator` and `cilium.*` resolve as scenario paths, the cluster-wide allocator
 * replaces node groups' own choices, `compare --set allocator=ipamd,cilium-eni` runs both sides on paired seeds,
 * and the HTML sweep report draws allocators as series.
 */
import { describe, expect, it } from 'vitest';
import { applySetting, resolveSettingName } from '../../src/sweep/settings.js';
import { renderSweepHtml } from '../../src/sweep/html.js';
import { summarise } from '../../src/sweep/summary.js';
import { figuresOf } from '../../src/sweep/rows.js';
import type { SweepRow } from '../../src/sweep/types.js';
import { runScenario } from '../../src/index.js';
import { cli, scenarioFile, scenarioFrom, tempDir } from '../helpers.js';

const SMALL = `
name: alloc-sweep
duration: 8m
nodeGroups:
  - { name: workers, instanceType: m5.large, count: 2 }
workload:
  - burst: { at: 20s, pods: 30, lifetime: { uniform: [1m, 4m] } }
  - poisson: { from: 1m, to: 7m, ratePerMinute: 6, lifetime: { exponential: 2m } }
`;

describe('allocator as a setting', () => {
  it('resolves allocator and cilium fields as scenario paths', () => {
    expect(resolveSettingName('allocator')).toEqual({ target: { kind: 'path', path: ['allocator'] } });
    expect(resolveSettingName('cilium.pre-allocate')).toEqual({
      target: { kind: 'path', path: ['cilium', 'pre-allocate'] },
    });
    const bad = resolveSettingName('alocator');
    expect('error' in bad && bad.error).toMatch(/did you mean allocator\?/);
  });
  it('the cluster-wide allocator replaces the node groups that chose their own', () => {
    const raw: Record<string, unknown> = {
      nodeGroups: [{ name: 'a', allocator: 'cilium-eni' }, { name: 'b' }],
    };
    const out = applySetting(raw, { kind: 'path', path: ['allocator'] }, 'ipamd');
    expect(out).toEqual({ written: ['allocator', 'nodeGroups[0].allocator'] });
    expect(raw).toEqual({ allocator: 'ipamd', nodeGroups: [{ name: 'a', allocator: 'ipamd' }, { name: 'b' }] });
  });
});

describe('compare and sweep over allocators', () => {
  it('compare --set allocator=ipamd,cilium-eni runs both allocators on the same seeds', async () => {
    const file = scenarioFile(tempDir(), SMALL);
    const r = await cli(['compare', file, '--set', 'allocator=ipamd,cilium-eni', '--seeds', '3', '--workers', '1']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/A: .* allocator=ipamd/);
    expect(r.stdout).toMatch(/B: .* allocator=cilium-eni/);
    expect(r.stdout).toMatch(/EC2 calls/);
  });
  it('the HTML sweep report draws each allocator as its own series, and only when allocators are swept', async () => {
    const rows: SweepRow[] = [];
    ['ipamd', 'cilium-eni'].forEach((allocator, point) => {
      const s = scenarioFrom(`${SMALL}\nallocator: ${allocator}\n`);
      for (const seed of [1, 2]) {
        rows.push({
          tool: 'warmpool-sim',
          kind: 'sweep-run',
          key: `${allocator}-${seed}`,
          point,
          settings: { allocator },
          seed,
          figures: figuresOf(runScenario(s, { seed })),
        });
      }
    });
    const html = await renderSweepHtml(rows, summarise(rows));
    // The scatter's legend names the series: its title and one entry per allocator.
    const legend = (h: string): string[] => [...h.matchAll(/aria-label="[^"]*legend[^"]*"/gi)].map((m) => m[0]);
    expect(legend(html).join('\n')).toMatch(/allocator/);
    expect(html).toMatch(/>cilium-eni</);
    expect(html).toMatch(/>ipamd</);
    const one = rows.filter((r) => r.point === 0);
    const single = await renderSweepHtml(one, summarise(one));
    expect(legend(single).join('\n')).not.toMatch(/allocator/);
  });
});
