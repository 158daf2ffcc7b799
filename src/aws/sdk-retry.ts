/**
 * The AWS SDK for Go v2 standard retryer in front of every EC2 call (ipamd builds its EC2 client from
 * config.LoadDefaultConfig, reference 4.4): up to 3 attempts; exponential backoff with full jitter,
 * `rand(0,1) x min(maxBackoff, base x 2^(attempt-1))`; a client-side retry quota (each retry costs tokens, a success
 * refunds one) so a client stops retrying when most of its calls fail. External behaviour, all overridable.
 */
import type { Rng } from '../engine/random.js';

/** SDK retryer parameters (assumptions from the SDK's documented defaults). */
export interface SdkRetryParams {
  /** Attempts per call, including the first. */
  maxAttempts: number;
  /** First backoff ceiling (ms); doubles per attempt. */
  baseBackoffMs: number;
  /** Backoff ceiling (ms). */
  maxBackoffMs: number;
  /** Retry quota of one client (tokens). */
  quota: number;
  /** Quota cost of one retry after a throttling error. */
  retryCost: number;
  /** Quota refunded by a successful call. */
  successRefund: number;
}

/** Defaults of the Go SDK v2 standard retryer (retry.NewStandard): 3 attempts, 20 s cap, quota 500, cost 5. */
export function defaultSdkRetry(): SdkRetryParams {
  return { maxAttempts: 3, baseBackoffMs: 1000, maxBackoffMs: 20_000, quota: 500, retryCost: 5, successRefund: 1 };
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

  /** Delay (ms) before retry number `attempt` (1 = first retry), or -1 when no retry is allowed. */
  retryDelay(attempt: number): number {
    if (attempt >= this.p.maxAttempts || this.quota < this.p.retryCost) return -1;
    this.quota -= this.p.retryCost;
    const ceiling = Math.min(this.p.maxBackoffMs, this.p.baseBackoffMs * 2 ** (attempt - 1));
    return Math.round(this.rng.float() * ceiling);
  }

  /** A call succeeded: refund some quota. */
  succeeded(): void {
    this.quota = Math.min(this.p.quota, this.quota + this.p.successRefund);
  }
}
