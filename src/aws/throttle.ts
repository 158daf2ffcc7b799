/**
 * Account-wide EC2 request throttling: one token bucket per API, shared by every node of the account
 * ("Request throttling for the Amazon EC2 API", EC2 developer guide). Each request takes one token when it arrives;
 * an empty bucket answers `RequestLimitExceeded`. Buckets refill continuously, so tokens are floats.
 */
import type { Ec2ApiName } from './api.js';

/** Size and refill of one API's bucket. */
export interface BucketSpec {
  /** Burst: tokens the bucket holds when full. */
  capacity: number;
  /** Tokens added per second. */
  refillPerSecond: number;
}

/**
 * Defaults from the EC2 throttling table (reference field-notes 2.3). Describe calls ipamd makes name their
 * resources, so they count as filtered non-mutating requests (100 / 20); Attach and Detach fall under the default
 * mutating category (50 / 5); the network-interface APIs that have their own rows get 100 / 5.
 */
export function defaultBuckets(): Record<Ec2ApiName, BucketSpec> {
  const describe = { capacity: 100, refillPerSecond: 20 };
  const own = { capacity: 100, refillPerSecond: 5 };
  const mutating = { capacity: 50, refillPerSecond: 5 };
  return {
    DescribeSubnets: { ...describe },
    DescribeInstances: { ...describe },
    DescribeNetworkInterfaces: { ...describe },
    CreateNetworkInterface: { ...own },
    DeleteNetworkInterface: { ...own },
    AssignPrivateIpAddresses: { ...own },
    UnassignPrivateIpAddresses: { ...own },
    ModifyNetworkInterfaceAttribute: { ...own },
    AttachNetworkInterface: { ...mutating },
    // CreateTags / DeleteTags have their own row: 100 burst, 10 per second.
    CreateTags: { capacity: 100, refillPerSecond: 10 },
    DetachNetworkInterface: { ...mutating },
    // Assumption: the throttling table has no row for the trunk association APIs; the default mutating category.
    AssociateTrunkInterface: { ...mutating },
    DisassociateTrunkInterface: { ...mutating },
  };
}

/** One API's token bucket, with an optional steady drain by other tenants of the account. */
export class TokenBucket {
  private tokens: number;
  private last = 0;
  /** Lowest token level seen (after taking a token). */
  minTokens: number;
  /** Requests refused. */
  throttled = 0;

  constructor(
    readonly spec: BucketSpec,
    /** Requests per second other tenants send to this API (a fluid drain on the refill). */
    readonly backgroundPerSecond = 0,
  ) {
    this.tokens = spec.capacity;
    this.minTokens = spec.capacity;
  }

  /** Token level at `now` without updating the bucket (for observers: reading never changes later results). */
  peek(now: number): number {
    if (now <= this.last) return this.tokens;
    const net = this.spec.refillPerSecond - this.backgroundPerSecond;
    return Math.min(this.spec.capacity, Math.max(0, this.tokens + (net * (now - this.last)) / 1000));
  }

  /** Token level at `now` (ms), after refill and background drain. */
  level(now: number): number {
    if (now > this.last) {
      this.tokens = this.peek(now);
      this.last = now;
    }
    return this.tokens;
  }

  /** Takes a token at `now`; false (throttled) when fewer than one is left. */
  take(now: number): boolean {
    if (this.level(now) < 1) {
      this.throttled++;
      return false;
    }
    this.tokens -= 1;
    if (this.tokens < this.minTokens) this.minTokens = this.tokens;
    return true;
  }
}
