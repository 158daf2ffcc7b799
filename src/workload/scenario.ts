/**
 * The resolved scenario: every duration in ms, every distribution parsed, instance types looked up and the
 * ipamd environment of each node group parsed as ipamd would.
 */
import type { Distribution } from '../engine/distribution.js';
import type { InstanceType } from '../aws/instance-types.js';
import type { SubnetSpec } from '../aws/subnet.js';
import type { Ec2Params } from '../aws/ec2.js';
import type { EnvValue, IpamdConfig } from '../ipam/config.js';
import type { IpamdParams } from '../ipam/params.js';
import type { KubeletParams } from '../kubelet/kubelet.js';
import type { VpcrcParams } from '../vpcrc/params.js';
import type { CiliumNodeSettings, CiliumOperatorSettings } from '../ipam/cilium.js';
import type { AzureBatchSettings } from '../ipam/azure-batch.js';
import type { TerwayPoolSettings } from '../ipam/terway-pool.js';
import type { IdleReleaseSettings } from '../ipam/idle-release.js';

/** One node group, resolved. */
export interface NodeGroupSpec {
  name: string;
  instance: InstanceType;
  count: number;
  /** kubelet max pods (host-network pods included). */
  maxPods: number;
  /** Workload pods the scheduler puts on one node (resources); at most maxPods - 2. */
  podsPerNode: number;
  /** The environment as given: cluster-wide merged with the group's override. */
  env: Record<string, EnvValue>;
  /** The effective configuration: prefix delegation is off where the type does not honour it. */
  config: IpamdConfig;
  /** ENABLE_PREFIX_DELEGATION was set but the type is neither Nitro nor bare metal: secondary IPs instead. */
  pdFallback: boolean;
  /** Name of the nodes' subnet (the first zone's when the group spans several). */
  subnet: string;
  /** Custom networking: name of the ENIConfig subnet (the first zone's when the group spans several). */
  eniConfigSubnet?: string;
  /** The zones the nodes spread over, each with its subnet and ENIConfig; one for a group in one subnet. */
  zones: ZonePlacement[];
  /** The group's autoscaler, if any. */
  autoscaler?: AutoscalerSpec;
  /** Set when another allocator than ipamd serves the group (its settings in {@link cilium}). */
  allocator?: 'cilium-eni' | 'azure-cns-batch' | 'ipamd-cordon-release' | 'terway-pool' | 'ipamd-idle-release';
  /** Cilium's CiliumNode spec.ipam for the group's nodes (cluster-wide block merged with the group's). */
  cilium?: CiliumNodeSettings;
  /** The azure-cns-batch what-if's scaler (cluster-wide block merged with the group's). */
  azure?: AzureBatchSettings;
  /** The terway-pool what-if's pool (cluster-wide block merged with the group's). */
  terway?: TerwayPoolSettings;
  /** The ipamd-idle-release what-if's rule (cluster-wide block merged with the group's). */
  idleRelease?: IdleReleaseSettings;
}

/**
 * One availability zone of a node group: a new node goes to the zone with the fewest live nodes of the group
 * relative to its weight (ties: the first listed), as an Auto Scaling group balances its zones.
 */
export interface ZonePlacement {
  zone: string;
  /** The nodes' subnet in this zone (their primary ENI's). */
  subnet: string;
  /** Relative share of the group's nodes. */
  weight: number;
  /** Custom networking: the ENIConfig the nodes select (by annotation, label or "default"), when from `eniConfigs`. */
  eniConfig?: string;
  /** Custom networking: the ENIConfig's subnet; undefined with `eniConfig` set: no such ENIConfig. */
  eniConfigSubnet?: string;
}

/** Cluster Autoscaler settings of a node group (defaults: the Cluster Autoscaler FAQ). */
export interface ClusterAutoscalerSpec {
  kind: 'cluster-autoscaler';
  minNodes: number;
  maxNodes: number;
  scanIntervalMs: number;
  scaleDownUtilizationThreshold: number;
  scaleDownUnneededTimeMs: number;
  scaleDownDelayAfterAddMs: number;
}

/** Karpenter settings of a node group (a NodePool; defaults: the Karpenter docs). */
export interface KarpenterSpec {
  kind: 'karpenter';
  maxNodes: number;
  batchIdleDurationMs: number;
  batchMaxDurationMs: number;
  consolidationPolicy: 'WhenEmpty' | 'WhenEmptyOrUnderutilized';
  consolidateAfterMs: number;
}

export type AutoscalerSpec = ClusterAutoscalerSpec | KarpenterSpec;

/** A daily rate curve (pods per minute against time of day in ms). */
export type RateCurveSpec =
  | { kind: 'points'; points: [number, number][] }
  | { kind: 'sinusoid'; mean: number; amplitude: number; peakMs: number; periodMs: number };

/** A single scripted pod event. */
export interface PodEventSpec {
  atMs: number;
  add?: string;
  delete?: string;
  node?: string;
  lifetime?: Distribution;
  /** The pod matches a SecurityGroupPolicy (a branch ENI). */
  branch?: true;
}

/** One workload generator, resolved. `constraint` is '*', 'group:<name>' or 'node:<name>'. */
export type WorkloadSpec =
  | {
      kind: 'burst';
      index: number;
      atMs: number;
      pods: number;
      lifetime?: Distribution;
      name: string;
      constraint: string;
      /** The pods match a SecurityGroupPolicy (branch ENIs). */
      branch?: true;
    }
  | {
      kind: 'poisson';
      index: number;
      fromMs: number;
      toMs: number;
      /** The rate, or with a curve the curve's highest rate (arrivals are thinned to the curve). */
      ratePerMinute: number;
      curve?: RateCurveSpec;
      lifetime?: Distribution;
      name: string;
      constraint: string;
      branch?: true;
    }
  | { kind: 'events'; index: number; events: PodEventSpec[] }
  | {
      kind: 'deployment';
      index: number;
      name: string;
      replicas: number;
      maxSurge: number | string;
      maxUnavailable: number | string;
      readinessDelayMs: number;
      rolloutsMs: number[];
      steps: { atMs: number; replicas: number }[];
      constraint: string;
    }
  | {
      kind: 'cronJob';
      index: number;
      name: string;
      /** Minutes past midnight at which a run starts, sorted (the schedule repeats daily). */
      minutesOfDay: number[];
      parallelism: number;
      runTime: Distribution;
      constraint: string;
    }
  | { kind: 'scale'; index: number; atMs: number; nodeGroup: string; to?: number; by?: number; reschedule: boolean }
  | NodeActionSpec;

/**
 * A `cordon`, `drain` or `uncordon` item: at `atMs`, the named nodes, or a group's live nodes oldest first (all of
 * them, `count` of them, or `fraction` of the group's live nodes rounded up) among those the action still applies
 * to (not yet cordoned; not yet drained; cordoned).
 */
export interface NodeActionSpec {
  kind: 'node-action';
  index: number;
  action: 'cordon' | 'drain' | 'uncordon';
  atMs: number;
  nodes?: string[];
  nodeGroup?: string;
  count?: number;
  fraction?: number;
  /** drain: each drained node is terminated this long after its eviction (as a scale-in removes a node). */
  terminateAfterMs?: number;
}

/** Node lifecycle parameters (assumptions). */
export interface NodeParams {
  /** From a scale-out to the instance starting ipamd (EC2 launch, boot, kubelet registration). */
  bootDelay: Distribution;
  /** From a node's drain to its instance's termination (ENIs and addresses freed). */
  terminateDelay: Distribution;
}

/** Every model parameter, defaults filled in. */
export interface ModelParams {
  nodes: NodeParams;
  ec2: Ec2Params;
  kubelet: KubeletParams;
  ipamd: IpamdParams;
}

/** A scenario ready to run. */
export interface Scenario {
  name: string;
  description?: string;
  /** Seed from the file, if any (--seed overrides). */
  seed?: number;
  durationMs: number;
  /** Cluster-wide ipamd environment as given. */
  env: Record<string, EnvValue>;
  /** VPC subnets (one roomy default when the file gives none). */
  subnets: SubnetSpec[];
  nodeGroups: NodeGroupSpec[];
  workload: WorkloadSpec[];
  model: ModelParams;
  /**
   * The VPC resource controller, when the scenario runs one: given a `vpcResourceController` block, or some workload
   * item marks its pods `securityGroupPolicy: true`. Without it only ipamd's trunk slot reservation applies.
   */
  vpcResourceController?: VpcrcParams;
  /** Cilium's operator flags, when a node group runs cilium-eni. */
  ciliumOperator?: CiliumOperatorSettings;
}
