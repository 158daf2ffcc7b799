/** The text report's section on security groups for pods (the VPC resource controller), when the run had one. */
import { formatDuration } from '../util/duration.js';
import type { RunReport } from './types.js';
import { table } from './table.js';
import { formatFigure } from './figures.js';

const d = formatDuration;

type Vpcrc = NonNullable<RunReport['vpcResourceController']>;

/** Branch-ENI pods: start latency, creation to branch ENI, pending, and where they are at the end. */
function branchPodLines(v: Vpcrc): string[] {
  const out: string[] = [];
  const b = v.branchPods;
  const l = b.startLatencyMs;
  out.push(
    l.count === 0
      ? '  branch-ENI pods: none started'
      : `  branch-ENI pod start (first CNI ADD to branch ENI): ${l.count} started   mean ${formatFigure(l, 'mean')}   p50 ${formatFigure(l, 'p50')}   p90 ${formatFigure(l, 'p90')}   p99 ${formatFigure(l, 'p99')}   max ${formatFigure(l, 'max')}`,
  );
  const cs = b.createToStartMs;
  if (cs.count > 0)
    out.push(
      `  creation to branch ENI: p50 ${formatFigure(cs, 'p50')}   p90 ${formatFigure(cs, 'p90')}   p99 ${formatFigure(cs, 'p99')}   max ${formatFigure(cs, 'max')}`,
    );
  out.push(
    `  pending for a node: peak ${b.pendingPeak}   mean ${b.pendingMean}   at end ${b.pendingEnd}   waited only for branch capacity ${b.pendingForBranchCapacity}`,
  );
  out.push(`  at end: ${b.running} running, ${b.waitingForBranchEni} bound and waiting for their branch ENI`);
  return out;
}

/** The controller's work: trunk attach times, its queue, its EC2 calls and rate limits, branch ENIs. */
function controllerLines(v: Vpcrc): string[] {
  const out: string[] = [];
  const t = v.trunkAttachMs;
  if (t.count > 0)
    out.push(
      `  trunk attach (Ready to pod-eni capacity): ${t.count} nodes   p50 ${formatFigure(t, 'p50')}   p90 ${formatFigure(t, 'p90')}   max ${formatFigure(t, 'max')}`,
    );
  const q = v.queue;
  out.push(
    `  work queue: ${q.jobs} jobs   depth peak ${q.depthPeak}   mean ${q.depthMean}   requeued ${q.requeues}   dropped ${q.dropped}`,
  );
  const e = v.ec2;
  const calls = Object.entries(e.calls)
    .map(([api, n]) => `${api} ${n}`)
    .join(', ');
  out.push(`  EC2 calls (${e.total}): ${calls || 'none'}`);
  const rl = e.rateLimited;
  if (rl.user.requests + rl.instance.requests > 0)
    out.push(
      `  client rate limit: ${rl.user.requests} calls waited ${d(rl.user.waitedMs)} in all; ${rl.instance.requests} associations waited ${d(rl.instance.waitedMs)}`,
    );
  const errs = Object.entries(e.errors);
  if (errs.length) out.push(`  errors: ${errs.map(([k, n]) => `${k} ${n}`).join(', ')}`);
  const be = v.branchEnis;
  out.push(`  branch ENIs: ${be.created} created, ${be.deleted} deleted after cooldown, ${be.end} at end`);
  return out;
}

/** One row per node with a trunk (the first 20; the JSON has them all). */
function trunkTable(v: Vpcrc): string[] {
  if (v.trunks.length === 0) return [];
  const shown = v.trunks.slice(0, 20);
  const out = [
    table(
      ['node', 'type', 'trunk attach', 'branch limit', 'peak held', 'held at end', 'pods at end'],
      shown.map((x) => [
        x.node,
        x.instanceType,
        x.attachMs === null ? 'not attached' : d(x.attachMs),
        x.branchLimit,
        x.branchEnisPeak,
        x.branchEnisEnd,
        x.branchPodsEnd,
      ]),
    ),
  ];
  if (v.trunks.length > shown.length) out.push(`  ... ${v.trunks.length - shown.length} more nodes in the JSON report`);
  return out;
}

/** The section's lines (empty without the controller), ending with a blank line. */
export function vpcrcLines(r: RunReport): string[] {
  const v = r.vpcResourceController;
  if (!v) return [];
  const s = v.settings;
  return [
    `Security groups for pods (VPC resource controller: ${s.workers} workers, EC2 client ${s.userQps}/s burst ${s.userBurst}, associate ${s.instanceQps}/s burst ${s.instanceBurst}, cooldown ${s.cooldownSeconds}s)`,
    ...branchPodLines(v),
    ...controllerLines(v),
    ...trunkTable(v),
    '',
  ];
}
