/**
 * Settings of the VPC resource controller's branch ENI provider (aws/amazon-vpc-resource-controller-k8s, commit
 * b8d4251). Every default names its source there, or says it is an assumption.
 */
import type { Distribution } from '../engine/distribution.js';

/** The controller's settings (scenario block `vpcResourceController`). */
export interface VpcrcParams {
  /** Workers draining the pod ENI work queue: PodENIDefaultWorker = 30 (pkg/config/loader.go). */
  workers: number;
  /**
   * Client-side rate limit of the "user" EC2 client (every call but AssociateTrunkInterface): main.go flags
   * user-client-qps = 12, user-client-burst = 18.
   */
  userQps: number;
  userBurst: number;
  /**
   * Client-side rate limit of the "instance" EC2 client, used only for AssociateTrunkInterface
   * (pkg/aws/ec2/api/wrapper.go NewEC2Wrapper): main.go flags instance-client-qps = 12, instance-client-burst = 18.
   */
  instanceQps: number;
  instanceBurst: number;
  /**
   * Branch ENI cooldown before deletion (ms): DefaultCoolDownPeriod = 60 s (pkg/provider/branch/cooldown/cooldown.go,
   * configmap key branch-eni-cooldown); values below MinimalCoolDownPeriod = 30 s are raised to 30 s
   * (GetCoolDownPeriod).
   */
  cooldownMs: number;
  /** Period of a node's ProcessDeleteQueue job (ms): deleteQueueRequeueRequest = 30 s (pkg/provider/branch/provider.go). */
  deleteQueuePeriodMs: number;
  /** Delay before a removed node's branch ENIs are deleted (ms): NodeDeleteRequeueRequestDelay = 1 min (provider.go). */
  nodeDeleteDelayMs: number;
  /** Requeues of a failed job before it is dropped: WorkQueueDefaultMaxRetries = 5 (pkg/config/loader.go). */
  maxRetries: number;
  /**
   * Requeue delay of a failed job: base x 2^failures, at most max (ms). client-go's DefaultControllerRateLimiter
   * (workqueue.NewItemExponentialFailureRateLimiter(5 ms, 1000 s)) that pkg/worker/worker.go uses.
   */
  retryBaseMs: number;
  retryMaxMs: number;
  /**
   * Assumption (not in the controller): from the node Ready and labelled vpc.amazonaws.com/has-trunk-attached=false
   * by ipamd, or a pod bound, to the job in the work queue (the watch and the reconciler's own latency).
   */
  watchDelay: Distribution;
  /** Assumption: the pod annotation write (vpc.amazonaws.com/pod-eni) after the association, a Kubernetes API call. */
  annotateDelay: Distribution;
}

/** The defaults, as named on each field of {@link VpcrcParams}. */
export function defaultVpcrcParams(): VpcrcParams {
  return {
    workers: 30,
    userQps: 12,
    userBurst: 18,
    instanceQps: 12,
    instanceBurst: 18,
    cooldownMs: 60_000,
    deleteQueuePeriodMs: 30_000,
    nodeDeleteDelayMs: 60_000,
    maxRetries: 5,
    retryBaseMs: 5,
    retryMaxMs: 1_000_000,
    watchDelay: { kind: 'lognormal', medianMs: 100, p99Ms: 500 },
    annotateDelay: { kind: 'lognormal', medianMs: 20, p99Ms: 100 },
  };
}

/** MinimalCoolDownPeriod (cooldown.go): the cooldown the controller applies, never below 30 s. */
export const MINIMAL_COOLDOWN_MS = 30_000;

/** The cooldown GetCoolDownPeriod returns for a configured one. */
export function effectiveCooldownMs(configuredMs: number): number {
  return configuredMs < MINIMAL_COOLDOWN_MS ? MINIMAL_COOLDOWN_MS : configuredMs;
}
