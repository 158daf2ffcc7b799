/**
 * Cordoned and drained nodes: ipamd on an unschedulable node as upstream (AWS_MANAGE_ENIS_NON_SCHEDULABLE,
 * pkg/ipamd/ipamd.go:855-858, 955-965; upstream's testIncreaseIPPool vectors TST-INC-3/4/5, ipamd_test.go:546-755),
 * the scheduler and drains on a cluster, the items' validation, and the ipamd-cordon-release what-if (#3263).
 */
import { describe, expect, it } from 'vitest';
import type { Intent, NodeView, Step } from '../../src/ipam/allocator.js';
import { parseIpamdEnv } from '../../src/ipam/config.js';
import type { Datastore } from '../../src/ipam/datastore.js';
import { IpamdPolicy } from '../../src/ipam/ipamd-policy.js';
import { CordonReleasePolicy } from '../../src/ipam/cordon-release.js';
import { defaultIpamdParams } from '../../src/ipam/params.js';
import { PdPool } from '../../src/ipam/pd-pool.js';
import { SipPool } from '../../src/ipam/sip-pool.js';
import type { PoolSnapshot } from '../../src/ipam/policy.js';
import { runScenario } from '../../src/index.js';
import { Rng } from '../../src/engine/random.js';
import { parseScenarioText, validateScenario } from '../../src/workload/load.js';
import { formatProblem } from '../../src/workload/problems.js';
import { runLogged, scenarioFrom, expectLazyEqualsEveryTick } from '../helpers.js';

const timers = defaultIpamdParams().timers;
const policy = (env: Record<string, string | number>): IpamdPolicy =>
  new IpamdPolicy(parseIpamdEnv(env).config, timers);

function view(pool: Datastore, maxIpsPerEni: number, unschedulable: boolean, more: Partial<NodeView> = {}): NodeView {
  const snap = (): PoolSnapshot => ({
    total: pool.total,
    assigned: pool.assigned,
    maxPods: 500,
    maxIpsPerEni,
    totalPrefixes: pool.prefixCount,
    freePrefixes: pool.freePrefixes,
    freeableEni: pool.hasFreeableEni(),
  });
  return {
    pool,
    now: snap(),
    passStart: snap(),
    eniCap: 4,
    backoffUntil: -Infinity,
    lastDecreaseAt: -Infinity,
    unschedulable,
    ...more,
  };
}

const at = (s: Step['at'], more: object = {}): Step => ({ at: s, init: false, increased: false, ...more });

/** A SIP pool: the primary ENI (pod addresses only without custom networking), then ENIs [free, assigned, createdAt]. */
function sip(primaryAllocatable: boolean, enis: [number, number, number][] = []): SipPool {
  const ds = new SipPool(30_000, 14);
  ds.addEni('eni-0', true, 0, 0, primaryAllocatable);
  let ip = 1;
  enis.forEach(([free, assigned, createdAt], i) => {
    const e = ds.addEni(`eni-${i + 1}`, false, i + 1, createdAt);
    ds.addCidrs(
      e,
      Array.from({ length: free + assigned }, () => ip++),
    );
    for (let k = 0; k < assigned; k++) ds.assignOn(e);
  });
  return ds;
}

/** What a whole increase does: the intents until 'done', each answered as a failed-nothing EC2 step would be. */
function increase(p: IpamdPolicy, v: NodeView, first: Step): Intent[] {
  const out: Intent[] = [];
  let i = p.decide(v, first, 0);
  while (i.kind !== 'done' && out.length < 4) {
    out.push(i);
    if (i.kind === 'top-up') i = p.decide(v, at('topped-up'), 0);
    else if (i.kind === 'attach-eni') i = p.decide(v, at('attached'), 0);
    else break;
  }
  return out;
}

describe('testIncreaseIPPool (ipamd_test.go:546-755): custom networking, SIP, 14 per ENI, MAX_ENI 4, WARM_ENI_TARGET 1', () => {
  const custom = { AWS_VPC_K8S_CNI_CUSTOM_NETWORK_CFG: 'true', WARM_ENI_TARGET: 1 };
  // [vector, node tainted unschedulable, AWS_MANAGE_ENIS_NON_SCHEDULABLE, the calls the increase makes]
  it.each([
    ['TST-INC-3', false, undefined, ['attach-eni 14']],
    ['TST-INC-4', true, undefined, []],
    ['TST-INC-4 (false)', true, 'false', []],
    ['TST-INC-5', true, 'true', ['attach-eni 14']],
  ] as const)('%s: unschedulable %s, AWS_MANAGE_ENIS_NON_SCHEDULABLE %s', (_, unschedulable, manage, calls) => {
    const p = policy(manage === undefined ? custom : { ...custom, AWS_MANAGE_ENIS_NON_SCHEDULABLE: manage });
    const v = view(sip(false), 14, unschedulable);
    const made = (step: Step) =>
      increase(p, v, step)
        // The top-up finds no allocatable ENI (the primary carries no pods under custom networking): no call.
        .filter((i) => !(i.kind === 'top-up' && i.enis.length === 0))
        .map((i) => (i.kind === 'attach-eni' ? `attach-eni ${i.cidrs}` : i.kind));
    expect(made(at('pass'))).toEqual(calls);
    expect(made({ at: 'init' })).toEqual(calls);
    // nextLook agrees: a held node has nothing to do until it is uncordoned.
    expect(p.nextLook(v, 0)).toBe(calls.length > 0 ? 0 : Infinity);
  });

  it('a held node still releases addresses (decreaseDatastorePool is not gated) but frees no ENI', () => {
    const ds = sip(true, [
      [14, 0, 0],
      [10, 4, 0],
    ]);
    const held = view(ds, 14, true);
    const p = policy({ WARM_IP_TARGET: 2 });
    // 24 free, 2 wanted: release 22.
    expect(p.decide(held, at('pass'), 100_000)).toEqual({ kind: 'release', cidrs: 22 });
    expect(p.decide(held, at('released'), 100_000)).toEqual({ kind: 'done' });
    // Schedulable, the empty ENI may be freed after the release.
    const free = p.decide(view(ds, 14, false), at('released'), 100_000);
    expect(free.kind).toBe('free-eni');
    // With AWS_MANAGE_ENIS_NON_SCHEDULABLE=true the cordoned node frees it too.
    const managed = policy({ WARM_IP_TARGET: 2, AWS_MANAGE_ENIS_NON_SCHEDULABLE: 'true' });
    expect(managed.decide(held, at('released'), 100_000).kind).toBe('free-eni');
  });

  it('ENI-target mode: a held node with a surplus ENI keeps it', () => {
    const ds = sip(true, [
      [14, 0, 0],
      [14, 0, 0],
    ]);
    const p = policy({ WARM_ENI_TARGET: 1 });
    expect(p.decide(view(ds, 14, false), at('pass'), 100_000).kind).toBe('free-eni');
    expect(p.decide(view(ds, 14, true), at('pass'), 100_000)).toEqual({ kind: 'done' });
    expect(p.nextLook(view(ds, 14, true), 100_000)).toBe(Infinity);
  });
});

/** A small cluster: two nodes, pods on both; node w-0 drained at 3m, never terminated. */
const drainYaml = (manage: boolean, allocator = 'ipamd'): string => `
name: drain
seed: 5
duration: 12m
allocator: ${allocator}
ipamd: { WARM_ENI_TARGET: 1, AWS_MANAGE_ENIS_NON_SCHEDULABLE: ${manage} }
nodeGroups:
  - { name: w, instanceType: m5.large, count: 2 }
workload:
  - burst: { at: 10s, pods: 40, name: web }
  - drain: { at: 3m, nodes: [w-0] }
  - burst: { at: 4m, pods: 5, name: late }
`;

describe('cordon and drain on a cluster', () => {
  it('a drain evicts and reschedules every pod; the cordoned node takes no new pod and keeps its ENIs by default', () => {
    const { c, log } = runLogged(drainYaml(false));
    const [w0, w1] = c.nodes;
    expect(w0.runtime.unschedulable).toBe(true);
    expect(w0.runtime.pods).toBe(0);
    const evicted = log.filter((r) => r.type === 'pod' && r.event === 'evicted');
    expect(evicted.length).toBe(w0.runtime.podsEvicted);
    expect(evicted.length).toBeGreaterThan(0);
    expect(evicted.every((r) => r.node === 'w-0' && r.rescheduled === true)).toBe(true);
    // No pod is bound to w-0 after the drain.
    expect(log.some((r) => r.type === 'pod' && r.event === 'bound' && r.node === 'w-0' && r.t >= 180_000)).toBe(false);
    // The rescheduled and late pods run on w-1 (it has room for 27).
    expect(w1.runtime.pods).toBe(27);
    // Held (the default): ipamd neither frees an ENI nor releases an address on w-0 after the cordon.
    const after = log.filter((r) => r.type === 'ipamd' && r.node === 'w-0' && r.t >= 180_000);
    expect(after.filter((r) => r.action === 'free-eni' || r.action === 'release-ips')).toEqual([]);
    expect(w0.ipamd.ds.enis.length).toBeGreaterThan(1);
    const r = runScenario(scenarioFrom(drainYaml(false)));
    expect(r.cordon).toMatchObject({ nodesCordoned: 1, nodesDrained: 1, cordonedAtEnd: 1 });
    expect(r.cordon?.idleEnd).toBe(w0.ipamd.ds.total);
    expect(r.nodeGroups[0].settings.AWS_MANAGE_ENIS_NON_SCHEDULABLE).toBe(false);
  });

  it('AWS_MANAGE_ENIS_NON_SCHEDULABLE=true: the drained node frees its ENIs beyond the warm target', () => {
    const held = runScenario(scenarioFrom(drainYaml(false)));
    const managed = runScenario(scenarioFrom(drainYaml(true)));
    expect(managed.nodes[0].enis.length).toBeLessThan(held.nodes[0].enis.length);
    expect(managed.cordon?.idleEnd).toBeLessThan(held.cordon?.idleEnd ?? 0);
    expect(managed.nodeGroups[0].settings.AWS_MANAGE_ENIS_NON_SCHEDULABLE).toBe(true);
  });

  it('uncordon opens the node again; count and fraction pick the oldest nodes; terminateAfter removes the node', () => {
    const { c, log } = runLogged(`
name: roll
seed: 2
duration: 15m
nodeGroups:
  - { name: w, instanceType: m5.large, count: 4 }
workload:
  - burst: { at: 10s, pods: 20, name: web }
  - cordon: { at: 1m, nodeGroup: w, fraction: 0.5 }
  - drain: { at: 2m, nodeGroup: w, count: 1, terminateAfter: 1m }
  - uncordon: { at: 5m, nodes: [w-1] }
  - burst: { at: 6m, pods: 40, name: late }
`);
    const cordoned = log.filter((r) => r.type === 'node' && r.event === 'cordoned').map((r) => r.node);
    expect(cordoned).toEqual(['w-0', 'w-1']);
    expect(log.find((r) => r.type === 'node' && r.event === 'drain')?.node).toBe('w-0');
    expect(log.find((r) => r.type === 'node' && r.event === 'terminated')?.node).toBe('w-0');
    expect(c.liveNodes('w').map((n) => n.runtime.name)).toEqual(['w-1', 'w-2', 'w-3']);
    expect(c.nodes[1].runtime.unschedulable).toBe(false);
    expect(log.some((r) => r.type === 'pod' && r.event === 'bound' && r.node === 'w-1' && r.t >= 360_000)).toBe(true);
  });

  it('lazy and every-tick loops agree with cordons and drains, for ipamd and the what-if', () => {
    expectLazyEqualsEveryTick(scenarioFrom(drainYaml(false)));
    expectLazyEqualsEveryTick(scenarioFrom(drainYaml(true, 'ipamd-cordon-release')));
  });
});

describe('cordon and drain items: validation', () => {
  const problems = (items: string): string[] =>
    validateScenario(
      parseScenarioText(
        `duration: 5m
nodeGroups:
  - { name: workers, instanceType: m5.large, count: 2 }
workload:
${items}`,
        'c.yaml',
      ),
      process.cwd(),
    ).problems.map(formatProblem);

  it('reports every problem, located, with a suggestion', () => {
    const p = problems(`  - cordon: { at: 1m, nodeGroup: worker }
  - drain: { at: 1m, nodes: [workers-0, wrkers-1] }
  - drain: { at: 1m, nodes: [workers-0], count: 1 }
  - uncordon: { at: 1m }
  - cordon: { at: 1m, nodeGroup: workers, count: 1, fraction: 0.5 }
  - drain: { at: 1m, nodes: [workers-7] }
`);
    expect(p).toEqual([
      expect.stringMatching(
        /c\.yaml:5:\d+.*workload\[0\]\.cordon\.nodeGroup.*no node group "worker"; did you mean workers\?/,
      ),
      expect.stringMatching(
        /c\.yaml:6:\d+.*workload\[1\]\.drain\.nodes\[1\].*no node "wrkers-1"; did you mean workers-1\?/,
      ),
      expect.stringMatching(/c\.yaml:7:\d+.*"count" and "fraction" go with "nodeGroup"/),
      expect.stringMatching(/c\.yaml:8:\d+.*give exactly one of "nodes" \(names\) or "nodeGroup"/),
      expect.stringMatching(/c\.yaml:9:\d+.*give "count" or "fraction", not both/),
      expect.stringMatching(/c\.yaml:10:\d+.*warning.*"workers-7" is not among the 2 nodes "workers" starts with/),
    ]);
  });

  it('AWS_MANAGE_ENIS_NON_SCHEDULABLE is parsed as ipamd parses a boolean', () => {
    expect(parseIpamdEnv({}).config.manageEnisNonSchedulable).toBe(false);
    expect(parseIpamdEnv({ AWS_MANAGE_ENIS_NON_SCHEDULABLE: 'true' }).config.manageEnisNonSchedulable).toBe(true);
    const bad = parseIpamdEnv({ AWS_MANAGE_ENIS_NON_SCHEDULABLE: 'yes' });
    expect(bad.config.manageEnisNonSchedulable).toBe(false);
    expect(bad.issues[0].severity).toBe('warning');
  });
});

describe('ipamd-cordon-release (a what-if, #3263): warm targets dropped on a cordoned node', () => {
  const whatIf = (env: Record<string, string | number>) => new CordonReleasePolicy(parseIpamdEnv(env).config, timers);
  // [mode, env, pool, cordoned, the pass's first intent]
  const enis: [number, number, number][] = [
    [14, 0, 0],
    [10, 4, 0],
  ];
  it.each([
    ['ENI-target, schedulable: as ipamd (no release)', { WARM_ENI_TARGET: 1 }, false, { kind: 'done' }],
    ['ENI-target, cordoned: every free address released', { WARM_ENI_TARGET: 1 }, true, { kind: 'release', cidrs: 24 }],
    ['IP-target, schedulable: down to WARM_IP_TARGET', { WARM_IP_TARGET: 5 }, false, { kind: 'release', cidrs: 19 }],
    [
      'IP-target, cordoned: MINIMUM_IP_TARGET no longer holds',
      { WARM_IP_TARGET: 5, MINIMUM_IP_TARGET: 30 },
      true,
      { kind: 'release', cidrs: 24 },
    ],
  ] as const)('%s', (_, env, cordoned, first) => {
    const v = view(sip(false, enis), 14, cordoned);
    expect(whatIf(env).decide(v, at('pass'), 100_000)).toEqual(first);
  });

  it('a cordoned node never grows, and frees empty ENIs only where ipamd may (the gate stays)', () => {
    const empty = sip(false, [[0, 0, 0]]);
    const p = whatIf({ WARM_ENI_TARGET: 1 });
    expect(p.decide(view(empty, 14, false), at('pass'), 0).kind).toBe('top-up');
    expect(p.decide(view(empty, 14, true), at('pass'), 0)).toEqual({ kind: 'done' });
    expect(p.nextLook(view(empty, 14, true), 0)).toBe(Infinity);
    const idle = sip(false, [[14, 0, 0]]);
    expect(p.decide(view(idle, 14, true), at('released'), 100_000)).toEqual({ kind: 'done' });
    const managed = whatIf({ WARM_ENI_TARGET: 1, AWS_MANAGE_ENIS_NON_SCHEDULABLE: 'true' });
    expect(managed.decide(view(idle, 14, true), at('released'), 100_000).kind).toBe('free-eni');
  });

  it('PD: a cordoned node releases its free prefixes', () => {
    const pd = new PdPool(0, { rng: new Rng('pd') });
    const e = pd.addEni('eni-1', true, 0, 0);
    pd.addCidrs(e, [0, 16, 32]);
    pd.handOut(0);
    const p = whatIf({ ENABLE_PREFIX_DELEGATION: 'true', WARM_PREFIX_TARGET: 1 });
    expect(p.decide(view(pd, 13 * 16, false), at('pass'), 100_000)).toEqual({ kind: 'release', cidrs: 1 });
    expect(p.decide(view(pd, 13 * 16, true), at('pass'), 100_000)).toEqual({ kind: 'release', cidrs: 2 });
  });

  it('its quiet band is quiet for both laws', () => {
    const p = whatIf({ WARM_ENI_TARGET: 1 });
    const s = view(sip(false, enis), 14, false).now;
    const [lo, hi] = p.quietBand(s);
    for (let a = lo; a <= hi; a++) {
      for (const cordoned of [false, true]) {
        const law = cordoned ? p.cordoned : p.schedulable;
        const ds = sip(false, [[28 - a, a, 0]]);
        expect(law.nextLook(view(ds, 14, cordoned), 100_000)).toBe(Infinity);
      }
    }
  });

  it('keeps every allocator invariant after every event, and drained nodes end holding only what pods hold', () => {
    const { c } = runLogged(drainYaml(false, 'ipamd-cordon-release'));
    const w0 = c.nodes[0].ipamd.ds;
    expect(w0.assigned).toBe(0);
    expect(w0.total).toBe(0);
    const r = runScenario(scenarioFrom(drainYaml(false, 'ipamd-cordon-release')));
    expect(r.nodeGroups[0].allocator).toBe('ipamd-cordon-release');
    expect(r.cordon?.idleEnd).toBe(0);
  });
});
