/** Writes an imported scenario as YAML (with what was assumed as comments at the top) and its trace as CSV. */
import { Document, isMap, isSeq } from 'yaml';

/** A pod added at t=0, with its node when known. */
export interface InitialPod {
  pod: string;
  node?: string;
}

/** A trace row: time from the first recorded event. */
export interface TraceRow {
  atMs: number;
  action: 'add' | 'delete';
  pod: string;
  node?: string;
}

/** The scenario as import builds it, before it is written. */
export interface ScenarioDoc {
  name: string;
  durationMs: number;
  env?: Record<string, string>;
  subnets?: {
    name: string;
    cidr: string;
    availabilityZone?: string;
    tags?: Record<string, string>;
    /** Other tenants' addresses. */
    inUse?: number;
  }[];
  groups: {
    name: string;
    instanceType: string;
    count: number;
    maxPods?: number;
    subnet?: string;
    /** The real node names, in the order of the scenario's node names (<group>-0, <group>-1, ...). */
    realNames: string[];
  }[];
  initial: InitialPod[];
  traceRef?: string;
  /** One line per input file. */
  sources: string[];
  defaults: string[];
  notes: string[];
}

/** Exact duration text: "45m", "1h30m", "1m30.5s", "0s". */
export function durationText(ms: number): string {
  if (ms <= 0) return '0s';
  const h = Math.floor(ms / 3_600_000);
  const m = Math.floor((ms % 3_600_000) / 60_000);
  const s = (ms % 60_000) / 1000;
  return `${h ? `${h}h` : ''}${m ? `${m}m` : ''}${s ? `${s}s` : ''}`;
}

/** Trace time: seconds, with milliseconds when there are any ("90", "12.345"). */
export function traceTime(ms: number): string {
  return String(ms / 1000);
}

const commented = (lines: readonly string[]): string => lines.map((l) => ` ${l}`).join('\n');

/** The scenario YAML: a header of comments (sources, defaults used, notes), then the scenario. */
export function renderScenario(d: ScenarioDoc): string {
  const workload: unknown[] = [];
  if (d.initial.length)
    workload.push({
      events: d.initial.map((p) => ({ at: '0s', add: p.pod, ...(p.node !== undefined ? { node: p.node } : {}) })),
    });
  if (d.traceRef !== undefined) workload.push({ trace: d.traceRef });
  const obj = {
    name: d.name,
    seed: 1,
    duration: durationText(d.durationMs),
    ...(d.env && Object.keys(d.env).length ? { ipamd: d.env } : {}),
    ...(d.subnets
      ? {
          subnets: d.subnets.map((s) => ({
            name: s.name,
            cidr: s.cidr,
            ...(s.availabilityZone !== undefined ? { availabilityZone: s.availabilityZone } : {}),
            ...(s.tags ? { tags: s.tags } : {}),
            ...(s.inUse !== undefined ? { inUse: { addresses: s.inUse, pattern: 'scattered' } } : {}),
          })),
        }
      : {}),
    nodeGroups: d.groups.map((g) => ({
      name: g.name,
      instanceType: g.instanceType,
      count: g.count,
      ...(g.maxPods !== undefined ? { maxPods: g.maxPods } : {}),
      ...(g.subnet !== undefined ? { subnet: g.subnet } : {}),
    })),
    workload,
  };
  const doc = new Document(obj);
  const header = [
    'Imported by warmpool-sim import from:',
    ...d.sources.map((s) => `  ${s}`),
    ...(d.defaults.length ? ['Defaults used:', ...d.defaults.map((s) => `  - ${s}`)] : []),
    ...(d.notes.length ? ['Notes:', ...d.notes.map((s) => `  - ${s}`)] : []),
    ...(d.subnets?.some((s) => s.inUse !== undefined)
      ? [
          "Other tenants' addresses (inUse) are the subnet less AWS's five, AvailableIpAddressCount and the addresses",
          'the imported nodes and pods are known to hold; addresses the nodes hold for their warm pools count as',
          "other tenants' too, so the subnets here are a little tighter than the real ones.",
        ]
      : []),
    'Run it: warmpool-sim run <this file>. Validate it: warmpool-sim validate <this file>.',
  ];
  doc.commentBefore = commented(header);
  const groups = doc.get('nodeGroups');
  if (isSeq(groups)) {
    groups.items.forEach((item, i) => {
      const g = d.groups[i];
      if (isMap(item)) item.commentBefore = commented(g.realNames.map((real, k) => `${g.name}-${k}: ${real}`));
    });
  }
  const subnets = doc.get('subnets');
  if (isSeq(subnets)) {
    for (const item of subnets.items) {
      if (!isMap(item)) continue;
      for (const key of ['tags', 'inUse']) {
        const v = item.get(key);
        if (isMap(v)) v.flow = true;
      }
    }
  }
  const items = doc.get('workload');
  if (isSeq(items)) {
    for (const item of items.items) {
      if (!isMap(item)) continue;
      const events = item.get('events');
      if (!isSeq(events)) continue;
      item.commentBefore = ' pods at the start (running now, or deleted during the recorded window), on their nodes';
      for (const e of events.items) if (isMap(e)) e.flow = true;
    }
  }
  return doc.toString({ lineWidth: 0 });
}

/** The trace CSV: `time,action,pod,node`, times in seconds from the first recorded event. */
export function renderTrace(rows: readonly TraceRow[], source: string, firstTime: string): string {
  const lines = [
    `# Imported by warmpool-sim import from ${source}: pod creations and deletions, times in seconds from the`,
    `# first recorded event (${firstTime}); node names are the scenario's (<group>-<n>), empty where the scheduler places the pod`,
    'time,action,pod,node',
    ...rows.map((r) => `${traceTime(r.atMs)},${r.action},${r.pod}${r.node !== undefined ? `,${r.node}` : ''}`),
  ];
  return lines.join('\n') + '\n';
}
