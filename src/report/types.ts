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
  /** Subnet it was created in. */
  subnet: string;
  /** Secondary /32 addresses attached (EC2 view). */
  ips: number;
  /** /28 prefixes attached (EC2 view; 16 pod addresses each). */
  prefixes: number;
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
  /** Subnet of its primary ENI. */
  subnet: string;
  /** False when the instance never launched (its subnet had no address for the primary ENI). */
  launched: boolean;
  podsRunning: number;
  podsWaiting: number;
  /** Lifecycle times in ms (null when it did not happen). */
  joinedAt: number | null;
  readyAt: number | null;
  firstPodAddressAt: number | null;
  /** First time after Ready that the pool had nothing left to grow. */
  poolAtTargetAt: number | null;
  drainedAt: number | null;
  enis: EniReport[];
}

/** One API's account bucket over the run. */
export interface BucketReport {
  capacity: number;
  refillPerSecond: number;
  backgroundPerSecond: number;
  /** Lowest token level reached. */
  minTokens: number;
}

export interface NodeGroupReport {
  name: string;
  instanceType: string;
  nodes: number;
  maxPods: number;
  mode: string;
  /** Prefix delegation: on, off, or requested but not honoured by the type ("fallback": secondary IPs). */
  prefixDelegation: 'on' | 'off' | 'fallback';
  subnet: string;
  /** Custom networking: the ENIConfig subnet. */
  eniConfigSubnet?: string;
  /** Effective ipamd settings after ipamd's parsing (Cilium's spec.ipam fields for a cilium-eni group). */
  settings: Record<string, number | boolean>;
  /** Present when another allocator than ipamd serves the group. */
  allocator?: 'cilium-eni' | 'azure-cns-batch';
  podsRunning: number;
  enis: number;
  ipsAttached: number;
  ipsAssigned: number;
  attachedPeak: number;
  idleMean: number;
  failedAddAttempts: number;
  podStartLatencyMs: LatencySummary;
}

/** Minimum over the run and values at the start (after other tenants, before any node) and at the end. */
export interface Span {
  start: number;
  min: number;
  end: number;
}

/** One subnet over the run. */
export interface SubnetReport {
  name: string;
  cidr: string;
  availabilityZone: string;
  /** Addresses in the CIDR block. */
  size: number;
  /** AWS's five, addresses in prefix / explicit reservations, addresses other tenants hold. */
  awsReserved: number;
  reservedPrefix: number;
  reservedExplicit: number;
  otherTenants: number;
  /** Nodes whose primary ENI is here. */
  nodes: number;
  /** Addresses neither AWS's nor held (EC2's AvailableIpAddressCount). */
  freeAddresses: Span;
  /** Free aligned /28s EC2 could hand out as prefixes (explicit reservations excluded). */
  freeBlocks: Span;
  /** Share of free addresses outside those /28s (0 to 1): prefix delegation fails at 1 with addresses left. */
  fragmentation: { start: number; end: number };
  /** EC2 errors this subnet caused, by code (including RunInstances for nodes that could not launch). */
  errors: Record<string, number>;
  /** Time (ms) of its first such error, null if none: when it ran out. */
  firstErrorMs: number | null;
}

export interface RunReport {
  tool: { name: string; version: string; models: string };
  scenario: string;
  seed: number;
  simulatedMs: number;
  settings: {
    ipamd: Record<string, string | number | boolean>;
    model: Record<string, string>;
    /** Cilium's operator flags, when a node group runs cilium-eni. */
    ciliumOperator?: Record<string, number | boolean>;
  };
  /** Cilium's operator, when a node group runs cilium-eni. */
  ciliumOperator?: {
    /** Maintenances run (one allocation or release action each). */
    maintenances: number;
    /** EC2 calls that waited for the operator's client-side rate limit, and the longest wait (ms). */
    rateLimitedCalls: number;
    longestRateLimitWaitMs: number;
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
    /** Never-started pods bound to a node whose subnet had run out (InsufficientFreeAddressesInSubnet/CidrBlocks). */
    neverStartedSubnetFull: number;
  };
  /** First CNI ADD to address assigned, over pods that started. */
  podStartLatencyMs: LatencySummary;
  /** Pod creation to address assigned (includes waiting for a node), over pods that started. */
  podCreateToStartMs: LatencySummary;
  /** Pod creation to binding on a node, over bound pods. */
  podSchedulingWaitMs: LatencySummary;
  /** Node lifecycle over nodes that got that far. */
  nodeLifecycle: {
    joined: number;
    drained: number;
    /** Ready to the first pod address on the node. */
    readyToFirstPodAddressMs: LatencySummary;
    /** Join (instance start) to the pool first having nothing to grow. */
    joinToPoolAtTargetMs: LatencySummary;
    /** Time the last pod that had to wait got its address (null if no pod waited). */
    lastWaitingPodStartedAt: number | null;
  };
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
  ec2: {
    /** Requests sent per API (every attempt, SDK retries included). */
    calls: Record<string, number>;
    /** Requests answered RequestLimitExceeded per API. */
    throttled: Record<string, number>;
    /** SDK retries per API. */
    retries: Record<string, number>;
    /** Calls that failed after the SDK's retries (what ipamd saw) per API. */
    failures: Record<string, number>;
    /** Error responses per code. */
    errors: Record<string, number>;
    total: number;
    /** Account token buckets (absent when throttling is off). */
    buckets: Record<string, BucketReport>;
    /** ENIs ipamd could not delete. */
    leakedEnis: number;
  };
  ipamd: { actions: Record<string, number>; passes: number };
  subnets: SubnetReport[];
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
