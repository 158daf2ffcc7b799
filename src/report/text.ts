/** The one-screen text report. */
import { formatDuration } from '../engine/duration.js';
import type { LatencySummary, RunReport } from './types.js';
import { table } from './table.js';

const d = formatDuration;

function latencyLine(l: LatencySummary): string {
  if (l.count === 0) return 'no pod started';
  return `${l.count} started   mean ${d(l.mean)}   p50 ${d(l.p50)}   p90 ${d(l.p90)}   p99 ${d(l.p99)}   max ${d(l.max)}`;
}

function env(e: Record<string, unknown>): string {
  const parts = Object.entries(e).map(([k, v]) => `${k}=${v}`);
  return parts.length ? parts.join(' ') : '(defaults)';
}

/** Renders a run report for a terminal (plain text, no colour). */
export function renderText(r: RunReport): string {
  const out: string[] = [];
  out.push(`warmpool-sim ${r.tool.version} · scenario "${r.scenario}" · seed ${r.seed} · ${d(r.simulatedMs)} simulated · models ${r.tool.models}`);
  out.push('');
  out.push('Settings');
  out.push(`  cluster ipamd env: ${env(r.settings.ipamd)}`);
  for (const g of r.nodeGroups) {
    const s = g.settings;
    const targets =
      g.mode === 'eni-target'
        ? `WARM_ENI_TARGET=${s.WARM_ENI_TARGET}`
        : `WARM_IP_TARGET=${s.WARM_IP_TARGET} MINIMUM_IP_TARGET=${s.MINIMUM_IP_TARGET}`;
    const maxEni = (s.MAX_ENI as number) > 0 ? ` MAX_ENI=${s.MAX_ENI}` : '';
    out.push(`  ${g.name}: ${g.nodes} x ${g.instanceType}, maxPods ${g.maxPods}, ${g.mode} mode (${targets}${maxEni}, cooldown ${s.IP_COOLDOWN_PERIOD}s)`);
  }
  out.push(`  kubelet retry ${r.settings.model['kubelet.retryBackoff']}; ENI visible after ${r.settings.model['ec2.eniVisibleDelay']}; placement ${r.settings.model['ipamd.placement']}`);
  out.push('');
  out.push('Pod start latency (first CNI ADD to address assigned)');
  out.push(`  ${latencyLine(r.podStartLatencyMs)}`);
  const p = r.pods;
  if (p.failedAddAttempts > 0) {
    out.push(`  ${p.podsWithFailedAdd} pods had to wait: ${p.failedAddAttempts} failed CNI ADDs, each retried by kubelet`);
  } else out.push('  every pod got an address at its first CNI ADD');
  const cs = r.podCreateToStartMs;
  if (r.podSchedulingWaitMs.max > 0) {
    out.push(`  creation to address (incl. waiting for a node): p50 ${d(cs.p50)}   p90 ${d(cs.p90)}   p99 ${d(cs.p99)}   max ${d(cs.max)}`);
  }
  const nl = r.nodeLifecycle;
  if (nl.joined > 0 || nl.drained > 0) {
    out.push('');
    out.push('Nodes joining and leaving');
    out.push(`  joined ${nl.joined}   drained ${nl.drained}`);
    const j = nl.joinToPoolAtTargetMs;
    const f = nl.readyToFirstPodAddressMs;
    if (j.count) out.push(`  join to pool at target: p50 ${d(j.p50)}   p90 ${d(j.p90)}   max ${d(j.max)}`);
    if (f.count) out.push(`  Ready to first pod address: p50 ${d(f.p50)}   p90 ${d(f.p90)}   max ${d(f.max)}`);
  }
  if (nl.lastWaitingPodStartedAt !== null) out.push(`  the last pod that had to wait started at ${d(nl.lastWaitingPodStartedAt)}`);
  out.push('');
  out.push('Pods');
  out.push(`  requested ${p.requested}   started ${p.started}   deleted ${p.deleted}   running ${p.running}`);
  out.push(`  pending at end ${p.pending} (no node: ${p.unschedulable}, waiting for an address: ${p.waitingForIp})`);
  if (p.neverStarted > 0) {
    out.push(`  NEVER STARTED: ${p.neverStarted} pods never got an address (pending at the end or deleted first)`);
  }
  out.push('');
  const ip = r.ips;
  out.push('IP addresses (secondary, cluster-wide)');
  out.push(`  attached peak ${ip.attachedPeak}   assigned peak ${ip.assignedPeak}   cooling peak ${ip.coolingPeak}`);
  out.push(`  idle (attached - assigned): mean ${ip.idleMean} addresses, ${(ip.idleIpSeconds / 3600).toFixed(1)} address-hours`);
  out.push(`  at end: ${ip.attachedEnd} attached, ${ip.assignedEnd} assigned, ${ip.enisEnd} ENIs (peak ${ip.enisPeak})`);
  out.push('');
  out.push(`EC2 calls (${r.ec2.total})`);
  const e = r.ec2;
  const calls = Object.entries(e.calls).filter(([, n]) => n > 0);
  const rows = calls.map(([api, n]) => [api, n, e.throttled[api] ?? 0, e.retries[api] ?? 0, e.failures[api] ?? 0, e.buckets[api] ? e.buckets[api].minTokens.toFixed(0) : '-']);
  out.push(calls.length ? table(['API', 'calls', 'throttled', 'SDK retries', 'failed', 'min tokens'], rows) : '  none');
  if (e.leakedEnis > 0) out.push(`  ${e.leakedEnis} ENIs could not be deleted (leaked)`);
  const errs = Object.entries(r.ec2.errors);
  if (errs.length) out.push(`  errors: ${errs.map(([k, v]) => `${k} ${v}`).join(', ')}`);
  out.push('');
  out.push('Node groups');
  out.push(
    table(
      ['group', 'nodes', 'type', 'pods', 'ENIs', 'attached', 'assigned', 'idle mean', 'peak', 'p50', 'p99', 'failed ADDs'],
      r.nodeGroups.map((g) => [
        g.name,
        g.nodes,
        g.instanceType,
        g.podsRunning,
        g.enis,
        g.ipsAttached,
        g.ipsAssigned,
        g.idleMean.toFixed(1),
        g.attachedPeak,
        d(g.podStartLatencyMs.p50),
        d(g.podStartLatencyMs.p99),
        g.failedAddAttempts,
      ]),
    ),
  );
  if (r.warnings.length) {
    out.push('');
    out.push('Warnings');
    for (const w of r.warnings) out.push(`  ${w}`);
  }
  return out.join('\n') + '\n';
}
