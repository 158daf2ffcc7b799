/** Account-wide throttling and the SDK retryer. */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { TokenBucket, defaultBuckets } from '../../src/aws/throttle.js';
import { SdkRetryState, defaultSdkRetry, legacyBackoffMs } from '../../src/aws/sdk-retry.js';
import { Rng } from '../../src/engine/random.js';
import { Cluster } from '../../src/run/cluster.js';
import { buildReport } from '../../src/run/report.js';
import { scenarioFrom, checkInvariants } from '../helpers.js';
import { fcParams } from '../fc.js';

describe('TokenBucket', () => {
  it('never goes below zero or above capacity, whatever the request pattern', () => {
    fc.assert(
      fc.property(
        fc.record({
          capacity: fc.integer({ min: 1, max: 100 }),
          refill: fc.double({ min: 0.05, max: 50, noNaN: true }),
          bg: fc.double({ min: 0, max: 60, noNaN: true }),
        }),
        fc.array(fc.tuple(fc.integer({ min: 0, max: 3000 }), fc.integer({ min: 1, max: 30 })), { maxLength: 200 }),
        ({ capacity, refill, bg }, steps) => {
          const b = new TokenBucket({ capacity, refillPerSecond: refill }, bg);
          let t = 0;
          for (const [dt, n] of steps) {
            t += dt;
            for (let i = 0; i < n; i++) b.take(t);
            const level = b.level(t);
            expect(level).toBeGreaterThanOrEqual(0);
            expect(level).toBeLessThanOrEqual(capacity);
          }
          expect(b.minTokens).toBeGreaterThanOrEqual(0);
        },
      ),
      fcParams(200),
    );
  });

  it('allows a burst of `capacity` and then the refill rate', () => {
    const b = new TokenBucket({ capacity: 50, refillPerSecond: 5 });
    let ok = 0;
    for (let i = 0; i < 60; i++) if (b.take(0)) ok++;
    expect(ok).toBe(50);
    expect(b.throttled).toBe(10);
    expect(b.take(100)).toBe(false); // 0.5 token after 100 ms
    expect(b.take(200)).toBe(true); // 1 token after 200 ms
  });

  it('uses the EC2 table: Attach/Detach 50 burst 5/s, CreateNetworkInterface 100 burst 5/s', () => {
    const d = defaultBuckets();
    expect(d.AttachNetworkInterface).toEqual({ capacity: 50, refillPerSecond: 5 });
    expect(d.CreateNetworkInterface).toEqual({ capacity: 100, refillPerSecond: 5 });
    expect(d.DescribeNetworkInterfaces).toEqual({ capacity: 100, refillPerSecond: 20 });
  });
});

describe('SDK standard retryer (aws-sdk-go-v2 v1.43.4, legacy standard mode)', () => {
  it('backs off rand x 2^n s after failed attempt n (0-2 s, 0-4 s, ...), a flat 20 s once 2^n passes the cap', () => {
    const p = defaultSdkRetry();
    expect(p).toMatchObject({ maxAttempts: 3, maxBackoffMs: 20_000, quota: 500, retryCost: 5, successRefund: 1 });
    expect(legacyBackoffMs(p, 1, 0.5)).toBe(1000);
    expect(legacyBackoffMs(p, 1, 0.999)).toBe(1998);
    expect(legacyBackoffMs(p, 2, 0.5)).toBe(2000);
    expect(legacyBackoffMs(p, 4, 0.5)).toBe(8000);
    // int(log2(20)) = 4: from the fifth failed attempt on, exactly MaxBackoff, whatever the draw.
    expect(legacyBackoffMs(p, 5, 0)).toBe(20_000);
    expect(legacyBackoffMs(p, 9, 0.3)).toBe(20_000);
  });

  it('retries at most maxAttempts - 1 times, each delay under its ceiling', () => {
    const s = new SdkRetryState({ ...defaultSdkRetry(), maxAttempts: 6 }, new Rng('r'));
    const ds = [1, 2, 3, 4].map((n) => s.retryDelay(n));
    ds.forEach((d, i) => {
      expect(d).toBeGreaterThanOrEqual(0);
      expect(d).toBeLessThanOrEqual(1000 * 2 ** (i + 1));
    });
    expect(s.retryDelay(5)).toBe(20_000);
    expect(s.retryDelay(6)).toBe(-1);
  });

  it('stops retrying when the retry quota is spent; a successful retry gives its cost back, any success adds 1', () => {
    const s = new SdkRetryState({ ...defaultSdkRetry(), quota: 10, retryCost: 5 }, new Rng('q'));
    expect(s.retryDelay(1)).toBeGreaterThanOrEqual(0);
    expect(s.retryDelay(1)).toBeGreaterThanOrEqual(0);
    expect(s.retryDelay(1)).toBe(-1);
    s.succeeded();
    expect(s.tokens).toBe(1);
    expect(s.retryDelay(1)).toBe(-1); // 1 token back is not enough for a retry costing 5
    s.succeeded(true);
    expect(s.tokens).toBe(7); // 1 + the retry's 5 + 1
    s.succeeded(true);
    expect(s.tokens).toBe(10); // never above the quota
  });
});

const tight = (attempts: number) => `
seed: 4
duration: 10m
nodeGroups: [{ name: n, instanceType: m5.large, count: 6 }]
workload:
  - burst: { at: 10s, pods: 120 }
model:
  ec2:
    throttle:
      AssignPrivateIpAddresses: { capacity: 2, refillPerSecond: 0.2 }
      CreateNetworkInterface: { capacity: 2, refillPerSecond: 0.2 }
    sdkRetry: { maxAttempts: ${attempts} }
`;

describe('throttling in a cluster', () => {
  it.each([1, 2, 3])('retries throttled calls as configured (maxAttempts %i) and counts them', (attempts) => {
    const log: Record<string, unknown>[] = [];
    const c = new Cluster(scenarioFrom(tight(attempts)), { events: { write: (r) => log.push(r) } });
    c.sim.afterEvent = () => checkInvariants(c);
    c.run();
    const r = buildReport(c);
    const throttled = r.ec2.throttled.AssignPrivateIpAddresses ?? 0;
    const retries = r.ec2.retries.AssignPrivateIpAddresses ?? 0;
    const failures = r.ec2.failures.AssignPrivateIpAddresses ?? 0;
    expect(throttled).toBeGreaterThan(0);
    // Every throttled response is either retried by the SDK or surfaces as a failure to ipamd.
    expect(retries + failures).toBe(throttled);
    if (attempts === 1) expect(retries).toBe(0);
    expect(r.ec2.errors.RequestLimitExceeded).toBeGreaterThanOrEqual(throttled);
    expect(r.ec2.buckets.AssignPrivateIpAddresses.minTokens).toBeGreaterThanOrEqual(0);
    expect(r.pods.started).toBe(120); // ipamd's later passes get there in the end
  });

  it('with throttling off, runs are identical to runs whose buckets never empty', () => {
    const base = (t: string) => `
seed: 8
duration: 20m
nodeGroups: [{ name: n, instanceType: c5.xlarge, count: 4 }]
ipamd: { WARM_IP_TARGET: 2 }
workload:
  - poisson: { from: 0s, to: 18m, ratePerMinute: 20, lifetime: { exponential: 2m } }
${t}`;
    const strip = (c: Cluster) => {
      c.run();
      const r = buildReport(c);
      return JSON.stringify({ ...r, settings: null, ec2: { ...r.ec2, buckets: null } });
    };
    expect(strip(new Cluster(scenarioFrom(base('model: { ec2: { throttle: none } }'))))).toBe(
      strip(new Cluster(scenarioFrom(base('')))),
    );
  });
});
