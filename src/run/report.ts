/** Builds the {@link RunReport} from a finished cluster. */
import { describe } from '../engine/distribution.js';
import { formatDuration } from '../util/duration.js';
import { EC2_APIS } from '../aws/ec2.js';
import { poolMode } from '../ipam/config.js';
import { summarise } from '../report/tally.js';
import type { NodeReport, RunData, RunReport, SubnetReport } from '../report/types.js';
import { cidrToString } from '../aws/cidr.js';
import type { Cluster, RunOptions } from './cluster.js';
import type { CiliumNodeSettings, CiliumOperatorSettings } from '../ipam/cilium.js';
import type { AzureBatchSettings } from '../ipam/azure-batch.js';

/** Version of this tool and of the ipamd behaviour it models. */
export const TOOL = { name: 'warmpool-sim', version: '0.1.0', models: 'amazon-vpc-cni-k8s v1.23.1 (b52188387f2e)' };

const round2 = (x: number): number => Math.round(x * 100) / 100;
const round3 = (x: number): number => Math.round(x * 1000) / 1000;

function sortedRecord(m: Map<string, number>, order?: readonly string[]): Record<string, number> {
  const keys = order
    ? [...order.filter((k) => m.has(k)), ...[...m.keys()].filter((k) => !order.includes(k)).sort()]
    : [...m.keys()].sort();
  return Object.fromEntries(keys.map((k) => [k, m.get(k) as number]));
}

/** The report of a finished run. */
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

export function buildReport(c: Cluster): RunReport {
  const s = c.scenario;
  const end = c.sim.now;
  const m = c.metrics;
  let running = 0;
  let waiting = 0;
  let passes = 0;
  const nodes: NodeReport[] = c.nodes.map((n) => {
    const ds = n.ipamd.ds;
    running += ds.assigned;
    waiting += n.runtime.pods - ds.assigned;
    passes += n.ipamd.passes;
    const t = (v: number): number | null => (v >= 0 ? v : null);
    return {
      name: n.runtime.name,
      group: n.group,
      instanceType: n.ipamd.instance.name,
      maxPods: n.runtime.maxPods,
      subnet: n.ec2.subnet.name,
      launched: n.ipamd.launched,
      podsRunning: ds.assigned,
      podsWaiting: n.runtime.pods - ds.assigned,
      joinedAt: n.runtime.joinedAt <= end ? t(n.runtime.joinedAt) : null,
      readyAt: t(n.runtime.readyAt),
      firstPodAddressAt: t(n.runtime.firstPodAddressAt),
      poolAtTargetAt: t(n.ipamd.atTargetAt),
      drainedAt: t(n.runtime.drainedAt),
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
  const unschedulable = c.kubelet.scheduler.pendingCount;
  const groups = s.nodeGroups.map((g, gi) => {
    const gm = m.group(gi);
    const gn = nodes.filter((n) => n.group === g.name);
    const cfg = g.config;
    return {
      name: g.name,
      instanceType: g.instance.name,
      nodes: g.count,
      maxPods: g.maxPods,
      mode: poolMode(cfg),
      prefixDelegation: g.pdFallback
        ? ('fallback' as const)
        : cfg.enablePrefixDelegation
          ? ('on' as const)
          : ('off' as const),
      subnet: g.subnet,
      ...(g.eniConfigSubnet !== undefined ? { eniConfigSubnet: g.eniConfigSubnet } : {}),
      settings: {
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
      },
      ...(g.cilium
        ? {
            allocator: 'cilium-eni' as const,
            settings: ciliumNodeFields(g.cilium),
          }
        : {}),
      ...(g.azure ? { allocator: 'azure-cns-batch' as const, settings: azureFields(g.azure) } : {}),
      podsRunning: gn.reduce((a, n) => a + n.podsRunning, 0),
      enis: gn.reduce((a, n) => a + n.enis.length, 0),
      ipsAttached: gm.attached.value,
      ipsAssigned: gm.assigned.value,
      attachedPeak: gm.attached.peak,
      idleMean: round2(gm.idle.mean(0, end)),
      failedAddAttempts: gm.failedAdds,
      podStartLatencyMs: gm.latencies.summary(),
    };
  });
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
  for (const g of s.nodeGroups) {
    if (g.pdFallback)
      warnings.push(
        `${g.name}: ${g.instance.name} is neither Nitro nor bare metal; ipamd ignored ENABLE_PREFIX_DELEGATION and used secondary IPs`,
      );
  }
  const model = s.model;
  const fmt = (d: Parameters<typeof describe>[0]): string => describe(d, formatDuration);
  const modelSummary: Record<string, string> = {
    'nodes.bootDelay': fmt(model.nodes.bootDelay),
    'nodes.terminateDelay': fmt(model.nodes.terminateDelay),
    'ec2.throttle': model.ec2.throttle ? 'account token buckets per API' : 'none',
    'ec2.sdkRetry': `${model.ec2.sdkRetry.maxAttempts} attempts, backoff up to ${formatDuration(model.ec2.sdkRetry.maxBackoffMs)}, quota ${model.ec2.sdkRetry.quota}`,
    'kubelet.retryBackoff': fmt(model.kubelet.retryBackoff),
    'ec2.eniVisibleDelay': fmt(model.ec2.eniVisibleDelay),
    ...Object.fromEntries(EC2_APIS.map((a) => [`ec2.latency.${a}`, fmt(model.ec2.latency[a])])),
    'ipamd.startDelay': fmt(model.ipamd.startDelay),
    'ipamd.eniSetup': fmt(model.ipamd.eniSetup),
    'ipamd.placement': model.ipamd.placement,
    'ipamd.loopInterval': formatDuration(model.ipamd.timers.loopIntervalMs),
  };
  const idleMean = m.idle.mean(0, end);
  return {
    tool: TOOL,
    scenario: s.name,
    seed: c.seed,
    simulatedMs: end,
    settings: {
      ipamd: { ...s.env },
      model: modelSummary,
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
    pods: {
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
      neverStartedSubnetFull: m.neverStartedSubnetFull(end),
    },
    podStartLatencyMs: m.latencies.summary(),
    podCreateToStartMs: m.createToStart.summary(),
    podSchedulingWaitMs: m.schedulingWait.summary(),
    nodeLifecycle: {
      joined: c.nodes.length - s.nodeGroups.reduce((a, g) => a + g.count, 0),
      drained: nodes.filter((n) => n.drainedAt !== null).length,
      readyToFirstPodAddressMs: summarise(
        nodes
          .filter((n) => n.readyAt !== null && n.firstPodAddressAt !== null)
          .map((n) => (n.firstPodAddressAt as number) - (n.readyAt as number)),
      ),
      joinToPoolAtTargetMs: summarise(
        nodes
          .filter((n) => n.joinedAt !== null && n.poolAtTargetAt !== null)
          .map((n) => (n.poolAtTargetAt as number) - (n.joinedAt as number)),
      ),
      lastWaitingPodStartedAt: m.lastWaitedStartAt >= 0 ? m.lastWaitedStartAt : null,
    },
    ips: {
      attachedPeak: m.attached.peak,
      assignedPeak: m.assigned.peak,
      idleMean: round2(idleMean),
      idleIpSeconds: Math.round(m.idle.integral / 1000),
      coolingPeak: m.coolingPeak,
      attachedEnd: m.attached.value,
      assignedEnd: m.assigned.value,
      enisPeak: m.eniCount.peak,
      enisEnd: m.eniCount.value,
    },
    ec2: {
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
    },
    ipamd: { actions: sortedRecord(m.actions as Map<string, number>), passes },
    subnets: c.subnets.map((sn): SubnetReport => ({
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
    })),
    nodeGroups: groups,
    nodes,
    warnings,
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
      all: c.metrics.latencies.values(),
      groups: c.metrics.groups.map((g) => ({ name: g.name, values: g.latencies.values() })),
    },
  };
}
