/**
 * Turns a schema-valid scenario into a runnable one: looks up instance types, parses the ipamd environment as
 * ipamd does, fills model defaults, reads trace files, and checks cross-references.
 */
import { readFileSync, statSync } from 'node:fs';
import { resolve as resolvePath } from 'node:path';
import { parseDuration } from '../util/duration.js';
import type { Distribution } from '../engine/distribution.js';
import { closest } from '../util/suggest.js';
import {
  instanceType,
  suggestInstanceType,
  supportsPrefixDelegation,
  type InstanceType,
} from '../aws/instance-types.js';
import { ALL_EC2_APIS, defaultEc2Params } from '../aws/ec2.js';
import { parseIpamdEnv, type EnvValue, type IpamdConfig } from '../ipam/config.js';
import { envOf, type EnvInputT, type EnvOf } from './env-input.js';
import { defaultIpamdParams } from '../ipam/params.js';
import { defaultKubeletParams } from '../kubelet/kubelet.js';
import { defaultVpcrcParams, MINIMAL_COOLDOWN_MS, type VpcrcParams } from '../vpcrc/params.js';
import type { SubnetSpec } from '../aws/subnet.js';
import { CILIUM_NODE_DEFAULTS, CILIUM_OPERATOR_DEFAULTS, type CiliumNodeSettings } from '../ipam/cilium.js';
import type { CiliumOperatorSettings } from '../ipam/cilium.js';
import { AZURE_BATCH_DEFAULTS, type AzureBatchSettings } from '../ipam/azure-batch.js';
import { TERWAY_POOL_DEFAULTS, type TerwayPoolSettings } from '../ipam/terway-pool.js';
import { IDLE_RELEASE_DEFAULTS, type IdleReleaseSettings } from '../ipam/idle-release.js';
import type {
  AzureInputT,
  IdleReleaseInputT,
  TerwayInputT,
  CiliumInputT,
  DistributionInputT,
  EniConfigInputT,
  ModelInput,
  NodeGroupInput,
  SubnetItemInput,
  VpcResourceControllerInputT,
  WorkloadItemInput,
} from './schema.js';
import type { NodeGroupSpec, PodEventSpec, Scenario, WorkloadSpec } from './scenario.js';
import type { Problem } from './problems.js';
import {
  capacityWarnings,
  eniConfigProblems,
  groupConfig,
  resolveGroupNetwork,
  resolveSubnets,
} from './resolve-network.js';
import { autoscalerSpec, controllerNameProblems, cronJobSpec, deploymentSpec, rateCurveSpec } from './shapes.js';

type Report = (path: readonly PropertyKey[], message: string, severity?: 'error' | 'warning', key?: string) => void;

/** A node group as written (valid or not): its name and count. */
export interface KnownGroup {
  name: string;
  count: number;
}

/** What resolution needs besides the scenario: where it came from and where its problems go. */
export interface ResolveCtx {
  file: string;
  baseDir: string;
  defaultName: string;
  report: Report;
  /** A path written in the scenario (relative to it), as the user can open it. */
  showPath(written: string): string;
  /** Names and counts of every node group written, valid or not; undefined when "nodeGroups" is not a list. */
  knownGroups: KnownGroup[] | undefined;
  /** Names of every subnet written, valid or not. */
  knownSubnets: string[];
}
type Ctx = ResolveCtx;

const dur = (v: string | number): number => parseDuration(v) as number;

/** Converts a distribution as written into a {@link Distribution}; reports impossible parameters. */
export function toDistribution(d: DistributionInputT, path: readonly PropertyKey[], report: Report): Distribution {
  if (typeof d === 'string' || typeof d === 'number') return { kind: 'constant', ms: dur(d) };
  if (d.constant !== undefined) return { kind: 'constant', ms: dur(d.constant) };
  if (d.uniform) {
    const [a, b] = d.uniform.map(dur);
    if (a > b) report([...path, 'uniform'], `minimum ${d.uniform[0]} is above maximum ${d.uniform[1]}`);
    return { kind: 'uniform', minMs: a, maxMs: b };
  }
  if (d.exponential !== undefined) return { kind: 'exponential', meanMs: dur(d.exponential) };
  const l = d.lognormal!;
  const medianMs = dur(l.median);
  const p99Ms = dur(l.p99);
  if (p99Ms < medianMs)
    report([...path, 'lognormal', 'p99'], `p99 (${l.p99}) must be at least the median (${l.median})`);
  return { kind: 'lognormal', medianMs, p99Ms, ...(l.max !== undefined ? { maxMs: dur(l.max) } : {}) };
}

function envProblems(e: EnvOf, report: Report): void {
  for (const issue of parseIpamdEnv(e.env).issues) {
    // An unknown name is located at the name itself; a bad value at the value.
    if (issue.message.startsWith('unknown ipamd variable')) {
      const at = e.nameAt(issue.key);
      report(at.path, issue.message, issue.severity, at.key);
    } else report(e.valueAt(issue.key), issue.message, issue.severity);
  }
}

/** The scenario as written, piece by piece: a piece that failed the schema is undefined (already reported). */
export interface ResolveInput {
  name?: string;
  description?: string;
  seed?: number;
  /** Undefined when missing or invalid: checks against the run's length are skipped. */
  duration?: string | number;
  ipamd?: EnvInputT;
  /** The cluster-wide allocator (default ipamd) and Cilium's settings. */
  allocator?:
    'ipamd' | 'cilium-eni' | 'azure-cns-batch' | 'ipamd-cordon-release' | 'terway-pool' | 'ipamd-idle-release';
  cilium?: CiliumInputT;
  azure?: AzureInputT;
  terway?: TerwayInputT;
  idleRelease?: IdleReleaseInputT;
  subnets?: (SubnetItemInput | undefined)[];
  /** ENIConfigs by name (custom networking). */
  eniConfigs?: Record<string, EniConfigInputT>;
  nodeGroups: (NodeGroupInput | undefined)[];
  workload: (WorkloadItemInput | undefined)[];
  model?: ModelInput;
  vpcResourceController?: VpcResourceControllerInputT;
}

/** Longest run the duration may ask for without a warning. */
const MAX_QUIET_DURATION_MS = 30 * 86_400_000;

/** Resolves a scenario; problems go through `ctx.report` (the returned list holds trace-file problems). */
export function resolveScenario(input: ResolveInput, ctx: Ctx): { scenario: Scenario; problems: Problem[] } {
  const { report } = ctx;
  const extra: Problem[] = [];
  const durationMs = input.duration === undefined ? Infinity : dur(input.duration);
  if (durationMs <= 0) report(['duration'], 'must be longer than 0');
  if (durationMs > MAX_QUIET_DURATION_MS && durationMs < Infinity) {
    report(
      ['duration'],
      `${String(input.duration)} is over 30 days of simulated time (every node's ipamd loop runs every 5 s): did you mean minutes or hours?`,
      'warning',
    );
  }
  const top = envOf(input.ipamd, ['ipamd'], report);
  const env = top.env;
  envProblems(top, report);
  const subnets = resolveSubnets(input.subnets, report);
  const nodeGroups = resolveNodeGroups(input, env, subnets, ctx);
  eniConfigProblems(
    input.eniConfigs,
    nodeGroups,
    nodeGroups.some((g) => g.config.customNetworking),
    { subnets, written: ctx.knownSubnets, eniConfigs: input.eniConfigs, report },
  );
  const refs = references(ctx);
  const workload: WorkloadSpec[] = [];
  input.workload.forEach((item, i) => {
    if (!item) return; // invalid: already reported
    const spec = resolveItem(item, i, { durationMs, duration: input.duration, refs, ctx, extra });
    if (spec) workload.push(spec);
  });
  scaleWarnings(workload, ctx.knownGroups ?? [], report);
  controllerNameProblems(workload, report);
  const model = resolveModel(input.model, report);
  const hasBranchPods = (w: (typeof workload)[number]): boolean =>
    w.kind === 'events'
      ? w.events.some((e) => e.branch)
      : (w.kind === 'burst' || w.kind === 'poisson') && w.branch === true;
  const sgp = workload.some(hasBranchPods);
  const firstSgp = workload.find(hasBranchPods);
  if (firstSgp && !nodeGroups.some((g) => g.config.enablePodEni))
    report(
      ['workload', firstSgp.index],
      'securityGroupPolicy pods need a node group with ENABLE_POD_ENI: true (no node gets a trunk ENI, so they stay pending)',
      'warning',
    );
  const vpcrc =
    input.vpcResourceController !== undefined || sgp ? resolveVpcrc(input.vpcResourceController, report) : undefined;
  return {
    scenario: {
      name: input.name ?? ctx.defaultName,
      ...(input.description !== undefined ? { description: input.description } : {}),
      ...(input.seed !== undefined ? { seed: input.seed } : {}),
      durationMs,
      env,
      subnets,
      nodeGroups,
      workload,
      model,
      ...(vpcrc ? { vpcResourceController: vpcrc } : {}),
      ...(nodeGroups.some((g) => g.allocator === 'cilium-eni') ? { ciliumOperator: ciliumOperator(input.cilium) } : {}),
    },
    problems: extra,
  };
}

/** The IPv4 pool settings IPv6 mode ignores (ipamd.go: "WARM and Min IP/Prefix targets are ignored in IPv6 mode"). */
const IPV4_POOL_SETTINGS = ['WARM_ENI_TARGET', 'WARM_IP_TARGET', 'MINIMUM_IP_TARGET', 'WARM_PREFIX_TARGET', 'MAX_ENI'];

/**
 * ENABLE_IPv6 as ipamd's isConfigValid (ipamd.go) checks it: prefix delegation on, no custom networking, a type
 * that honours prefix delegation, or ipamd does not start; IPv4 pool settings are ignored (a warning).
 */
function ipv6Problems(
  i: number,
  inst: InstanceType,
  c: IpamdConfig,
  env: Record<string, EnvValue>,
  report: Report,
): void {
  const p = ['nodeGroups', i];
  if (!c.enablePrefixDelegation || c.customNetworking)
    report(
      p,
      'ENABLE_IPv6=true needs ENABLE_PREFIX_DELEGATION=true and no custom networking (ipamd: "IPv6 is supported only in Prefix Delegation mode"); ipamd would not start',
    );
  else if (!supportsPrefixDelegation(inst))
    report(
      [...p, 'instanceType'],
      `${inst.name} is neither Nitro nor bare metal: IPv6 needs prefix delegation, so ipamd would not start`,
    );
  const set = IPV4_POOL_SETTINGS.filter((k) => k in env);
  if (set.length > 0)
    report(
      p,
      `IPv6 mode has no warm pool: ${set.join(', ')} ${set.length === 1 ? 'is' : 'are'} ignored (one /80 prefix per node; pods limited by maxPods)`,
      'warning',
    );
}

/** A CiliumNode's spec.ipam: what the scenario gives over Cilium's defaults. */
function ciliumNode(c: CiliumInputT): CiliumNodeSettings {
  const d = CILIUM_NODE_DEFAULTS;
  return {
    preAllocate: c['pre-allocate'] ?? d.preAllocate,
    minAllocate: c['min-allocate'] ?? d.minAllocate,
    maxAllocate: c['max-allocate'] ?? d.maxAllocate,
    maxAboveWatermark: c['max-above-watermark'] ?? d.maxAboveWatermark,
  };
}

/** The azure-cns-batch what-if's scaler: what the scenario gives over AKS's defaults. */
function azureScaler(a: AzureInputT): AzureBatchSettings {
  const d = AZURE_BATCH_DEFAULTS;
  return {
    batchSize: a['batch-size'] ?? d.batchSize,
    requestThresholdPercent: a['request-threshold-percent'] ?? d.requestThresholdPercent,
    releaseThresholdPercent: a['release-threshold-percent'] ?? d.releaseThresholdPercent,
    maxIpCount: a['max-ip-count'] ?? d.maxIpCount,
  };
}

/** The terway-pool what-if's pool: what the scenario gives over the defaults (durations in ms). */
function terwayPool(t: TerwayInputT, group: number, report: Report): TerwayPoolSettings {
  const d = TERWAY_POOL_DEFAULTS;
  const min = t.min_pool_size ?? d.minPoolSize;
  const max = t.max_pool_size ?? d.maxPoolSize;
  if (min > max)
    report(
      ['nodeGroups', group, 'terway', 'min_pool_size'],
      `min_pool_size (${min}) is above max_pool_size (${max}); set max_pool_size to at least ${min} (the cluster-wide terway block and the group's are merged)`,
    );
  return {
    minPoolSize: t.min_pool_size ?? d.minPoolSize,
    maxPoolSize: t.max_pool_size ?? d.maxPoolSize,
    ...(t.idle_ip_reclaim_after !== undefined ? { reclaimAfterMs: dur(t.idle_ip_reclaim_after) } : {}),
    reclaimIntervalMs: t.idle_ip_reclaim_interval !== undefined ? dur(t.idle_ip_reclaim_interval) : d.reclaimIntervalMs,
    reclaimBatchSize: t.idle_ip_reclaim_batch_size ?? d.reclaimBatchSize,
    reclaimJitterFactor: t.idle_ip_reclaim_jitter_factor ?? d.reclaimJitterFactor,
  };
}

/** ipamd-idle-release with WARM_IP_TARGET set does nothing more than ipamd: a warning (and undefined, to go on). */
function idleReleaseWarning(config: IpamdConfig, group: number, report: Report): undefined {
  if (config.warmIpTarget > 0)
    report(
      ['nodeGroups', group, 'allocator'],
      'ipamd-idle-release acts only when WARM_IP_TARGET is unset (#1409); with WARM_IP_TARGET set this group runs plain ipamd',
      'warning',
    );
  return undefined;
}

/** The ipamd-idle-release what-if's rule: what the scenario gives over the defaults. */
function idleRelease(t: IdleReleaseInputT): IdleReleaseSettings {
  const d = IDLE_RELEASE_DEFAULTS;
  return { afterMs: t.after !== undefined ? dur(t.after) : d.afterMs, keep: t.keep ?? d.keep };
}

/** The operator's flags: what the scenario gives over Cilium's defaults. */
function ciliumOperator(c: CiliumInputT | undefined): CiliumOperatorSettings {
  const d = CILIUM_OPERATOR_DEFAULTS;
  const ms = (v: string | number | undefined, dflt: number): number => (v === undefined ? dflt : dur(v));
  return {
    releaseExcessIps: c?.['aws-release-excess-ips'] ?? d.releaseExcessIps,
    excessIpReleaseDelayMs: ms(c?.['excess-ip-release-delay'], d.excessIpReleaseDelayMs),
    apiQps: c?.['limit-ipam-api-qps'] ?? d.apiQps,
    apiBurst: c?.['limit-ipam-api-burst'] ?? d.apiBurst,
    parallelWorkers: c?.['parallel-alloc-workers'] ?? d.parallelWorkers,
    resyncIntervalMs: Math.max(1, ms(c?.['resync-interval'], d.resyncIntervalMs)),
    nodeUpdateRateMs: ms(c?.['ipam-cilium-node-update-rate'], d.nodeUpdateRateMs),
    queueIntervalMs: d.queueIntervalMs,
  };
}

/** Every valid node group, with its instance type looked up and its ipamd environment parsed. */
function resolveNodeGroups(
  input: ResolveInput,
  env: Record<string, EnvValue>,
  subnets: SubnetSpec[],
  ctx: Ctx,
): NodeGroupSpec[] {
  const { report } = ctx;
  const nodeGroups: NodeGroupSpec[] = [];
  const seen = new Set<string>();
  input.nodeGroups.forEach((g, i) => {
    if (!g) return; // invalid: already reported
    if (seen.has(g.name)) report(['nodeGroups', i, 'name'], `duplicate node group name "${g.name}"`);
    seen.add(g.name);
    const own = envOf(g.ipamd, ['nodeGroups', i, 'ipamd'], report);
    if (g.ipamd) envProblems(own, report);
    const inst = instanceType(g.instanceType);
    if (!inst) {
      const hint = suggestInstanceType(g.instanceType);
      report(
        ['nodeGroups', i, 'instanceType'],
        `unknown instance type "${g.instanceType}"${hint ? `; did you mean ${hint}?` : ''}`,
      );
      return;
    }
    const merged = { ...env, ...own.env };
    const parsed = parseIpamdEnv(merged).config;
    if (parsed.enableIpv6) ipv6Problems(i, inst, parsed, merged, report);
    const { config, pdFallback, maxPods } = groupConfig(g, i, inst, parsed, report);
    // IPv6: pods are limited by maxPods only (a /80 each), so no address-capacity warning applies.
    if (!config.enableIpv6)
      capacityWarnings(g.ipamd === undefined ? g : { ...g, ipamd: own.env }, i, inst, config, report);
    const net = resolveGroupNetwork(g, i, merged, config.customNetworking, {
      subnets,
      written: ctx.knownSubnets,
      eniConfigs: input.eniConfigs,
      report,
    });
    const autoscaler = autoscalerSpec(g, i, report);
    nodeGroups.push({
      name: g.name,
      instance: inst,
      count: g.count,
      maxPods,
      podsPerNode: Math.min(g.podsPerNode ?? Infinity, maxPods - 2),
      env: merged,
      config,
      pdFallback,
      subnet: net.subnet,
      ...(net.eniConfigSubnet !== undefined ? { eniConfigSubnet: net.eniConfigSubnet } : {}),
      zones: net.zones,
      ...(autoscaler ? { autoscaler } : {}),
      ...((g.allocator ?? input.allocator) === 'cilium-eni'
        ? { allocator: 'cilium-eni' as const, cilium: ciliumNode({ ...input.cilium, ...g.cilium }) }
        : {}),
      ...((g.allocator ?? input.allocator) === 'azure-cns-batch'
        ? { allocator: 'azure-cns-batch' as const, azure: azureScaler({ ...input.azure, ...g.azure }) }
        : {}),
      ...((g.allocator ?? input.allocator) === 'ipamd-cordon-release'
        ? { allocator: 'ipamd-cordon-release' as const }
        : {}),
      ...((g.allocator ?? input.allocator) === 'terway-pool'
        ? { allocator: 'terway-pool' as const, terway: terwayPool({ ...input.terway, ...g.terway }, i, report) }
        : {}),
      ...((g.allocator ?? input.allocator) === 'ipamd-idle-release'
        ? (idleReleaseWarning(config, i, report) ?? {
            allocator: 'ipamd-idle-release' as const,
            idleRelease: idleRelease({ ...input.idleRelease, ...g.idleRelease }),
          })
        : {}),
    });
  });
  return nodeGroups;
}

/** Checks of names a workload item refers to: node groups and nodes (`<group>-<k>`). */
interface Refs {
  /** The scheduling constraint of `nodeGroup` ('*' when undefined); reports an unknown group at `path`. */
  constraint(nodeGroup: string | undefined, path: PropertyKey[]): string;
  /** Reports through `rep` a node that no group has. */
  checkNode(node: string, rep: (m: string) => void): void;
  /**
   * Checks a node named by a cordon or drain: an error for a name that is no group's `<group>-<k>`, a warning for
   * one beyond the nodes the group starts with (it must have joined by then).
   */
  checkLaterNode(node: string, rep: (m: string, severity: 'error' | 'warning') => void): void;
}

/** Node names offered as "did you mean" (beyond this, groups with fewer nodes are listed first). */
const MAX_NODE_SUGGESTIONS = 10_000;

function references(ctx: Ctx): Refs {
  const written = ctx.knownGroups;
  const groupNames = (written ?? []).map((g) => g.name);
  const counts = new Map((written ?? []).map((g) => [g.name, g.count]));
  let candidates: string[] | undefined;
  const suggestions = (): string[] => {
    candidates ??= (written ?? []).flatMap((g) =>
      Array.from({ length: Math.min(g.count, MAX_NODE_SUGGESTIONS) }, (_, k) => `${g.name}-${k}`),
    );
    return candidates;
  };
  const nodeExists = (node: string): boolean => {
    const m = /^(.*)-(0|[1-9]\d*)$/.exec(node);
    return m !== null && Number(m[2]) < (counts.get(m[1]) ?? 0);
  };
  return {
    constraint(nodeGroup, path) {
      if (nodeGroup === undefined) return '*';
      if (written && !groupNames.includes(nodeGroup)) {
        const hint = closest(nodeGroup, groupNames);
        ctx.report(
          path,
          `no node group "${nodeGroup}"${hint ? `; did you mean ${hint}?` : ` (groups: ${groupNames.join(', ')})`}`,
        );
      }
      return `group:${nodeGroup}`;
    },
    checkNode(node, rep) {
      if (!written || nodeExists(node)) return;
      const hint = closest(node, suggestions());
      rep(`no node "${node}"${hint ? `; did you mean ${hint}?` : ''} (nodes are named <group>-0, <group>-1, ...)`);
    },
    checkLaterNode(node, rep) {
      if (!written || nodeExists(node)) return;
      const m = /^(.*)-(0|[1-9]\d*)$/.exec(node);
      const count = m ? counts.get(m[1]) : undefined;
      if (m && count !== undefined)
        rep(
          `"${node}" is not among the ${count} node${count === 1 ? '' : 's'} "${m[1]}" starts with: it must have joined (a scale-out or an autoscaler) by then, or the item does nothing to it`,
          'warning',
        );
      else this.checkNode(node, (msg) => rep(msg, 'error'));
    },
  };
}

/** What resolving one workload item needs besides the item. */
interface ItemCtx {
  durationMs: number;
  duration: string | number | undefined;
  refs: Refs;
  ctx: Ctx;
  /** Problems located in other files (trace CSVs). */
  extra: Problem[];
}

/** One workload item, resolved (undefined when it cannot be: its problem is reported). */
function resolveItem(item: WorkloadItemInput, i: number, c: ItemCtx): WorkloadSpec | undefined {
  const p: PropertyKey[] = ['workload', i];
  const { report } = c.ctx;
  if (item.burst) {
    const b = item.burst;
    const atMs = dur(b.at);
    if (atMs > c.durationMs)
      report([...p, 'burst', 'at'], `after the end of the run (${String(c.duration)})`, 'warning');
    return {
      kind: 'burst',
      index: i,
      atMs,
      pods: b.pods,
      ...(b.lifetime !== undefined
        ? { lifetime: toDistribution(b.lifetime, [...p, 'burst', 'lifetime'], report) }
        : {}),
      name: b.name ?? `burst${i}`,
      constraint: c.refs.constraint(b.nodeGroup, [...p, 'burst', 'nodeGroup']),
      ...(b.securityGroupPolicy === true ? { branch: true as const } : {}),
    };
  }
  if (item.poisson) return poissonSpec(item.poisson, i, c);
  if (item.events) return { kind: 'events', index: i, events: eventSpecs(item.events, p, c) };
  const constraint = (g: string | undefined, path: PropertyKey[]): string => c.refs.constraint(g, path);
  if (item.deployment) return deploymentSpec(item.deployment, i, report, constraint);
  if (item.cronJob) {
    const toDist = (d: DistributionInputT, path: readonly PropertyKey[]) => toDistribution(d, path, report);
    return cronJobSpec(item.cronJob, i, report, toDist, constraint);
  }
  if (item.scale) {
    const sc = item.scale;
    c.refs.constraint(sc.nodeGroup, [...p, 'scale', 'nodeGroup']);
    return {
      kind: 'scale',
      index: i,
      atMs: dur(sc.at),
      nodeGroup: sc.nodeGroup,
      ...(sc.to !== undefined ? { to: sc.to } : {}),
      ...(sc.by !== undefined ? { by: sc.by } : {}),
      reschedule: sc.drain === 'reschedule',
    };
  }
  if (item.trace !== undefined) return traceSpec(item.trace, i, c);
  if (item.cordon) return nodeActionSpec('cordon', item.cordon, i, c);
  if (item.drain) return nodeActionSpec('drain', item.drain, i, c);
  if (item.uncordon) return nodeActionSpec('uncordon', item.uncordon, i, c);
  return undefined;
}

/** A cordon, drain or uncordon item: its nodes checked against the groups written. */
function nodeActionSpec(
  action: 'cordon' | 'drain' | 'uncordon',
  a: NonNullable<WorkloadItemInput['drain']>,
  i: number,
  c: ItemCtx,
): WorkloadSpec {
  const p: PropertyKey[] = ['workload', i, action];
  const { report } = c.ctx;
  const atMs = dur(a.at);
  if (atMs > c.durationMs) report([...p, 'at'], `after the end of the run (${String(c.duration)})`, 'warning');
  if (a.nodeGroup !== undefined) c.refs.constraint(a.nodeGroup, [...p, 'nodeGroup']);
  a.nodes?.forEach((n, j) => c.refs.checkLaterNode(n, (m, severity) => report([...p, 'nodes', j], m, severity)));
  return {
    kind: 'node-action',
    index: i,
    action,
    atMs,
    ...(a.nodes !== undefined ? { nodes: a.nodes } : {}),
    ...(a.nodeGroup !== undefined ? { nodeGroup: a.nodeGroup } : {}),
    ...(a.count !== undefined ? { count: a.count } : {}),
    ...(a.fraction !== undefined ? { fraction: a.fraction } : {}),
    ...(a.terminateAfter !== undefined ? { terminateAfterMs: dur(a.terminateAfter) } : {}),
  };
}

function poissonSpec(q: NonNullable<WorkloadItemInput['poisson']>, i: number, c: ItemCtx): WorkloadSpec {
  const p: PropertyKey[] = ['workload', i, 'poisson'];
  const { report } = c.ctx;
  const fromMs = dur(q.from);
  const toMs = dur(q.to);
  if (toMs <= fromMs) report([...p, 'to'], `must be after "from" (${q.from})`);
  const curve = q.rateCurve ? rateCurveSpec(q.rateCurve, [...p, 'rateCurve'], report) : undefined;
  return {
    kind: 'poisson',
    index: i,
    fromMs,
    toMs,
    ratePerMinute: curve ? curve.max : (q.ratePerMinute as number),
    ...(curve ? { curve: curve.curve } : {}),
    ...(q.lifetime !== undefined ? { lifetime: toDistribution(q.lifetime, [...p, 'lifetime'], report) } : {}),
    name: q.name ?? `poisson${i}`,
    constraint: c.refs.constraint(q.nodeGroup, [...p, 'nodeGroup']),
    ...(q.securityGroupPolicy === true ? { branch: true as const } : {}),
  };
}

function eventSpecs(
  items: NonNullable<WorkloadItemInput['events']>,
  p: readonly PropertyKey[],
  c: ItemCtx,
): PodEventSpec[] {
  const { report } = c.ctx;
  const events: PodEventSpec[] = [];
  items.forEach((e, j) => {
    const ep = [...p, 'events', j];
    if ((e.add === undefined) === (e.delete === undefined)) {
      report(ep, 'each event needs exactly one of "add" or "delete"');
      return;
    }
    if (e.delete !== undefined && (e.node !== undefined || e.lifetime !== undefined)) {
      report(ep, '"node" and "lifetime" only go with "add"');
    }
    if (e.node !== undefined) c.refs.checkNode(e.node, (m) => report([...ep, 'node'], m));
    events.push({
      atMs: dur(e.at),
      ...(e.add !== undefined ? { add: e.add } : {}),
      ...(e.delete !== undefined ? { delete: e.delete } : {}),
      ...(e.node !== undefined ? { node: e.node } : {}),
      ...(e.lifetime !== undefined ? { lifetime: toDistribution(e.lifetime, [...ep, 'lifetime'], report) } : {}),
      ...(e.securityGroupPolicy === true ? { branch: true as const } : {}),
    });
  });
  return events;
}

/** A trace item's events, read from its CSV (undefined when the file cannot be read: reported). */
function traceSpec(trace: string, i: number, c: ItemCtx): WorkloadSpec | undefined {
  const file = resolvePath(c.ctx.baseDir, trace);
  const shown = c.ctx.showPath(trace);
  const read = readTrace(file, shown, c.extra, (node, line, col, rep) =>
    c.refs.checkNode(node, (m) => rep(m, line, col)),
  );
  if (typeof read === 'string') {
    c.ctx.report(['workload', i, 'trace'], `cannot read trace file "${shown}" (${read})`);
    return undefined;
  }
  return { kind: 'events', index: i, events: read };
}

/**
 * Warns where a `scale ... by` takes a group below zero nodes (the model clamps to zero): each group's count is
 * followed from its configured count through its scale items in time order.
 */
function scaleWarnings(workload: readonly WorkloadSpec[], groups: readonly KnownGroup[], report: Report): void {
  const steps = workload
    .filter((w): w is Extract<WorkloadSpec, { kind: 'scale' }> => w.kind === 'scale')
    .sort((a, b) => a.atMs - b.atMs || a.index - b.index);
  const counts = new Map(groups.map((g) => [g.name, g.count]));
  for (const s of steps) {
    const current = counts.get(s.nodeGroup);
    if (current === undefined) continue;
    const next = s.to ?? current + (s.by ?? 0);
    if (next < 0) {
      report(
        ['workload', s.index, 'scale', 'by'],
        `takes "${s.nodeGroup}" from ${current} node${current === 1 ? '' : 's'} to ${next}: clamped to 0`,
        'warning',
      );
    }
    counts.set(s.nodeGroup, Math.max(0, next));
  }
}

function resolveModel(m: ModelInput | undefined, report: Report): Scenario['model'] {
  const nodes = defaultNodeParams();
  if (m?.nodes?.bootDelay !== undefined)
    nodes.bootDelay = toDistribution(m.nodes.bootDelay, ['model', 'nodes', 'bootDelay'], report);
  if (m?.nodes?.terminateDelay !== undefined)
    nodes.terminateDelay = toDistribution(m.nodes.terminateDelay, ['model', 'nodes', 'terminateDelay'], report);
  const kubelet = defaultKubeletParams();
  if (m?.kubelet?.retryBackoff !== undefined) {
    kubelet.retryBackoff = toDistribution(m.kubelet.retryBackoff, ['model', 'kubelet', 'retryBackoff'], report);
  }
  return { nodes, ec2: resolveEc2Model(m?.ec2, report), kubelet, ipamd: resolveIpamdModel(m?.ipamd, report) };
}

function resolveEc2Model(e: NonNullable<ModelInput>['ec2'], report: Report): Scenario['model']['ec2'] {
  const ec2 = defaultEc2Params();
  const base = ['model', 'ec2'];
  if (e?.throttle === 'none') ec2.throttle = undefined;
  else if (e?.throttle && ec2.throttle) {
    for (const api of ALL_EC2_APIS) {
      const b = e.throttle[api];
      if (b) ec2.throttle[api] = { ...b };
    }
  }
  if (e?.background)
    for (const api of ALL_EC2_APIS) if (e.background[api] !== undefined) ec2.background[api] = e.background[api];
  if (e?.throttledLatency !== undefined)
    ec2.throttledLatency = toDistribution(e.throttledLatency, [...base, 'throttledLatency'], report);
  const sr = e?.sdkRetry;
  if (sr) {
    if (sr.maxAttempts !== undefined) ec2.sdkRetry.maxAttempts = sr.maxAttempts;
    if (sr.baseBackoff !== undefined) ec2.sdkRetry.baseBackoffMs = dur(sr.baseBackoff);
    if (sr.maxBackoff !== undefined) ec2.sdkRetry.maxBackoffMs = dur(sr.maxBackoff);
    if (sr.quota !== undefined) ec2.sdkRetry.quota = sr.quota;
    if (sr.retryCost !== undefined) ec2.sdkRetry.retryCost = sr.retryCost;
  }
  if (e?.latency) {
    for (const api of ALL_EC2_APIS) {
      const d = e.latency[api];
      if (d !== undefined) ec2.latency[api] = toDistribution(d, [...base, 'latency', api], report);
    }
  }
  if (e?.eniVisibleDelay !== undefined)
    ec2.eniVisibleDelay = toDistribution(e.eniVisibleDelay, [...base, 'eniVisibleDelay'], report);
  return ec2;
}

function resolveIpamdModel(ip: NonNullable<ModelInput>['ipamd'], report: Report): Scenario['model']['ipamd'] {
  const ipamd = defaultIpamdParams();
  const base = ['model', 'ipamd'];
  if (ip?.startDelay !== undefined) ipamd.startDelay = toDistribution(ip.startDelay, [...base, 'startDelay'], report);
  if (ip?.eniSetup !== undefined) ipamd.eniSetup = toDistribution(ip.eniSetup, [...base, 'eniSetup'], report);
  if (ip?.placement) ipamd.placement = ip.placement;
  const t = ip?.timers;
  if (t) {
    const set = (v: string | number | undefined, k: keyof typeof ipamd.timers, name: string, min = 0): void => {
      if (v === undefined) return;
      const msv = dur(v);
      if (msv < min) report([...base, 'timers', name], `must be at least ${min} ms`);
      ipamd.timers[k] = msv;
    };
    set(t.loopInterval, 'loopIntervalMs', 'loopInterval', 2);
    set(t.decreaseInterval, 'decreaseIntervalMs', 'decreaseInterval');
    set(t.minEniLifetime, 'minEniLifetimeMs', 'minEniLifetime');
    set(t.insufficientAddressBackoff, 'insufficientAddressBackoffMs', 'insufficientAddressBackoff');
    set(t.detachToDelete, 'detachToDeleteMs', 'detachToDelete');
    set(t.reconcileInterval, 'reconcileIntervalMs', 'reconcileInterval');
  }
  return ipamd;
}

/**
 * Node lifecycle defaults (assumptions): boot to ipamd start lognormal median 60 s, p99 120 s (EC2 launch, OS boot,
 * kubelet registration and the aws-node pod start; no figure in the reference, typical EKS join times); drain to
 * termination 30 s.
 */
export function defaultNodeParams(): Scenario['model']['nodes'] {
  return {
    bootDelay: { kind: 'lognormal', medianMs: 60_000, p99Ms: 120_000 },
    terminateDelay: { kind: 'constant', ms: 30_000 },
  };
}

/** Largest trace CSV read (about 2 million events): past it, the trace is refused before it is read. */
export const MAX_TRACE_BYTES = 64 * 1024 * 1024;
/** Bad lines of one trace listed one by one; past this they are counted. */
const MAX_TRACE_PROBLEMS = 1000;

/**
 * Reads a trace CSV: `time,action,pod[,node]` per line, `#` comments, an optional header line.
 * Time is a duration ("90s", "1m30s") or a plain number of seconds; action is add or delete.
 * Returns why the file cannot be read instead when it cannot.
 */
function readTrace(
  path: string,
  shown: string,
  problems: Problem[],
  checkNode: (node: string, line: number, col: number, rep: (m: string, line: number, col: number) => void) => void,
): PodEventSpec[] | string {
  let text: string;
  try {
    const size = statSync(path).size;
    if (size > MAX_TRACE_BYTES)
      return `${(size / 1024 / 1024).toFixed(0)} MB; a trace is at most ${MAX_TRACE_BYTES / 1024 / 1024} MB`;
    text = readFileSync(path, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    return code === 'ENOENT' ? 'no such file' : (code ?? String(e));
  }
  const events: PodEventSpec[] = [];
  let bad = 0;
  const err = (message: string, line: number, col: number): void => {
    if (++bad <= MAX_TRACE_PROBLEMS) problems.push({ file: shown, line, col, path: '', message, severity: 'error' });
  };
  text.split(/\r?\n/).forEach((rawLine, i) => {
    const line = i + 1;
    const content = rawLine.replace(/#.*$/, '').trim();
    if (!content) return;
    const cells = rawLine.split(',');
    const colOf = (k: number): number =>
      cells.slice(0, k).reduce((n, c) => n + c.length + 1, 0) + 1 + (cells[k]?.search(/\S/) ?? 0);
    const [time, action, pod, node] = cells.map((c) => c.replace(/#.*$/, '').trim());
    if (events.length === 0 && /^time$/i.test(time)) return; // header
    const atMs = parseDuration(time);
    if (atMs === undefined)
      return err(`time "${time}" is not a duration (e.g. "90s", "1m30s", or seconds)`, line, colOf(0));
    if (action !== 'add' && action !== 'delete')
      return err(`action "${action ?? ''}" must be add or delete`, line, colOf(1));
    if (!pod) return err('missing pod name', line, colOf(2));
    if (action === 'delete' && node) return err('a node goes only with add', line, colOf(3));
    if (node) checkNode(node, line, colOf(3), err);
    events.push(action === 'add' ? { atMs, add: pod, ...(node ? { node } : {}) } : { atMs, delete: pod });
  });
  if (bad > MAX_TRACE_PROBLEMS) {
    const more = bad - MAX_TRACE_PROBLEMS;
    problems.push({
      file: shown,
      line: 0,
      col: 0,
      path: '',
      message: `${more} more bad lines not read`,
      severity: 'error',
    });
  }
  return events;
}

/** The VPC resource controller's settings: the defaults (src/vpcrc/params.ts) with the block's overrides. */
function resolveVpcrc(v: VpcResourceControllerInputT | undefined, report: Report): VpcrcParams {
  const p = defaultVpcrcParams();
  if (!v) return p;
  const base = ['vpcResourceController'];
  if (v.workers !== undefined) p.workers = v.workers;
  if (v.userQps !== undefined) p.userQps = v.userQps;
  if (v.userBurst !== undefined) p.userBurst = v.userBurst;
  if (v.instanceQps !== undefined) p.instanceQps = v.instanceQps;
  if (v.instanceBurst !== undefined) p.instanceBurst = v.instanceBurst;
  if (v.cooldown !== undefined) {
    p.cooldownMs = dur(v.cooldown);
    if (p.cooldownMs < MINIMAL_COOLDOWN_MS)
      report([...base, 'cooldown'], `${String(v.cooldown)} is below the controller's minimum; it uses 30s`, 'warning');
  }
  if (v.deleteQueuePeriod !== undefined) p.deleteQueuePeriodMs = dur(v.deleteQueuePeriod);
  if (v.nodeDeleteDelay !== undefined) p.nodeDeleteDelayMs = dur(v.nodeDeleteDelay);
  if (v.maxRetries !== undefined) p.maxRetries = v.maxRetries;
  if (v.watchDelay !== undefined) p.watchDelay = toDistribution(v.watchDelay, [...base, 'watchDelay'], report);
  if (v.annotateDelay !== undefined)
    p.annotateDelay = toDistribution(v.annotateDelay, [...base, 'annotateDelay'], report);
  return p;
}
