/**
 * The workload shapes of real clusters: Poisson arrivals that follow a daily rate curve, Deployments (replica
 * steps as an HPA makes them, rolling updates bounded by maxSurge and maxUnavailable), and CronJobs. Each draws
 * from its own named streams (`workload/<index>/...`); time 0 of the run is midnight.
 */
import { Priority, type Simulation } from '../engine/sim.js';
import { sample, type Distribution } from '../engine/distribution.js';
import type { Rng, Streams } from '../engine/random.js';
import type { Kubelet } from '../kubelet/kubelet.js';
import { PodState } from '../kubelet/pod.js';
import type { WorkloadSpec } from './scenario.js';
import { rateAt, scaledValue } from './shapes.js';

type Item<K extends WorkloadSpec['kind']> = Extract<WorkloadSpec, { kind: K }>;

const DAY_MS = 86_400_000;

/**
 * Poisson arrivals whose rate follows a curve: candidates at the curve's highest rate, each kept with probability
 * rate(t) / highest (thinning, Lewis and Shedler 1979), so the kept ones are a Poisson process of rate rate(t).
 */
export function installCurvePoisson(
  sim: Simulation,
  kubelet: Kubelet,
  item: Item<'poisson'>,
  rng: Rng,
  life: (d: Distribution | undefined) => number | undefined,
  endMs: number,
): void {
  const curve = item.curve;
  if (!curve || item.ratePerMinute <= 0) return;
  const meanGap = 60_000 / item.ratePerMinute;
  const stop = Math.min(item.toMs, endMs);
  let k = 0;
  let t = item.fromMs;
  const nextKept = (): boolean => {
    for (;;) {
      t += rng.exponential(meanGap);
      if (Math.ceil(t) > stop) return false;
      if (rng.float() * item.ratePerMinute < rateAt(curve, t)) return true;
    }
  };
  const arrive = (): void => {
    kubelet.createPod(item.name, k++, life(item.lifetime), item.constraint, false);
    if (nextKept()) sim.schedule(ev, t, Priority.workload);
  };
  if (!nextKept()) return;
  const ev = sim.at(t, Priority.workload, arrive, undefined);
}

/** A CronJob: at each scheduled minute of each day, `parallelism` pods that run for a sampled time. */
export function installCronJob(
  sim: Simulation,
  kubelet: Kubelet,
  item: Item<'cronJob'>,
  streams: Streams,
  endMs: number,
): void {
  if (item.minutesOfDay.length === 0) return;
  const rng = streams.stream(`workload/${item.index}/runtime`);
  let run = 0;
  const timeOf = (n: number): number =>
    Math.floor(n / item.minutesOfDay.length) * DAY_MS + item.minutesOfDay[n % item.minutesOfDay.length] * 60_000;
  const fire = (): void => {
    const prefix = `${item.name}-${run}`;
    for (let k = 0; k < item.parallelism; k++)
      kubelet.createPod(prefix, k, sample(item.runTime, rng), item.constraint, false);
    run++;
    if (timeOf(run) <= endMs) sim.at(timeOf(run), Priority.workload, fire, undefined);
  };
  if (timeOf(0) <= endMs) sim.at(timeOf(0), Priority.workload, fire, undefined);
}

/** How often a Deployment's controller reconciles (ms): its pods' readiness is looked at this often. */
export const DEPLOYMENT_SYNC_MS = 1000;

/**
 * A Deployment: its controller keeps `replicas` pods of the current revision. A rollout starts a new revision
 * and replaces the pods in a rolling update: at most replicas + maxSurge pods in all, at least
 * replicas - maxUnavailable available (running for readinessDelay). Replica steps set `replicas` (an HPA).
 * Pods lost to a node's removal are replaced at the next sync.
 */
export function installDeployment(sim: Simulation, kubelet: Kubelet, item: Item<'deployment'>, endMs: number): void {
  const state = { replicas: item.replicas, revision: 0, serial: 0 };
  const pods: { name: string; revision: number }[] = [];
  let step = 0;
  let rollout = 0;
  const sync = (): void => {
    const now = sim.now;
    while (step < item.steps.length && item.steps[step].atMs <= now) state.replicas = item.steps[step++].replicas;
    while (rollout < item.rolloutsMs.length && item.rolloutsMs[rollout] <= now) {
      rollout++;
      state.revision++;
    }
    reconcile(kubelet, item, state, pods, now);
    if (now + DEPLOYMENT_SYNC_MS <= endMs) sim.after(DEPLOYMENT_SYNC_MS, Priority.workload, sync, undefined);
  };
  sim.at(0, Priority.workload, sync, undefined);
}

function reconcile(
  kubelet: Kubelet,
  item: Item<'deployment'>,
  state: { replicas: number; revision: number; serial: number },
  pods: { name: string; revision: number }[],
  now: number,
): void {
  // Forget pods that are gone (deleted with their node); a rescheduled pod keeps its name.
  for (let j = pods.length - 1; j >= 0; j--) if (!kubelet.pod(pods[j].name)) pods.splice(j, 1);
  const available = (name: string): boolean => {
    const p = kubelet.pod(name);
    return p !== undefined && p.state === PodState.Running && now - p.startedAt >= item.readinessDelayMs;
  };
  const create = (): void => {
    const name = `${item.name}-r${state.revision}-${state.serial++}`;
    kubelet.createPod(name, -1, undefined, item.constraint, true);
    pods.push({ name, revision: state.revision });
  };
  const remove = (j: number): void => {
    kubelet.deletePod(kubelet.pod(pods[j].name) as NonNullable<ReturnType<Kubelet['pod']>>);
    pods.splice(j, 1);
  };
  const desired = state.replicas;
  const current = pods.filter((p) => p.revision === state.revision).length;
  const old = pods.length - current;
  if (old === 0) {
    for (let n = current; n < desired; n++) create();
    // Scale-in removes the newest pods first (not yet available ones before available ones).
    for (let n = current; n > desired; n--) {
      const j = pods.map((p) => available(p.name)).lastIndexOf(false);
      remove(j >= 0 ? j : pods.length - 1);
    }
    return;
  }
  const surge = scaledValue(item.maxSurge, desired, true);
  const unavailable = scaledValue(item.maxUnavailable, desired, false);
  const room = desired + surge - pods.length;
  for (let n = 0; n < Math.min(desired - current, room); n++) create();
  // Old pods that are not available go first: removing them costs no availability.
  for (let j = pods.length - 1; j >= 0; j--)
    if (pods[j].revision !== state.revision && !available(pods[j].name)) remove(j);
  let spare = pods.filter((p) => available(p.name)).length - (desired - unavailable);
  for (let j = 0; j < pods.length && spare > 0;) {
    if (pods[j].revision !== state.revision) {
      remove(j);
      spare--;
    } else j++;
  }
}
