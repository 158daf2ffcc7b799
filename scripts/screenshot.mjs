#!/usr/bin/env node
// Screenshots an HTML report in headless Debian chromium (never a downloaded browser):
//   node scripts/screenshot.mjs report.html report.png [width] [--each]
// --each also writes one PNG per chart (report-<chart id>.png), at twice the pixel density, for a close look.
// Prints console messages and failed requests, so a broken report is visible without opening it.
import { launchChromium } from './chromium.mjs';
import { pathToFileURL } from 'node:url';
import { resolve } from 'node:path';

const args = process.argv.slice(2);
const each = args.includes('--each');
const [html, png, width = '1000'] = args.filter((a) => a !== '--each');
if (!html || !png) {
  console.error('usage: node scripts/screenshot.mjs report.html report.png [width]');
  process.exit(2);
}
const browser = await launchChromium();
try {
  const page = await browser.newPage({
    viewport: { width: Number(width), height: 800 },
    deviceScaleFactor: each ? 2 : 1,
  });
  page.on('console', (m) => console.log(`console.${m.type()}: ${m.text()}`));
  page.on('requestfailed', (r) => console.log(`request failed: ${r.url()}`));
  await page.goto(pathToFileURL(resolve(html)).href);
  await page.screenshot({ path: png, fullPage: true });
  if (each) {
    for (const fig of await page.locator('figure[data-chart]').all()) {
      const id = await fig.getAttribute('data-chart');
      await fig.screenshot({ path: png.replace(/\.png$/, '') + `-${id}.png` });
    }
  }
} finally {
  await browser.close();
}
