/**
 * Pod request generators: turn the scenario's workload items into pod create/delete calls at simulated times.
 * Each generator draws from its own named streams (`workload/<index>/...`), so adding one never shifts another.
 */
import { Priority, type Simulation } from '../engine/sim.js';
import type { Streams } from '../engine/random.js';
import { sample, type Distribution } from '../engine/distribution.js';
import type { Rng } from '../engine/random.js';
import type { Kubelet } from '../kubelet/kubelet.js';
import type { NodeActionSpec, PodEventSpec, WorkloadSpec } from './scenario.js';
import { installCronJob, installCurvePoisson, installDeployment } from './controllers.js';

/** Counters of scripted events that could not apply (reported as warnings). */
export interface WorkloadStats {
  deletesOfUnknownPods: number;
  duplicateAdds: number;
}

/** What a `scale` item acts on: the cluster's node groups. */
export interface NodeScaler {
  /** Live nodes of a group now. */
  liveNodes(group: string): readonly unknown[];
  /** Grows or shrinks a group to `count` nodes; removed nodes' pods are deleted or rescheduled. */
  scaleTo(group: string, count: number, reschedule: boolean): void;
  /** Cordons, drains or uncordons the nodes a `cordon`, `drain` or `uncordon` item picks. */
  nodeAction(item: NodeActionSpec): void;
}

/** A `scale` item. */
export type ScaleItem = Extract<WorkloadSpec, { kind: 'scale' }>;

/** The node count a `scale` item asks for when the group has `current` live nodes (`to`, or `current + by`). */
export function scaleTarget(item: ScaleItem, current: number): number {
  return Math.max(0, item.to ?? current + (item.by as number));
}

/** Installs every workload item's first event. */
export function installWorkload(
  sim: Simulation,
  kubelet: Kubelet,
  items: readonly WorkloadSpec[],
  streams: Streams,
  endMs: number,
  scaler: NodeScaler,
): WorkloadStats {
  const stats: WorkloadStats = { deletesOfUnknownPods: 0, duplicateAdds: 0 };
  for (const item of items) {
    const lifeRng = streams.stream(`workload/${item.index}/lifetime`);
    const life = (d: Distribution | undefined): number | undefined => (d ? sample(d, lifeRng) : undefined);
    switch (item.kind) {
      case 'burst':
        if (item.atMs > endMs) break;
        sim.at(
          item.atMs,
          Priority.workload,
          () => {
            for (let k = 0; k < item.pods; k++)
              kubelet.createPod(item.name, k, life(item.lifetime), item.constraint, false, item.branch === true);
          },
          undefined,
        );
        break;
      case 'poisson':
        if (item.curve) {
          installCurvePoisson(sim, kubelet, item, streams.stream(`workload/${item.index}/arrivals`), life, endMs);
          break;
        }
        installPoisson(sim, kubelet, item, streams.stream(`workload/${item.index}/arrivals`), life, endMs);
        break;
      case 'deployment':
        installDeployment(sim, kubelet, item, endMs);
        break;
      case 'cronJob':
        installCronJob(sim, kubelet, item, streams, endMs);
        break;
      case 'events':
        installEvents(sim, kubelet, item.events, life, stats, endMs);
        break;
      case 'scale':
        if (item.atMs > endMs) break;
        sim.at(
          item.atMs,
          Priority.workload,
          () => {
            scaler.scaleTo(item.nodeGroup, scaleTarget(item, scaler.liveNodes(item.nodeGroup).length), item.reschedule);
          },
          undefined,
        );
        break;
      case 'node-action':
        if (item.atMs > endMs) break;
        sim.at(item.atMs, Priority.workload, () => scaler.nodeAction(item), undefined);
        break;
    }
  }
  return stats;
}

function installPoisson(
  sim: Simulation,
  kubelet: Kubelet,
  item: Extract<WorkloadSpec, { kind: 'poisson' }>,
  rng: Rng,
  life: (d: Distribution | undefined) => number | undefined,
  endMs: number,
): void {
  const meanGap = 60_000 / item.ratePerMinute;
  const stop = Math.min(item.toMs, endMs);
  let k = 0;
  // Arrival times are kept exact (fractional) and rounded only when scheduled, so rounding never accumulates.
  let t = item.fromMs + rng.exponential(meanGap);
  // One event object serves every arrival: it is re-armed from its own handler, once popped.
  const arrive = (): void => {
    kubelet.createPod(item.name, k++, life(item.lifetime), item.constraint, false, item.branch === true);
    t += rng.exponential(meanGap);
    if (Math.ceil(t) <= stop) sim.schedule(ev, t, Priority.workload);
  };
  if (Math.ceil(t) > stop) return;
  const ev = sim.at(t, Priority.workload, arrive, undefined);
}

function installEvents(
  sim: Simulation,
  kubelet: Kubelet,
  events: readonly PodEventSpec[],
  life: (d: Distribution | undefined) => number | undefined,
  stats: WorkloadStats,
  endMs: number,
): void {
  const sorted = events
    .map((e, i) => ({ e, i }))
    .sort((a, b) => a.e.atMs - b.e.atMs || a.i - b.i)
    .map((x) => x.e)
    .filter((e) => e.atMs <= endMs);
  let next = 0;
  const fire = (): void => {
    const now = sim.now;
    while (next < sorted.length && sorted[next].atMs === now) {
      const e = sorted[next++];
      if (e.add !== undefined) {
        if (kubelet.pod(e.add)) stats.duplicateAdds++;
        else kubelet.createPod(e.add, -1, life(e.lifetime), e.node ? `node:${e.node}` : '*', true, e.branch === true);
      } else {
        const pod = kubelet.pod(e.delete as string);
        if (pod) kubelet.deletePod(pod);
        else stats.deletesOfUnknownPods++;
      }
    }
    if (next < sorted.length) sim.at(sorted[next].atMs, Priority.workload, fire, undefined);
  };
  if (sorted.length > 0) sim.at(sorted[0].atMs, Priority.workload, fire, undefined);
}
