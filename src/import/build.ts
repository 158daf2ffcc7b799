/**
 * `warmpool-sim import`: turns what kubectl and the AWS CLI printed into a scenario (and a trace CSV). Every input
 * is read and checked before anything is built, so that every problem is reported at once; what is missing falls
 * back to a default the output names.
 */
import { blockSize, cidrContains, type Cidr } from '../aws/cidr.js';
import { defaultMaxPods, instanceType } from '../aws/instance-types.js';
import { InputError } from '../workload/problems.js';
import { readDaemonSet } from './daemonset.js';
import { readAudit, readEvents, type LifecycleEvent } from './lifecycle.js';
import { readNodes, type ImportedNode } from './nodes.js';
import { readPods, type ImportedPod } from './pods.js';
import {
  durationText,
  renderScenario,
  renderTrace,
  type InitialPod,
  type ScenarioDoc,
  type TraceRow,
} from './render.js';
import { Findings, formatJsonPath, type SourceFile } from './source.js';
import { readSubnets, type ImportedSubnet } from './subnets.js';

/** The files and settings of one import. */
export interface ImportInputs {
  nodes: SourceFile;
  daemonset?: SourceFile;
  subnets?: SourceFile;
  pods?: SourceFile;
  events?: SourceFile;
  audit?: SourceFile;
  /** Run length; default: the recorded window plus 5 minutes, at least 30 minutes. */
  durationMs?: number;
  /** Scenario name. */
  name: string;
  /** The trace file as the scenario refers to it (relative to the scenario's folder). */
  traceRef: string;
}

/** What an import produces. */
export interface ImportResult {
  scenarioYaml: string;
  /** The trace CSV, when a lifecycle source was given and recorded at least one event. */
  traceCsv?: string;
  /** Defaults used, one line each (also at the top of the scenario). */
  defaults: string[];
  /** What was skipped or ignored, one line each (also at the top of the scenario). */
  notes: string[];
}

/** Node group name when a node carries no group label. */
export const DEFAULT_GROUP = 'nodes';
/** Run length without a lifecycle source. */
export const DEFAULT_DURATION_MS = 30 * 60_000;
/** Time added after the last recorded event. */
export const TAIL_MS = 5 * 60_000;

/** Builds the scenario; throws {@link InputError} with every problem found in every file. */
export function importCluster(inp: ImportInputs): ImportResult {
  const f = new Findings();
  const defaults: string[] = [];
  const { nodes, fargate } = readNodes(inp.nodes, f);
  const nodesOk = !f.failed;
  const env = inp.daemonset ? readDaemonSet(inp.daemonset, f) : undefined;
  const subnets = inp.subnets ? readSubnets(inp.subnets, f) : undefined;
  const names = new Set(nodes.map((n) => n.name));
  // Without a node list a pod's node cannot be checked: every pod would be on an unknown node.
  const known = nodesOk ? { nodes: names, fargate } : undefined;
  const pods = inp.pods ? readPods(inp.pods, known, f) : undefined;
  const lifecycle = inp.events ? readEvents(inp.events, f) : inp.audit ? readAudit(inp.audit, f) : undefined;
  const placement = subnets ? placeNodes(nodes, subnets, inp.nodes.file, f) : undefined;
  if (f.failed) throw new InputError(f.problems);
  if (lifecycle?.length === 0) f.note('the lifecycle source records no pod creation or deletion: no trace');

  if (!inp.daemonset)
    defaults.push('no --daemonset: ipamd runs with the aws-node manifest defaults (WARM_ENI_TARGET=1, no IP targets)');
  if (!inp.subnets)
    defaults.push('no --subnets: one roomy default subnet (10.0.0.0/8) with no other tenants, so it never runs out');
  if (!inp.pods) defaults.push('no --pods: no pods run at the start');
  if (!lifecycle) defaults.push('no --events or --audit: no pods come or go after the start');

  const groups = groupNodes(nodes, placement, defaults);
  const nodeName = new Map<string, string>();
  for (const g of groups) g.nodes.forEach((n, k) => nodeName.set(n.name, `${g.name}-${k}`));

  const { initial, trace } = replay(pods ?? [], lifecycle ?? [], nodeName, f);
  const spanMs = trace.length ? trace[trace.length - 1].atMs : 0;
  let durationMs = inp.durationMs;
  if (durationMs === undefined) {
    durationMs = Math.max(DEFAULT_DURATION_MS, Math.ceil((spanMs + TAIL_MS) / 60_000) * 60_000);
    defaults.push(
      trace.length
        ? `no --duration: ${durationText(durationMs)} (the recorded ${durationText(spanMs)} plus ${durationText(TAIL_MS)}, at least ${durationText(DEFAULT_DURATION_MS)})`
        : `no --duration: ${durationText(durationMs)}`,
    );
  } else if (spanMs > durationMs) {
    f.note(`the run (${durationText(durationMs)}) ends before the last recorded event (${durationText(spanMs)})`);
  }

  const held = heldAddresses(nodes, pods ?? []);
  const doc: ScenarioDoc = {
    name: inp.name,
    durationMs,
    ...(env ? { env } : {}),
    ...(subnets && placement ? { subnets: subnetEntries(placement.kept, held) } : {}),
    groups: groups.map((g) => ({
      name: g.name,
      instanceType: g.instanceType,
      count: g.nodes.length,
      ...(g.maxPods !== undefined ? { maxPods: g.maxPods } : {}),
      ...(g.subnet !== undefined ? { subnet: g.subnet } : {}),
      realNames: g.nodes.map((n) => n.name),
    })),
    initial,
    ...(trace.length ? { traceRef: inp.traceRef } : {}),
    sources: sourceLines(inp, nodes.length, pods?.length, lifecycle?.length),
    defaults,
    notes: f.notes,
  };
  const firstTime = lifecycle?.length ? [...lifecycle].sort((a, b) => a.atMs - b.atMs)[0].time : undefined;
  return {
    scenarioYaml: renderScenario(doc),
    ...(trace.length ? { traceCsv: renderTrace(trace, (inp.events ?? inp.audit)?.file ?? '', firstTime ?? '') } : {}),
    defaults,
    notes: f.notes,
  };
}

function sourceLines(inp: ImportInputs, nodes: number, pods?: number, events?: number): string[] {
  const s = (n: number, w: string): string => `${n} ${w}${n === 1 ? '' : 's'}`;
  return [
    `nodes: ${inp.nodes.file} (${s(nodes, 'node')})`,
    ...(inp.daemonset ? [`daemonset: ${inp.daemonset.file}`] : []),
    ...(inp.subnets ? [`subnets: ${inp.subnets.file}`] : []),
    ...(inp.pods && pods !== undefined ? [`pods: ${inp.pods.file} (${s(pods, 'pod')} holding an address)`] : []),
    ...(inp.events && events !== undefined ? [`events: ${inp.events.file} (${s(events, 'pod event')})`] : []),
    ...(inp.audit && events !== undefined ? [`audit: ${inp.audit.file} (${s(events, 'pod event')})`] : []),
  ];
}

/** Which subnet each node is in, and which subnets the scenario keeps (those of the nodes' VPCs). */
interface Placement {
  subnetOf: Map<string, ImportedSubnet>;
  kept: ImportedSubnet[];
}

function placeNodes(
  nodes: readonly ImportedNode[],
  subnets: readonly ImportedSubnet[],
  file: string,
  f: Findings,
): Placement {
  const subnetOf = new Map<string, ImportedSubnet>();
  const byId = [...subnets].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  let fellBack = 0;
  for (const n of nodes) {
    const hit =
      n.ip === undefined ? undefined : byId.find((s) => cidrContains(s.cidr, { base: n.ip as number, length: 32 }));
    if (hit) {
      subnetOf.set(n.name, hit);
      continue;
    }
    const inZone = byId.find((s) => n.zone !== undefined && s.zone === n.zone);
    if (inZone) {
      fellBack++;
      subnetOf.set(n.name, inZone);
      continue;
    }
    if (subnets.length === 0) continue;
    f.error(
      file,
      formatJsonPath([...n.path, 'status', 'addresses']),
      `no subnet of the subnets file holds node ${n.name}'s address${n.ip === undefined ? ' (it has no InternalIP)' : ''} or lies in its zone${n.zone ? ` ${n.zone}` : ''}`,
    );
  }
  if (fellBack)
    f.note(
      `${fellBack} node${fellBack === 1 ? '' : 's'} without an address inside a listed subnet placed in the first subnet of their zone`,
    );
  const vpcs = new Set([...subnetOf.values()].map((s) => s.vpc));
  const kept = byId.filter((s) => vpcs.size === 0 || vpcs.has(s.vpc));
  const other = subnets.length - kept.length;
  if (other) f.note(`${other} subnet${other === 1 ? '' : 's'} of other VPCs left out`);
  return { subnetOf, kept };
}

interface Group {
  name: string;
  instanceType: string;
  subnet?: string;
  maxPods?: number;
  nodes: ImportedNode[];
}

/** A lower-case DNS label made of `s` ("m5.large" -> "m5-large"). */
export function dnsLabel(s: string): string {
  const l = s
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .replace(/-{2,}/g, '-');
  return l === '' ? 'x' : l;
}

/** One node group per (group label, instance type, subnet); names say what splits them. */
function groupNodes(nodes: readonly ImportedNode[], placement: Placement | undefined, defaults: string[]): Group[] {
  const sorted = [...nodes].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const unlabelled = sorted.filter((n) => n.group === undefined).length;
  if (unlabelled)
    defaults.push(
      `${unlabelled} node${unlabelled === 1 ? '' : 's'} without a node group label (eks.amazonaws.com/nodegroup, karpenter.sh/nodepool, alpha.eksctl.io/nodegroup-name): group "${DEFAULT_GROUP}"`,
    );
  const keyed = new Map<string, { label: string; type: string; subnet?: ImportedSubnet; nodes: ImportedNode[] }>();
  for (const n of sorted) {
    const label = n.group ?? DEFAULT_GROUP;
    const subnet = placement?.subnetOf.get(n.name);
    const key = JSON.stringify([label, n.instanceType, subnet?.id]);
    let g = keyed.get(key);
    if (!g) keyed.set(key, (g = { label, type: n.instanceType, ...(subnet ? { subnet } : {}), nodes: [] }));
    g.nodes.push(n);
  }
  const entries = [...keyed.values()];
  const taken = new Set<string>();
  const out: Group[] = [];
  for (const g of entries) {
    const same = entries.filter((e) => e.label === g.label);
    const parts = [dnsLabel(g.label)];
    if (new Set(same.map((e) => e.type)).size > 1) parts.push(dnsLabel(g.type));
    const sameType = same.filter((e) => e.type === g.type);
    if (new Set(sameType.map((e) => e.subnet?.id)).size > 1) {
      const zones = sameType.map((e) => e.subnet?.zone);
      const zoneUnique = g.subnet?.zone !== undefined && zones.filter((z) => z === g.subnet?.zone).length === 1;
      parts.push(dnsLabel(zoneUnique ? (g.subnet?.zone as string) : (g.subnet?.id ?? 'subnet')));
    }
    let name = parts.join('-');
    for (let k = 2; taken.has(name); k++) name = `${parts.join('-')}-${k}`;
    taken.add(name);
    const t = instanceType(g.type);
    const caps = g.nodes.map((n) => n.maxPods).filter((v): v is number => v !== undefined);
    const counts = new Map<number, number>();
    for (const c of caps) counts.set(c, (counts.get(c) ?? 0) + 1);
    const common = [...counts.entries()].sort((a, b) => b[1] - a[1] || a[0] - b[0])[0]?.[0];
    const def = t ? defaultMaxPods(t) : undefined;
    if (counts.size > 1)
      defaults.push(
        `node group ${name}: its nodes report different pod capacities (${[...counts.keys()].join(', ')}): maxPods ${common}, the most common`,
      );
    if (caps.length < g.nodes.length && caps.length === 0)
      defaults.push(`node group ${name}: no status.capacity.pods: maxPods ${def} (the ${g.type} default)`);
    out.push({
      name,
      instanceType: g.type,
      ...(g.subnet ? { subnet: dnsLabel(g.subnet.id) } : {}),
      ...(common !== undefined && common !== def ? { maxPods: common } : {}),
      nodes: g.nodes,
    });
  }
  return out;
}

/** Addresses the imported nodes are known to hold: their primary addresses and their pods' addresses. */
function heldAddresses(nodes: readonly ImportedNode[], pods: readonly ImportedPod[]): number[] {
  return [...nodes.map((n) => n.ip), ...pods.map((p) => p.ip)].filter((v): v is number => v !== undefined);
}

/**
 * Subnet entries. Other tenants' addresses: the subnet less AWS's five, the free count and what the imported nodes are
 * known to hold (an approximation: addresses the nodes hold for their warm pools count as other tenants').
 */
function subnetEntries(kept: readonly ImportedSubnet[], held: readonly number[]): NonNullable<ScenarioDoc['subnets']> {
  return kept.map((s) => {
    const size = blockSize(s.cidr.length);
    const inside = (c: Cidr, ip: number): boolean => ip >= c.base && ip < c.base + blockSize(c.length);
    const ours = held.filter((ip) => inside(s.cidr, ip)).length;
    const others = Math.max(0, Math.min(size - 5, size - 5 - s.available - ours));
    return {
      name: dnsLabel(s.id),
      cidr: s.cidrText,
      ...(s.zone !== undefined ? { availabilityZone: s.zone } : {}),
      ...(Object.keys(s.tags).length ? { tags: s.tags } : {}),
      ...(others > 0 ? { inUse: others } : {}),
    };
  });
}

/**
 * The pods at the start and the trace after it. The pods file and the lifecycle source are taken as saved at the
 * same time, at the end of the recorded window: a pod whose first recorded event is a deletion existed before the
 * window and starts at t=0; a pod of the pods file with no recorded event started before the window and starts at
 * t=0 too; every other pod follows its recorded lifecycle. Repeated events (a second Killing of another container,
 * the graceful then final delete) are dropped.
 */
function replay(
  pods: readonly ImportedPod[],
  events: readonly LifecycleEvent[],
  nodeName: ReadonlyMap<string, string>,
  f: Findings,
): { initial: InitialPod[]; trace: TraceRow[] } {
  const sorted = events.map((e, i) => ({ e, i })).sort((a, b) => a.e.atMs - b.e.atMs || a.i - b.i);
  const t0 = sorted[0]?.e.atMs ?? 0;
  const running = new Map<string, boolean>();
  const snapshot = new Map(pods.map((p) => [p.pod, p]));
  const initial: InitialPod[] = [];
  const trace: TraceRow[] = [];
  let repeated = 0;
  let unknownNode = 0;
  const mapNode = (real: string | undefined): string | undefined => {
    if (real === undefined) return undefined;
    const n = nodeName.get(real);
    if (n === undefined) unknownNode++;
    return n;
  };
  for (const { e } of sorted) {
    const state = running.get(e.pod);
    if (e.action === 'add') {
      if (state === true) {
        repeated++;
        continue;
      }
      running.set(e.pod, true);
      const node = mapNode(e.node);
      trace.push({ atMs: e.atMs - t0, action: 'add', pod: e.pod, ...(node ? { node } : {}) });
    } else {
      if (state === false) {
        repeated++;
        continue;
      }
      if (state === undefined) {
        const known = snapshot.get(e.pod)?.node ?? e.node;
        const node = known === undefined ? undefined : nodeName.get(known);
        initial.push({ pod: e.pod, ...(node ? { node } : {}) });
      }
      running.set(e.pod, false);
      trace.push({ atMs: e.atMs - t0, action: 'delete', pod: e.pod });
    }
  }
  let followed = 0;
  const atStart = new Set(initial.map((p) => p.pod));
  const first: InitialPod[] = [];
  for (const p of pods) {
    if (running.has(p.pod)) {
      if (!atStart.has(p.pod)) followed++;
      continue;
    }
    first.push({ pod: p.pod, node: nodeName.get(p.node) });
  }
  if (repeated)
    f.note(
      `${repeated} repeated pod event${repeated === 1 ? '' : 's'} dropped (one creation and one deletion per pod life)`,
    );
  if (unknownNode)
    f.note(
      `${unknownNode} recorded placement${unknownNode === 1 ? '' : 's'} on nodes the nodes file does not list: the scheduler places those pods`,
    );
  if (followed)
    f.note(
      `${followed} pod${followed === 1 ? '' : 's'} of the pods file created during the recorded window: they start at their recorded time`,
    );
  if (initial.length)
    f.note(
      `${initial.length} pod${initial.length === 1 ? '' : 's'} deleted during the recorded window but created before it: they start at t=0`,
    );
  return { initial: [...first, ...initial], trace };
}
