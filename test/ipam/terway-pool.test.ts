/**
 * The terway-pool what-if (src/ipam/terway-pool.ts): Terway's min/max pool and idle reclaim (terway
 * docs/idle-ip-reclaim.md, ACK terway-eniip parameters) as decision tables, and on ipamd's mechanics with the
 * allocator invariants after every event: reclaims come only after the idle time, in batches, never below the min
 * pool, at jittered intervals; a pod event restarts the idle timer.
 */
import { describe, expect, it } from 'vitest';
import { TERWAY_POOL_DEFAULTS, terwayDelta, terwayReclaim } from '../../src/ipam/terway-pool.js';
import { Cluster } from '../../src/run/cluster.js';
import { checkInvariants, scenarioFrom, type LogRecord } from '../helpers.js';

// The docs' example: max_pool_size 10, min_pool_size 2, reclaim after 30m, every 10m, batch 3, jitter 0.1.
const doc = {
  ...TERWAY_POOL_DEFAULTS,
  minPoolSize: 2,
  maxPoolSize: 10,
  reclaimAfterMs: 1_800_000,
  reclaimIntervalMs: 600_000,
  reclaimBatchSize: 3,
  reclaimJitterFactor: 0.1,
};

describe("Terway's min/max pool (docs/idle-ip-reclaim.md example)", () => {
  // [total, assigned, delta]: grow to min idle (at least 1: on-demand), shrink to max idle, else stay.
  it.each([
    [0, 0, 2], // empty: grow to the min pool
    [5, 4, 1], // 1 idle < 2
    [6, 4, 0], // 2 idle: at the min
    [14, 4, 0], // 10 idle: at the max
    [20, 4, -6], // 16 idle > 10: back to 10
  ])('pool %i with %i assigned -> %i', (total, assigned, delta) => {
    expect(terwayDelta(doc, total, assigned)).toBe(delta);
  });
  it('with min_pool_size 0 one address stays free (a pod cannot wait for an on-demand allocation)', () => {
    const s = { ...doc, minPoolSize: 0 };
    expect(terwayDelta(s, 4, 4)).toBe(1);
    expect(terwayDelta(s, 5, 4)).toBe(0);
  });
  // [total, assigned, reclaimed]: up to the batch (3), never below the min pool (2).
  it.each([
    [14, 4, 3], // 10 idle: a batch of 3
    [8, 4, 2], // 4 idle: only 2 above the min
    [6, 4, 0], // at the min: nothing
    [5, 4, 0], // below the min: nothing
  ])('reclaim check on pool %i with %i assigned -> %i', (total, assigned, k) => {
    expect(terwayReclaim(doc, total, assigned)).toBe(k);
  });
});

const YAML = `
name: terway-peak-idle
seed: 5
duration: 3h
allocator: terway-pool
terway: { min_pool_size: 2, max_pool_size: 10, idle_ip_reclaim_after: 30m, idle_ip_reclaim_batch_size: 3 }
nodeGroups:
  - { name: w, instanceType: m5.xlarge, count: 1 }
workload:
  - burst: { at: 1m, pods: 40, lifetime: { uniform: [5m, 15m] } }
  - events:
      - { at: 50m, add: late }
      - { at: 52m, delete: late }
`;

interface Change {
  t: number;
  total: number;
  assigned: number;
}

function run(yaml: string): { changes: Change[]; log: LogRecord[]; c: Cluster } {
  const log: LogRecord[] = [];
  const c = new Cluster(scenarioFrom(yaml), { events: { write: (r) => log.push(r as LogRecord) } });
  const changes: Change[] = [];
  c.sim.afterEvent = () => {
    checkInvariants(c);
    const ds = c.nodes[0].ipamd.ds;
    const last = changes[changes.length - 1];
    if (!last || last.total !== ds.total || last.assigned !== ds.assigned)
      changes.push({ t: c.sim.now, total: ds.total, assigned: ds.assigned });
  };
  c.run();
  return { changes, log, c };
}

describe('terway-pool on ipamd mechanics', () => {
  it('reclaims idle addresses after the idle time, in batches, above the min pool, at jittered intervals', () => {
    const { changes, log, c } = run(YAML);
    const podTimes = log.filter((r) => r.type === 'pod' && (r.event === 'created' || r.event === 'deleted'));
    // Shrinks with at most max_pool_size idle before them are reclaims (shrinks to the max follow pod deletions).
    const reclaims = changes.flatMap((ch, i) =>
      i > 0 && ch.total < changes[i - 1].total && changes[i - 1].total - changes[i - 1].assigned <= 10
        ? [{ t: ch.t, n: changes[i - 1].total - ch.total, idleAfter: ch.total - ch.assigned }]
        : [],
    );
    expect(reclaims.length).toBeGreaterThanOrEqual(3);
    for (const r of reclaims) {
      const lastPod = Math.max(...podTimes.filter((p) => p.t <= r.t).map((p) => p.t));
      expect(r.t - lastPod).toBeGreaterThanOrEqual(30 * 60_000);
      expect(r.n).toBeLessThanOrEqual(3);
      expect(r.idleAfter).toBeGreaterThanOrEqual(2);
    }
    // The pod at 50m restarts the timer: nothing is reclaimed between it and 30 minutes after its deletion.
    expect(reclaims.some((r) => r.t > 50 * 60_000 && r.t < 82 * 60_000)).toBe(false);
    // Checks every 10m stretched by up to 10 % (plus the loop's 5 s alignment).
    const later = reclaims.filter((r) => r.t > 82 * 60_000);
    for (let i = 1; i < later.length; i++) {
      const gap = later[i].t - later[i - 1].t;
      expect(gap).toBeGreaterThanOrEqual(600_000 - 5_000);
      expect(gap).toBeLessThanOrEqual(2 * 660_000 + 5_000);
    }
    // At the end the pool is down to the min pool, never below.
    const ds = c.nodes[0].ipamd.ds;
    expect(ds.total - ds.assigned).toBe(2);
    expect(Math.min(...changes.slice(1).map((ch) => ch.total - ch.assigned))).toBeGreaterThanOrEqual(0);
  });
  it('without idle_ip_reclaim_after the pool stays at the max pool size', () => {
    const { c } = run(YAML.replace(', idle_ip_reclaim_after: 30m', ''));
    const ds = c.nodes[0].ipamd.ds;
    expect(ds.total - ds.assigned).toBe(10);
  });
  it('min_pool_size above max_pool_size is refused with its path', () => {
    expect(() =>
      scenarioFrom(YAML.replace('min_pool_size: 2, max_pool_size: 10', 'min_pool_size: 12, max_pool_size: 10')),
    ).toThrow(/nodeGroups\[?\.?0\]?\.?terway\.min_pool_size.*above max_pool_size/);
  });
});

describe('terway-pool and ipamd-idle-release as settings', () => {
  it('their blocks resolve as sweep paths, and compare runs an allocator against ipamd on paired seeds', async () => {
    const { resolveSettingName } = await import('../../src/sweep/settings.js');
    expect(resolveSettingName('terway.max_pool_size')).toEqual({
      target: { kind: 'path', path: ['terway', 'max_pool_size'] },
    });
    expect(resolveSettingName('idleRelease.after')).toEqual({
      target: { kind: 'path', path: ['idleRelease', 'after'] },
    });
    const { cli, scenarioFile, tempDir } = await import('../helpers.js');
    const file = scenarioFile(tempDir(), YAML.replace('duration: 3h', 'duration: 1h30m'));
    const r = await cli(['compare', file, '--set', 'allocator=ipamd,terway-pool', '--seeds', '2', '--workers', '1']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/B: .* allocator=terway-pool/);
    expect(r.stdout).toMatch(/idle IPs \(mean\)/);
  });
});
