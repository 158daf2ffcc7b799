#!/usr/bin/env node
// Measures the HTML and CSV report sizes of a 24-hour, 1,000-node run (the figure quoted in docs/reports.md):
//   npm run build && node scripts/html-size.mjs [outdir]
// Writes the scenario, report.html and series.csv to outdir (default out/, which git ignores).
import { performance } from 'node:perf_hooks';
import { mkdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { main } from '../dist/cli/main.js';

const dir = process.argv[2] ?? 'out';
mkdirSync(dir, { recursive: true });
const scenario = `# warmpool-sim size benchmark: 24 h, 1,000 nodes, a daily wave of pods
name: size-24h-1000-nodes
seed: 1
duration: 24h
ipamd: { WARM_ENI_TARGET: 1 }
nodeGroups:
  - { name: general, instanceType: m5.large, count: 600 }
  - { name: compute, instanceType: c5.xlarge, count: 300, ipamd: { WARM_IP_TARGET: 5, MINIMUM_IP_TARGET: 10 } }
  - { name: memory, instanceType: r5.2xlarge, count: 100, ipamd: { WARM_IP_TARGET: 3 } }
workload:
  - burst: { at: 0s, pods: 8000, name: base }
  - burst: { at: 8h, pods: 4000, lifetime: { uniform: [4h, 10h] }, name: day }
  - poisson: { from: 10m, to: 24h, ratePerMinute: 40, lifetime: { exponential: 20m }, name: churn }
`;
const file = join(dir, 'size-24h-1000.yaml');
writeFileSync(file, scenario);
const html = join(dir, 'size-24h-1000.html');
const csv = join(dir, 'size-24h-1000.csv');
const t0 = performance.now();
const code = await main(['run', file, '--html', html, '--csv', csv, '--force'], {
  stdout: () => {},
  stderr: (s) => process.stderr.write(s),
  isTty: false,
});
const secs = ((performance.now() - t0) / 1000).toFixed(1);
if (code !== 0) process.exit(code);
const kb = (f) => `${(statSync(f).size / 1024).toFixed(0)} KiB`;
console.log(`24 h, 1,000 nodes: HTML ${kb(html)}, CSV ${kb(csv)}; run and render took ${secs} s`);
