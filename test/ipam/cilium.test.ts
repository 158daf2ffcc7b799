/**
 * The cilium-eni allocator (src/ipam/cilium.ts, src/ipam/cilium-operator.ts): Cilium's own decision tables for its
 * watermark law (neededDef and excessDef of pkg/ipam/node_test.go), the operator's decisions on a datastore, its
 * client-side rate limit, the allocator invariants after every event, and the scenario's validation.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { NodeView } from '../../src/ipam/allocator.js';
import {
  CILIUM_NODE_DEFAULTS,
  CILIUM_OPERATOR_DEFAULTS,
  CiliumPolicy,
  ClientRateLimiter,
  ciliumExcess,
  ciliumNeeded,
  type CiliumNodeSettings,
} from '../../src/ipam/cilium.js';
import { SipPool } from '../../src/ipam/sip-pool.js';
import type { PoolSnapshot } from '../../src/ipam/policy.js';
import { parseScenarioText, validateScenario } from '../../src/workload/load.js';
import { formatProblem } from '../../src/workload/problems.js';
import { runLogged } from '../helpers.js';

const node = (preAllocate: number, minAllocate: number, maxAllocate: number, maxAboveWatermark: number) =>
  ({ preAllocate, minAllocate, maxAllocate, maxAboveWatermark }) satisfies CiliumNodeSettings;

describe("Cilium's watermark law: pkg/ipam/node_test.go's tables", () => {
  // neededDef: {available, used, preallocate, minallocate, maxallocate, result}
  const neededDef: [number, number, number, number, number, number][] = [
    [0, 0, 0, 16, 0, 16],
    [0, 0, 8, 16, 0, 16],
    [0, 0, 16, 8, 0, 16],
    [0, 0, 16, 0, 0, 16],
    [8, 0, 0, 16, 0, 8],
    [8, 4, 8, 0, 0, 4],
    [8, 4, 8, 8, 0, 4],
    [8, 4, 8, 8, 6, 0],
    [8, 4, 8, 0, 8, 0],
    [4, 4, 8, 0, 8, 4],
  ];
  it.each(neededDef)('calculateNeededIPs(%i available, %i used, pre %i, min %i, max %i) = %i', (a, u, p, mn, mx, r) => {
    expect(ciliumNeeded(node(p, mn, mx, 0), a, u)).toBe(r);
  });
  // excessDef: {available, used, preallocate, minallocate, maxabovewatermark, result}
  const excessDef: [number, number, number, number, number, number][] = [
    [0, 0, 0, 16, 0, 0],
    [15, 0, 8, 16, 8, 0],
    [17, 0, 8, 16, 0, 1],
    [20, 0, 8, 16, 4, 0],
    [21, 0, 8, 0, 4, 9],
    [20, 0, 8, 20, 8, 0],
    [16, 1, 8, 16, 8, 0],
    [20, 4, 8, 17, 8, 0],
    [20, 4, 8, 0, 0, 8],
    [20, 4, 8, 0, 8, 0],
  ];
  it.each(excessDef)(
    'calculateExcessIPs(%i available, %i used, pre %i, min %i, watermark %i) = %i',
    (a, u, p, mn, w, r) => {
      expect(ciliumExcess(node(p, mn, 0, w), a, u)).toBe(r);
    },
  );
  it('never asks for and releases at once, and never releases an assigned address', () => {
    const n = fc.nat(40);
    fc.assert(
      fc.property(n, n, n, n, n, n, (a, u0, p, mn, mx, w) => {
        const u = Math.min(u0, a);
        const s = node(p, mn, mx, w);
        const need = ciliumNeeded(s, a, u);
        const excess = ciliumExcess(s, a, u);
        expect(need === 0 || excess === 0).toBe(true);
        expect(excess).toBeLessThanOrEqual(a - u);
        if (mx > 0) expect(a + need).toBeLessThanOrEqual(Math.max(mx, a));
      }),
    );
  });
});

/** A SIP pool of ENIs [free, assigned] (the first primary). */
function sip(enis: [number, number][]): SipPool {
  const ds = new SipPool(0);
  let ip = 1;
  enis.forEach(([free, assigned], i) => {
    const e = ds.addEni(`eni-${i + 1}`, i === 0, i, 0);
    ds.addCidrs(
      e,
      Array.from({ length: free + assigned }, () => ip++),
    );
    for (let k = 0; k < assigned; k++) ds.assignOn(e);
  });
  return ds;
}

function view(pool: SipPool, maxIpsPerEni = 9, eniCap = 3): NodeView {
  const snap: PoolSnapshot = {
    total: pool.total,
    assigned: pool.assigned,
    maxPods: 29,
    maxIpsPerEni,
    totalPrefixes: 0,
    freePrefixes: 0,
    freeableEni: false,
  };
  return { pool, now: snap, passStart: snap, eniCap, backoffUntil: -Infinity, lastDecreaseAt: -Infinity };
}

describe("the operator's decision for one node (determineMaintenanceAction)", () => {
  const ops = CILIUM_OPERATOR_DEFAULTS;
  it('fills the first ENI with room with needed + max-above-watermark', () => {
    const p = new CiliumPolicy(node(8, 0, 0, 2), ops);
    const v = view(
      sip([
        [0, 9],
        [1, 3],
      ]),
    );
    const i = p.decide(v, { at: 'pass' }, 0);
    expect(i).toMatchObject({ kind: 'top-up', perEni: 9, want: 7 + 2, nextOnInsufficient: false });
    expect(i.kind === 'top-up' && i.enis.map((e) => e.id)).toEqual(['eni-2']);
  });
  it('creates an ENI when no ENI has room, with at most one ENI of addresses', () => {
    const p = new CiliumPolicy(CILIUM_NODE_DEFAULTS, ops);
    expect(p.decide(view(sip([[0, 9]])), { at: 'pass' }, 0)).toEqual({ kind: 'attach-eni', cidrs: 8 });
    const big = new CiliumPolicy(node(30, 0, 0, 0), ops);
    expect(big.decide(view(sip([[0, 9]])), { at: 'pass' }, 0)).toEqual({ kind: 'attach-eni', cidrs: 9 });
  });
  it('does nothing at the ENI cap, or with the watermark met, and does one action per maintenance', () => {
    const p = new CiliumPolicy(CILIUM_NODE_DEFAULTS, ops);
    expect(
      p.decide(
        view(
          sip([
            [0, 9],
            [0, 9],
            [0, 9],
          ]),
        ),
        { at: 'pass' },
        0,
      ),
    ).toEqual({ kind: 'done' });
    expect(p.decide(view(sip([[8, 1]])), { at: 'pass' }, 0)).toEqual({ kind: 'done' });
    expect(p.decide(view(sip([[0, 9]])), { at: 'attached', init: false }, 0)).toEqual({ kind: 'done' });
    expect(p.nextLook(view(sip([[8, 1]])), 5)).toBe(Infinity);
    expect(p.nextLook(view(sip([[0, 9]])), 5)).toBe(5);
  });
  it('max-allocate caps what one allocation asks for', () => {
    const p = new CiliumPolicy(node(8, 0, 12, 4), ops);
    expect(p.decide(view(sip([[2, 8]])), { at: 'pass' }, 0)).toEqual({ kind: 'attach-eni', cidrs: 2 });
  });
  it('releases excess only with --aws-release-excess-ips, and only after it lasted the release delay', () => {
    const pool = sip([
      [9, 0],
      [9, 0],
    ]);
    expect(new CiliumPolicy(CILIUM_NODE_DEFAULTS, ops).decide(view(pool), { at: 'pass' }, 0).kind).toBe('done');
    const p = new CiliumPolicy(CILIUM_NODE_DEFAULTS, { ...ops, releaseExcessIps: true });
    expect(p.nextLook(view(pool), 0)).toBe(0);
    expect(p.decide(view(pool), { at: 'pass' }, 0)).toEqual({ kind: 'done' }); // marked
    expect(p.decide(view(pool), { at: 'pass' }, 179_999)).toEqual({ kind: 'done' });
    expect(p.decide(view(pool), { at: 'pass' }, 180_000)).toEqual({ kind: 'release', cidrs: 18 - 8 });
  });
  it('a node that stops having excess starts its release delay afresh', () => {
    const p = new CiliumPolicy(CILIUM_NODE_DEFAULTS, { ...ops, releaseExcessIps: true });
    const pool = sip([
      [9, 0],
      [9, 0],
    ]);
    p.decide(view(pool), { at: 'pass' }, 0);
    const taken = Array.from({ length: 10 }, (_, k) => pool.assignOn(pool.enis[k < 9 ? 0 : 1]));
    expect(p.decide(view(pool), { at: 'pass' }, 100_000)).toEqual({ kind: 'done' }); // 8 free, 10 used: no excess
    for (const a of taken) pool.release(a, 100_000);
    expect(p.decide(view(pool), { at: 'pass' }, 200_000)).toEqual({ kind: 'done' }); // marked again
    expect(p.decide(view(pool), { at: 'pass' }, 380_000).kind).toBe('release');
  });
});

describe("the operator's client-side rate limit (x/time/rate's Wait)", () => {
  it('lets a burst through at once, then one call per 1/qps', () => {
    const l = new ClientRateLimiter(4, 20);
    const waits = Array.from({ length: 24 }, () => l.reserve(0));
    expect(waits.slice(0, 20)).toEqual(Array(20).fill(0));
    expect(waits.slice(20)).toEqual([250, 500, 750, 1000]);
    expect(l.waited).toBe(4);
    expect(l.longestWaitMs).toBe(1000);
  });
  it('never lets more than burst + qps x t calls go in any t from the start', () => {
    fc.assert(
      fc.property(
        fc.array(fc.nat(5_000), { minLength: 1, maxLength: 200 }),
        fc.integer({ min: 1, max: 10 }),
        fc.integer({ min: 1, max: 30 }),
        (gaps, qps, burst) => {
          const l = new ClientRateLimiter(qps, burst);
          let t = 0;
          const goes: number[] = [];
          for (const g of gaps) {
            t += g;
            goes.push(t + l.reserve(t));
          }
          goes.forEach((g, k) => expect(k + 1).toBeLessThanOrEqual(burst + (qps * g) / 1000 + 1e-9));
        },
      ),
    );
  });
});

const CHURNY = `
name: cilium-churn
seed: 7
duration: 25m
allocator: cilium-eni
cilium: { pre-allocate: 4, max-above-watermark: 2, aws-release-excess-ips: true, excess-ip-release-delay: 2m }
nodeGroups:
  - { name: cil, instanceType: t3.medium, count: 2 }
  - { name: vpc, instanceType: m5.large, count: 2, allocator: ipamd }
  - { name: capped, instanceType: m5.large, count: 1, cilium: { min-allocate: 12, max-allocate: 20 } }
workload:
  - burst: { at: 10s, pods: 40, lifetime: { exponential: 4m } }
  - scale: { at: 2m, nodeGroup: cil, to: 5 }
  - poisson: { from: 1m, to: 20m, ratePerMinute: 12, lifetime: { uniform: [20s, 3m] } }
  - scale: { at: 15m, nodeGroup: cil, to: 1 }
`;

describe('cilium-eni on a cluster: invariants after every event', () => {
  it('keeps every allocator invariant with churn, scale-out, scale-in and excess release, next to ipamd nodes', () => {
    const { c, log } = runLogged(CHURNY);
    const op = c.ciliumOperator;
    expect(op).toBeDefined();
    expect(op?.maintenances).toBeGreaterThan(0);
    const released = log.filter((r) => r.type === 'ipamd' && r.action === 'release-ips');
    expect(released.some((r) => String(r.node).startsWith('cil-') || String(r.node).startsWith('capped-'))).toBe(true);
    // Only the ipamd group frees ENIs (Cilium never does).
    const freed = log.filter((r) => r.type === 'ipamd' && r.action === 'free-eni').map((r) => String(r.node));
    expect(freed.every((n) => n.startsWith('vpc-'))).toBe(true);
    // max-allocate holds on the capped node, and min-allocate was reached.
    const capped = c.nodes.find((n) => n.runtime.name === 'capped-0');
    expect(capped?.ipamd.ds.total).toBeLessThanOrEqual(20);
    expect(capped?.ipamd.ds.total).toBeGreaterThanOrEqual(12);
    for (const n of c.nodes) expect(n.ipamd.ready || n.runtime.drainedAt >= 0).toBe(true);
  });
});

describe('allocator and cilium settings in the scenario', () => {
  const problems = (yaml: string): string[] =>
    validateScenario(parseScenarioText(yaml, 'bad.yaml'), process.cwd()).problems.map(formatProblem);
  it('locates a bad allocator, an unknown Cilium field (did you mean) and an operator flag in a node group', () => {
    const out = problems(`duration: 10m
allocator: cilium
cilium: { pre-alocate: 8, limit-ipam-api-qps: 0 }
nodeGroups:
  - { name: w, instanceType: m5.large, count: 1, cilium: { aws-release-excess-ips: true } }
`);
    expect(out.join('\n')).toMatch(/bad\.yaml:2:\d+: error: allocator: .*"ipamd", "cilium-eni"/);
    expect(out.join('\n')).toMatch(
      /bad\.yaml:3:\d+: error: cilium\.pre-alocate: unknown field "pre-alocate"; did you mean "pre-allocate"\?/,
    );
    expect(out.join('\n')).toMatch(/cilium\.limit-ipam-api-qps: .*0/);
    expect(out.join('\n')).toMatch(
      /nodeGroups\[0\]\.cilium\.aws-release-excess-ips: unknown field "aws-release-excess-ips"/,
    );
  });
  it('resolves the cluster-wide allocator, a group override and the defaults Cilium documents', () => {
    const { scenario, problems: p } = validateScenario(
      parseScenarioText(
        `duration: 10m
allocator: cilium-eni
cilium: { max-above-watermark: 3 }
nodeGroups:
  - { name: a, instanceType: m5.large, count: 1 }
  - { name: b, instanceType: m5.large, count: 1, allocator: ipamd }
  - { name: c, instanceType: m5.large, count: 1, cilium: { pre-allocate: 16 } }
`,
        'ok.yaml',
      ),
      process.cwd(),
    );
    expect(p).toEqual([]);
    const g = scenario?.nodeGroups ?? [];
    expect(g.map((x) => x.allocator)).toEqual(['cilium-eni', undefined, 'cilium-eni']);
    expect(g[0].cilium).toEqual({ preAllocate: 8, minAllocate: 0, maxAllocate: 0, maxAboveWatermark: 3 });
    expect(g[2].cilium?.preAllocate).toBe(16);
    expect(scenario?.ciliumOperator).toEqual(CILIUM_OPERATOR_DEFAULTS);
  });
});
