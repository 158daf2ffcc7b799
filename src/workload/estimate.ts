/**
 * How much memory and time a scenario's run takes, estimated from the scenario alone (before anything runs), so
 * that a run that cannot fit is refused in milliseconds instead of dying out of memory minutes later.
 *
 * Calibration (warmpool-sim 0.1.0, Node 20, on a shared 2-core machine; `/usr/bin/time -f %M` of
 * `run <file> --format json`, maximum resident set; the estimate of each with the constants below):
 *
 *   scenario                                            peak RSS    wall    estimate
 *   3 m5.large, 1h, no pods                                57 MB   0.3 s
 *   300 m5.large, 1h                                       73 MB   0.5 s     84 MB   0.5 s
 *   1,000 m5.large, 1h                                    105 MB   1.0 s    111 MB   1.4 s
 *   1,000 m5.large, 6h                                    105 MB   3.0 s    111 MB   5.0 s
 *   3,000 m5.large, 1h                                    149 MB   5.3 s    189 MB   5.6 s
 *   10,000 m5.large, 20m                                  273 MB    26 s    463 MB    38 s
 *   10,000 t3.small, 20m                                  247 MB    30 s    463 MB    38 s
 *   40 m5.24xlarge, burst of 10,000 pods                   76 MB   1.8 s     89 MB   0.6 s
 *   80 m5.24xlarge, burst of 40,000 pods                  105 MB   1.4 s    138 MB   1.4 s
 *   300 m5.24xlarge, burst of 200,000 pods                204 MB    10 s    396 MB   5.4 s
 *   3 m5.large, 20,000 pods pending for 1h                 70 MB   0.6 s    103 MB   0.8 s
 *   3 m5.large, 200,000 pods pending for 20m              123 MB   0.7 s    384 MB   5.3 s
 *   40 m5.24xlarge, Poisson 58,000 pods (1m lifetime)      74 MB   1.5 s     82 MB   1.8 s
 *   40 m5.24xlarge, Poisson 236,000 pods (1m lifetime)     84 MB   1.9 s    102 MB   6.3 s
 *   40 m5.24xlarge, Poisson 280,000 pods, none deleted    150 MB   1.0 s    510 MB   7.3 s
 *
 * Memory: a base of about 60 MB, 20 to 45 KB per node (its ENIs, addresses, timers and queued EC2 calls; the type
 * hardly matters), 300 bytes (waiting) to 700 bytes (running) per pod alive at once, about 60 bytes per pod ever
 * created (its latency record). The constants below are rounded up (72 MB, 40 KB, 1.5 KB, 100 bytes) so that the
 * estimate errs on the safe side: it is above every measured peak. Time: about 0.15 us per node-second of
 * simulated time (ipamd's 5 s loop), 5 to 50 us per pod, and a start-up storm that grows with the square of the
 * nodes booting at once (EC2 throttling makes each node retry longer the more nodes there are: 0.3 s for 1,000
 * nodes, 4 s for 3,000, 25 s for 10,000); time is told, never refused.
 */
import { mean, type Distribution } from '../engine/distribution.js';
import type { Scenario, WorkloadSpec } from './scenario.js';

/** What a run of a scenario is estimated to take. */
export interface Estimate {
  /** Most nodes at once (configured counts plus scale-outs). */
  peakNodes: number;
  /** Most pods alive at once (running or waiting), an upper bound. */
  peakPods: number;
  /** Pods created over the whole run (expected value for Poisson arrivals). */
  totalPods: number;
  /** Node-seconds of simulated time. */
  nodeSeconds: number;
  /** Peak memory of the run, bytes. */
  bytes: number;
  /** Wall time of the run on one core, seconds. */
  seconds: number;
}

const MB = 1024 * 1024;
/** Memory of the process before the scenario adds anything. */
const BASE_BYTES = 72 * MB;
const BYTES_PER_NODE = 40 * 1024;
const BYTES_PER_LIVE_POD = 1536;
const BYTES_PER_POD = 100;
const BASE_SECONDS = 0.3;
const SECONDS_PER_NODE_SECOND = 0.2e-6;
const SECONDS_PER_POD = 2.5e-5;
/** Start-up storm: seconds per (node booting at once)^2. */
const SECONDS_PER_NODE_SQUARED = 3.5e-7;

/**
 * A distribution's mean in ms, erring high for a lognormal (its p99, capped by its max), so that the estimate of
 * pods alive at once errs on the side of refusing.
 */
function meanMs(d: Distribution): number {
  return d.kind === 'lognormal' ? Math.min(d.p99Ms, d.maxMs ?? Infinity) : mean(d);
}

/** Pods an item creates in all, and an upper bound on how many of them are alive at once. */
function podsOf(item: WorkloadSpec, durationMs: number): { total: number; peak: number } {
  switch (item.kind) {
    case 'burst':
      return item.atMs > durationMs ? { total: 0, peak: 0 } : { total: item.pods, peak: item.pods };
    case 'poisson': {
      const windowMs = Math.max(0, Math.min(item.toMs, durationMs) - item.fromMs);
      const total = (item.ratePerMinute * windowMs) / 60_000;
      const life = item.lifetime ? meanMs(item.lifetime) : Infinity;
      return { total, peak: Math.min(total, (item.ratePerMinute * 2 * life) / 60_000) };
    }
    case 'events': {
      const adds = item.events.filter((e) => e.add !== undefined && e.atMs <= durationMs).length;
      return { total: adds, peak: adds };
    }
    // A drain's replacement pods stand in for pods that were alive: no more alive at once.
    case 'scale':
    case 'node-action':
      return { total: 0, peak: 0 };
    case 'deployment': {
      const most = Math.max(item.replicas, ...item.steps.map((s) => s.replicas));
      const peak = most * 2;
      return { total: most * (1 + item.rolloutsMs.length) + item.steps.length * most, peak };
    }
    case 'cronJob': {
      const runs = item.minutesOfDay.length * Math.ceil(durationMs / 86_400_000);
      return { total: runs * item.parallelism, peak: runs * item.parallelism };
    }
  }
}

/** Peak node count and node-seconds: each group's count followed through its scale items in time order. */
function nodesOf(scenario: Scenario): { peak: number; nodeSeconds: number; bootPeak: number } {
  let peak = 0;
  let nodeSeconds = 0;
  let bootPeak = 0;
  for (const g of scenario.nodeGroups) {
    const steps = scenario.workload
      .filter((w): w is Extract<WorkloadSpec, { kind: 'scale' }> => w.kind === 'scale' && w.nodeGroup === g.name)
      .filter((w) => w.atMs <= scenario.durationMs)
      .sort((a, b) => a.atMs - b.atMs);
    let count = g.count;
    let groupPeak = count;
    let boot = count;
    let t = 0;
    for (const s of steps) {
      nodeSeconds += (count * (s.atMs - t)) / 1000;
      t = s.atMs;
      const next = Math.max(0, s.to ?? count + (s.by ?? 0));
      boot = Math.max(boot, next - count);
      count = next;
      groupPeak = Math.max(groupPeak, count);
    }
    nodeSeconds += (count * Math.max(0, scenario.durationMs - t)) / 1000;
    // An autoscaled group may grow to its maximum (counted as held for the whole run: an upper bound).
    const most = g.autoscaler?.maxNodes ?? 0;
    if (most > groupPeak) nodeSeconds += ((most - count) * scenario.durationMs) / 1000;
    groupPeak = Math.max(groupPeak, most);
    boot = Math.max(boot, most - g.count);
    peak += groupPeak;
    bootPeak += boot;
  }
  return { peak, nodeSeconds, bootPeak };
}

/** Estimates a run of `scenario` (pure: the scenario in, the estimate out). */
export function estimateRun(scenario: Scenario): Estimate {
  const nodes = nodesOf(scenario);
  let totalPods = 0;
  let peakPods = 0;
  for (const item of scenario.workload) {
    const p = podsOf(item, scenario.durationMs);
    totalPods += p.total;
    peakPods += p.peak;
  }
  const bytes = BASE_BYTES + nodes.peak * BYTES_PER_NODE + peakPods * BYTES_PER_LIVE_POD + totalPods * BYTES_PER_POD;
  const seconds =
    BASE_SECONDS +
    nodes.nodeSeconds * SECONDS_PER_NODE_SECOND +
    totalPods * SECONDS_PER_POD +
    nodes.bootPeak * nodes.bootPeak * SECONDS_PER_NODE_SQUARED;
  return { peakNodes: nodes.peak, peakPods, totalPods, nodeSeconds: nodes.nodeSeconds, bytes, seconds };
}

/** "1.2 GB", "640 MB", "3.1 TB" (binary units, as `free -h` and the --max-memory flag read them). */
export function formatBytes(bytes: number): string {
  const units = ['bytes', 'KB', 'MB', 'GB', 'TB', 'PB'];
  let v = bytes;
  let u = 0;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  if (!Number.isFinite(v)) return 'more than any machine has';
  return `${v >= 100 || u === 0 ? Math.round(v) : v.toPrecision(2)} ${units[u]}`;
}

/** "0.4 s", "25 s", "3 min", "2.5 h", "40 days". */
export function formatSeconds(s: number): string {
  if (!Number.isFinite(s)) return 'forever';
  if (s < 10) return `${s.toFixed(1)} s`;
  if (s < 120) return `${Math.round(s)} s`;
  if (s < 7200) return `${Math.round(s / 60)} min`;
  if (s < 172_800) return `${(s / 3600).toPrecision(2)} h`;
  return `${Math.round(s / 86_400).toLocaleString('en-US')} days`;
}

const count = (n: number): string =>
  n < 1e9 ? Math.round(n).toLocaleString('en-US') : n.toExponential(1).replace('e+', 'e');

/** What the estimate rests on: "3 nodes at most, 37 pods at once at most, 52 in all". */
function describeLoad(e: Estimate): string {
  const s = (n: number): string => (Math.round(n) === 1 ? '' : 's');
  return `${count(e.peakNodes)} node${s(e.peakNodes)} at most, ${count(e.peakPods)} pod${s(e.peakPods)} at once at most, ${count(e.totalPods)} in all`;
}

/** One line: "about 70 MB of memory and 0.4 s (3 nodes at most, 37 pods at once at most, 52 in all)". */
export function describeEstimate(e: Estimate): string {
  return `about ${formatBytes(e.bytes)} of memory and ${formatSeconds(e.seconds)} (${describeLoad(e)})`;
}

/**
 * Why a run of this estimate does not fit in `limitBytes` (`parallel` runs at once), or undefined when it fits.
 * `limitName` says where the limit came from ("this machine's memory", "--max-memory 8GB").
 */
export function memoryRefusal(e: Estimate, limitBytes: number, limitName: string, parallel = 1): string | undefined {
  const need = e.bytes * parallel;
  if (need <= limitBytes) return undefined;
  const who = parallel > 1 ? `${parallel} runs at once need` : 'this run needs';
  return `${who} about ${formatBytes(need)} of memory (estimated from ${describeLoad(e)}), more than the ${formatBytes(limitBytes)} of ${limitName}; make the scenario smaller, or pass --max-memory <size> or --no-limit to run it anyway`;
}

/** Parses a memory size: "512MB", "8G", "1.5 GiB", "2TB" or a plain number of bytes (units are binary). */
export function parseSize(text: string): number | undefined {
  const m = /^\s*(\d+(?:\.\d+)?)\s*([kmgtp]?)(i?b)?\s*$/i.exec(text);
  if (!m) return undefined;
  const power = ' kmgtp'.indexOf((m[2] || ' ').toLowerCase());
  const v = Number(m[1]) * 1024 ** power;
  return Number.isFinite(v) && v > 0 ? v : undefined;
}
