/**
 * Turns a schema-valid scenario into a runnable one: looks up instance types, parses the ipamd environment as
 * ipamd does, fills model defaults, reads trace files, and checks cross-references.
 */
import { readFileSync } from 'node:fs';
import { resolve as resolvePath } from 'node:path';
import { parseDuration } from '../util/duration.js';
import type { Distribution } from '../engine/distribution.js';
import { closest } from '../util/suggest.js';
import { instanceType, suggestInstanceType } from '../aws/instance-types.js';
import { defaultEc2Params, EC2_APIS } from '../aws/ec2.js';
import { parseIpamdEnv, type EnvValue } from '../ipam/config.js';
import { defaultIpamdParams } from '../ipam/params.js';
import { defaultKubeletParams } from '../kubelet/kubelet.js';
import type { DistributionInputT, ScenarioInput } from './schema.js';
import type { NodeGroupSpec, PodEventSpec, Scenario, WorkloadSpec } from './scenario.js';
import type { Problem } from './problems.js';
import { groupConfig, resolveGroupNetwork, resolveSubnets } from './resolve-network.js';

type Report = (path: readonly PropertyKey[], message: string, severity?: 'error' | 'warning', key?: string) => void;

interface Ctx {
  file: string;
  baseDir: string;
  defaultName: string;
  report: Report;
  /** Names and counts of every node group written, valid or not (for cross-reference checks). */
  knownGroups: { name: string; count: number }[];
  /** Names of every subnet written, valid or not. */
  knownSubnets: string[];
}

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

function envProblems(env: Record<string, EnvValue>, path: PropertyKey[], report: Report): void {
  for (const issue of parseIpamdEnv(env).issues) {
    // An unknown name is located at the name itself; a bad value at the value.
    if (issue.message.startsWith('unknown ipamd variable')) report(path, issue.message, issue.severity, issue.key);
    else report([...path, issue.key], issue.message, issue.severity);
  }
}

/** Resolves a scenario; problems go through `ctx.report` (the returned list holds trace-file problems). */
export function resolveScenario(input: ScenarioInput, ctx: Ctx): { scenario: Scenario; problems: Problem[] } {
  const { report } = ctx;
  const extra: Problem[] = [];
  const durationMs = dur(input.duration);
  if (durationMs <= 0) report(['duration'], 'must be longer than 0');
  const env = input.ipamd ?? {};
  envProblems(env, ['ipamd'], report);

  const subnets = resolveSubnets(input.subnets, report);
  const writtenSubnets = ctx.knownSubnets;
  const nodeGroups: NodeGroupSpec[] = [];
  const seen = new Set<string>();
  input.nodeGroups.forEach((g, i) => {
    if (!g) return; // invalid: already reported
    if (seen.has(g.name)) report(['nodeGroups', i, 'name'], `duplicate node group name "${g.name}"`);
    seen.add(g.name);
    if (g.ipamd) envProblems(g.ipamd, ['nodeGroups', i, 'ipamd'], report);
    const inst = instanceType(g.instanceType);
    if (!inst) {
      const hint = suggestInstanceType(g.instanceType);
      report(
        ['nodeGroups', i, 'instanceType'],
        `unknown instance type "${g.instanceType}"${hint ? `; did you mean ${hint}?` : ''}`,
      );
      return;
    }
    const merged = { ...env, ...(g.ipamd ?? {}) };
    const { config, pdFallback, maxPods } = groupConfig(g, i, inst, parseIpamdEnv(merged).config, report);
    const net = resolveGroupNetwork(g, i, subnets, writtenSubnets, config.customNetworking, report);
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
    });
  });
  const written = ctx.knownGroups;
  const groupNames = written.map((g) => g.name);
  const nodeNames = new Set(written.flatMap((g) => Array.from({ length: g.count }, (_, k) => `${g.name}-${k}`)));

  const constraint = (nodeGroup: string | undefined, path: PropertyKey[]): string => {
    if (nodeGroup === undefined) return '*';
    if (!groupNames.includes(nodeGroup)) {
      const hint = closest(nodeGroup, groupNames);
      report(
        path,
        `no node group "${nodeGroup}"${hint ? `; did you mean ${hint}?` : ` (groups: ${groupNames.join(', ')})`}`,
      );
    }
    return `group:${nodeGroup}`;
  };
  const checkNode = (node: string, path: PropertyKey[], rep: (m: string) => void = (m) => report(path, m)): void => {
    if (!nodeNames.has(node)) {
      const hint = closest(node, nodeNames);
      rep(`no node "${node}"${hint ? `; did you mean ${hint}?` : ''} (nodes are named <group>-0, <group>-1, ...)`);
    }
  };

  const workload: WorkloadSpec[] = [];
  input.workload.forEach((item, i) => {
    if (!item) return; // invalid: already reported
    const p: PropertyKey[] = ['workload', i];
    if (item.burst) {
      const b = item.burst;
      const atMs = dur(b.at);
      if (atMs > durationMs) report([...p, 'burst', 'at'], `after the end of the run (${input.duration})`, 'warning');
      workload.push({
        kind: 'burst',
        index: i,
        atMs,
        pods: b.pods,
        ...(b.lifetime !== undefined
          ? { lifetime: toDistribution(b.lifetime, [...p, 'burst', 'lifetime'], report) }
          : {}),
        name: b.name ?? `burst${i}`,
        constraint: constraint(b.nodeGroup, [...p, 'burst', 'nodeGroup']),
      });
    } else if (item.poisson) {
      const q = item.poisson;
      const fromMs = dur(q.from);
      const toMs = dur(q.to);
      if (toMs <= fromMs) report([...p, 'poisson', 'to'], `must be after "from" (${q.from})`);
      workload.push({
        kind: 'poisson',
        index: i,
        fromMs,
        toMs,
        ratePerMinute: q.ratePerMinute,
        ...(q.lifetime !== undefined
          ? { lifetime: toDistribution(q.lifetime, [...p, 'poisson', 'lifetime'], report) }
          : {}),
        name: q.name ?? `poisson${i}`,
        constraint: constraint(q.nodeGroup, [...p, 'poisson', 'nodeGroup']),
      });
    } else if (item.events) {
      const events: PodEventSpec[] = [];
      item.events.forEach((e, j) => {
        const ep = [...p, 'events', j];
        if ((e.add === undefined) === (e.delete === undefined)) {
          report(ep, 'each event needs exactly one of "add" or "delete"');
          return;
        }
        if (e.delete !== undefined && (e.node !== undefined || e.lifetime !== undefined)) {
          report(ep, '"node" and "lifetime" only go with "add"');
        }
        if (e.node !== undefined) checkNode(e.node, [...ep, 'node']);
        events.push({
          atMs: dur(e.at),
          ...(e.add !== undefined ? { add: e.add } : {}),
          ...(e.delete !== undefined ? { delete: e.delete } : {}),
          ...(e.node !== undefined ? { node: e.node } : {}),
          ...(e.lifetime !== undefined ? { lifetime: toDistribution(e.lifetime, [...ep, 'lifetime'], report) } : {}),
        });
      });
      workload.push({ kind: 'events', index: i, events });
    } else if (item.scale) {
      const sc = item.scale;
      constraint(sc.nodeGroup, [...p, 'scale', 'nodeGroup']);
      workload.push({
        kind: 'scale',
        index: i,
        atMs: dur(sc.at),
        nodeGroup: sc.nodeGroup,
        ...(sc.to !== undefined ? { to: sc.to } : {}),
        ...(sc.by !== undefined ? { by: sc.by } : {}),
        reschedule: sc.drain === 'reschedule',
      });
    } else if (item.trace !== undefined) {
      const traceFile = resolvePath(ctx.baseDir, item.trace);
      const events = readTrace(traceFile, item.trace, extra, (node, line, col, rep) =>
        checkNode(node, [], (m) => rep(m, line, col)),
      );
      if (events === undefined) report([...p, 'trace'], `cannot read trace file "${item.trace}"`);
      else workload.push({ kind: 'events', index: i, events });
    }
  });

  const model = resolveModel(input, report);
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
    },
    problems: extra,
  };
}

function resolveModel(input: ScenarioInput, report: Report): Scenario['model'] {
  const ec2 = defaultEc2Params();
  const kubelet = defaultKubeletParams();
  const ipamd = defaultIpamdParams();
  const nodes = defaultNodeParams();
  const m = input.model;
  const base = ['model'];
  if (m?.nodes?.bootDelay !== undefined)
    nodes.bootDelay = toDistribution(m.nodes.bootDelay, [...base, 'nodes', 'bootDelay'], report);
  if (m?.nodes?.terminateDelay !== undefined)
    nodes.terminateDelay = toDistribution(m.nodes.terminateDelay, [...base, 'nodes', 'terminateDelay'], report);
  const e = m?.ec2;
  if (e?.throttle === 'none') ec2.throttle = undefined;
  else if (e?.throttle && ec2.throttle) {
    for (const api of EC2_APIS) {
      const b = e.throttle[api];
      if (b) ec2.throttle[api] = { ...b };
    }
  }
  if (e?.background)
    for (const api of EC2_APIS) if (e.background[api] !== undefined) ec2.background[api] = e.background[api];
  if (e?.throttledLatency !== undefined)
    ec2.throttledLatency = toDistribution(e.throttledLatency, [...base, 'ec2', 'throttledLatency'], report);
  const sr = e?.sdkRetry;
  if (sr) {
    if (sr.maxAttempts !== undefined) ec2.sdkRetry.maxAttempts = sr.maxAttempts;
    if (sr.baseBackoff !== undefined) ec2.sdkRetry.baseBackoffMs = dur(sr.baseBackoff);
    if (sr.maxBackoff !== undefined) ec2.sdkRetry.maxBackoffMs = dur(sr.maxBackoff);
    if (sr.quota !== undefined) ec2.sdkRetry.quota = sr.quota;
    if (sr.retryCost !== undefined) ec2.sdkRetry.retryCost = sr.retryCost;
  }
  if (m?.ec2?.latency) {
    for (const api of EC2_APIS) {
      const d = m.ec2.latency[api];
      if (d !== undefined) ec2.latency[api] = toDistribution(d, [...base, 'ec2', 'latency', api], report);
    }
  }
  if (m?.ec2?.eniVisibleDelay !== undefined)
    ec2.eniVisibleDelay = toDistribution(m.ec2.eniVisibleDelay, [...base, 'ec2', 'eniVisibleDelay'], report);
  if (m?.kubelet?.retryBackoff !== undefined) {
    kubelet.retryBackoff = toDistribution(m.kubelet.retryBackoff, [...base, 'kubelet', 'retryBackoff'], report);
  }
  const ip = m?.ipamd;
  if (ip?.startDelay !== undefined)
    ipamd.startDelay = toDistribution(ip.startDelay, [...base, 'ipamd', 'startDelay'], report);
  if (ip?.eniSetup !== undefined) ipamd.eniSetup = toDistribution(ip.eniSetup, [...base, 'ipamd', 'eniSetup'], report);
  if (ip?.placement) ipamd.placement = ip.placement;
  const t = ip?.timers;
  if (t) {
    const set = (v: string | number | undefined, k: keyof typeof ipamd.timers, name: string, min = 0): void => {
      if (v === undefined) return;
      const msv = dur(v);
      if (msv < min) report([...base, 'ipamd', 'timers', name], `must be at least ${min} ms`);
      (ipamd.timers[k] as number) = msv;
    };
    set(t.loopInterval, 'loopIntervalMs', 'loopInterval', 2);
    set(t.decreaseInterval, 'decreaseIntervalMs', 'decreaseInterval');
    set(t.minEniLifetime, 'minEniLifetimeMs', 'minEniLifetime');
    set(t.insufficientAddressBackoff, 'insufficientAddressBackoffMs', 'insufficientAddressBackoff');
    set(t.detachToDelete, 'detachToDeleteMs', 'detachToDelete');
    set(t.reconcileInterval, 'reconcileIntervalMs', 'reconcileInterval');
  }
  return { nodes, ec2, kubelet, ipamd };
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

/**
 * Reads a trace CSV: `time,action,pod[,node]` per line, `#` comments, an optional header line.
 * Time is a duration ("90s", "1m30s") or a plain number of seconds; action is add or delete.
 */
function readTrace(
  path: string,
  shown: string,
  problems: Problem[],
  checkNode: (node: string, line: number, col: number, rep: (m: string, line: number, col: number) => void) => void,
): PodEventSpec[] | undefined {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
  const events: PodEventSpec[] = [];
  const err = (message: string, line: number, col: number): void => {
    problems.push({ file: shown, line, col, path: '', message, severity: 'error' });
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
  return events;
}
