/** The `vpcResourceController` section of the run report (security groups for pods). */
import { summarise } from '../report/tally.js';
import type { TrunkReport, VpcrcReport } from '../report/types.js';
import { PodState } from '../kubelet/pod.js';
import { effectiveCooldownMs } from '../vpcrc/params.js';
import type { VpcResourceController } from '../vpcrc/controller.js';
import type { Cluster } from './cluster.js';

const round2 = (x: number): number => Math.round(x * 100) / 100;

/** Running branch-ENI pods per node name (empty without the controller). */
export function branchRunningByNode(c: Cluster): Map<string, number> {
  const out = new Map<string, number>();
  if (!c.vpcrc) return out;
  for (const n of c.nodes) if (n.runtime.branchRunning > 0) out.set(n.runtime.name, n.runtime.branchRunning);
  return out;
}

/** Branch-ENI pods running, and bound but still waiting for their branch ENI, at the end. */
function branchPodsAtEnd(c: Cluster): { running: number; waiting: number } {
  let running = 0;
  let waiting = 0;
  for (const n of c.nodes)
    for (const pod of c.kubelet.podsOn(n.runtime)) {
      if (!pod.branch) continue;
      if (pod.state === PodState.Running) running++;
      else waiting++;
    }
  return { running, waiting };
}

/** One row per trunk ENI: its node, limit, attach time and branch ENIs. */
function trunkReports(c: Cluster, v: VpcResourceController): TrunkReport[] {
  return v.trunks.map((t) => ({
    node: t.node.name,
    instanceType: c.nodes[t.node.index].ipamd.instance.name,
    branchLimit: t.limit,
    readyAt: t.readyAt,
    attachedAt: t.attachedAt >= 0 ? t.attachedAt : null,
    attachMs: t.attachedAt >= 0 ? t.attachedAt - t.readyAt : null,
    branchEnisPeak: t.peak,
    branchEnisEnd: t.held,
    branchPodsEnd: t.node.branchPods,
    initFailures: t.initFailures,
  }));
}

/** The controller's settings as the report shows them (seconds). */
function vpcrcSettings(v: VpcResourceController): VpcrcReport['settings'] {
  const p = v.params;
  return {
    workers: p.workers,
    userQps: p.userQps,
    userBurst: p.userBurst,
    instanceQps: p.instanceQps,
    instanceBurst: p.instanceBurst,
    cooldownSeconds: effectiveCooldownMs(p.cooldownMs) / 1000,
    deleteQueuePeriodSeconds: p.deleteQueuePeriodMs / 1000,
    maxRetries: p.maxRetries,
  };
}

/** The report's vpcResourceController section, for a run that had the controller. */
export function buildVpcrcReport(c: Cluster, v: VpcResourceController): VpcrcReport {
  const end = c.sim.now;
  const { running, waiting } = branchPodsAtEnd(c);
  const trunks = trunkReports(c, v);
  const s = v.stats;
  const sched = c.kubelet.scheduler;
  const record = <K extends string>(m: Map<K, number>): Record<string, number> =>
    Object.fromEntries([...m].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  return {
    settings: vpcrcSettings(v),
    branchPods: {
      started: s.addToStart.length,
      running,
      waitingForBranchEni: waiting,
      startLatencyMs: summarise(s.addToStart),
      createToStartMs: summarise(s.createToStart),
      pendingPeak: s.pendingPeak,
      pendingMean: round2(v.meanPending(end)),
      pendingEnd: sched.branchPending,
      pendingForBranchCapacity: sched.branchCapacityWaits,
    },
    trunkAttachMs: summarise(trunks.flatMap((t) => (t.attachMs === null ? [] : [t.attachMs]))),
    trunks,
    queue: {
      depthPeak: v.queue.peak,
      depthMean: round2(v.queue.meanDepth(end)),
      jobs: v.queue.runs,
      requeues: v.queue.requeues,
      dropped: v.queue.drops,
    },
    ec2: {
      calls: record(s.calls),
      errors: record(s.errors),
      total: [...s.calls.values()].reduce((a, b) => a + b, 0),
      rateLimited: {
        user: { requests: v.user.waited, waitedMs: v.user.waitedMs },
        instance: { requests: v.instance.waited, waitedMs: v.instance.waitedMs },
      },
    },
    branchEnis: {
      created: s.branchesCreated,
      deleted: s.branchesDeleted,
      atCapacity: s.atCapacity,
      end: v.branchEnis().length,
    },
  };
}
