/**
 * Resolution of the workload shapes of real clusters (daily rate curves, Deployments, CronJobs) and of node
 * groups' autoscalers: durations to ms, defaults filled in, impossible values reported at their field.
 */
import { parseDuration } from '../util/duration.js';
import type { Distribution } from '../engine/distribution.js';
import type { DistributionInputT, NodeGroupInput, WorkloadItemInput } from './schema.js';
import type { AutoscalerSpec, RateCurveSpec, WorkloadSpec } from './scenario.js';

type Report = (path: readonly PropertyKey[], message: string, severity?: 'error' | 'warning') => void;
type ToDist = (d: DistributionInputT, path: readonly PropertyKey[]) => Distribution;
type Constraint = (nodeGroup: string | undefined, path: PropertyKey[]) => string;

const dur = (v: string | number): number => parseDuration(v) as number;
const DAY_MS = 86_400_000;

type PoissonInput = NonNullable<WorkloadItemInput['poisson']>;

/** A rate curve and its highest rate (pods per minute). */
export function rateCurveSpec(
  c: NonNullable<PoissonInput['rateCurve']>,
  path: readonly PropertyKey[],
  report: Report,
): { curve: RateCurveSpec; max: number } {
  if (c.points) {
    const points = c.points.map(([t, r]): [number, number] => [dur(t), r]);
    points.forEach(([t], j) => {
      if (t >= DAY_MS) report([...path, 'points', j, 0], 'a time of day must be below 24h');
      else if (j > 0 && t <= points[j - 1][0])
        report([...path, 'points', j, 0], `must be after the previous point (${String(c.points?.[j - 1][0])})`);
    });
    const max = Math.max(...points.map((p) => p[1]));
    if (max <= 0) report([...path, 'points'], 'every rate is 0: no pod would arrive');
    return { curve: { kind: 'points', points }, max };
  }
  const s = c.sinusoid as NonNullable<typeof c.sinusoid>;
  const periodMs = s.period === undefined ? DAY_MS : dur(s.period);
  if (periodMs <= 0) report([...path, 'sinusoid', 'period'], 'must be longer than 0');
  if (s.amplitude > s.mean)
    report([...path, 'sinusoid', 'amplitude'], `${s.amplitude} is above the mean (${s.mean}): clipped at 0`, 'warning');
  if (s.mean + s.amplitude <= 0) report([...path, 'sinusoid', 'mean'], 'the rate is 0 throughout: no pod would arrive');
  return {
    curve: { kind: 'sinusoid', mean: s.mean, amplitude: s.amplitude, peakMs: dur(s.peakAt), periodMs },
    max: s.mean + s.amplitude,
  };
}

/** The rate of a curve (pods per minute) at simulated time `t` (ms; 0 is midnight). */
export function rateAt(curve: RateCurveSpec, t: number): number {
  if (curve.kind === 'sinusoid') {
    const phase = (2 * Math.PI * (t - curve.peakMs)) / curve.periodMs;
    return Math.max(0, curve.mean + curve.amplitude * Math.cos(phase));
  }
  const pts = curve.points;
  const tod = ((t % DAY_MS) + DAY_MS) % DAY_MS;
  // Linear between neighbours, wrapping from the last point of the day to the first of the next.
  let j = pts.findIndex((p) => p[0] > tod);
  if (j < 0) j = pts.length;
  const [t0, r0] = j === 0 ? [pts[pts.length - 1][0] - DAY_MS, pts[pts.length - 1][1]] : pts[j - 1];
  const [t1, r1] = j === pts.length ? [pts[0][0] + DAY_MS, pts[0][1]] : pts[j];
  return t1 === t0 ? r0 : r0 + ((r1 - r0) * (tod - t0)) / (t1 - t0);
}

/** A Deployment item. */
export function deploymentSpec(
  d: NonNullable<WorkloadItemInput['deployment']>,
  i: number,
  report: Report,
  constraint: Constraint,
): WorkloadSpec {
  const p: PropertyKey[] = ['workload', i, 'deployment'];
  const maxSurge = d.maxSurge ?? '25%';
  const maxUnavailable = d.maxUnavailable ?? '25%';
  if (isZero(maxSurge) && isZero(maxUnavailable))
    report([...p, 'maxUnavailable'], 'maxSurge and maxUnavailable cannot both be 0 (a rollout could never progress)');
  const steps = (d.replicaSteps ?? []).map((s) => ({ atMs: dur(s.at), replicas: s.replicas }));
  steps.forEach((s, j) => {
    if (j > 0 && s.atMs < steps[j - 1].atMs) report([...p, 'replicaSteps', j, 'at'], 'steps must be in time order');
  });
  return {
    kind: 'deployment',
    index: i,
    name: d.name,
    replicas: d.replicas,
    maxSurge,
    maxUnavailable,
    readinessDelayMs: d.readinessDelay === undefined ? 0 : dur(d.readinessDelay),
    rolloutsMs: (d.rollouts ?? []).map(dur).sort((a, b) => a - b),
    steps,
    constraint: constraint(d.nodeGroup, [...p, 'nodeGroup']),
  };
}

function isZero(v: number | string): boolean {
  return v === 0 || v === '0%';
}

/** A count or percentage of `replicas`: percentages rounded up (surge) or down (unavailable), as Kubernetes does. */
export function scaledValue(v: number | string, replicas: number, roundUp: boolean): number {
  if (typeof v === 'number') return v;
  const x = (Number(v.slice(0, -1)) * replicas) / 100;
  return roundUp ? Math.ceil(x) : Math.floor(x);
}

/** A CronJob item. */
export function cronJobSpec(
  j: NonNullable<WorkloadItemInput['cronJob']>,
  i: number,
  report: Report,
  toDist: ToDist,
  constraint: Constraint,
): WorkloadSpec {
  const p: PropertyKey[] = ['workload', i, 'cronJob'];
  const minutes = parseCron(j.schedule);
  if (typeof minutes === 'string') report([...p, 'schedule'], minutes);
  return {
    kind: 'cronJob',
    index: i,
    name: j.name,
    minutesOfDay: typeof minutes === 'string' ? [] : minutes,
    parallelism: j.parallelism ?? 1,
    runTime: toDist(j.runTime, [...p, 'runTime']),
    constraint: constraint(j.nodeGroup, [...p, 'nodeGroup']),
  };
}

/**
 * The minutes of the day a daily cron schedule fires at ("minute hour * * *"; each of minute and hour a list of
 * `*`, `n`, `a-b`, with an optional `/step`), or what is wrong with it.
 */
export function parseCron(schedule: string): number[] | string {
  const fields = schedule.trim().split(/\s+/);
  if (fields.length !== 5)
    return `expected 5 fields "minute hour day-of-month month day-of-week", got ${fields.length} in "${schedule}"`;
  if (fields.slice(2).some((f) => f !== '*'))
    return `only daily schedules are modelled: day-of-month, month and day-of-week must be "*" (got "${schedule}")`;
  const mins = cronField(fields[0], 59);
  const hours = cronField(fields[1], 23);
  if (typeof mins === 'string') return `minute field: ${mins}`;
  if (typeof hours === 'string') return `hour field: ${hours}`;
  return hours.flatMap((h) => mins.map((m) => h * 60 + m)).sort((a, b) => a - b);
}

function cronField(f: string, max: number): number[] | string {
  const out = new Set<number>();
  for (const part of f.split(',')) {
    const m = /^(\*|(\d+)(?:-(\d+))?)(?:\/(\d+))?$/.exec(part);
    if (!m) return `"${part}" is not *, a number, a range a-b or one of these with /step`;
    const lo = m[1] === '*' ? 0 : Number(m[2]);
    const hi = m[1] === '*' ? max : m[3] !== undefined ? Number(m[3]) : m[4] !== undefined ? max : lo;
    const step = m[4] !== undefined ? Number(m[4]) : 1;
    if (hi > max || lo > hi) return `"${part}" is outside 0-${max}`;
    if (step < 1) return `"${part}": the step must be at least 1`;
    for (let v = lo; v <= hi; v += step) out.add(v);
  }
  return [...out].sort((a, b) => a - b);
}

/** A node group's autoscaler, defaults filled in. */
export function autoscalerSpec(g: NodeGroupInput, i: number, report: Report): AutoscalerSpec | undefined {
  const a = g.autoscaler;
  if (!a) return undefined;
  const p: PropertyKey[] = ['nodeGroups', i, 'autoscaler'];
  const d = (v: string | number | undefined, def: number): number => (v === undefined ? def : dur(v));
  if (a.clusterAutoscaler) {
    const c = a.clusterAutoscaler;
    const minNodes = c.minNodes ?? 0;
    if (minNodes > c.maxNodes)
      report([...p, 'clusterAutoscaler', 'minNodes'], `${minNodes} is above maxNodes (${c.maxNodes})`);
    if (g.count < minNodes || g.count > c.maxNodes)
      report(['nodeGroups', i, 'count'], `${g.count} is outside minNodes-maxNodes (${minNodes}-${c.maxNodes})`);
    const scanIntervalMs = d(c.scanInterval, 10_000);
    if (scanIntervalMs < 1000) report([...p, 'clusterAutoscaler', 'scanInterval'], 'must be at least 1s');
    return {
      kind: 'cluster-autoscaler',
      minNodes,
      maxNodes: c.maxNodes,
      scanIntervalMs,
      scaleDownUtilizationThreshold: c.scaleDownUtilizationThreshold ?? 0.5,
      scaleDownUnneededTimeMs: d(c.scaleDownUnneededTime, 600_000),
      scaleDownDelayAfterAddMs: d(c.scaleDownDelayAfterAdd, 600_000),
    };
  }
  const k = a.karpenter as NonNullable<typeof a.karpenter>;
  const idle = d(k.batchIdleDuration, 1000);
  const max = d(k.batchMaxDuration, 10_000);
  if (idle > max) report([...p, 'karpenter', 'batchIdleDuration'], `is above batchMaxDuration (${max / 1000}s)`);
  if (g.count > k.maxNodes) report(['nodeGroups', i, 'count'], `${g.count} is above maxNodes (${k.maxNodes})`);
  return {
    kind: 'karpenter',
    maxNodes: k.maxNodes,
    batchIdleDurationMs: idle,
    batchMaxDurationMs: Math.max(max, 1),
    consolidationPolicy: k.consolidationPolicy ?? 'WhenEmptyOrUnderutilized',
    consolidateAfterMs: d(k.consolidateAfter, 0),
  };
}

/** Deployments and CronJobs name their pods after themselves: two of one name would share pods. */
export function controllerNameProblems(workload: readonly WorkloadSpec[], report: Report): void {
  const seen = new Map<string, number>();
  for (const w of workload) {
    if (w.kind !== 'deployment' && w.kind !== 'cronJob') continue;
    const first = seen.get(w.name);
    if (first !== undefined)
      report(['workload', w.index, w.kind, 'name'], `"${w.name}" is already the name of workload[${first}]`);
    else seen.set(w.name, w.index);
  }
}
