/** The run report. JSON field names listed in the README are a contract; fields may be added. */

export interface LatencySummary {
  count: number;
  mean: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
}

export interface EniReport {
  id: string;
  primary: boolean;
  deviceIndex: number;
  /** Secondary addresses attached (EC2 view). */
  ips: number;
  /** Addresses assigned to pods. */
  assigned: number;
  /** Whether ipamd has it in its datastore (false while being set up). */
  inDatastore: boolean;
}

export interface NodeReport {
  name: string;
  group: string;
  instanceType: string;
  maxPods: number;
  podsRunning: number;
  podsWaiting: number;
  enis: EniReport[];
}

export interface NodeGroupReport {
  name: string;
  instanceType: string;
  nodes: number;
  maxPods: number;
  mode: string;
  /** Effective ipamd settings after ipamd's parsing. */
  settings: Record<string, number | boolean>;
  podsRunning: number;
  enis: number;
  ipsAttached: number;
  ipsAssigned: number;
  attachedPeak: number;
  idleMean: number;
  failedAddAttempts: number;
  podStartLatencyMs: LatencySummary;
}

export interface RunReport {
  tool: { name: string; version: string; models: string };
  scenario: string;
  seed: number;
  simulatedMs: number;
  settings: {
    ipamd: Record<string, string | number | boolean>;
    model: Record<string, string>;
  };
  pods: {
    requested: number;
    started: number;
    deleted: number;
    running: number;
    /** Not started at the end: waiting for a node plus waiting for an address. */
    pending: number;
    unschedulable: number;
    waitingForIp: number;
    /** Requested but never given an address (pending at the end, or deleted first). */
    neverStarted: number;
    failedAddAttempts: number;
    /** Pods that failed at least one CNI ADD. */
    podsWithFailedAdd: number;
  };
  /** First CNI ADD to address assigned, over pods that started. */
  podStartLatencyMs: LatencySummary;
  ips: {
    attachedPeak: number;
    assignedPeak: number;
    /** Time-weighted mean of attached minus assigned. */
    idleMean: number;
    idleIpSeconds: number;
    coolingPeak: number;
    attachedEnd: number;
    assignedEnd: number;
    enisPeak: number;
    enisEnd: number;
  };
  ec2: { calls: Record<string, number>; errors: Record<string, number>; total: number };
  ipamd: { actions: Record<string, number>; passes: number };
  nodeGroups: NodeGroupReport[];
  nodes: NodeReport[];
  warnings: string[];
  engine: { events: number };
}

/** Everything the visual reports draw from one run: the report, its time series and every pod start latency. */
export interface RunData {
  report: RunReport;
  timeseries: import('./timeseries.js').TimeSeries;
  /** Pod start latencies (ms) of every started pod, in start order: cluster-wide and per node group. */
  latencies: { all: readonly number[]; groups: readonly { name: string; values: readonly number[] }[] };
}
