/**
 * The scenario file schema (zod). These names are the user-facing contract; `warmpool-sim schema` prints the
 * JSON Schema generated from it for editors.
 */
import * as z from 'zod';
import { ALL_EC2_APIS } from '../aws/ec2.js';
import { parseDuration } from '../util/duration.js';

/** A duration: "500ms", "90s", "1m30s", "2h", or a plain number of seconds. */
export const Duration = z
  .union([
    z
      .string()
      .refine((v) => parseDuration(v) !== undefined, 'expected a duration such as "500ms", "90s", "5m" or "1h30m"'),
    z.number().nonnegative(),
  ])
  .meta({ description: 'A duration: "500ms", "90s", "1m30s", "2h", or a plain number of seconds.' });

/** Exactly one key of an object of optional alternatives must be present. */
function oneOf<T extends z.ZodRawShape>(shape: T, what: string) {
  const keys = Object.keys(shape);
  return z.strictObject(shape).check((ctx) => {
    const present = keys.filter((k) => (ctx.value as Record<string, unknown>)[k] !== undefined);
    if (present.length !== 1) {
      ctx.issues.push({
        code: 'custom',
        input: ctx.value,
        message:
          present.length === 0
            ? `expected one of ${keys.map((k) => `"${k}"`).join(', ')} (${what})`
            : `only one of ${present.map((k) => `"${k}"`).join(', ')} may be given (${what})`,
      });
    }
  });
}

/** A distribution of durations. A bare duration means a constant. */
export const DistributionInput = z.union([
  Duration,
  oneOf(
    {
      constant: Duration.optional(),
      uniform: z.tuple([Duration, Duration]).optional().meta({ description: '[min, max]' }),
      exponential: Duration.optional().meta({ description: 'mean' }),
      lognormal: z
        .strictObject({ median: Duration, p99: Duration, max: Duration.optional() })
        .optional()
        .meta({ description: 'given by its median and 99th percentile, optionally capped' }),
    },
    'a distribution',
  ),
]);

export const EnvMap = z
  .record(z.string(), z.union([z.string(), z.number(), z.boolean()]))
  .meta({ description: 'aws-node container environment, as written in the DaemonSet.' });

/** One item of a DaemonSet's `env:` list: `- name: X` with `value: "y"` (or `valueFrom`, which a file cannot resolve). */
export const EnvEntry = z.strictObject({
  name: z.string(),
  value: z.union([z.string(), z.number(), z.boolean()]).optional(),
  valueFrom: z.record(z.string(), z.unknown()).optional(),
});

/** The aws-node environment: a map, or the DaemonSet's `env:` list pasted as is. */
export const EnvInput = z
  .union([EnvMap, z.array(EnvEntry)])
  .meta({ description: 'aws-node container environment: a map, or the DaemonSet env list (- name: X, value: "y")' });

/** The allocator of a node group's pod addresses. */
export const AllocatorName = z
  .enum(['ipamd', 'cilium-eni', 'azure-cns-batch', 'ipamd-cordon-release', 'terway-pool', 'ipamd-idle-release'])
  .meta({
    description:
      "who allocates pod addresses: ipamd (the VPC CNI, default), cilium-eni (Cilium's operator), or a what-if on ipamd's mechanics: azure-cns-batch (Azure CNS's batch law), terway-pool (Terway's min/max pool with idle reclaim), ipamd-idle-release (ipamd with #1409's release of idle addresses), ipamd-cordon-release (ipamd with its warm targets dropped to zero on cordoned nodes, #3263)",
  });

/** Terway's pool (eni-config names), for the terway-pool what-if. */
export const TerwayInput = z.strictObject({
  min_pool_size: z.number().int().nonnegative().optional().meta({ description: 'idle addresses kept at least (0)' }),
  max_pool_size: z.number().int().nonnegative().optional().meta({ description: 'idle addresses kept at most (5)' }),
  idle_ip_reclaim_after: Duration.optional().meta({ description: 'idle time before reclaim (unset: no reclaim)' }),
  idle_ip_reclaim_interval: Duration.optional().meta({ description: 'time between reclaim checks (10m)' }),
  idle_ip_reclaim_batch_size: z
    .number()
    .int()
    .min(1)
    .max(10)
    .optional()
    .meta({ description: 'most addresses one check reclaims, 1..10 (5)' }),
  idle_ip_reclaim_jitter_factor: z
    .number()
    .min(0)
    .max(1)
    .optional()
    .meta({ description: 'jitter of the check interval, 0..1 (0.1)' }),
});

/** #1409's idle release, for the ipamd-idle-release what-if. */
export const IdleReleaseInput = z.strictObject({
  after: Duration.optional().meta({ description: 'no pod event for this long: idle addresses are released (30m)' }),
  keep: z
    .number()
    .int()
    .min(1)
    .optional()
    .meta({ description: 'idle addresses kept on each node, at least 1 so that a new pod is seen (1)' }),
});

/** Azure CNS's NodeNetworkConfig scaler, for the azure-cns-batch what-if. */
export const AzureInput = z.strictObject({
  'batch-size': z.number().int().positive().optional().meta({ description: 'addresses per batch (16)' }),
  'request-threshold-percent': z.number().int().nonnegative().optional().meta({ description: 'grow below (50)' }),
  'release-threshold-percent': z.number().int().positive().optional().meta({ description: 'shrink above (150)' }),
  'max-ip-count': z.number().int().positive().optional().meta({ description: 'most addresses a node holds (250)' }),
});

const Count = z.number().int().nonnegative();

/** Cilium's CiliumNode spec.ipam fields (Documentation/network/concepts/ipam/eni.rst). */
export const CiliumNodeInput = z.strictObject({
  'pre-allocate': Count.optional().meta({ description: 'free addresses to keep on each node (Cilium default 8)' }),
  'min-allocate': Count.optional().meta({ description: 'addresses each node holds at least (0 = unset)' }),
  'max-allocate': Count.optional().meta({ description: 'addresses each node holds at most (0 = unset)' }),
  'max-above-watermark': Count.optional().meta({
    description: 'extra addresses per allocation beyond the deficit (default 0)',
  }),
});

/** Cilium's settings, cluster-wide: the node fields plus the operator's flags (cmdref/cilium-operator-aws.md). */
export const CiliumInput = CiliumNodeInput.extend({
  'aws-release-excess-ips': z.boolean().optional().meta({ description: 'release excess addresses (default false)' }),
  'excess-ip-release-delay': Duration.optional().meta({ description: 'how long an address stays excess first (180s)' }),
  'limit-ipam-api-qps': z.number().positive().optional().meta({ description: "operator's EC2 calls per second (4)" }),
  'limit-ipam-api-burst': z.number().int().positive().optional().meta({ description: "operator's EC2 burst (20)" }),
  'parallel-alloc-workers': z
    .number()
    .int()
    .positive()
    .optional()
    .meta({ description: 'nodes maintained at once (50)' }),
  'resync-interval': Duration.optional().meta({ description: "the operator's full resync (1m)" }),
  'ipam-cilium-node-update-rate': Duration.optional().meta({
    description: "least gap between an agent's CiliumNode updates (15s)",
  }),
});

const DnsLabel = z.string().regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, 'a lower-case DNS label such as "workers"');

/** A node group's autoscaler (src/run/autoscaler/): Cluster Autoscaler or Karpenter; defaults from their docs. */
export const AutoscalerInput = oneOf(
  {
    clusterAutoscaler: z
      .strictObject({
        minNodes: z.number().int().nonnegative().optional().meta({ description: 'default 0' }),
        maxNodes: z.number().int().positive(),
        scanInterval: Duration.optional().meta({ description: 'default 10s' }),
        scaleDownUtilizationThreshold: z.number().min(0).max(1).optional().meta({ description: 'default 0.5' }),
        scaleDownUnneededTime: Duration.optional().meta({ description: 'default 10m' }),
        scaleDownDelayAfterAdd: Duration.optional().meta({ description: 'default 10m' }),
      })
      .optional(),
    karpenter: z
      .strictObject({
        maxNodes: z.number().int().positive().meta({ description: 'the NodePool limit, in nodes' }),
        batchIdleDuration: Duration.optional().meta({ description: 'default 1s' }),
        batchMaxDuration: Duration.optional().meta({ description: 'default 10s' }),
        consolidationPolicy: z.enum(['WhenEmpty', 'WhenEmptyOrUnderutilized']).optional(),
        consolidateAfter: Duration.optional().meta({ description: 'default 0s' }),
      })
      .optional(),
  },
  'an autoscaler',
);

export const NodeGroup = z.strictObject({
  name: DnsLabel,
  instanceType: z.string(),
  count: z.number().int().nonnegative(),
  maxPods: z.number().int().min(3).optional().meta({ description: 'kubelet --max-pods; default ENIs*(IPs-1)+2' }),
  podsPerNode: z
    .number()
    .int()
    .positive()
    .optional()
    .meta({ description: 'workload pods that fit on a node by CPU/memory (scheduler only); default maxPods - 2' }),
  ipamd: EnvInput.optional(),
  allocator: AllocatorName.optional(),
  cilium: CiliumNodeInput.optional(),
  azure: AzureInput.optional(),
  terway: TerwayInput.optional(),
  idleRelease: IdleReleaseInput.optional(),
  subnet: z
    .string()
    .optional()
    .meta({ description: "the nodes' subnet (their primary ENI's); required when several subnets are given" }),
  subnets: z.array(z.string()).min(1).optional().meta({
    description: "the nodes' subnets, at most one per availability zone: the nodes spread over their zones",
  }),
  availabilityZones: z
    .union([z.array(z.string()).min(1), z.record(z.string(), z.number().positive())])
    .optional()
    .meta({
      description:
        'zones the nodes spread over (evenly), or { zone: weight }; default: the zones of "subnets" (or of "subnet")',
    }),
  labels: z.record(z.string(), z.string()).optional().meta({
    description: 'node labels (topology.kubernetes.io/zone is set from the zone); ENI_CONFIG_LABEL_DEF reads one',
  }),
  annotations: z
    .record(z.string(), z.string())
    .optional()
    .meta({ description: 'node annotations; ENI_CONFIG_ANNOTATION_DEF reads one (before the label)' }),
  eniConfig: z
    .strictObject({ subnet: z.string().meta({ description: 'subnet for secondary ENIs' }) })
    .optional()
    .meta({
      description:
        'custom networking (AWS_VPC_K8S_CNI_CUSTOM_NETWORK_CFG=true): the ENIConfig of these nodes, in place of the one "eniConfigs" selects',
    }),
  autoscaler: AutoscalerInput.optional().meta({
    description: 'grow and shrink this group: clusterAutoscaler or karpenter',
  }),
});

/** An ENIConfig custom resource (custom networking): the subnet secondary ENIs go to. */
export const EniConfigInput = z.strictObject({
  subnet: z.string().meta({ description: 'subnet for secondary ENIs; must be in the zone of the nodes using it' }),
  securityGroups: z
    .array(z.string())
    .optional()
    .meta({ description: 'accepted and ignored (security groups do not change addresses)' }),
});

/** A subnet CIDR reservation. */
export const Reservation = z.strictObject({ cidr: z.string(), type: z.enum(['prefix', 'explicit']) });

/** A subnet of the VPC, at the level of addresses. */
export const SubnetInput = z.strictObject({
  name: DnsLabel,
  cidr: z.string().meta({ description: 'IPv4 CIDR block, /16 to /28, e.g. "10.0.32.0/22"' }),
  availabilityZone: z
    .string()
    .optional()
    .meta({ description: 'subnet discovery only looks at subnets of the node subnet zone' }),
  tags: z
    .record(z.string(), z.union([z.string(), z.number(), z.boolean()]))
    .optional()
    .meta({ description: 'subnet tags; "kubernetes.io/role/cni": "1" makes it discoverable, "0" excludes it' }),
  inUse: z
    .strictObject({
      addresses: z
        .number()
        .int()
        .nonnegative()
        .optional()
        .meta({ description: 'count of addresses other tenants hold' }),
      pattern: z
        .enum(['scattered', 'contiguous'])
        .optional()
        .meta({ description: 'how they lie: scattered (default) or contiguous from the bottom' }),
      ranges: z
        .array(z.string())
        .min(1)
        .optional()
        .meta({ description: 'or exactly these: "10.0.32.10-10.0.32.50", CIDR blocks, single addresses' }),
    })
    .check((ctx) => {
      const v = ctx.value as { addresses?: number; ranges?: string[]; pattern?: string };
      if ((v.addresses === undefined) === (v.ranges === undefined)) {
        ctx.issues.push({
          code: 'custom',
          input: v,
          message: 'give either "addresses" (with an optional "pattern") or "ranges"',
        });
      } else if (v.ranges !== undefined && v.pattern !== undefined) {
        ctx.issues.push({ code: 'custom', input: v, message: '"pattern" goes with "addresses", not with "ranges"' });
      }
    })
    .optional()
    .meta({ description: 'addresses other tenants of the subnet hold for the whole run' }),
  reservations: z.array(Reservation).optional().meta({
    description:
      'subnet CIDR reservations: prefix (EC2 takes prefixes from here first) or explicit (never used automatically)',
  }),
});

const Placement = {
  name: z.string().optional().meta({ description: 'pod name prefix' }),
  nodeGroup: z.string().optional().meta({ description: 'only schedule these pods on this node group' }),
  securityGroupPolicy: z.boolean().optional().meta({
    description:
      'the pods match a SecurityGroupPolicy: each gets a branch ENI from the VPC resource controller (needs ENABLE_POD_ENI)',
  }),
};

const Burst = z.strictObject({
  at: Duration,
  pods: z.number().int().positive(),
  lifetime: DistributionInput.optional().meta({ description: 'time from start to deletion; default: until the end' }),
  ...Placement,
});

/** A daily curve of arrival rate (pods per minute); time 0 of the run is midnight. */
const RateCurve = oneOf(
  {
    points: z
      .array(z.tuple([Duration, z.number().nonnegative()]))
      .min(1)
      .optional()
      .meta({ description: '[[time of day, pods per minute], ...]: piecewise linear, repeating every 24h' }),
    sinusoid: z
      .strictObject({
        mean: z.number().nonnegative(),
        amplitude: z.number().nonnegative(),
        peakAt: Duration.meta({ description: 'time of day of the peak, e.g. "14h"' }),
        period: Duration.optional().meta({ description: 'default 24h' }),
      })
      .optional(),
  },
  'a rate curve',
);

const Poisson = z
  .strictObject({
    from: Duration,
    to: Duration,
    ratePerMinute: z.number().positive().optional(),
    rateCurve: RateCurve.optional().meta({ description: 'instead of ratePerMinute: a rate that follows the day' }),
    lifetime: DistributionInput.optional(),
    ...Placement,
  })
  .check((ctx) => {
    if ((ctx.value.ratePerMinute === undefined) === (ctx.value.rateCurve === undefined)) {
      ctx.issues.push({
        code: 'custom',
        input: ctx.value,
        message: 'give exactly one of "ratePerMinute" or "rateCurve"',
      });
    }
  });

const IntOrPercent = z.union([
  z.number().int().nonnegative(),
  z.string().regex(/^\d+%$/, 'a count or a percentage such as "25%"'),
]);

const Deployment = z.strictObject({
  name: DnsLabel,
  replicas: z.number().int().nonnegative(),
  maxSurge: IntOrPercent.optional().meta({ description: 'default "25%" (rounded up)' }),
  maxUnavailable: IntOrPercent.optional().meta({ description: 'default "25%" (rounded down)' }),
  readinessDelay: Duration.optional().meta({
    description: 'from a pod running to it counting as available; default 0',
  }),
  rollouts: z.array(Duration).optional().meta({ description: 'times of rolling updates (a new pod template)' }),
  replicaSteps: z
    .array(z.strictObject({ at: Duration, replicas: z.number().int().nonnegative() }))
    .optional()
    .meta({ description: 'replica counts set over time, as an HPA makes them' }),
  nodeGroup: Placement.nodeGroup,
});

const CronJob = z.strictObject({
  name: DnsLabel,
  schedule: z.string().meta({ description: 'cron "minute hour * * *", e.g. "*/15 * * * *"; time 0 is midnight' }),
  parallelism: z.number().int().positive().optional().meta({ description: 'pods per run; default 1' }),
  runTime: DistributionInput.meta({ description: 'how long each pod runs' }),
  nodeGroup: Placement.nodeGroup,
});

const PodEvent = z.strictObject({
  at: Duration,
  add: z.string().optional(),
  delete: z.string().optional(),
  node: z.string().optional(),
  lifetime: DistributionInput.optional(),
  securityGroupPolicy: z.boolean().optional().meta({ description: 'the added pod gets a branch ENI' }),
});

const Scale = z
  .strictObject({
    at: Duration,
    nodeGroup: z.string(),
    to: z.number().int().nonnegative().optional().meta({ description: 'target node count' }),
    by: z.number().int().optional().meta({ description: 'change in node count, e.g. +120 or -30' }),
    drain: z
      .enum(['delete', 'reschedule'])
      .optional()
      .meta({ description: "scale-in: delete the node's pods (default) or recreate them elsewhere" }),
  })
  .check((ctx) => {
    if ((ctx.value.to === undefined) === (ctx.value.by === undefined)) {
      ctx.issues.push({
        code: 'custom',
        input: ctx.value,
        message: 'give exactly one of "to" (node count) or "by" (change)',
      });
    }
  });

/** Which nodes a cordon, drain or uncordon acts on: named nodes, or a node group (all, or a count or fraction). */
const NodeSelection = {
  at: Duration,
  nodes: z
    .array(z.string())
    .min(1)
    .optional()
    .meta({ description: 'these nodes, by name (<group>-0, <group>-1, ...)' }),
  nodeGroup: z.string().optional().meta({ description: "this group's nodes, oldest first" }),
  count: z.number().int().positive().optional().meta({ description: 'with nodeGroup: this many of its nodes' }),
  fraction: z
    .number()
    .positive()
    .max(1)
    .optional()
    .meta({ description: 'with nodeGroup: this share of its nodes, rounded up, e.g. 0.25' }),
};

/** Exactly one of `nodes` or `nodeGroup`; `count` or `fraction` (not both) only with `nodeGroup`. */
function selectionCheck(ctx: {
  value: { nodes?: string[]; nodeGroup?: string; count?: number; fraction?: number };
  issues: z.core.$ZodRawIssue[];
}): void {
  const v = ctx.value;
  const issue = (message: string): void => void ctx.issues.push({ code: 'custom', input: v, message });
  if ((v.nodes === undefined) === (v.nodeGroup === undefined))
    issue('give exactly one of "nodes" (names) or "nodeGroup" (a group, with an optional "count" or "fraction")');
  else if (v.nodes !== undefined && (v.count !== undefined || v.fraction !== undefined))
    issue('"count" and "fraction" go with "nodeGroup", not with "nodes"');
  else if (v.count !== undefined && v.fraction !== undefined) issue('give "count" or "fraction", not both');
}

const Cordon = z.strictObject(NodeSelection).check(selectionCheck);

const Drain = z
  .strictObject({
    ...NodeSelection,
    terminateAfter: Duration.optional().meta({
      description: 'terminate each drained node this long after its pods were evicted (default: it stays)',
    }),
  })
  .check(selectionCheck);

export const WorkloadItem = oneOf(
  {
    scale: Scale.optional(),
    burst: Burst.optional(),
    poisson: Poisson.optional(),
    deployment: Deployment.optional(),
    cronJob: CronJob.optional(),
    events: z.array(PodEvent).optional(),
    trace: z.string().optional().meta({ description: 'CSV file (relative to the scenario): time,action,pod[,node]' }),
    cordon: Cordon.optional().meta({ description: 'kubectl cordon: the nodes take no new pods' }),
    drain: Drain.optional().meta({ description: "kubectl drain: cordon, then evict the nodes' pods (rescheduled)" }),
    uncordon: Cordon.optional().meta({ description: 'kubectl uncordon: the nodes take pods again' }),
  },
  'a workload item',
);

const LatencyMap = z.strictObject(
  Object.fromEntries(ALL_EC2_APIS.map((a) => [a, DistributionInput.optional()])) as Record<
    (typeof ALL_EC2_APIS)[number],
    z.ZodOptional<typeof DistributionInput>
  >,
);

const Bucket = z.strictObject({ capacity: z.number().positive(), refillPerSecond: z.number().positive() });
const ApiMap = <T extends z.ZodType>(v: T) =>
  z.strictObject(
    Object.fromEntries(ALL_EC2_APIS.map((a) => [a, v.optional()])) as Record<
      (typeof ALL_EC2_APIS)[number],
      z.ZodOptional<T>
    >,
  );

export const Model = z.strictObject({
  nodes: z
    .strictObject({
      bootDelay: DistributionInput.optional().meta({ description: 'scale-out to ipamd start' }),
      terminateDelay: DistributionInput.optional().meta({ description: 'drain to instance termination' }),
    })
    .optional(),
  ec2: z
    .strictObject({
      latency: LatencyMap.optional(),
      eniVisibleDelay: DistributionInput.optional(),
      throttle: z
        .union([z.literal('none'), ApiMap(Bucket)])
        .optional()
        .meta({ description: 'per-API account token buckets { capacity, refillPerSecond }, or "none"' }),
      background: ApiMap(z.number().nonnegative())
        .optional()
        .meta({ description: 'other tenants: requests per second per API' }),
      throttledLatency: DistributionInput.optional(),
      sdkRetry: z
        .strictObject({
          maxAttempts: z.number().int().min(1).optional(),
          baseBackoff: Duration.optional(),
          maxBackoff: Duration.optional(),
          quota: z.number().int().nonnegative().optional(),
          retryCost: z.number().int().nonnegative().optional(),
        })
        .optional(),
    })
    .optional(),
  kubelet: z.strictObject({ retryBackoff: DistributionInput.optional() }).optional(),
  ipamd: z
    .strictObject({
      startDelay: DistributionInput.optional(),
      eniSetup: DistributionInput.optional(),
      placement: z.enum(['random', 'first-fit']).optional(),
      timers: z
        .strictObject({
          loopInterval: Duration.optional(),
          decreaseInterval: Duration.optional(),
          minEniLifetime: Duration.optional(),
          insufficientAddressBackoff: Duration.optional(),
          detachToDelete: Duration.optional(),
          reconcileInterval: Duration.optional(),
        })
        .optional(),
    })
    .optional(),
});

/** The VPC resource controller's settings (security groups for pods); every field optional. */
export const VpcResourceControllerInput = z
  .strictObject({
    workers: z.number().int().positive().optional().meta({ description: 'work queue workers (default 30)' }),
    userQps: z.number().positive().optional().meta({ description: 'EC2 user client QPS (default 12)' }),
    userBurst: z.number().int().positive().optional().meta({ description: 'EC2 user client burst (default 18)' }),
    instanceQps: z
      .number()
      .positive()
      .optional()
      .meta({ description: 'EC2 instance client QPS, AssociateTrunkInterface (default 12)' }),
    instanceBurst: z
      .number()
      .int()
      .positive()
      .optional()
      .meta({ description: 'EC2 instance client burst (default 18)' }),
    cooldown: Duration.optional().meta({
      description: 'branch ENI cooldown before deletion (default 60s, at least 30s)',
    }),
    deleteQueuePeriod: Duration.optional().meta({ description: 'period of the delete queue pass (default 30s)' }),
    nodeDeleteDelay: Duration.optional().meta({ description: "delay before a removed node's branch ENIs go (1m)" }),
    maxRetries: z.number().int().nonnegative().optional().meta({ description: 'requeues of a failed job (default 5)' }),
    watchDelay: DistributionInput.optional().meta({ description: 'node Ready or pod bound to the queued job' }),
    annotateDelay: DistributionInput.optional().meta({ description: 'association to the pod annotation' }),
  })
  .meta({ description: 'security groups for pods: the VPC resource controller (trunk and branch ENIs)' });

/** The whole scenario file. */
export const ScenarioSchema = z
  .strictObject({
    $schema: z.string().optional(),
    name: z.string().optional(),
    description: z.string().optional(),
    seed: z.number().int().nonnegative().optional(),
    duration: Duration,
    ipamd: EnvInput.optional(),
    allocator: AllocatorName.optional(),
    cilium: CiliumInput.optional(),
    azure: AzureInput.optional(),
    terway: TerwayInput.optional(),
    idleRelease: IdleReleaseInput.optional(),
    subnets: z.array(SubnetInput).optional().meta({ description: 'VPC subnets; default: one roomy 10.0.0.0/8' }),
    eniConfigs: z.record(z.string(), EniConfigInput).optional().meta({
      description:
        'ENIConfigs by name (custom networking); each node selects one by annotation or label (ENI_CONFIG_ANNOTATION_DEF, ENI_CONFIG_LABEL_DEF), else "default"',
    }),
    nodeGroups: z.array(NodeGroup).min(1),
    workload: z.array(WorkloadItem).default([]),
    model: Model.optional(),
    vpcResourceController: VpcResourceControllerInput.optional(),
  })
  .meta({ title: 'warmpool-sim scenario' });

/**
 * The top level with sections checked separately (nodeGroups, workload items, model): validation runs per piece
 * so that one bad workload item does not hide the problems of the others.
 */
export const TopLevelSchema = ScenarioSchema.extend({
  subnets: z.array(z.unknown()).optional(),
  nodeGroups: z.array(z.unknown()).min(1),
  workload: z.array(z.unknown()).default([]),
  model: z.unknown().optional(),
});

/** A subnet with its reservations checked one by one (so one bad reservation does not hide the others). */
export const SubnetShell = SubnetInput.extend({ reservations: z.array(z.unknown()).optional() });

/** The scenario as written (after schema validation, before resolution). */
export type ScenarioInput = z.infer<typeof ScenarioSchema>;
export type DistributionInputT = z.infer<typeof DistributionInput>;
export type NodeGroupInput = z.infer<typeof NodeGroup>;
export type WorkloadItemInput = z.infer<typeof WorkloadItem>;
export type ModelInput = z.infer<typeof Model>;
export type VpcResourceControllerInputT = z.infer<typeof VpcResourceControllerInput>;
export type CiliumInputT = z.infer<typeof CiliumInput>;
export type AzureInputT = z.infer<typeof AzureInput>;
export type TerwayInputT = z.infer<typeof TerwayInput>;
export type IdleReleaseInputT = z.infer<typeof IdleReleaseInput>;
export type ReservationInput = z.infer<typeof Reservation>;
export type EniConfigInputT = z.infer<typeof EniConfigInput>;
/** A subnet as written, each reservation undefined where it failed the schema (already reported). */
export type SubnetItemInput = Omit<z.infer<typeof SubnetInput>, 'reservations'> & {
  reservations?: (ReservationInput | undefined)[];
};

/** JSON Schema of the scenario file, for editors. */
export function scenarioJsonSchema(): Record<string, unknown> {
  return z.toJSONSchema(ScenarioSchema, { io: 'input', unrepresentable: 'any' });
}
