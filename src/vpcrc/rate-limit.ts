/**
 * A client-side rate limiter as the controller's EC2 clients have (QPS and burst): a token bucket whose requests
 * wait for their token instead of failing (golang.org/x/time/rate Reserve semantics: tokens may go negative, and
 * each reservation says how long its caller waits).
 */
export class ClientRateLimiter {
  private tokens: number;
  private last = 0;
  /** Requests that had to wait, and their total wait (ms). */
  waited = 0;
  waitedMs = 0;

  constructor(
    readonly qps: number,
    readonly burst: number,
  ) {
    this.tokens = burst;
  }

  /** Takes a token at `now`; returns how long (ms, whole) the request waits for it. */
  reserve(now: number): number {
    if (now > this.last) {
      this.tokens = Math.min(this.burst, this.tokens + ((now - this.last) * this.qps) / 1000);
      this.last = now;
    }
    this.tokens -= 1;
    if (this.tokens >= 0) return 0;
    const wait = Math.ceil((-this.tokens * 1000) / this.qps);
    this.waited++;
    this.waitedMs += wait;
    return wait;
  }
}
