/**
 * ipamd's policy (ipamd-policy.ts) as intentions: the upstream vectors of policy.test.ts and policy-pd.test.ts
 * (TST-INC-1, TST-WIP-1, TST-INIT-1, TST-DEC-1, DS-WARMENI, TST-COOL) asked of IpamdPolicy.decide / nextLook on a
 * datastore built to match, asserting on what it says to do.
 */
import { describe, expect, it } from 'vitest';
import type { Intent, NodeView, Step } from '../../src/ipam/allocator.js';
import { parseIpamdEnv } from '../../src/ipam/config.js';
import type { Datastore } from '../../src/ipam/datastore.js';
import { IpamdPolicy } from '../../src/ipam/ipamd-policy.js';
import { defaultIpamdParams } from '../../src/ipam/params.js';
import { PdPool } from '../../src/ipam/pd-pool.js';
import { isPoolTooHigh, isPoolTooLow, shouldTryFreeEni, type PoolSnapshot } from '../../src/ipam/policy.js';
import { SipPool } from '../../src/ipam/sip-pool.js';
import { Rng } from '../../src/engine/random.js';

const policy = (env: Record<string, string | number>): IpamdPolicy =>
  new IpamdPolicy(parseIpamdEnv(env).config, defaultIpamdParams().timers);

/** A SIP pool from ENI specs [free, assigned, createdAt] (the first one primary). */
function sip(enis: [number, number, number][]): SipPool {
  const ds = new SipPool(30_000);
  let ip = 1;
  enis.forEach(([free, assigned, createdAt], i) => {
    const e = ds.addEni(`eni-${i + 1}`, i === 0, i, createdAt);
    ds.addCidrs(
      e,
      Array.from({ length: free + assigned }, () => ip++),
    );
    for (let k = 0; k < assigned; k++) ds.assignOn(e);
  });
  return ds;
}

/** What ipamd shows its policy: the pool, its counts (now and at the pass start), the ENI cap and the timers. */
function view(pool: Datastore, maxIpsPerEni: number, more: Partial<NodeView> = {}): NodeView {
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
    eniCap: 3,
    backoffUntil: -Infinity,
    lastDecreaseAt: -Infinity,
    ...more,
  };
}

const at = (s: Step['at'], more: object = {}): Step => ({ at: s, init: false, increased: false, ...more });
const ids = (i: Intent): string[] => (i.kind === 'free-eni' ? i.candidates.map((e) => e.id) : []);

describe('IpamdPolicy: growing (increaseDatastorePool)', () => {
  it('TST-INC-1: ENI-target mode, a top-up that added nothing: a new ENI with a full 14 addresses', () => {
    const ds = sip([[0, 0, 0]]);
    const p = policy({ WARM_ENI_TARGET: 1 });
    const v = view(ds, 14);
    expect(p.decide(v, at('pass'), 0)).toEqual({
      kind: 'top-up',
      enis: [ds.enis[0]],
      perEni: 14,
      want: Infinity,
      nextOnInsufficient: true, // ENABLE_SUBNET_DISCOVERY defaults to true
    });
    expect(p.decide(v, at('topped-up'), 0)).toEqual({ kind: 'attach-eni', cidrs: 14 });
  });

  it('TST-WIP-1: WARM_IP_TARGET=3 on an empty datastore: top up by 3, else a new ENI with 3', () => {
    const ds = sip([[0, 0, 0]]);
    const p = policy({ WARM_IP_TARGET: 3 });
    const v = view(ds, 14);
    expect(p.decide(v, at('pass'), 0)).toMatchObject({ kind: 'top-up', perEni: 14, want: 3 });
    expect(p.decide(v, at('topped-up'), 0)).toEqual({ kind: 'attach-eni', cidrs: 3 });
  });

  it('TST-INIT-1: total 3, 1 pod, WARM_IP_TARGET=3: nodeInit tops the ENI up by exactly 1', () => {
    const ds = sip([[2, 1, 0]]);
    const i = policy({ WARM_IP_TARGET: 3 }).decide(view(ds, 14), { at: 'init' }, 0);
    expect(i).toMatchObject({ kind: 'top-up', perEni: 14, want: 1 });
    if (i.kind !== 'top-up') throw new Error(i.kind);
    expect(Math.min(i.perEni - ds.cidrsOn(ds.enis[0]), i.want)).toBe(1);
  });

  it('a full ENI is no candidate; with subnet discovery an insufficient-address error moves on', () => {
    const ds = sip([
      [0, 14, 0],
      [0, 2, 0],
    ]);
    const i = policy({ WARM_ENI_TARGET: 1, ENABLE_SUBNET_DISCOVERY: 'true' }).decide(view(ds, 14), at('pass'), 0);
    expect(i).toMatchObject({ kind: 'top-up', enis: [ds.enis[1]], nextOnInsufficient: true });
  });

  it('after an error, a top-up that added CIDRs, or with no room for an ENI, growth ends (then ENI freeing)', () => {
    const ds = sip([[0, 0, 0]]);
    const p = policy({ WARM_ENI_TARGET: 1 });
    expect(p.decide(view(ds, 14), at('topped-up', { error: 'InsufficientFreeAddressesInSubnet' }), 0).kind).toBe(
      'done',
    );
    expect(p.decide(view(ds, 14), at('topped-up', { increased: true }), 0).kind).toBe('done');
    expect(p.decide(view(ds, 14, { eniCap: 1 }), at('topped-up'), 0).kind).toBe('done');
    expect(p.decide(view(ds, 14), at('topped-up', { init: true }), 0).kind).toBe('attach-eni');
  });

  it('TST-COOL: within the insufficient-address back-off a low pool does not grow; the loop looks again when it ends', () => {
    const ds = sip([[0, 0, 0]]);
    const p = policy({ WARM_ENI_TARGET: 1 });
    const v = view(ds, 14, { backoffUntil: 120_000 });
    expect(p.decide(v, at('pass'), 60_000).kind).toBe('done');
    expect(p.nextLook(v, 60_000)).toBe(120_000);
    expect(p.decide(v, at('pass'), 120_000).kind).toBe('top-up');
    expect(p.nextLook(v, 120_000)).toBe(120_000);
  });

  it('a disabled provisioning (DISABLE_NETWORK_RESOURCE_PROVISIONING) never acts', () => {
    const ds = sip([[0, 0, 0]]);
    const p = policy({ DISABLE_NETWORK_RESOURCE_PROVISIONING: 'true' });
    expect(p.decide(view(ds, 14), { at: 'init' }, 0).kind).toBe('done');
    expect(p.decide(view(ds, 14), at('pass'), 0).kind).toBe('done');
    expect(p.nextLook(view(ds, 14), 0)).toBe(Infinity);
  });
});

describe('IpamdPolicy: shrinking (decreaseDatastorePool, tryFreeENI)', () => {
  it('TST-DEC-1: WARM_IP_TARGET=1, total 4, 2 assigned: release 1 address, not within 30 s of the last release', () => {
    const ds = sip([
      [0, 2, 0],
      [2, 0, 0],
    ]);
    const p = policy({ WARM_IP_TARGET: 1 });
    expect(p.decide(view(ds, 2), at('pass'), 100_000)).toEqual({ kind: 'release', cidrs: 1 });
    const recent = view(ds, 2, { lastDecreaseAt: 80_000 });
    expect(p.decide(recent, at('pass'), 100_000).kind).not.toBe('release');
    // eni-2 has no pod but holds the only free address WARM_IP_TARGET needs: the next look is when 30 s are up.
    expect(p.decide(recent, at('pass'), 100_000).kind).toBe('done');
    expect(p.nextLook(recent, 100_000)).toBe(110_000);
  });

  it.each([
    ['DS-WARMENI-1', 3, 1, []],
    ['DS-WARMENI-2', 1, 5, []],
    ['DS-WARMENI-3', 2, 4, ['eni-3']],
  ])('%s: (WARM_IP_TARGET %i, MINIMUM_IP_TARGET %i) after a release: free %j', (_id, warmIp, minIp, freed) => {
    const ds = sip([
      [0, 2, 0],
      [2, 0, 0],
      [1, 0, 0],
    ]);
    const i = policy({ WARM_IP_TARGET: warmIp, MINIMUM_IP_TARGET: minIp }).decide(view(ds, 9), at('released'), 1e6);
    expect(ids(i)).toEqual(freed);
    expect(i.kind).toBe(freed.length ? 'free-eni' : 'done');
  });

  it('ENI-target mode frees an ENI only above (WARM_ENI_TARGET + 1) ENIs of free addresses, read at the pass start', () => {
    const ds = sip([
      [0, 9, 0],
      [9, 0, 0],
      [9, 0, 0],
    ]);
    const p = policy({ WARM_ENI_TARGET: 1 });
    expect(ids(p.decide(view(ds, 9), at('pass'), 1e6))).toEqual(['eni-2', 'eni-3']);
    const start = { ...view(ds, 9).passStart, assigned: 10 };
    expect(p.decide(view(ds, 9, { passStart: start }), at('attached'), 1e6).kind).toBe('done');
  });

  it('PD: free prefixes above WARM_PREFIX_TARGET are released (computeExtraPrefixesOverWarmTarget)', () => {
    const ds = new PdPool(0, { rng: new Rng('pd') });
    const e = ds.addEni('eni-1', true, 0, 0);
    ds.addCidrs(e, [0, 16, 32, 48]);
    ds.handOut(0);
    const p = policy({ ENABLE_PREFIX_DELEGATION: 'true', WARM_PREFIX_TARGET: 1 });
    expect(p.decide(view(ds, 9 * 16), at('pass'), 0)).toEqual({ kind: 'release', cidrs: 2 });
  });
});

describe('IpamdPolicy: the quiet band', () => {
  it.each([
    ['WARM_ENI_TARGET', { WARM_ENI_TARGET: 1 }, true],
    // IP-target mode always looks for an ENI to free (shouldRemoveExtraENIs): no band.
    ['WARM_IP_TARGET', { WARM_IP_TARGET: 3, MINIMUM_IP_TARGET: 5 }, false],
  ])('%s: inside the band nextLook is Infinity at any time; just outside a pass would act', (_name, env, band) => {
    const p = policy(env);
    const widths: number[] = [];
    for (const [total, maxIps] of [
      [18, 9],
      [27, 9],
      [8, 9],
    ]) {
      const shape: PoolSnapshot = { total, assigned: 0, maxPods: 500, maxIpsPerEni: maxIps };
      const [lo, hi] = p.quietBand(shape);
      widths.push(hi - lo + 1);
      for (let a = 0; a <= total; a++) {
        const s = { ...shape, assigned: a };
        // A pool with no ENI to free: the primary holds everything.
        const v = view(sip([[total - a, a, 0]]), maxIps, { now: s, passStart: s });
        const quiet = p.nextLook(v, 1e9) === Infinity && p.nextLook(v, 0) === Infinity;
        if (a >= lo && a <= hi) expect(quiet).toBe(true);
        // Just outside, the pool is too low or too high, or an ENI may be freed (the band is as wide as it can be).
        const t = p.targets;
        const acts = isPoolTooLow(t, s) || isPoolTooHigh(t, s) || shouldTryFreeEni(t, s);
        if (a === lo - 1 || a === hi + 1) expect(acts).toBe(true);
        if (a >= lo && a <= hi) expect(acts).toBe(false);
      }
    }
    // ENI-target pools have a band to skip pod events in (but not an 8-address pool under WARM_ENI_TARGET=1).
    expect(Math.max(...widths) > 1).toBe(band);
  });
});
