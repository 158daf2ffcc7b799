/**
 * EC2 as seen from the nodes: the network-interface APIs ipamd calls, each taking a sampled latency and applying
 * its effect when it completes. Every call goes through one `request` method, the single place where account-wide
 * throttling and SDK retries can be added without touching ipamd.
 */
import { Priority, type Simulation } from '../engine/sim.js';
import type { Rng, Streams } from '../engine/random.js';
import { sample, type Distribution } from '../engine/distribution.js';
import type { Subnet } from './subnet.js';
import { CONTROLLER_APIS, EC2_APIS, THROTTLED, type Ec2ApiName, type Ec2Result } from './api.js';
import { defaultBuckets, TokenBucket, type BucketSpec } from './throttle.js';
import { defaultSdkRetry, SdkRetryState, type SdkRetryParams } from './sdk-retry.js';

export { ALL_EC2_APIS, CONTROLLER_APIS, EC2_APIS, THROTTLED, type Ec2ApiName, type Ec2Result } from './api.js';

/** Model parameters of the EC2 layer (all assumptions, all overridable). */
export interface Ec2Params {
  /** Round-trip latency of each API call. */
  latency: Record<Ec2ApiName, Distribution>;
  /** Delay from AttachNetworkInterface completing until the ENI and its addresses are visible in IMDS. */
  eniVisibleDelay: Distribution;
  /** Account-wide token buckets per API; undefined turns throttling off. */
  throttle: Record<Ec2ApiName, BucketSpec> | undefined;
  /** Requests per second other tenants of the account send, per API (drains the buckets). */
  background: Partial<Record<Ec2ApiName, number>>;
  /** Round trip of a throttled request (RequestLimitExceeded comes back quickly). */
  throttledLatency: Distribution;
  /** The AWS SDK standard retryer in front of every call. */
  sdkRetry: SdkRetryParams;
}

const ms = (medianMs: number, p99Ms: number): Distribution => ({ kind: 'lognormal', medianMs, p99Ms });

/**
 * Defaults. Medians: the Prometheus fixture in amazon-vpc-cni-k8s (cmd/cni-metrics-helper/metrics/cni_test1.data,
 * reference 4.5) where it has the API, else field-notes 2.2; p99s are assumptions (about 3-4x the median).
 * ENI visibility: "usually <= 5 s" (cilium #16494), "up to 10 s" (docs/eni-and-ip-target.md): median 3 s, p99 10 s.
 */
export function defaultEc2Params(): Ec2Params {
  return {
    latency: {
      DescribeSubnets: ms(120, 500),
      CreateNetworkInterface: ms(600, 2000),
      DescribeInstances: ms(133, 500),
      AttachNetworkInterface: ms(440, 1500),
      ModifyNetworkInterfaceAttribute: ms(155, 500),
      AssignPrivateIpAddresses: ms(500, 1500),
      UnassignPrivateIpAddresses: ms(300, 1000),
      DescribeNetworkInterfaces: ms(118, 500),
      DetachNetworkInterface: ms(203, 800),
      DeleteNetworkInterface: ms(263, 1000),
      // The fixture's mean (reference 4.5); TagENI (nodeInit, reconcile) and the leaked-ENI cleanup call it.
      CreateTags: ms(112, 500),
      // Assumptions (no measurement found): like AttachNetworkInterface and DetachNetworkInterface.
      AssociateTrunkInterface: ms(440, 1500),
      DisassociateTrunkInterface: ms(203, 800),
    },
    eniVisibleDelay: ms(3000, 10_000),
    throttle: defaultBuckets(),
    background: {},
    throttledLatency: { kind: 'constant', ms: 50 },
    sdkRetry: defaultSdkRetry(),
  };
}

/** An ENI as EC2 knows it. */
export interface EniRecord {
  readonly id: string;
  readonly node: string;
  /** The subnet it was created in. */
  readonly subnet: Subnet;
  readonly primaryIp: number;
  /** Secondary private addresses (SIP mode). */
  readonly secondaries: number[];
  /** First addresses of its /28 prefixes (PD mode). */
  readonly prefixes: number[];
  deviceIndex: number;
  attached: boolean;
  /** Time (ms) the ENI and its addresses become visible in the instance metadata (after attach). */
  visibleAt: number;
  /**
   * Whether it carries ipamd's tags (node.k8s.amazonaws.com/instance_id, ...): ENIs ipamd creates are tagged at
   * creation (createENITags, awsutils.go:1054-1067); the primary ENI gets them from TagENI in nodeInit.
   */
  tagged: boolean;
}

/** Receives EC2-level facts for the report. */
export interface Ec2Observer {
  /** One request attempt completed (ok, throttled with RequestLimitExceeded, or another error code). */
  call(api: Ec2ApiName, node: string, now: number, ok: boolean, code?: string): void;
  /** The SDK retries a throttled request. */
  retry(api: Ec2ApiName, node: string, now: number): void;
  /** A call failed after the SDK's retries: the failure ipamd sees. */
  failure(api: Ec2ApiName, node: string, now: number, code: string): void;
  /** Pod addresses (secondary /32s, 16 per /28 prefix) attached (n > 0) or returned to the subnet (n < 0) on a node's ENIs. */
  secondaries(node: string, delta: number, now: number): void;
  /** ENIs existing for a node changed by delta. */
  enis(node: string, delta: number, now: number): void;
}

/** The EC2 service shared by all nodes of the account. */
export class Ec2 {
  /** The account's token buckets (empty when throttling is off). */
  readonly buckets = new Map<Ec2ApiName, TokenBucket>();
  private readonly sdk = new Map<string, SdkRetryState>();
  /** Nodes whose instance is terminated: their in-flight calls are dropped. */
  private readonly terminated = new Set<string>();
  private eniSeq = 0;
  /**
   * ENIs ipamd could not delete, detached ("available", tagged by ipamd), with the time they leaked: what the
   * leaked-ENI cleanup's filtered DescribeNetworkInterfaces finds (getLeakedENIs, awsutils.go:2359-2435).
   */
  readonly leaked = new Map<EniRecord, number>();

  constructor(
    readonly sim: Simulation,
    readonly params: Ec2Params,
    /** Every subnet of the VPC, in scenario order (DescribeSubnets' order before ipamd sorts). */
    readonly subnets: readonly Subnet[],
    readonly observer: Ec2Observer,
    private readonly streams?: Streams,
  ) {
    if (params.throttle) {
      for (const api of EC2_APIS)
        this.buckets.set(api, new TokenBucket(params.throttle[api], params.background[api] ?? 0));
    }
  }

  /** Adds the account's buckets for the VPC resource controller's own APIs (only runs with the controller have them). */
  addControllerBuckets(): void {
    const spec = this.params.throttle;
    if (!spec) return;
    for (const api of CONTROLLER_APIS)
      if (!this.buckets.has(api)) this.buckets.set(api, new TokenBucket(spec[api], this.params.background[api] ?? 0));
  }

  /** The SDK retry state of a node's client (its own jitter stream, so retries never shift other draws). */
  private sdkFor(node: string, rng: Rng): SdkRetryState {
    let s = this.sdk.get(node);
    if (!s) {
      s = new SdkRetryState(this.params.sdkRetry, this.streams ? this.streams.stream(`ec2/${node}/sdk-retry`) : rng);
      this.sdk.set(node, s);
    }
    return s;
  }

  /** Marks a node's instance terminated (its calls in flight are dropped from now on). */
  terminate(node: string): void {
    this.terminated.add(node);
  }

  /** A fresh ENI id, in creation order. */
  nextEniId(): string {
    return `eni-${(++this.eniSeq).toString(16).padStart(8, '0')}`;
  }

  /**
   * Issues one call: after the sampled latency, `effect` runs (at completion time) and `done` receives its result.
   */
  request<T>(
    api: Ec2ApiName,
    node: string,
    rng: Rng,
    effect: () => Ec2Result<T>,
    done: (r: Ec2Result<T>) => void,
  ): void {
    const attempt = (n: number): void => {
      if (this.terminated.has(node)) return;
      const bucket = this.buckets.get(api);
      if (bucket && !bucket.take(this.sim.now)) {
        // Throttled: the SDK backs off and retries, until its attempts or retry quota run out.
        this.sim.after(
          sample(this.params.throttledLatency, rng),
          Priority.ec2,
          () => {
            if (this.terminated.has(node)) return;
            this.observer.call(api, node, this.sim.now, false, THROTTLED);
            const delay = this.sdkFor(node, rng).retryDelay(n);
            if (delay >= 0) {
              this.observer.retry(api, node, this.sim.now);
              this.sim.after(delay, Priority.ec2, () => attempt(n + 1), undefined);
            } else {
              this.observer.failure(api, node, this.sim.now, THROTTLED);
              done({ ok: false, code: THROTTLED });
            }
          },
          undefined,
        );
        return;
      }
      const latency = sample(this.params.latency[api], rng);
      this.sim.after(
        latency,
        Priority.ec2,
        () => {
          if (this.terminated.has(node)) return;
          const r = effect();
          this.observer.call(api, node, this.sim.now, r.ok, r.ok ? undefined : r.code);
          if (r.ok) this.sdk.get(node)?.succeeded(n > 1);
          else this.observer.failure(api, node, this.sim.now, r.code);
          done(r);
        },
        undefined,
      );
    };
    attempt(1);
  }
}
