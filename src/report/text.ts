/** The one-screen text report. */
import { formatDuration } from '../util/duration.js';
import type { CensoredLatency, LatencySummary, NodeGroupReport, RunReport, ZoneReport } from './types.js';
import { formatFigure, isAssumedSubnet } from './figures.js';
import { table } from './table.js';
import { vpcrcLines } from './vpcrc-text.js';

const d = formatDuration;

/** The headline latency lines: how many pods, mean, p50, p90, p99 and max, and the pods that never got an address. */
function latencyLines(l: CensoredLatency): string[] {
  if (l.count === 0 && l.censored === 0) return ['  no pod started'];
  const figures = (['mean', 'p50', 'p90', 'p99', 'max'] as const).map((k) => `${k} ${formatFigure(l, k)}`);
  const out = [`  ${[l.count === 0 ? 'no pod started' : `${l.count} started`, ...figures].join('   ')}`];
  if (l.censored > 0)
    out.push(
      `  ${l.censored} ${l.censored === 1 ? 'pod' : 'pods'} that reached a node never got an address: each counted as waiting until the end of the run, so figures that fall among them are lower bounds (≥)`,
    );
  return out;
}

function env(e: Record<string, unknown>): string {
  const parts = Object.entries(e).map(([k, v]) => `${k}=${String(v)}`);
  return parts.length ? parts.join(' ') : '(defaults)';
}

/** The first line: tool, scenario, seed, simulated time, modelled ipamd version. */
function header(r: RunReport): string[] {
  return [
    `warmpool-sim ${r.tool.version} · scenario "${r.scenario}" · seed ${r.seed} · ${d(r.simulatedMs)} simulated · models ${r.tool.models}`,
  ];
}

/** The ipamd targets that matter in a group's mode. */
function targets(g: NodeGroupReport): string {
  const s = g.settings;
  if (g.mode === 'eni-target') return `WARM_ENI_TARGET=${s.WARM_ENI_TARGET}`;
  if (g.mode === 'prefix-target') return `WARM_PREFIX_TARGET=${s.WARM_PREFIX_TARGET}`;
  return `WARM_IP_TARGET=${s.WARM_IP_TARGET} MINIMUM_IP_TARGET=${s.MINIMUM_IP_TARGET}`;
}

/** Notes under a group's settings line: PD fallback, custom networking, pod ENIs, its subnet. */
function groupNotes(r: RunReport, g: NodeGroupReport): string[] {
  const notes: string[] = [];
  if (g.prefixDelegation === 'fallback')
    notes.push(
      `ENABLE_PREFIX_DELEGATION ignored: ${g.instanceType} is neither Nitro nor bare metal, secondary IPs used`,
    );
  if (g.eniConfigSubnet !== undefined)
    notes.push(`custom networking: primary ENI carries no pods, secondary ENIs in ${g.eniConfigSubnet}`);
  if (g.settings.ENABLE_POD_ENI === true && g.trunkSlot === false)
    notes.push('ENABLE_POD_ENI: no ENI slot kept, the type cannot take a trunk ENI (see Warnings)');
  else if (g.settings.ENABLE_POD_ENI === true)
    notes.push(
      r.vpcResourceController
        ? 'ENABLE_POD_ENI: one ENI slot kept for the trunk ENI the VPC resource controller attaches'
        : 'ENABLE_POD_ENI: one ENI slot kept for the trunk ENI (branch ENIs not modelled)',
    );
  if (g.zones)
    notes.push(
      `zones ${g.zones.map((z) => `${z.zone} (subnet ${z.subnet}${z.weight !== 1 ? `, weight ${z.weight}` : ''}${z.eniConfig !== undefined ? `, ENIConfig ${z.eniConfig}${z.eniConfigSubnet === undefined ? ' MISSING' : ''}` : ''})`).join(', ')}`,
    );
  else if (r.subnets.length > 1) notes.push(`subnet ${g.subnet}`);
  return notes.map((n) => `    ${n}`);
}

/** "3", or "0 (150 at the end, peak 150)" when nodes joined or left. */
function nodesText(g: NodeGroupReport): string {
  const n = g.nodes;
  return n.end === n.configured && n.peak === n.configured
    ? String(n.configured)
    : `${n.configured} (${n.end} at the end, peak ${n.peak})`;
}

/** The settings: cluster env, one line per node group, the kubelet and EC2 model in brief. */
/** `; cluster-autoscaler (min 1, max 20)` or `; karpenter (max 15, WhenEmpty after 1m00s)`; nothing without one. */
export function autoscalerText(g: Pick<NodeGroupReport, 'autoscaler'>): string {
  const a = g.autoscaler;
  if (!a) return '';
  if (a.kind === 'cluster-autoscaler') return `; cluster-autoscaler (min ${a.minNodes}, max ${a.maxNodes})`;
  return `; karpenter (max ${a.maxNodes}, ${a.consolidationPolicy} after ${formatDuration(a.consolidateAfterMs)})`;
}

function settingsSection(r: RunReport): string[] {
  const out = ['Settings', `  cluster ipamd env: ${env(r.settings.ipamd)}`];
  const op = r.settings.ciliumOperator;
  if (op)
    out.push(
      `  cilium operator: ${Object.entries(op)
        .map(([k, v]) => `${k} ${String(v)}`)
        .join(', ')}`,
    );
  for (const g of r.nodeGroups) {
    const s = g.settings;
    const maxEni = Number(s.MAX_ENI) > 0 ? ` MAX_ENI=${String(s.MAX_ENI)}` : '';
    const pd = g.prefixDelegation === 'on' ? ', /28 prefixes' : '';
    if (g.allocator !== undefined) {
      const fields = Object.entries(s).map(([k, v]) => `${k} ${String(v)}`);
      out.push(
        `  ${g.name}: ${nodesText(g)} x ${g.instanceType}, maxPods ${g.maxPods}, allocator ${g.allocator} (${fields.join(', ')})${autoscalerText(g)}`,
      );
      continue;
    }
    if (g.mode === 'ipv6-prefix') {
      out.push(
        `  ${g.name}: ${nodesText(g)} x ${g.instanceType}, maxPods ${g.maxPods}, IPv6: one /80 prefix per node at start, no warm pool; pods limited by maxPods (IPv4 warm targets ignored)${autoscalerText(g)}`,
      );
      continue;
    }
    out.push(
      `  ${g.name}: ${nodesText(g)} x ${g.instanceType}, maxPods ${g.maxPods}, ${g.mode} mode (${targets(g)}${maxEni}, cooldown ${String(s.IP_COOLDOWN_PERIOD)}s${pd})${autoscalerText(g)}`,
    );
    out.push(...groupNotes(r, g));
  }
  out.push(
    `  kubelet retry ${r.settings.model['kubelet.retryBackoff']}; ENI visible after ${r.settings.model['ec2.eniVisibleDelay']}; placement ${r.settings.model['ipamd.placement']}`,
  );
  return out;
}

/** Whether pods got their address at the first CNI ADD; nothing when no pod started and none was retried. */
function firstAddLine(r: RunReport): string[] {
  const p = r.pods;
  if (p.failedAddAttempts > 0)
    return [
      `  ${p.podsWithFailedAdd} pods had to wait: ${p.failedAddAttempts} failed CNI ADDs, each retried by kubelet`,
    ];
  if (p.started === 0) return [];
  if (p.neverStarted === 0) return ['  every pod got an address at its first CNI ADD'];
  return ['  every pod that reached a node got an address at its first CNI ADD'];
}

/** Pod start latency, failed CNI ADDs, and creation to address when pods waited for a node. */
function latencySection(r: RunReport): string[] {
  const out = [
    'Pod start latency (first CNI ADD to address assigned)',
    ...latencyLines(r.podStartLatencyMs),
    ...firstAddLine(r),
  ];
  const cs = r.podCreateToStartMs;
  if ((r.podSchedulingWaitMs.max ?? 0) > 0 || r.pods.unschedulable > 0) {
    const figures = (['p50', 'p90', 'p99', 'max'] as const).map((k) => `${k} ${formatFigure(cs, k)}`);
    out.push(`  creation to address (incl. waiting for a node): ${figures.join('   ')}`);
  }
  return out;
}

/** Nodes that joined or drained during the run, and the last waiting pod's start. */
function lifecycleSection(r: RunReport): string[] {
  const out: string[] = [];
  const nl = r.nodeLifecycle;
  if (nl.joined > 0 || nl.drained > 0) {
    out.push('', 'Nodes joining and leaving', `  joined ${nl.joined}   drained ${nl.drained}`);
    const j = nl.joinToPoolAtTargetMs;
    const f = nl.readyToFirstPodAddressMs;
    const line = (l: LatencySummary): string =>
      (['p50', 'p90', 'max'] as const).map((k) => `${k} ${formatFigure(l, k)}`).join('   ');
    if (j.count) out.push(`  join to pool at target: ${line(j)}`);
    if (f.count) out.push(`  Ready to first pod address: ${line(f)}`);
  }
  if (nl.lastWaitingPodStartedAt !== null)
    out.push(`  the last pod that had to wait started at ${d(nl.lastWaitingPodStartedAt)}`);
  if (nl.awsNodeRestarts > 0) {
    // nodeInit failed (handlePreScaling, ipamd.go): aws-node restarted and the node stayed NotReady meanwhile.
    const spread = (l: LatencySummary): string =>
      (['p50', 'p90', 'max'] as const).map((k) => `${k} ${formatFigure(l, k)}`).join('   ');
    out.push(
      `  aws-node restarts ${nl.awsNodeRestarts} on ${nl.nodesRestarted} nodes (nodeInit failed); NotReady after joining: ${spread(nl.notReadyMs)}`,
    );
    for (const g of r.nodeGroups) {
      if (g.awsNodeRestarts > 0)
        out.push(`    ${g.name}: ${g.awsNodeRestarts} restarts; NotReady ${spread(g.notReadyMs)}`);
    }
  }
  return out;
}

/** Pod counts, and the pods that never started. */
function podsSection(r: RunReport): string[] {
  const p = r.pods;
  const out = [
    'Pods',
    `  requested ${p.requested}   started ${p.started}   deleted ${p.deleted}   running ${p.running}`,
    `  pending at end ${p.pending} (no node: ${p.unschedulable}, waiting for an address: ${p.waitingForIp})`,
  ];
  if (p.neverStarted > 0) {
    out.push(`  NEVER STARTED: ${p.neverStarted} pods never got an address (pending at the end or deleted first)`);
  }
  if (p.neverStartedSubnetFull > 0) {
    out.push(
      `  SUBNET RAN OUT: ${p.neverStartedSubnetFull} of them waited on nodes whose subnet had no free address or /28 left`,
    );
  }
  return out;
}

/** Cluster-wide address levels. */
function ipsSection(r: RunReport): string[] {
  const ip = r.ips;
  return [
    'IP addresses (pod addresses on ENIs: secondary /32s, 16 per /28 prefix; cluster-wide)',
    `  attached peak ${ip.attachedPeak}   assigned peak ${ip.assignedPeak}   cooling peak ${ip.coolingPeak}`,
    `  idle (attached - assigned): mean ${ip.idleMean} addresses, ${(ip.idleIpSeconds / 3600).toFixed(1)} address-hours`,
    `  at end: ${ip.attachedEnd} attached, ${ip.assignedEnd} assigned, ${ip.enisEnd} ENIs (peak ${ip.enisPeak})`,
  ];
}

/** EC2 calls per API, errors and leaked ENIs. */
function ec2Section(r: RunReport): string[] {
  const e = r.ec2;
  const out = [`EC2 calls (${e.total})`];
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
  const errs = Object.entries(e.errors);
  if (errs.length) out.push(`  errors: ${errs.map(([k, v]) => `${k} ${v}`).join(', ')}`);
  const cop = r.ciliumOperator;
  if (cop)
    out.push(
      `  cilium operator: ${cop.maintenances} maintenances; ${cop.rateLimitedCalls} calls waited for its client-side rate limit (longest ${d(cop.longestRateLimitWaitMs)})`,
    );
  return out;
}

/** One row per node group: nodes at the end and at the peak, pods, addresses, latency. */
function groupsSection(r: RunReport): string[] {
  const head = ['group', 'nodes', 'nodes peak', 'type', 'pods', 'ENIs', 'attached', 'assigned', 'idle mean'];
  const rows = r.nodeGroups.map((g) => [
    g.name,
    g.nodes.end,
    g.nodes.peak,
    g.instanceType,
    g.podsRunning,
    g.enis,
    g.ipsAttached,
    g.ipsAssigned,
    g.idleMean.toFixed(1),
    g.attachedPeak,
    formatFigure(g.podStartLatencyMs, 'p50'),
    formatFigure(g.podStartLatencyMs, 'p99'),
    g.failedAddAttempts,
  ]);
  return [
    'Node groups (at the end of the run; peaks over the run)',
    table([...head, 'attached peak', 'p50', 'p99', 'failed ADDs'], rows),
  ];
}

/** Renders a run report for a terminal (plain text, no colour). */
export function renderText(r: RunReport): string {
  const subnetLines = subnets(r);
  const vpcrcSection = vpcrcLines(r).filter((l, i, all) => l !== '' || i < all.length - 1);
  const sections: string[][] = [
    header(r),
    settingsSection(r),
    [...latencySection(r), ...lifecycleSection(r)],
    podsSection(r),
    ipsSection(r),
    ...(r.cordon ? [cordonSection(r.cordon)] : []),
    ...(subnetLines.length ? [subnetLines] : []),
    ...(r.zones ? [zoneLines(r.zones)] : []),
    ec2Section(r),
    ...(vpcrcSection.length ? [vpcrcSection] : []),
    groupsSection(r),
    ...(r.warnings.length ? [['Warnings', ...r.warnings.map((w) => `  ${w}`)]] : []),
  ];
  return sections.map((s) => s.join('\n')).join('\n\n') + '\n';
}

/** Cordoned and drained nodes, and the idle addresses they held. */
function cordonSection(c: NonNullable<RunReport['cordon']>): string[] {
  return [
    'Cordoned and drained nodes',
    `  cordoned ${c.nodesCordoned}   drained ${c.nodesDrained}   cordoned at end ${c.cordonedAtEnd}`,
    `  pods evicted ${c.podsEvicted} (rescheduled ${c.podsRescheduled})`,
    `  idle addresses on cordoned nodes: mean ${c.idleMean}   ${c.idleIpSeconds} IP-seconds   at end ${c.idleEnd} (${c.attachedEnd} attached)`,
  ];
}

/** The subnet table; omitted for the one roomy default subnet when nothing happened in it. */
function subnets(r: RunReport): string[] {
  const only = r.subnets.length === 1 ? r.subnets[0] : undefined;
  if (only && isAssumedSubnet(only) && only.firstErrorMs === null) return [];
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

/** The per-zone table, each zone followed by its subnets (shown only when nodes ran in more than one zone). */
function zoneLines(zones: readonly ZoneReport[]): string[] {
  const errs = (e: Record<string, number>): string =>
    Object.entries(e)
      .map(([k, v]) => `${k} ${v}`)
      .join(', ') || '-';
  const rows: (string | number)[][] = [];
  for (const z of zones) {
    rows.push([
      z.zone,
      z.nodes.end,
      z.podsRunning,
      z.podsWaiting,
      z.enis,
      z.ipsAttached,
      z.ipsAssigned,
      z.failedAddAttempts,
      errs(z.subnetErrors),
    ]);
    for (const s of z.subnets)
      rows.push([
        `  ${s.subnet}`,
        s.nodes,
        '',
        '',
        s.enis,
        s.ipsAttached,
        s.ipsAssigned,
        s.failedAddAttempts,
        errs(s.errors),
      ]);
  }
  return [
    'Availability zones (at the end of the run; failures over the run; subnets: nodes by primary ENI, ENIs by subnet)',
    table(
      ['zone / subnet', 'nodes', 'pods', 'waiting', 'ENIs', 'attached', 'assigned', 'failed ADDs', 'errors'],
      rows,
      '  ',
      ['l', 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'l'],
    ),
  ];
}
