/**
 * The scenario file schema (zod). These names are the user-facing contract; `warmpool-sim schema` prints the
 * JSON Schema generated from it for editors.
 */
import * as z from 'zod';
import { EC2_APIS } from '../aws/ec2.js';
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

/** The allocator of a node group's pod addresses. */
export const AllocatorName = z.enum(['ipamd', 'cilium-eni', 'azure-cns-batch']).meta({
  description:
    "who allocates pod addresses: ipamd (the VPC CNI, default), cilium-eni (Cilium's operator) or azure-cns-batch (a what-if: Azure CNS's batch law on ipamd's mechanics)",
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
  ipamd: EnvMap.optional(),
  allocator: AllocatorName.optional(),
  cilium: CiliumNodeInput.optional(),
  azure: AzureInput.optional(),
  subnet: z
    .string()
    .optional()
    .meta({ description: "the nodes' subnet (their primary ENI's); required when several subnets are given" }),
  eniConfig: z
    .strictObject({ subnet: z.string().meta({ description: 'subnet for secondary ENIs' }) })
    .optional()
    .meta({ description: 'custom networking (AWS_VPC_K8S_CNI_CUSTOM_NETWORK_CFG=true): the ENIConfig of these nodes' }),
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
};

const Burst = z.strictObject({
  at: Duration,
  pods: z.number().int().positive(),
  lifetime: DistributionInput.optional().meta({ description: 'time from start to deletion; default: until the end' }),
  ...Placement,
});

const Poisson = z.strictObject({
  from: Duration,
  to: Duration,
  ratePerMinute: z.number().positive(),
  lifetime: DistributionInput.optional(),
  ...Placement,
});

const PodEvent = z.strictObject({
  at: Duration,
  add: z.string().optional(),
  delete: z.string().optional(),
  node: z.string().optional(),
  lifetime: DistributionInput.optional(),
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

export const WorkloadItem = oneOf(
  {
    scale: Scale.optional(),
    burst: Burst.optional(),
    poisson: Poisson.optional(),
    events: z.array(PodEvent).optional(),
    trace: z.string().optional().meta({ description: 'CSV file (relative to the scenario): time,action,pod[,node]' }),
  },
  'a workload item',
);

const LatencyMap = z.strictObject(
  Object.fromEntries(EC2_APIS.map((a) => [a, DistributionInput.optional()])) as Record<
    (typeof EC2_APIS)[number],
    z.ZodOptional<typeof DistributionInput>
  >,
);

const Bucket = z.strictObject({ capacity: z.number().positive(), refillPerSecond: z.number().positive() });
const ApiMap = <T extends z.ZodType>(v: T) =>
  z.strictObject(
    Object.fromEntries(EC2_APIS.map((a) => [a, v.optional()])) as Record<(typeof EC2_APIS)[number], z.ZodOptional<T>>,
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

/** The whole scenario file. */
export const ScenarioSchema = z
  .strictObject({
    $schema: z.string().optional(),
    name: z.string().optional(),
    description: z.string().optional(),
    seed: z.number().int().nonnegative().optional(),
    duration: Duration,
    ipamd: EnvMap.optional(),
    allocator: AllocatorName.optional(),
    cilium: CiliumInput.optional(),
    azure: AzureInput.optional(),
    subnets: z.array(SubnetInput).optional().meta({ description: 'VPC subnets; default: one roomy 10.0.0.0/8' }),
    nodeGroups: z.array(NodeGroup).min(1),
    workload: z.array(WorkloadItem).default([]),
    model: Model.optional(),
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
export type CiliumInputT = z.infer<typeof CiliumInput>;
export type AzureInputT = z.infer<typeof AzureInput>;
export type ReservationInput = z.infer<typeof Reservation>;
/** A subnet as written, each reservation undefined where it failed the schema (already reported). */
export type SubnetItemInput = Omit<z.infer<typeof SubnetInput>, 'reservations'> & {
  reservations?: (ReservationInput | undefined)[];
};

/** JSON Schema of the scenario file, for editors. */
export function scenarioJsonSchema(): Record<string, unknown> {
  return z.toJSONSchema(ScenarioSchema, { io: 'input', unrepresentable: 'any' });
}
