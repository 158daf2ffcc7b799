/** Builds the {@link RunReport} from a finished cluster. */
import { describe } from '../engine/distribution.js';
import { formatDuration } from '../util/duration.js';
import { VERSION } from '../util/version.js';
import { CONTROLLER_APIS, EC2_APIS } from '../aws/ec2.js';
import { branchEniLimit, ipamdTrunkingCompatible } from '../aws/branch-eni.js';
import { poolMode } from '../ipam/config.js';
import { censoredSummary, summarise } from '../report/tally.js';
import type {
  CordonReport,
  EniReport,
  NodeCounts,
  NodeGroupReport,
  NodeReport,
  RunData,
  RunReport,
  SubnetReport,
  ZoneReport,
} from '../report/types.js';
import { PREFIX_SIZE } from '../aws/cidr.js';
import { cidrToString } from '../aws/cidr.js';
import { branchRunningByNode, buildVpcrcReport } from './vpcrc-report.js';
import type { Cluster } from './cluster.js';
import type { NodeGroupSpec } from '../workload/scenario.js';
import type { CiliumNodeSettings, CiliumOperatorSettings } from '../ipam/cilium.js';
import type { AzureBatchSettings } from '../ipam/azure-batch.js';
import type { TerwayPoolSettings } from '../ipam/terway-pool.js';
import type { IdleReleaseSettings } from '../ipam/idle-release.js';

/** Version of this tool and of the ipamd behaviour it models. */
export const TOOL = { name: 'warmpool-sim', version: VERSION, models: 'amazon-vpc-cni-k8s v1.23.1 (b52188387f2e)' };

const round2 = (x: number): number => Math.round(x * 100) / 100;
const round3 = (x: number): number => Math.round(x * 1000) / 1000;

function sortedRecord(m: Map<string, number>, order?: readonly string[]): Record<string, number> {
  const keys = order
    ? [...order.filter((k) => m.has(k)), ...[...m.keys()].filter((k) => !order.includes(k)).sort()]
    : [...m.keys()].sort();
  return Object.fromEntries(keys.map((k) => [k, m.get(k) as number]));
}

/** A cilium-eni group's CiliumNode spec.ipam fields, by their names. */
function ciliumNodeFields(c: CiliumNodeSettings): Record<string, number | boolean> {
  return {
    'pre-allocate': c.preAllocate,
    'min-allocate': c.minAllocate,
    'max-allocate': c.maxAllocate,
    'max-above-watermark': c.maxAboveWatermark,
  };
}

/** The azure-cns-batch what-if's scaler, by its names. */
function azureFields(a: AzureBatchSettings): Record<string, number | boolean> {
  return {
    'batch-size': a.batchSize,
    'request-threshold-percent': a.requestThresholdPercent,
    'release-threshold-percent': a.releaseThresholdPercent,
    'max-ip-count': a.maxIpCount,
  };
}

/** The terway-pool what-if's pool by its eni-config names (durations in seconds; reclaim after 0 = no reclaim). */
function terwayFields(t: TerwayPoolSettings): Record<string, number | boolean> {
  return {
    min_pool_size: t.minPoolSize,
    max_pool_size: t.maxPoolSize,
    idle_ip_reclaim_after: (t.reclaimAfterMs ?? 0) / 1000,
    idle_ip_reclaim_interval: t.reclaimIntervalMs / 1000,
    idle_ip_reclaim_batch_size: t.reclaimBatchSize,
    idle_ip_reclaim_jitter_factor: t.reclaimJitterFactor,
  };
}

/** The ipamd-idle-release rule beside ipamd's settings (seconds). */
function idleReleaseFields(r: IdleReleaseSettings): Record<string, number | boolean> {
  return { idleReleaseAfter: r.afterMs / 1000, idleReleaseKeep: r.keep };
}

/** Cilium's operator flags as the report shows them (their command-line names; durations in seconds). */
function ciliumFlags(o: CiliumOperatorSettings): Record<string, number | boolean> {
  return {
    'aws-release-excess-ips': o.releaseExcessIps,
    'excess-ip-release-delay': o.excessIpReleaseDelayMs / 1000,
    'limit-ipam-api-qps': o.apiQps,
    'limit-ipam-api-burst': o.apiBurst,
    'parallel-alloc-workers': o.parallelWorkers,
    'resync-interval': o.resyncIntervalMs / 1000,
    'ipam-cilium-node-update-rate': o.nodeUpdateRateMs / 1000,
  };
}

/** The NotReady times of the nodes that joined. */
function notReadySummary(nodes: readonly NodeReport[]): ReturnType<typeof summarise> {
  return summarise(nodes.filter((n) => n.notReadyMs !== null).map((n) => n.notReadyMs as number));
}

/** Per node: its type, pods, lifecycle times and ENIs; also the cluster's running/waiting pods and ipamd passes. */
function nodeReports(c: Cluster): { nodes: NodeReport[]; running: number; waiting: number; passes: number } {
  const end = c.sim.now;
  let running = 0;
  let waiting = 0;
  let passes = 0;
  const branchRunning = branchRunningByNode(c);
  const nodes: NodeReport[] = c.nodes.map((n) => {
    const ds = n.ipamd.ds;
    // Running pods: ipamd's addresses in use, plus branch-ENI pods (security groups for pods) running.
    const up = ds.assigned + (branchRunning.get(n.runtime.name) ?? 0);
    running += up;
    waiting += n.runtime.pods - up;
    passes += n.ipamd.passes;
    const t = (v: number): number | null => (v >= 0 ? v : null);
    const rt = n.runtime;
    const joined = n.ipamd.launched && rt.joinedAt >= 0 && rt.joinedAt <= end;
    const notReadyUntil = rt.readyAt >= 0 ? rt.readyAt : rt.drainedAt >= 0 ? rt.drainedAt : end;
    return {
      name: n.runtime.name,
      group: n.group,
      instanceType: n.ipamd.instance.name,
      maxPods: n.runtime.maxPods,
      subnet: n.ec2.subnet.name,
      launched: n.ipamd.launched,
      podsRunning: up,
      podsWaiting: n.runtime.pods - up,
      joinedAt: n.runtime.joinedAt <= end ? t(n.runtime.joinedAt) : null,
      readyAt: t(n.runtime.readyAt),
      firstPodAddressAt: t(n.runtime.firstPodAddressAt),
      poolAtTargetAt: t(n.ipamd.atTargetAt),
      drainedAt: t(n.runtime.drainedAt),
      awsNodeRestarts: n.ipamd.restarts,
      notReadyMs: joined ? Math.max(0, notReadyUntil - rt.joinedAt) : null,
      ...(rt.cordonedAt >= 0
        ? { cordonedAt: rt.cordonedAt, cordonedAtEnd: rt.unschedulable, podsEvicted: rt.podsEvicted }
        : {}),
      enis: n.ec2.enis.map((e) => {
        const d = ds.enis.find((x) => x.id === e.id);
        return {
          id: e.id,
          primary: e.deviceIndex === 0,
          deviceIndex: e.deviceIndex,
          subnet: e.subnet.name,
          ips: e.secondaries.length,
          prefixes: e.prefixes.length,
          assigned: d ? ds.assignedOn(d) : 0,
          inDatastore: !!d,
        };
      }),
    };
  });
  return { nodes, running, waiting, passes };
}

/**
 * The effective ipamd settings of a node group, by their environment variable names; AWS_MANAGE_ENIS_NON_SCHEDULABLE
 * where it matters (`cordons`: the scenario cordons nodes) or was set.
 */
function groupSettings(g: NodeGroupSpec, cordons: boolean): Record<string, number | boolean> {
  const cfg = g.config;
  return {
    WARM_ENI_TARGET: cfg.warmEniTarget,
    WARM_IP_TARGET: cfg.warmIpTarget,
    MINIMUM_IP_TARGET: cfg.minimumIpTarget,
    WARM_PREFIX_TARGET: cfg.warmPrefixTarget,
    MAX_ENI: cfg.maxEni,
    IP_COOLDOWN_PERIOD: cfg.ipCooldownMs / 1000,
    ENABLE_PREFIX_DELEGATION: cfg.enablePrefixDelegation,
    ENABLE_SUBNET_DISCOVERY: cfg.enableSubnetDiscovery,
    AWS_VPC_K8S_CNI_CUSTOM_NETWORK_CFG: cfg.customNetworking,
    ENABLE_POD_ENI: cfg.enablePodEni,
    ...(cordons || 'AWS_MANAGE_ENIS_NON_SCHEDULABLE' in g.env
      ? { AWS_MANAGE_ENIS_NON_SCHEDULABLE: cfg.manageEnisNonSchedulable }
      : {}),
  };
}

/** Whether the scenario cordons, drains or uncordons nodes. */
function cordons(c: Cluster): boolean {
  return c.scenario.workload.some((w) => w.kind === 'node-action');
}

/** Cordoned and drained nodes, the pods drains evicted, and the idle addresses cordoned nodes held. */
function cordonReport(c: Cluster, nodes: readonly NodeReport[]): CordonReport {
  const m = c.metrics;
  const end = c.sim.now;
  return {
    nodesCordoned: nodes.filter((n) => n.cordonedAt !== undefined).length,
    nodesDrained: c.nodes.filter((n) => n.runtime.evictedAt >= 0).length,
    cordonedAtEnd: nodes.filter((n) => n.cordonedAtEnd === true && n.drainedAt === null).length,
    podsEvicted: m.evicted,
    podsRescheduled: m.evictedRescheduled,
    idleMean: round2(m.cordonedIdle.mean(0, end)),
    idleIpSeconds: Math.round(m.cordonedIdle.integral / 1000),
    idleEnd: m.cordonedIdle.value,
    attachedEnd: m.cordonedAttached.value,
    missedNodes: c.nodeActionMisses,
  };
}

/**
 * Nodes of a group at the end and at the peak: a node counts from joining (its instance starting) until it is
 * drained, and only if it launched (nodes whose subnet had no address for their primary ENI never ran).
 */
export function nodeCounts(nodes: readonly NodeReport[], configured: number): NodeCounts {
  const steps: [number, number][] = [];
  for (const n of nodes) {
    if (!n.launched || n.joinedAt === null) continue;
    steps.push([n.joinedAt, 1]);
    if (n.drainedAt !== null) steps.push([n.drainedAt, -1]);
  }
  // At one time, drains before joins: a node replacing another does not count both.
  steps.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  let live = 0;
  let peak = 0;
  for (const [, delta] of steps) {
    live += delta;
    if (live > peak) peak = live;
  }
  return { configured, end: live, peak };
}

/** Per node group: its settings and figures. */
function groupReports(c: Cluster, nodes: readonly NodeReport[]): NodeGroupReport[] {
  const end = c.sim.now;
  return c.scenario.nodeGroups.map((g, gi) => {
    const gm = c.metrics.group(gi);
    const gn = nodes.filter((n) => n.group === g.name);
    const cfg = g.config;
    return {
      name: g.name,
      instanceType: g.instance.name,
      nodes: nodeCounts(gn, g.count),
      maxPods: g.maxPods,
      // IPv6 (ipamd.go StartNodeIPPoolManager): one /80 per node, no warm pool: no IPv4 pool mode applies.
      mode: cfg.enableIpv6 ? 'ipv6-prefix' : poolMode(cfg),
      prefixDelegation: g.pdFallback ? 'fallback' : cfg.enablePrefixDelegation ? 'on' : 'off',
      subnet: g.subnet,
      ...(g.eniConfigSubnet !== undefined ? { eniConfigSubnet: g.eniConfigSubnet } : {}),
      ...(g.zones.length > 1 ? { zones: g.zones } : {}),
      ...(g.autoscaler ? { autoscaler: g.autoscaler } : {}),
      ...(cfg.enablePodEni && !ipamdTrunkingCompatible(g.instance.name) ? { trunkSlot: false as const } : {}),
      settings: groupSettings(g, cordons(c)),
      ...(g.cilium ? { allocator: 'cilium-eni' as const, settings: ciliumNodeFields(g.cilium) } : {}),
      ...(g.azure ? { allocator: 'azure-cns-batch' as const, settings: azureFields(g.azure) } : {}),
      ...(g.allocator === 'ipamd-cordon-release' ? { allocator: 'ipamd-cordon-release' as const } : {}),
      ...(g.terway ? { allocator: 'terway-pool' as const, settings: terwayFields(g.terway) } : {}),
      ...(g.idleRelease
        ? {
            allocator: 'ipamd-idle-release' as const,
            settings: { ...groupSettings(g, cordons(c)), ...idleReleaseFields(g.idleRelease) },
          }
        : {}),
      podsRunning: gn.reduce((a, n) => a + n.podsRunning, 0),
      enis: gn.reduce((a, n) => a + n.enis.length, 0),
      ipsAttached: gm.attached.value,
      ipsAssigned: gm.assigned.value,
      attachedPeak: gm.attached.peak,
      idleMean: round2(gm.idle.mean(0, end)),
      failedAddAttempts: gm.failedAdds,
      podStartLatencyMs: censoredSummary(gm.latencies, c.metrics.censoredStarts(end, gi)),
      awsNodeRestarts: gn.reduce((a, n) => a + n.awsNodeRestarts, 0),
      notReadyMs: notReadySummary(gn),
    };
  });
}

/** What the reader should know that no figure says: ignored events, nodes that never launched, PD fallback. */
/** A node group with ENABLE_POD_ENI on a type that cannot take a trunk ENI. */
export function noTrunkWarning(group: string, type: string): string {
  return ipamdTrunkingCompatible(type)
    ? `${group}: ENABLE_POD_ENI on ${type}, which the branch ENI limits table does not list: ipamd keeps an ENI slot for a trunk but the VPC resource controller attaches none, so pods with security groups cannot run there`
    : `${group}: ENABLE_POD_ENI on ${type}, which cannot take a trunk ENI (IsTrunkingCompatible false): ipamd keeps no ENI slot for it and pods with security groups cannot run there`;
}

function runWarnings(c: Cluster, nodes: readonly NodeReport[]): string[] {
  const warnings: string[] = [];
  if (c.workloadStats.deletesOfUnknownPods > 0) {
    warnings.push(`${c.workloadStats.deletesOfUnknownPods} scripted deletes named pods that did not exist (ignored)`);
  }
  if (c.workloadStats.duplicateAdds > 0) {
    warnings.push(`${c.workloadStats.duplicateAdds} scripted adds named pods that already existed (ignored)`);
  }
  const unlaunched = nodes.filter((n) => !n.launched);
  if (unlaunched.length > 0) {
    const names =
      unlaunched
        .slice(0, 3)
        .map((n) => n.name)
        .join(', ') + (unlaunched.length > 3 ? ', ...' : '');
    warnings.push(
      `${unlaunched.length} nodes never launched: no address left in their subnet for the primary ENI (${names})`,
    );
  }
  if (c.nodeActionMisses > 0)
    warnings.push(`${c.nodeActionMisses} nodes named by cordon or drain items were not in the cluster then (ignored)`);
  for (const g of c.scenario.nodeGroups) {
    if (g.pdFallback)
      warnings.push(
        `${g.name}: ${g.instance.name} is neither Nitro nor bare metal; ipamd ignored ENABLE_PREFIX_DELEGATION and used secondary IPs`,
      );
    if (g.config.enablePodEni && branchEniLimit(g.instance.name) === 0)
      warnings.push(noTrunkWarning(g.name, g.instance.name));
  }
  return warnings;
}

/** The model parameters, each as one readable line. */
function modelSummary(model: Cluster['scenario']['model'], controller: boolean): Record<string, string> {
  const fmt = (d: Parameters<typeof describe>[0]): string => describe(d, formatDuration);
  return {
    'nodes.bootDelay': fmt(model.nodes.bootDelay),
    'nodes.terminateDelay': fmt(model.nodes.terminateDelay),
    'ec2.throttle': model.ec2.throttle ? 'account token buckets per API' : 'none',
    'ec2.sdkRetry': `${model.ec2.sdkRetry.maxAttempts} attempts, backoff up to ${formatDuration(model.ec2.sdkRetry.maxBackoffMs)}, quota ${model.ec2.sdkRetry.quota}`,
    'kubelet.retryBackoff': fmt(model.kubelet.retryBackoff),
    'ec2.eniVisibleDelay': fmt(model.ec2.eniVisibleDelay),
    ...Object.fromEntries(EC2_APIS.map((a) => [`ec2.latency.${a}`, fmt(model.ec2.latency[a])])),
    // The controller's own APIs only when it runs (other runs' settings read as before).
    ...(controller
      ? Object.fromEntries(CONTROLLER_APIS.map((a) => [`ec2.latency.${a}`, fmt(model.ec2.latency[a])]))
      : {}),
    'ipamd.startDelay': fmt(model.ipamd.startDelay),
    'ipamd.eniSetup': fmt(model.ipamd.eniSetup),
    'ipamd.placement': model.ipamd.placement,
    'ipamd.loopInterval': formatDuration(model.ipamd.timers.loopIntervalMs),
  };
}

/** Pod counts at the end of the run. */
function podsReport(c: Cluster, running: number, waiting: number): RunReport['pods'] {
  const m = c.metrics;
  const unschedulable = c.kubelet.scheduler.pendingCount;
  return {
    requested: m.requested,
    started: m.started,
    deleted: m.deleted,
    running,
    pending: unschedulable + waiting,
    unschedulable,
    waitingForIp: waiting,
    neverStarted: m.requested - m.started,
    failedAddAttempts: m.failedAddAttempts,
    podsWithFailedAdd: m.podsWithFailedAdd,
    neverStartedSubnetFull: m.neverStartedSubnetFull(c.sim.now),
  };
}

/** Nodes joining and leaving, and how long they took to be useful. */
function lifecycleReport(c: Cluster, nodes: readonly NodeReport[]): RunReport['nodeLifecycle'] {
  const m = c.metrics;
  const spans = (from: (n: NodeReport) => number | null, to: (n: NodeReport) => number | null): number[] =>
    nodes.flatMap((n) => {
      const a = from(n);
      const b = to(n);
      return a !== null && b !== null ? [b - a] : [];
    });
  return {
    joined: c.nodes.length - c.scenario.nodeGroups.reduce((a, g) => a + g.count, 0),
    drained: nodes.filter((n) => n.drainedAt !== null).length,
    readyToFirstPodAddressMs: summarise(
      spans(
        (n) => n.readyAt,
        (n) => n.firstPodAddressAt,
      ),
    ),
    joinToPoolAtTargetMs: summarise(
      spans(
        (n) => n.joinedAt,
        (n) => n.poolAtTargetAt,
      ),
    ),
    lastWaitingPodStartedAt: m.lastWaitedStartAt >= 0 ? m.lastWaitedStartAt : null,
    awsNodeRestarts: nodes.reduce((a, n) => a + n.awsNodeRestarts, 0),
    nodesRestarted: nodes.filter((n) => n.awsNodeRestarts > 0).length,
    notReadyMs: notReadySummary(nodes),
  };
}

/** Cluster-wide address and ENI levels. */
function ipsReport(c: Cluster): RunReport['ips'] {
  const m = c.metrics;
  return {
    attachedPeak: m.attached.peak,
    assignedPeak: m.assigned.peak,
    idleMean: round2(m.idle.mean(0, c.sim.now)),
    idleIpSeconds: Math.round(m.idle.integral / 1000),
    coolingPeak: m.coolingPeak,
    attachedEnd: m.attached.value,
    assignedEnd: m.assigned.value,
    enisPeak: m.eniCount.peak,
    enisEnd: m.eniCount.value,
  };
}

/** EC2 calls, errors and the account's token buckets. */
function ec2Report(c: Cluster): RunReport['ec2'] {
  const m = c.metrics;
  return {
    calls: sortedRecord(m.calls, EC2_APIS),
    throttled: sortedRecord(m.throttled, EC2_APIS),
    retries: sortedRecord(m.retries, EC2_APIS),
    failures: sortedRecord(m.failures, EC2_APIS),
    errors: sortedRecord(m.errors),
    total: [...m.calls.values()].reduce((a, b) => a + b, 0),
    buckets: Object.fromEntries(
      [...c.ec2.buckets].map(([api, b]) => [
        api,
        {
          capacity: b.spec.capacity,
          refillPerSecond: b.spec.refillPerSecond,
          backgroundPerSecond: b.backgroundPerSecond,
          minTokens: round2(b.minTokens),
        },
      ]),
    ),
    leakedEnis: c.nodes.reduce((a, n) => a + n.ipamd.leakedEnis, 0),
  };
}

/** Each subnet's addresses and /28s over the run. */
function subnetReports(c: Cluster, nodes: readonly NodeReport[]): SubnetReport[] {
  return c.subnets.map((sn) => ({
    name: sn.name,
    cidr: cidrToString({ base: sn.base, length: sn.prefixLength }),
    availabilityZone: sn.availabilityZone,
    size: sn.size,
    awsReserved: sn.awsReserved,
    reservedPrefix: sn.reservedPrefix,
    reservedExplicit: sn.reservedExplicit,
    otherTenants: sn.tenants,
    nodes: nodes.filter((n) => n.subnet === sn.name).length,
    freeAddresses: { start: sn.startFree, min: sn.minFree, end: sn.freeAddresses },
    freeBlocks: { start: sn.startFreeBlocks, min: sn.minFreeBlocks, end: sn.freeBlocks },
    fragmentation: { start: round3(sn.startFragmentation), end: round3(sn.fragmentation) },
    errors: sortedRecord(sn.errors),
    firstErrorMs: sn.firstErrorAt >= 0 ? sn.firstErrorAt : null,
  }));
}

/**
 * Per availability zone (a node's zone is its primary subnet's), with each subnet's ENIs and addresses: only when
 * nodes ran in more than one zone. ENIs are only ever created in the node's zone, so a zone's ENIs are its
 * subnets' ENIs.
 */
function zoneReports(c: Cluster, nodes: readonly NodeReport[]): ZoneReport[] | undefined {
  const zoneOf = new Map(c.subnets.map((s) => [s.name, s.availabilityZone]));
  const zones = [...new Set(nodes.filter((n) => n.launched).map((n) => zoneOf.get(n.subnet) as string))];
  if (zones.length < 2) return undefined;
  const failed = (n: NodeReport): number => c.metrics.failedAddsByNode.get(n.name) ?? 0;
  const attached = (e: EniReport): number => e.ips + PREFIX_SIZE * e.prefixes;
  const sum = <T>(xs: readonly T[], f: (x: T) => number): number => xs.reduce((a, x) => a + f(x), 0);
  const allEnis = nodes.flatMap((n) => n.enis);
  const configured = new Set(
    c.nodes
      .slice(
        0,
        sum(c.scenario.nodeGroups, (g) => g.count),
      )
      .map((n) => n.runtime.name),
  );
  return [...zoneOf.values()]
    .filter((z, i, all) => all.indexOf(z) === i)
    .map((zone) => {
      const zn = nodes.filter((n) => zoneOf.get(n.subnet) === zone);
      const subnets = c.subnets.filter((s) => s.availabilityZone === zone);
      const enis = zn.flatMap((n) => n.enis);
      const errors = new Map<string, number>();
      for (const s of subnets) for (const [k, v] of s.errors) errors.set(k, (errors.get(k) ?? 0) + v);
      return {
        zone,
        nodes: nodeCounts(zn, zn.filter((n) => configured.has(n.name)).length),
        podsRunning: sum(zn, (n) => n.podsRunning),
        podsWaiting: sum(zn, (n) => n.podsWaiting),
        enis: enis.length,
        ipsAttached: sum(enis, attached),
        ipsAssigned: sum(enis, (e) => e.assigned),
        failedAddAttempts: sum(zn, failed),
        awsNodeRestarts: sum(zn, (n) => n.awsNodeRestarts),
        subnetErrors: sortedRecord(errors),
        subnets: subnets.map((s) => {
          const se = allEnis.filter((e) => e.subnet === s.name);
          const sn = zn.filter((n) => n.subnet === s.name);
          return {
            subnet: s.name,
            nodes: sn.length,
            enis: se.length,
            ipsAttached: sum(se, attached),
            ipsAssigned: sum(se, (e) => e.assigned),
            failedAddAttempts: sum(sn, failed),
            errors: sortedRecord(s.errors),
          };
        }),
      };
    })
    .filter((z) => z.nodes.configured > 0 || z.nodes.peak > 0 || z.subnets.some((s) => s.enis > 0));
}

/** The report of a finished run. */
export function buildReport(c: Cluster): RunReport {
  const s = c.scenario;
  const m = c.metrics;
  const { nodes, running, waiting, passes } = nodeReports(c);
  const zones = zoneReports(c, nodes);
  return {
    tool: TOOL,
    scenario: s.name,
    seed: c.seed,
    simulatedMs: c.sim.now,
    settings: {
      ipamd: { ...s.env },
      model: modelSummary(s.model, c.vpcrc !== undefined),
      ...(s.ciliumOperator ? { ciliumOperator: ciliumFlags(s.ciliumOperator) } : {}),
    },
    ...(c.ciliumOperator
      ? {
          ciliumOperator: {
            maintenances: c.ciliumOperator.maintenances,
            rateLimitedCalls: c.ciliumOperator.limiter.waited,
            longestRateLimitWaitMs: c.ciliumOperator.limiter.longestWaitMs,
          },
        }
      : {}),
    pods: podsReport(c, running, waiting),
    podStartLatencyMs: censoredSummary(m.latencies, m.censoredStarts(c.sim.now)),
    podCreateToStartMs: censoredSummary(
      m.createToStart,
      m.censoredCreates(c.sim.now, c.kubelet.scheduler.pendingCreatedAt()),
    ),
    podSchedulingWaitMs: m.schedulingWait.summary(),
    nodeLifecycle: lifecycleReport(c, nodes),
    ips: ipsReport(c),
    ec2: ec2Report(c),
    ipamd: { actions: sortedRecord(m.actions), passes },
    ...(cordons(c) ? { cordon: cordonReport(c, nodes) } : {}),
    ...(c.vpcrc ? { vpcResourceController: buildVpcrcReport(c, c.vpcrc) } : {}),
    subnets: subnetReports(c, nodes),
    ...(zones ? { zones } : {}),
    nodeGroups: groupReports(c, nodes),
    nodes,
    warnings: runWarnings(c, nodes),
    // Sampling events only observe the run: leave them out so the report is the same with or without them.
    engine: { events: c.sim.eventsProcessed - (c.timeseries?.samplesTaken ?? 0) },
  };
}

/** The report plus what the charts need. The cluster must have been built with {@link RunOptions.timeseries}. */
export function buildRunData(c: Cluster): RunData {
  if (!c.timeseries) throw new Error('buildRunData: the cluster records no time series (set RunOptions.timeseries)');
  return {
    report: buildReport(c),
    timeseries: c.timeseries.result(),
    latencies: {
      all: c.metrics.latencies.view(),
      groups: c.metrics.groups.map((g) => ({ name: g.name, values: g.latencies.view() })),
      ...(c.vpcrc ? { branch: [...c.vpcrc.stats.addToStart] } : {}),
    },
  };
}
