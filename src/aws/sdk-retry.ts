/**
 * The AWS SDK for Go v2 standard retryer in front of every EC2 call. ipamd builds its EC2 client from
 * config.LoadDefaultConfig with region, HTTP client and user agent only (amazon-vpc-cni-k8s
 * pkg/awsutils/awsutils.go:445-456, pkg/ec2wrapper/client.go:43-44), so the client gets the SDK's default
 * retry.NewStandard. The version v1.23.1's go.mod pins is aws-sdk-go-v2 v1.43.4 (go.mod:10); its "retries 2026"
 * behaviour is opt-in (AWS_NEW_RETRIES_2026=true, which ipamd does not set), so the legacy standard retryer applies
 * (aws-sdk-go-v2 aws/retry/standard.go, jitter_backoff.go, middleware.go):
 *
 * - DefaultMaxAttempts 3 (the first attempt and two retries); only retryable codes are retried (RequestLimitExceeded
 *   among the throttle codes; InsufficientFreeAddressesInSubnet, InvalidParameterValue and the like are not).
 * - Delay before the retry that follows failed attempt n (1-based, middleware.go `RetryDelay(attemptNum, err)`):
 *   `backoffDelayLegacy`: `rand[0,1) x 2^n` seconds, and a flat MaxBackoff (20 s, no jitter) once
 *   n > int(log2(MaxBackoff / 1 s)) = 4. With 3 attempts: 0-2 s, then 0-4 s.
 * - Retry quota, one per client (ratelimit.NewTokenRateLimit(500)): a retry takes DefaultRetryCost = 5 tokens
 *   (10 for a timeout; not modelled) and fails at once when fewer are left; every successful attempt adds
 *   DefaultNoRetryIncrement = 1, and a successful retry also gives its 5 back (releaseToken); never above 500.
 *
 * All overridable under `model.ec2.sdkRetry`.
 */
import type { Rng } from '../engine/random.js';

/** SDK retryer parameters (defaults from aws-sdk-go-v2 v1.43.4's retry.NewStandard). */
export interface SdkRetryParams {
  /** Attempts per call, including the first (DefaultMaxAttempts). */
  maxAttempts: number;
  /** Backoff unit (ms): after failed attempt n the retry waits rand x base x 2^n (1 s in the SDK). */
  baseBackoffMs: number;
  /** Backoff ceiling (ms), DefaultMaxBackoff; reached as a flat value once 2^n exceeds it. */
  maxBackoffMs: number;
  /** Retry quota of one client (tokens, DefaultRetryRateTokens). */
  quota: number;
  /** Quota cost of one retry after a throttling error (DefaultRetryCost); given back when the retry succeeds. */
  retryCost: number;
  /** Quota added by every successful attempt (DefaultNoRetryIncrement). */
  successRefund: number;
}

/** Defaults of the Go SDK v2 standard retryer (retry.NewStandard): 3 attempts, 20 s cap, quota 500, cost 5. */
export function defaultSdkRetry(): SdkRetryParams {
  return { maxAttempts: 3, baseBackoffMs: 1000, maxBackoffMs: 20_000, quota: 500, retryCost: 5, successRefund: 1 };
}

/**
 * The backoff before the retry that follows failed attempt `attempt` (1-based), for a uniform draw `u` in [0, 1):
 * `backoffDelayLegacy` (aws/retry/jitter_backoff.go): the flat ceiling once attempt > int(log2(max / base)),
 * else u x base x 2^attempt.
 */
export function legacyBackoffMs(p: SdkRetryParams, attempt: number, u: number): number {
  if (attempt > Math.floor(Math.log2(p.maxBackoffMs / p.baseBackoffMs))) return p.maxBackoffMs;
  return Math.round(u * p.baseBackoffMs * 2 ** attempt);
}

/** One SDK client's retry state (one per node: each ipamd has its own client). */
export class SdkRetryState {
  private quota: number;
  constructor(
    private readonly p: SdkRetryParams,
    private readonly rng: Rng,
  ) {
    this.quota = p.quota;
  }

  /** Tokens left in the retry quota. */
  get tokens(): number {
    return this.quota;
  }

  /** Delay (ms) before retry number `attempt` (1 = first retry), or -1 when no retry is allowed. */
  retryDelay(attempt: number): number {
    if (attempt >= this.p.maxAttempts || this.quota < this.p.retryCost) return -1;
    this.quota -= this.p.retryCost;
    // A flat ceiling draws nothing in the SDK; the model draws anyway so later draws keep their place.
    return legacyBackoffMs(this.p, attempt, this.rng.float());
  }

  /** An attempt succeeded: the no-retry increment, and a retry's cost back when the attempt was a retry. */
  succeeded(retried = false): void {
    this.quota = Math.min(this.p.quota, this.quota + this.p.successRefund + (retried ? this.p.retryCost : 0));
  }
}
