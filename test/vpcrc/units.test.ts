/** The controller's pieces on their own: the client rate limiter, the work queue, the delete queue, the limits table. */
import { describe, expect, it } from 'vitest';
import { Simulation } from '../../src/engine/sim.js';
import { ClientRateLimiter } from '../../src/vpcrc/rate-limit.js';
import { WorkQueue } from '../../src/vpcrc/work-queue.js';
import { DeleteQueue } from '../../src/vpcrc/cooldown.js';
import type { BranchEni } from '../../src/vpcrc/branch.js';
import { defaultVpcrcParams } from '../../src/vpcrc/params.js';
import { branchEniLimit } from '../../src/aws/branch-eni.js';
import { BRANCH_TYPE_COUNT } from '../../src/aws/branch-eni-data.js';
import { resolveSettingName } from '../../src/sweep/settings.js';

describe('client rate limiter', () => {
  it('lets a burst through, then one request per 1/qps', () => {
    const l = new ClientRateLimiter(12, 18);
    const waits = Array.from({ length: 20 }, () => l.reserve(0));
    expect(waits.slice(0, 18)).toEqual(Array(18).fill(0));
    expect(waits[18]).toBe(84); // ceil(1000 / 12)
    expect(waits[19]).toBe(167);
    // A second later 12 tokens came back, all of them owed to the two that waited.
    expect(l.reserve(1000)).toBe(0);
    expect(l.waited).toBe(2);
  });
});

describe('work queue', () => {
  it('runs at most `workers` jobs at once, FIFO, and never queues a key twice', () => {
    const sim = new Simulation();
    const q = new WorkQueue(sim, { ...defaultVpcrcParams(), workers: 2 });
    let running = 0;
    let most = 0;
    const order: string[] = [];
    for (const k of ['a', 'b', 'c', 'd', 'a']) {
      q.submit({
        key: k,
        run: (done) => {
          running++;
          most = Math.max(most, running);
          order.push(k);
          sim.after(
            100,
            0,
            () => {
              running--;
              done(true);
            },
            undefined,
          );
        },
      });
    }
    expect(q.depth).toBe(2);
    sim.run(1000);
    expect(most).toBe(2);
    expect(order).toEqual(['a', 'b', 'c', 'd']);
    expect(q.peak).toBe(2);
  });

  it('requeues a failed job after 5 ms x 2^n and drops it after maxRetries', () => {
    const sim = new Simulation();
    const q = new WorkQueue(sim, { ...defaultVpcrcParams(), maxRetries: 5 });
    const times: number[] = [];
    let dropped = false;
    q.submit({ key: 'x', run: (done) => (times.push(sim.now), done(false)), dropped: () => (dropped = true) });
    sim.run(10_000);
    expect(times).toEqual([0, 5, 15, 35, 75, 155]);
    expect(dropped).toBe(true);
    expect(q.has('x')).toBe(false);
  });
});

describe('delete queue', () => {
  const eni = (id: number): BranchEni =>
    ({ eni: { id: `e${id}` }, ip: id, prefix: null, deletedAt: -1, associated: true, annotated: true }) as BranchEni;
  it('gives back only ENIs cooled down, oldest first, stopping at the first that is not', () => {
    const q = new DeleteQueue();
    q.push(eni(1), 0);
    q.push(eni(2), 10_000);
    q.pushFront(eni(3)); // no stamp: deleted by the next pass
    expect(q.takeCooled(30_000, 60_000).map((e) => e.ip)).toEqual([3]);
    expect(q.takeCooled(60_001, 60_000).map((e) => e.ip)).toEqual([1]);
    expect(q.length).toBe(1);
  });
});

describe('branch ENI limits', () => {
  it('come from the embedded table: trunk-capable types only', () => {
    expect(BRANCH_TYPE_COUNT).toBe(1060);
    expect(branchEniLimit('m5.large')).toBe(9);
    expect(branchEniLimit('m5.xlarge')).toBe(18);
    expect(branchEniLimit('t3.medium')).toBe(0); // trunking false
    expect(branchEniLimit('no.such')).toBe(0);
  });
});

describe('sweeps', () => {
  it("target the controller's settings as scenario paths", () => {
    expect(resolveSettingName('vpcResourceController.workers')).toEqual({
      target: { kind: 'path', path: ['vpcResourceController', 'workers'] },
    });
  });
});
