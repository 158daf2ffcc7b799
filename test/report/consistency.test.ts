/**
 * The text report says nothing the JSON report contradicts, and no sentence contradicts another: every shipped
 * scenario, every golden fixture and the edge fixtures beside this file (no pods; no pod reaches a node; pods reach
 * nodes and never get an address; every pod starts at once). Each statement of the text is read back and checked
 * against the JSON's figures and against the other statements.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadScenario, runScenario } from '../../src/index.js';
import { renderText } from '../../src/report/text.js';
import { headline } from '../../src/report/run-html.js';
import { formatFigure } from '../../src/report/figures.js';
import { formatDuration } from '../../src/util/duration.js';
import type { CensoredLatency, LatencySummary, RunReport } from '../../src/report/types.js';

const FILES = [
  ...['scenarios', 'test/golden/fixtures', 'test/report/fixtures'].flatMap((dir) =>
    readdirSync(dir)
      .filter((f) => f.endsWith('.yaml'))
      .sort()
      .map((f) => join(dir, f)),
  ),
];

/** Lines of the section whose heading starts with `title` (up to the next blank line). */
function section(text: string, title: string): string[] {
  const lines = text.split('\n');
  const i = lines.findIndex((l) => l.startsWith(title));
  if (i < 0) return [];
  const end = lines.findIndex((l, j) => j > i && l === '');
  return lines.slice(i + 1, end < 0 ? undefined : end);
}

/** `key value` pairs of a figures line: "p50 0ms   p99 ≥ 28m08s   max n/a". */
function figuresIn(line: string): Record<string, string> {
  return Object.fromEntries(
    [...line.matchAll(/\b(mean|p50|p90|p99|max) ((?:≥ )?[^\s]+)/g)].map((m) => [m[1], m[2]] as const),
  );
}

/** Every figure the line shows agrees with the summary; a censored summary never shows an exact max. */
function expectFigures(line: string, l: LatencySummary | CensoredLatency, what: string): void {
  const shown = figuresIn(line);
  expect(Object.keys(shown).length, `${what}: figures on "${line}"`).toBeGreaterThan(0);
  for (const [k, v] of Object.entries(shown)) {
    expect(v, `${what} ${k}`).toBe(formatFigure(l, k as 'mean'));
    const nullNow = l[k as 'mean'] === null;
    if (v === 'n/a' || v.startsWith('≥')) expect(nullNow, `${what} ${k} is null in the JSON`).toBe(true);
    else expect(nullNow, `${what} ${k} is a number in the JSON`).toBe(false);
  }
  if ('censored' in l && l.censored > 0 && shown.max !== undefined) expect(shown.max.startsWith('≥ ')).toBe(true);
}

/** Checks each statement of the text against the JSON; returns nothing, fails on the first contradiction. */
function checkText(r: RunReport, text: string): void {
  const p = r.pods;
  const l = r.podStartLatencyMs;
  expect(text.split('\n')[0]).toContain(`scenario "${r.scenario}" · seed ${r.seed} · ${formatDuration(r.simulatedMs)}`);

  // JSON against itself. Branch-ENI pods (security groups for pods) have their own figures in
  // vpcResourceController.branchPods; the pod counts include them.
  const b = r.vpcResourceController?.branchPods ?? { started: 0, running: 0, waitingForBranchEni: 0 };
  expect(l.count + b.started).toBe(p.started);
  expect(p.started + p.neverStarted).toBe(p.requested);
  expect(p.pending).toBe(p.unschedulable + p.waitingForIp);
  expect(l.censored).toBeGreaterThanOrEqual(p.waitingForIp - b.waitingForBranchEni);
  expect(l.censored).toBeLessThanOrEqual(p.neverStarted);
  expect(r.podCreateToStartMs.censored).toBe(p.neverStarted);
  expect(r.nodeGroups.reduce((a, g) => a + g.podsRunning, 0)).toBe(p.running);
  expect(r.nodeGroups.reduce((a, g) => a + g.podStartLatencyMs.censored, 0)).toBe(l.censored);
  const summaries: (LatencySummary & { censored?: number })[] = [
    l,
    r.podCreateToStartMs,
    r.podSchedulingWaitMs,
    r.nodeLifecycle.joinToPoolAtTargetMs,
    r.nodeLifecycle.readyToFirstPodAddressMs,
  ];
  for (const s of summaries) {
    // An empty set is null, never 0.
    if (s.count === 0 && !(s.censored !== undefined && s.censored > 0))
      expect([s.mean, s.p50, s.p90, s.p99, s.max]).toEqual([null, null, null, null, null]);
  }

  // Pod start latency.
  const lat = section(text, 'Pod start latency');
  const said = lat.join('\n');
  if (p.started === 0) expect(lat[0]).toMatch(/^ {2}no pod started/);
  else expect(lat[0]).toMatch(new RegExp(`^  ${p.started - b.started} started   `));
  if (l.count > 0 || l.censored > 0) expectFigures(lat[0], l, 'podStartLatencyMs');
  const censoredLine = lat.find((x) => x.includes('never got an address'));
  if (l.censored > 0) expect(censoredLine).toMatch(new RegExp(`^  ${l.censored} pods? that reached a node never`));
  else expect(censoredLine).toBeUndefined();
  if (said.includes('every pod got an address at its first CNI ADD')) {
    expect(p.started).toBeGreaterThan(0);
    expect(p.neverStarted).toBe(0);
    expect(p.failedAddAttempts).toBe(0);
    expect(said).not.toContain('no pod started');
  }
  if (said.includes('every pod that reached a node got an address')) {
    expect(p.failedAddAttempts).toBe(0);
    expect(l.censored).toBe(0);
    expect(p.started).toBeGreaterThan(0);
  }
  const waited = said.match(/(\d+) pods had to wait: (\d+) failed CNI ADDs/);
  if (p.failedAddAttempts > 0) expect(waited?.slice(1).map(Number)).toEqual([p.podsWithFailedAdd, p.failedAddAttempts]);
  else expect(waited).toBeNull();
  const creation = lat.find((x) => x.includes('creation to address'));
  if (creation) expectFigures(creation, r.podCreateToStartMs, 'podCreateToStartMs');
  if (p.unschedulable > 0) expect(creation).toBeDefined();
  const last = text.match(/the last pod that had to wait started at (\S+)/);
  expect(last?.[1] ?? null).toBe(
    r.nodeLifecycle.lastWaitingPodStartedAt === null ? null : formatDuration(r.nodeLifecycle.lastWaitingPodStartedAt),
  );

  // Pods.
  const pods = section(text, 'Pods').join('\n');
  expect(pods).toContain(
    `requested ${p.requested}   started ${p.started}   deleted ${p.deleted}   running ${p.running}`,
  );
  expect(pods).toContain(
    `pending at end ${p.pending} (no node: ${p.unschedulable}, waiting for an address: ${p.waitingForIp})`,
  );
  const never = pods.match(/NEVER STARTED: (\d+) pods/);
  expect(never ? Number(never[1]) : 0).toBe(p.neverStarted);

  // Addresses.
  const ips = section(text, 'IP addresses').join('\n');
  expect(ips).toContain(`at end: ${r.ips.attachedEnd} attached, ${r.ips.assignedEnd} assigned, ${r.ips.enisEnd} ENIs`);
  expect(r.ips.assignedEnd + b.running).toBe(p.running);

  // Node groups: the table agrees with the JSON, and no group holds pods or ENIs with no node.
  const rows = section(text, 'Node groups').slice(1);
  expect(rows.length).toBe(r.nodeGroups.length);
  r.nodeGroups.forEach((g, i) => {
    const cells = rows[i].trim().split(/ {2,}/);
    expect(cells[0]).toBe(g.name);
    expect(cells.slice(1, 3).map(Number)).toEqual([g.nodes.end, g.nodes.peak]);
    expect(Number(cells[4])).toBe(g.podsRunning);
    expect(cells.slice(-3, -1)).toEqual([
      formatFigure(g.podStartLatencyMs, 'p50'),
      formatFigure(g.podStartLatencyMs, 'p99'),
    ]);
    if (g.podsRunning > 0 || g.enis > 0) expect(g.nodes.end, `${g.name}: pods or ENIs on no node`).toBeGreaterThan(0);
    if (g.attachedPeak > 0) expect(g.nodes.peak).toBeGreaterThan(0);
    expect(g.nodes.peak).toBeGreaterThanOrEqual(Math.max(g.nodes.end, 0));
    const setting = text.split('\n').find((x) => x.startsWith(`  ${g.name}: `)) ?? '';
    expect(setting).toMatch(
      g.nodes.end === g.nodes.configured && g.nodes.peak === g.nodes.configured
        ? new RegExp(`^  ${g.name}: ${g.nodes.configured} x `)
        : new RegExp(`^  ${g.name}: ${g.nodes.configured} \\(${g.nodes.end} at the end, peak ${g.nodes.peak}\\) x `),
    );
  });

  // Cordoned and drained nodes: the text's lines are the JSON's figures, which agree with the node rows.
  const cs = section(text, 'Cordoned and drained nodes').join('\n');
  const c = r.cordon;
  if (!c) expect(cs).toBe('');
  else {
    expect(cs).toContain(
      `cordoned ${c.nodesCordoned}   drained ${c.nodesDrained}   cordoned at end ${c.cordonedAtEnd}`,
    );
    expect(cs).toContain(`pods evicted ${c.podsEvicted} (rescheduled ${c.podsRescheduled})`);
    expect(cs).toContain(`at end ${c.idleEnd} (${c.attachedEnd} attached)`);
    expect(r.nodes.filter((n) => n.cordonedAt !== undefined).length).toBe(c.nodesCordoned);
    expect(r.nodes.reduce((a, n) => a + (n.podsEvicted ?? 0), 0)).toBe(c.podsEvicted);
    expect(c.podsRescheduled).toBeLessThanOrEqual(c.podsEvicted);
    expect(c.nodesDrained).toBeLessThanOrEqual(c.nodesCordoned);
    expect(c.idleEnd).toBeGreaterThanOrEqual(0);
    expect(c.idleEnd).toBeLessThanOrEqual(c.attachedEnd);
    expect(c.attachedEnd).toBeLessThanOrEqual(r.ips.attachedEnd);
  }

  // The HTML's headline cards show the same figures as the text.
  const cards = headline(r);
  for (const k of ['p50', 'p90', 'p99'] as const)
    expect(cards).toContain(`<b>${formatFigure(l, k)}</b><span>pod start ${k}</span>`);
  expect(cards).toContain(`<b>${p.neverStarted}</b><span>never started</span>`);
  // Beside pods that never started, no latency card reads a plain 0ms: they count as waiting until the end.
  if (p.neverStarted > 0) {
    const p99s = [...cards.matchAll(/<b>([^<]+)<\/b><span>(?:pod start|creation to address) p99<\/span>/g)].map(
      (m) => m[1],
    );
    expect(p99s.length).toBeGreaterThan(0);
    expect(p99s.some((v) => v !== '0ms')).toBe(true);
  }
}

describe('the text report agrees with the JSON report and with itself', () => {
  for (const file of FILES) {
    it(file, () => {
      const report = runScenario(loadScenario(file).scenario);
      checkText(report, renderText(report));
    });
  }

  it('edge fixtures read as they should', () => {
    const text = (f: string) => renderText(runScenario(loadScenario(`test/report/fixtures/${f}.yaml`).scenario));
    const none = text('no-pods');
    expect(none).toContain('  no pod started\n');
    expect(none).not.toContain('every pod');
    const never = text('never-starts');
    expect(never).toMatch(/creation to address \(incl\. waiting for a node\): p50 ≥ 9m00s/);
    expect(never).not.toContain('every pod');
    const starved = text('starved');
    expect(starved).toMatch(/no pod started {3}mean ≥ \S+ {3}p50 ≥ /);
    expect(starved).not.toMatch(/p\d\d 0ms/);
    expect(text('all-at-once')).toContain('every pod got an address at its first CNI ADD');
  });
});
