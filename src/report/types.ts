/** The run report. JSON field names listed in the README are a contract; fields may be added. */
import type { AutoscalerSpec } from '../workload/scenario.js';

/** Durations (ms) over a set of pods or nodes. Every figure is null when the set is empty (count 0). */
export interface LatencySummary {
  /** Durations measured. */
  count: number;
  mean: number | null;
  /** Nearest-rank percentiles. */
  p50: number | null;
  p90: number | null;
  p99: number | null;
  max: number | null;
}

/**
 * A latency to an address where some pods never got one (censored): each such pod counts as waiting until the end
 * of the run (deleted or not), so its latency is known only to be at least that long. A figure that falls
 * among them is null, and its `...AtLeast` field gives the lower bound; `...AtLeast` fields appear only then. The
 * mean and the max are lower bounds whenever a pod is censored.
 * With no censored pod this is a plain {@link LatencySummary} with `censored: 0`.
 */
export interface CensoredLatency extends LatencySummary {
  /** Pods that never got an address (not in `count`). */
  censored: number;
  meanAtLeast?: number;
  p50AtLeast?: number;
  p90AtLeast?: number;
  p99AtLeast?: number;
  maxAtLeast?: number;
}

/** Nodes of a group: as configured, running at the end of the run, and most running at once. */
export interface NodeCounts {
  /** The scenario's count (nodes that exist at time 0). */
  configured: number;
  /** Launched, joined and not drained at the end. */
  end: number;
  /** Most nodes launched, joined and not yet drained at any one time. */
  peak: number;
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
  /** Times kubelet restarted aws-node because ipamd's nodeInit failed (handlePreScaling, ipamd.go). */
  awsNodeRestarts: number;
  /** Time (ms) from joining until Ready (or until drained or the end, if never Ready); null if it never joined. */
  notReadyMs: number | null;
  /** Present when the node was ever cordoned: last cordoned (ms), cordoned at the end, pods a drain evicted. */
  cordonedAt?: number;
  cordonedAtEnd?: boolean;
  podsEvicted?: number;
  enis: EniReport[];
}

/** Cordoned and drained nodes (present when the scenario has a cordon, drain or uncordon item). */
export interface CordonReport {
  /** Nodes ever cordoned (a drain cordons first), drained (their pods evicted), cordoned at the end. */
  nodesCordoned: number;
  nodesDrained: number;
  cordonedAtEnd: number;
  /** Pods evicted by drains; of them replaced by a new pod (the others were pinned to their node by name). */
  podsEvicted: number;
  podsRescheduled: number;
  /** Idle addresses (attached less assigned) on cordoned nodes: time-weighted mean over the run, integral, at the end. */
  idleMean: number;
  idleIpSeconds: number;
  idleEnd: number;
  /** Addresses attached to cordoned nodes at the end (terminated nodes hold none). */
  attachedEnd: number;
  /** Named nodes of a cordon or drain item that were not live when it ran (the item did nothing to them). */
  missedNodes: number;
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
  nodes: NodeCounts;
  maxPods: number;
  mode: string;
  /** Prefix delegation: on, off, or requested but not honoured by the type ("fallback": secondary IPs). */
  prefixDelegation: 'on' | 'off' | 'fallback';
  subnet: string;
  /** Custom networking: the ENIConfig subnet. */
  eniConfigSubnet?: string;
  /** Present when the group spans several zones: each zone's subnet, weight and ENIConfig. */
  zones?: import('../workload/scenario.js').ZonePlacement[];
  /** The group's autoscaler and its effective settings (durations in ms), when it has one. */
  autoscaler?: AutoscalerSpec;
  /**
   * false when ENABLE_POD_ENI is on but the type cannot take a trunk ENI (IsTrunkingCompatible false): ipamd keeps no
   * ENI slot for the trunk (absent otherwise).
   */
  trunkSlot?: false;
  /** Effective ipamd settings after ipamd's parsing (Cilium's spec.ipam fields for a cilium-eni group). */
  settings: Record<string, number | boolean>;
  /** Present when another allocator than ipamd serves the group. */
  allocator?: 'cilium-eni' | 'azure-cns-batch' | 'ipamd-cordon-release' | 'terway-pool' | 'ipamd-idle-release';
  podsRunning: number;
  enis: number;
  ipsAttached: number;
  ipsAssigned: number;
  attachedPeak: number;
  idleMean: number;
  failedAddAttempts: number;
  /** First CNI ADD to address, over the group's pods (those that never got one censored). */
  podStartLatencyMs: CensoredLatency;
  /** aws-node restarts over the group's nodes (nodeInit failures). */
  awsNodeRestarts: number;
  /** The group's nodes' NotReady times (see {@link NodeReport.notReadyMs}). */
  notReadyMs: LatencySummary;
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

/** Addresses and ENIs in one subnet at the end of the run (ENIs by the subnet they were created in). */
export interface SubnetUse {
  subnet: string;
  /** Nodes whose primary ENI is here. */
  nodes: number;
  enis: number;
  /** Pod addresses on those ENIs (secondary /32s, 16 per /28 prefix) and those assigned to pods. */
  ipsAttached: number;
  ipsAssigned: number;
  /** Failed CNI ADDs on nodes whose primary ENI is here. */
  failedAddAttempts: number;
  /** EC2 errors the subnet caused, by code. */
  errors: Record<string, number>;
}

/** One availability zone: its nodes (by their primary subnet's zone) and subnets. Sums over zones are the cluster's. */
export interface ZoneReport {
  zone: string;
  nodes: NodeCounts;
  podsRunning: number;
  /** Pods bound to the zone's nodes and waiting for an address at the end. */
  podsWaiting: number;
  /** ENIs of the zone's nodes at the end, and their pod addresses (attached, assigned). */
  enis: number;
  ipsAttached: number;
  ipsAssigned: number;
  failedAddAttempts: number;
  awsNodeRestarts: number;
  /** EC2 errors the zone's subnets caused, by code. */
  subnetErrors: Record<string, number>;
  /** Each subnet of the zone. */
  subnets: SubnetUse[];
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
  /** First CNI ADD to address assigned, over pods that reached a node (those that never got an address censored). */
  podStartLatencyMs: CensoredLatency;
  /** Pod creation to address assigned (includes waiting for a node), over every pod (never started: censored). */
  podCreateToStartMs: CensoredLatency;
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
    /** aws-node restarts (nodeInit failed) over all nodes, and on how many nodes. */
    awsNodeRestarts: number;
    nodesRestarted: number;
    /** Every joined node's NotReady time (see {@link NodeReport.notReadyMs}). */
    notReadyMs: LatencySummary;
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
  /** Per availability zone; present only when nodes run in more than one zone. */
  zones?: ZoneReport[];
  nodeGroups: NodeGroupReport[];
  nodes: NodeReport[];
  warnings: string[];
  engine: { events: number };
  /** Present only when the scenario cordons, drains or uncordons nodes. */
  cordon?: CordonReport;
  /** Security groups for pods: present only when the scenario runs the VPC resource controller. */
  vpcResourceController?: VpcrcReport;
}

/** One node's trunk ENI and branch ENIs. */
export interface TrunkReport {
  node: string;
  instanceType: string;
  /** BranchInterface of the type (the `vpc.amazonaws.com/pod-eni` capacity once the trunk is attached). */
  branchLimit: number;
  /** Node Ready (trunk requested) and trunk attached (capacity advertised), ms; null when not attached. */
  readyAt: number;
  attachedAt: number | null;
  attachMs: number | null;
  /** Most branch ENIs held at once (in use, cooling, being created), and at the end. */
  branchEnisPeak: number;
  branchEnisEnd: number;
  /** Branch-ENI pods bound at the end. */
  branchPodsEnd: number;
  /** Failed trunk init attempts (EC2 errors). */
  initFailures: number;
}

/** The VPC resource controller over the run (trunk and branch ENIs beside ipamd's warm pool). */
export interface VpcrcReport {
  settings: {
    workers: number;
    userQps: number;
    userBurst: number;
    instanceQps: number;
    instanceBurst: number;
    /** The cooldown the controller applies (s): the configured one, at least 30 s. */
    cooldownSeconds: number;
    deleteQueuePeriodSeconds: number;
    maxRetries: number;
  };
  branchPods: {
    started: number;
    /** Running at the end, and bound but without their branch ENI at the end. */
    running: number;
    waitingForBranchEni: number;
    /** First CNI ADD to start (the pod annotated with its branch ENI), over started branch-ENI pods. */
    startLatencyMs: LatencySummary;
    /** Creation to start (includes waiting for a node with branch capacity). */
    createToStartMs: LatencySummary;
    /** Pending for a node: most at once, time-weighted mean, at the end. */
    pendingPeak: number;
    pendingMean: number;
    pendingEnd: number;
    /** Pods that waited for a node although some node had a pod slot: only branch capacity was missing. */
    pendingForBranchCapacity: number;
  };
  /** Ready to trunk attached, over nodes whose trunk attached. */
  trunkAttachMs: LatencySummary;
  trunks: TrunkReport[];
  queue: { depthPeak: number; depthMean: number; jobs: number; requeues: number; dropped: number };
  ec2: {
    /** The controller's own calls per API (every attempt that reached EC2), and error codes. */
    calls: Record<string, number>;
    errors: Record<string, number>;
    total: number;
    /** Requests that waited for the client-side rate limit, and the total wait (ms). */
    rateLimited: { user: { requests: number; waitedMs: number }; instance: { requests: number; waitedMs: number } };
  };
  branchEnis: {
    created: number;
    deleted: number;
    /** Creations refused with ErrCurrentlyAtMaxCapacity (used plus cooling at the limit). */
    atCapacity: number;
    /** Existing at the end (in use, cooling or being deleted). */
    end: number;
  };
}

/** Everything the visual reports draw from one run: the report, its time series and every pod start latency. */
export interface RunData {
  report: RunReport;
  timeseries: import('./timeseries.js').TimeSeries;
  /**
   * Pod start latencies (ms) of every started pod, in start order: cluster-wide and per node group. Views of the
   * run's own latency logs (not copies), so drawing a large run's charts does not double its memory.
   */
  latencies: {
    all: ArrayLike<number>;
    groups: readonly { name: string; values: ArrayLike<number> }[];
    /** Branch-ENI pods' first CNI ADD to start (ms), when the run had the VPC resource controller. */
    branch?: readonly number[];
  };
}
