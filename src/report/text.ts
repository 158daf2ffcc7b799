/** The one-screen text report. */
import { formatDuration } from '../util/duration.js';
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
  out.push(
    `warmpool-sim ${r.tool.version} · scenario "${r.scenario}" · seed ${r.seed} · ${d(r.simulatedMs)} simulated · models ${r.tool.models}`,
  );
  out.push('');
  out.push('Settings');
  out.push(`  cluster ipamd env: ${env(r.settings.ipamd)}`);
  const op = r.settings.ciliumOperator;
  if (op)
    out.push(
      `  cilium operator: ${Object.entries(op)
        .map(([k, v]) => `${k} ${String(v)}`)
        .join(', ')}`,
    );
  for (const g of r.nodeGroups) {
    const s = g.settings;
    const targets =
      g.mode === 'eni-target'
        ? `WARM_ENI_TARGET=${s.WARM_ENI_TARGET}`
        : g.mode === 'prefix-target'
          ? `WARM_PREFIX_TARGET=${s.WARM_PREFIX_TARGET}`
          : `WARM_IP_TARGET=${s.WARM_IP_TARGET} MINIMUM_IP_TARGET=${s.MINIMUM_IP_TARGET}`;
    const maxEni = (s.MAX_ENI as number) > 0 ? ` MAX_ENI=${s.MAX_ENI}` : '';
    const pd = g.prefixDelegation === 'on' ? ', /28 prefixes' : '';
    if (g.allocator !== undefined)
      out.push(
        `  ${g.name}: ${g.nodes} x ${g.instanceType}, maxPods ${g.maxPods}, allocator ${g.allocator} (${Object.entries(
          s,
        )
          .map(([k, v]) => `${k} ${String(v)}`)
          .join(', ')})`,
      );
    else
      out.push(
        `  ${g.name}: ${g.nodes} x ${g.instanceType}, maxPods ${g.maxPods}, ${g.mode} mode (${targets}${maxEni}, cooldown ${s.IP_COOLDOWN_PERIOD}s${pd})`,
      );
    const notes: string[] = [];
    if (g.prefixDelegation === 'fallback')
      notes.push(
        `ENABLE_PREFIX_DELEGATION ignored: ${g.instanceType} is neither Nitro nor bare metal, secondary IPs used`,
      );
    if (g.eniConfigSubnet !== undefined)
      notes.push(`custom networking: primary ENI carries no pods, secondary ENIs in ${g.eniConfigSubnet}`);
    if (s.ENABLE_POD_ENI === true)
      notes.push('ENABLE_POD_ENI: one ENI slot kept for the trunk ENI (branch ENIs not modelled)');
    if (r.subnets.length > 1) notes.push(`subnet ${g.subnet}`);
    for (const n of notes) out.push(`    ${n}`);
  }
  out.push(
    `  kubelet retry ${r.settings.model['kubelet.retryBackoff']}; ENI visible after ${r.settings.model['ec2.eniVisibleDelay']}; placement ${r.settings.model['ipamd.placement']}`,
  );
  out.push('');
  out.push('Pod start latency (first CNI ADD to address assigned)');
  out.push(`  ${latencyLine(r.podStartLatencyMs)}`);
  const p = r.pods;
  if (p.failedAddAttempts > 0) {
    out.push(
      `  ${p.podsWithFailedAdd} pods had to wait: ${p.failedAddAttempts} failed CNI ADDs, each retried by kubelet`,
    );
  } else out.push('  every pod got an address at its first CNI ADD');
  const cs = r.podCreateToStartMs;
  if (r.podSchedulingWaitMs.max > 0) {
    out.push(
      `  creation to address (incl. waiting for a node): p50 ${d(cs.p50)}   p90 ${d(cs.p90)}   p99 ${d(cs.p99)}   max ${d(cs.max)}`,
    );
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
  if (nl.lastWaitingPodStartedAt !== null)
    out.push(`  the last pod that had to wait started at ${d(nl.lastWaitingPodStartedAt)}`);
  out.push('');
  out.push('Pods');
  out.push(`  requested ${p.requested}   started ${p.started}   deleted ${p.deleted}   running ${p.running}`);
  out.push(`  pending at end ${p.pending} (no node: ${p.unschedulable}, waiting for an address: ${p.waitingForIp})`);
  if (p.neverStarted > 0) {
    out.push(`  NEVER STARTED: ${p.neverStarted} pods never got an address (pending at the end or deleted first)`);
  }
  if (p.neverStartedSubnetFull > 0) {
    out.push(
      `  SUBNET RAN OUT: ${p.neverStartedSubnetFull} of them waited on nodes whose subnet had no free address or /28 left`,
    );
  }
  out.push('');
  const ip = r.ips;
  out.push('IP addresses (pod addresses on ENIs: secondary /32s, 16 per /28 prefix; cluster-wide)');
  out.push(`  attached peak ${ip.attachedPeak}   assigned peak ${ip.assignedPeak}   cooling peak ${ip.coolingPeak}`);
  out.push(
    `  idle (attached - assigned): mean ${ip.idleMean} addresses, ${(ip.idleIpSeconds / 3600).toFixed(1)} address-hours`,
  );
  out.push(
    `  at end: ${ip.attachedEnd} attached, ${ip.assignedEnd} assigned, ${ip.enisEnd} ENIs (peak ${ip.enisPeak})`,
  );
  out.push('');
  const subnetLines = subnets(r);
  if (subnetLines.length) out.push(...subnetLines, '');
  out.push(`EC2 calls (${r.ec2.total})`);
  const e = r.ec2;
  const calls = Object.entries(e.calls).filter(([, n]) => n > 0);
  const rows = calls.map(([api, n]) => [
    api,
    n,
    e.throttled[api] ?? 0,
    e.retries[api] ?? 0,
    e.failures[api] ?? 0,
    e.buckets[api] ? e.buckets[api].minTokens.toFixed(0) : '-',
  ]);
  out.push(calls.length ? table(['API', 'calls', 'throttled', 'SDK retries', 'failed', 'min tokens'], rows) : '  none');
  if (e.leakedEnis > 0) out.push(`  ${e.leakedEnis} ENIs could not be deleted (leaked)`);
  const errs = Object.entries(r.ec2.errors);
  if (errs.length) out.push(`  errors: ${errs.map(([k, v]) => `${k} ${v}`).join(', ')}`);
  const cop = r.ciliumOperator;
  if (cop)
    out.push(
      `  cilium operator: ${cop.maintenances} maintenances; ${cop.rateLimitedCalls} calls waited for its client-side rate limit (longest ${d(cop.longestRateLimitWaitMs)})`,
    );
  out.push('');
  out.push('Node groups');
  out.push(
    table(
      [
        'group',
        'nodes',
        'type',
        'pods',
        'ENIs',
        'attached',
        'assigned',
        'idle mean',
        'peak',
        'p50',
        'p99',
        'failed ADDs',
      ],
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

/** The subnet table; omitted for the one roomy default subnet when nothing happened in it. */
function subnets(r: RunReport): string[] {
  const only = r.subnets.length === 1 ? r.subnets[0] : undefined;
  if (only && only.name === 'default' && only.firstErrorMs === null) return [];
  const out = ['Subnets (free addresses and free aligned /28s: start > minimum > end)'];
  out.push(
    table(
      ['subnet', 'CIDR', 'nodes', 'tenants', 'free addresses', 'free /28s', 'fragmentation', 'ran out at', 'errors'],
      r.subnets.map((s) => [
        s.name,
        s.cidr,
        s.nodes,
        s.otherTenants,
        `${s.freeAddresses.start} > ${s.freeAddresses.min} > ${s.freeAddresses.end}`,
        `${s.freeBlocks.start} > ${s.freeBlocks.min} > ${s.freeBlocks.end}`,
        `${Math.round(s.fragmentation.start * 100)}% > ${Math.round(s.fragmentation.end * 100)}%`,
        s.firstErrorMs === null ? '-' : d(s.firstErrorMs),
        Object.entries(s.errors)
          .map(([k, v]) => `${k} ${v}`)
          .join(', ') || '-',
      ]),
    ),
  );
  return out;
}
