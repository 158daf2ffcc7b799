/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
/**
 * Renders the HTML reports in headless Chromium (Debian's package; never a downloaded browser) and checks that
 * every chart drew marks, with no console error and no network request. Skipped, saying so, without Chromium.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Browser } from 'playwright-core';
import { Cluster } from '../src/run/cluster.js';
import { buildRunData } from '../src/run/report.js';
import { renderRunHtml } from '../src/report/run-html.js';
import { renderSweepHtml } from '../src/sweep/html.js';
import { CHROMIUM, haveChromium, launchChromium } from '../scripts/chromium.mjs';
import { CHURN_IP_TARGET, scenarioFrom, sweepRows, tempDir } from './helpers.js';

if (!haveChromium) {
  console.warn(
    `\n*** SKIPPED: browser tests of the HTML reports: ${CHROMIUM} not found. ` +
      "Install Debian's chromium with `bash scripts/ci-install-chromium.sh` (or set CHROMIUM_PATH) to run them. ***\n",
  );
}
/** Screenshots land here for a person to look at (git ignores out/). */
const SHOTS = join(process.cwd(), 'out', 'screenshots');

interface PageCheck {
  charts: { id: string; marks: number; width: number; height: number; markWidth: number }[];
  consoleErrors: string[];
  requests: string[];
}

describe.skipIf(!haveChromium)('HTML reports in headless Chromium', () => {
  let browser: Browser;
  const dir = tempDir();

  beforeAll(async () => {
    browser = await launchChromium();
    mkdirSync(SHOTS, { recursive: true });
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
  });

  async function open(html: string, name: string): Promise<PageCheck> {
    const file = join(dir, `${name}.html`);
    writeFileSync(file, html);
    const page = await browser.newPage({ viewport: { width: 1000, height: 800 } });
    const consoleErrors: string[] = [];
    const requests: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error' || m.type() === 'warning') consoleErrors.push(`${m.type()}: ${m.text()}`);
    });
    page.on('pageerror', (e) => consoleErrors.push(`pageerror: ${e.message}`));
    page.on('request', (r) => {
      if (!r.url().startsWith('file:')) requests.push(r.url());
    });
    await page.goto(pathToFileURL(file).href, { waitUntil: 'load' });
    const charts = await page.$$eval('figure[data-chart]', (figs) =>
      figs.map((f) => {
        const svg = f.querySelector<SVGSVGElement>('svg');
        const box = svg?.getBoundingClientRect();
        // Data marks (not axes or legends): Vega puts them in groups with the role-mark class.
        const marks = [...f.querySelectorAll('svg g.role-mark > *')] as SVGGraphicsElement[];
        const markWidth = Math.max(0, ...marks.map((m) => m.getBoundingClientRect().width));
        return {
          id: f.getAttribute('data-chart') as string,
          marks: marks.length,
          width: box?.width ?? 0,
          height: box?.height ?? 0,
          markWidth,
        };
      }),
    );
    await page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });
    await page.close();
    return { charts, consoleErrors, requests };
  }

  function expectDrawn(check: PageCheck, ids: string[]): void {
    expect(check.consoleErrors).toEqual([]);
    expect(check.requests).toEqual([]);
    expect(check.charts.map((c) => c.id)).toEqual(ids);
    for (const c of check.charts) {
      expect(c.marks, `${c.id}: data marks`).toBeGreaterThan(0);
      expect(c.width, `${c.id}: width`).toBeGreaterThan(300);
      expect(c.height, `${c.id}: height`).toBeGreaterThan(100);
      expect(c.markWidth, `${c.id}: widest mark`).toBeGreaterThan(20);
    }
  }

  it('run report: every chart draws', async () => {
    const cluster = new Cluster(scenarioFrom(CHURN_IP_TARGET), { seed: 2, timeseries: {} });
    cluster.run();
    const check = await open(await renderRunHtml(buildRunData(cluster)), 'run');
    expectDrawn(check, [
      'addresses',
      'addresses-by-group',
      'addresses-by-node',
      'enis',
      'pods',
      'latency-cdf',
      'latency-histogram',
      'ec2',
    ]);
  }, 60_000);

  it('sweep report: the trade-off scatter and the heatmap draw', async () => {
    const check = await open(
      await renderSweepHtml(sweepRows([1, 4, 8], [0, 10], [1]), undefined, { title: 'browser test' }),
      'sweep',
    );
    expectDrawn(check, ['tradeoff', 'heatmap']);
  }, 60_000);

  it('would catch a broken page: console errors and network loads are seen', async () => {
    // Loopback only, port 9 (discard): nothing listens, nothing leaves the machine.
    const check = await open(
      '<!DOCTYPE html><title>x</title><script>console.error("boom")</script><img src="http://127.0.0.1:9/x.png">',
      'negative',
    );
    expect(check.consoleErrors.some((e) => e.includes('boom'))).toBe(true);
    expect(check.requests).toEqual(['http://127.0.0.1:9/x.png']);
    expect(check.charts).toEqual([]);
  }, 60_000);
});
