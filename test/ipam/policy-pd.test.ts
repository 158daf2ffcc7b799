/**
 * Prefix-delegation decisions and datastore from the upstream vectors (shared reference section 6): TST-LOW-PD,
 * TST-TS-PD, TST-INCPD amounts, TST-EXCL, TST-PARSE-16..18, DS-PD-ASSIGN, DS-STATS-PD, DS-CHECKFREE, DS-DIVCEIL,
 * DS-PDDEF, plus getPrefixesNeeded, computeExtraPrefixesOverWarmTarget, the PD free-ENI threshold, the PD rounding
 * of isRequiredForWarmIPTarget / MinimumIPTarget, and the IMDS poll's partial acceptance.
 */
import { describe, expect, it } from 'vitest';
import { parseIpamdEnv, poolMode } from '../../src/ipam/config.js';
import {
  decreaseAmount,
  divCeil,
  eniFreeBlocker,
  imdsPoll,
  isPoolTooHigh,
  isPoolTooLow,
  newEniAmount,
  poolTargets,
  prefixesNeeded,
  shouldTryFreeEni,
  targetState,
  topUpAmount,
  type EniFacts,
  type PoolSnapshot,
} from '../../src/ipam/policy.js';
import { PREFIX_SIZE } from '../../src/ipam/datastore.js';
import { PdPool } from '../../src/ipam/pd-pool.js';
import { deletableEnis } from '../../src/ipam/deletable.js';
import { Rng } from '../../src/engine/random.js';

const pd = (env: Record<string, string | number> = {}) =>
  poolTargets(parseIpamdEnv({ ENABLE_PREFIX_DELEGATION: 'true', ...env }).config);
/** A PD snapshot: `prefixes` held, `free` of them with no pod, `assigned` pods; maxPrefixesPerENI 16 as in the tests. */
const snap = (prefixes: number, free: number, assigned: number, maxPods = 500, maxPrefixes = 16): PoolSnapshot => ({
  total: prefixes * 16,
  assigned,
  maxPods,
  maxIpsPerEni: maxPrefixes * 16,
  totalPrefixes: prefixes,
  freePrefixes: free,
  freeableEni: false,
});

describe('isDatastorePoolTooLow, PD (TST-LOW-PD, ipamd_test.go:1543)', () => {
  it.each([
    ['TST-LOW-PD-1', 1, 0, 0, 500, true],
    ['TST-LOW-PD-2', 0, 0, 0, 500, true],
    ['TST-LOW-PD-3', 1, 1, 0, 500, false],
    ['TST-LOW-PD-4', 1, 1, 1, 500, true],
    ['TST-LOW-PD-5', 0, 1, 1, 500, false],
    ['TST-LOW-PD-6', 1, 1, 3, 500, true],
    ['TST-LOW-PD-7', 0, 1, 3, 500, false],
    ['TST-LOW-PD-8', 1, 1, 3, 4, false],
  ])('%s: WPT=%i, %i prefix, %i assigned, maxPods %i', (_id, wpt, prefixes, assigned, maxPods, low) => {
    const t = pd({ WARM_PREFIX_TARGET: wpt });
    expect(t.mode).toBe('prefix-target');
    expect(isPoolTooLow(t, snap(prefixes, assigned === 0 ? prefixes : 0, assigned, maxPods))).toBe(low);
  });
});

describe('datastoreTargetState with PD, in prefixes (TST-TS-PD, ipamd_test.go:1444)', () => {
  it('TST-TS-PD-1: WARM_IP_TARGET 0 is not IP-target mode', () => {
    expect(pd({ WARM_IP_TARGET: 0 }).mode).toBe('prefix-target');
  });
  it.each([
    ['TST-TS-PD-2', 0, 1, 0],
    ['TST-TS-PD-3', 2, 0, 1],
    ['TST-TS-PD-4', 1, 0, 0],
  ])('%s: %i free prefixes, WARM_IP_TARGET=5', (_id, free, short, over) => {
    const t = pd({ WARM_IP_TARGET: 5 });
    expect(t.mode).toBe('ip-target');
    expect(targetState(t, snap(free, free, 0))).toEqual({ short, over });
  });
  it('over counts only free prefixes beyond ceil((assigned + WARM_IP)/16) and ceil(MIN_IP/16)', () => {
    // 3 prefixes with one pod each: no prefix is free, so nothing can go although 45 addresses are idle.
    expect(targetState(pd({ WARM_IP_TARGET: 15 }), snap(3, 0, 3)).over).toBe(0);
    // 4 prefixes, 2 free, 17 assigned, WARM_IP 16: ceil(33/16) = 3 needed, so 1 may go.
    expect(targetState(pd({ WARM_IP_TARGET: 16 }), snap(4, 2, 17)).over).toBe(1);
    // MINIMUM_IP_TARGET 40 keeps ceil(40/16) = 3 prefixes.
    expect(targetState(pd({ MINIMUM_IP_TARGET: 40 }), snap(4, 4, 0)).over).toBe(1);
    // short: 20 addresses missing is 2 prefixes.
    expect(targetState(pd({ WARM_IP_TARGET: 20 }), snap(0, 0, 0)).short).toBe(2);
  });
});

describe('prefix amounts: getPrefixesNeeded, GetENIResourcesToAllocate, computeExtraPrefixesOverWarmTarget', () => {
  it('TST-INCPD-1: an empty pool with WARM_PREFIX_TARGET=1 asks for 1 prefix on a new ENI', () => {
    expect(newEniAmount(pd({ WARM_PREFIX_TARGET: 1 }), snap(0, 0, 0))).toBe(1);
  });
  it('prefix mode asks for max(1, WPT - free prefixes), IP mode for max(1, prefix shortage), capped by the ENI', () => {
    expect(prefixesNeeded(pd({ WARM_PREFIX_TARGET: 3 }), snap(2, 1, 5))).toBe(2);
    expect(prefixesNeeded(pd({ WARM_PREFIX_TARGET: 0 }), snap(1, 0, 16))).toBe(1);
    expect(prefixesNeeded(pd({ WARM_IP_TARGET: 40 }), snap(0, 0, 0))).toBe(3);
    expect(topUpAmount(pd({ WARM_PREFIX_TARGET: 5 }), snap(0, 0, 0, 500, 9), 7)).toBe(2);
    expect(newEniAmount(pd({ MINIMUM_IP_TARGET: 400 }), snap(0, 0, 0, 500, 9))).toBe(9);
  });
  it('too high and the decrease: free prefixes above WPT (WPT=0 releases every free prefix)', () => {
    expect(isPoolTooHigh(pd({ WARM_PREFIX_TARGET: 1 }), snap(3, 2, 10))).toBe(true);
    expect(decreaseAmount(pd({ WARM_PREFIX_TARGET: 1 }), snap(3, 2, 10))).toBe(1);
    expect(isPoolTooHigh(pd({ WARM_PREFIX_TARGET: 2 }), snap(3, 2, 10))).toBe(false);
    expect(decreaseAmount(pd({ WARM_PREFIX_TARGET: 0 }), snap(3, 2, 10))).toBe(2);
  });
});

describe('freeing ENIs in PD (shouldRemoveExtraENIs, getDeletableENI)', () => {
  it('looks when available >= (WPT + 1) x (M - 1) x 16, or when a non-primary ENI has no pod', () => {
    const t = pd({ WARM_PREFIX_TARGET: 1 });
    const s = snap(3, 3, 0, 500, 1); // maxIPsPerENI 16: threshold 32
    expect(shouldTryFreeEni(t, s)).toBe(true);
    expect(shouldTryFreeEni(t, snap(2, 1, 16, 500, 1))).toBe(false);
    expect(shouldTryFreeEni(t, { ...snap(2, 1, 16, 500, 1), freeableEni: true })).toBe(true);
  });
  const facts = (over: Partial<EniFacts>): EniFacts => ({
    primary: false,
    ageMs: 120_000,
    cooling: false,
    assigned: 0,
    otherFree: 0,
    otherTotal: 0,
    otherFreePrefixes: 0,
    ...over,
  });
  it('rounds WARM_IP_TARGET and MINIMUM_IP_TARGET up to whole prefixes (isRequiredFor...IPTarget)', () => {
    expect(eniFreeBlocker(pd({ WARM_IP_TARGET: 5 }), facts({ otherFree: 15, otherTotal: 64 }), 60_000)).toBe(
      'needed for WARM_IP_TARGET',
    );
    expect(
      eniFreeBlocker(
        pd({ WARM_IP_TARGET: 5, WARM_PREFIX_TARGET: 0 }),
        facts({ otherFree: 16, otherTotal: 64 }),
        60_000,
      ),
    ).toBeUndefined();
    expect(
      eniFreeBlocker(pd({ MINIMUM_IP_TARGET: 20, WARM_PREFIX_TARGET: 0 }), facts({ otherTotal: 31 }), 60_000),
    ).toBe('needed for MINIMUM_IP_TARGET');
    expect(
      eniFreeBlocker(pd({ MINIMUM_IP_TARGET: 20, WARM_PREFIX_TARGET: 0 }), facts({ otherTotal: 32 }), 60_000),
    ).toBeUndefined();
    // The same numbers in SIP mode are not rounded.
    const sip = poolTargets(parseIpamdEnv({ WARM_IP_TARGET: 5 }).config);
    expect(eniFreeBlocker(sip, facts({ otherFree: 5 }), 60_000)).toBeUndefined();
  });
  it('WARM_PREFIX_TARGET protects free prefixes on this ENI, in IP-target mode too (reference 1.2 subtlety)', () => {
    expect(eniFreeBlocker(pd({ WARM_PREFIX_TARGET: 1 }), facts({ otherFreePrefixes: 0 }), 60_000)).toBe(
      'needed for WARM_PREFIX_TARGET',
    );
    expect(
      eniFreeBlocker(
        pd({ WARM_IP_TARGET: 1, WARM_PREFIX_TARGET: 1 }),
        facts({ otherFree: 16, otherTotal: 16, otherFreePrefixes: 0 }),
        60_000,
      ),
    ).toBe('needed for WARM_PREFIX_TARGET');
    expect(eniFreeBlocker(pd({ WARM_PREFIX_TARGET: 1 }), facts({ otherFreePrefixes: 1 }), 60_000)).toBeUndefined();
  });
});

describe('small vectors', () => {
  it.each([
    [1, 1, 1],
    [3, 2, 2],
    [5, 2, 3],
    [10, 2, 5],
    [1, 10, 1],
  ])('DS-DIVCEIL: DivCeil(%i, %i) = %i', (x, y, q) => expect(divCeil(x, y)).toBe(q));
  it('DS-PDDEF: 16 addresses per prefix', () => expect(PREFIX_SIZE).toBe(16));
  it.each([
    [0, 'false', 'eni-target'],
    [1, 'true', 'prefix-target'],
    [1, 'false', 'eni-target'],
  ])('TST-PARSE-16..18: WARM_PREFIX_TARGET=%i, PD %s -> %s', (wpt, on, mode) => {
    expect(poolMode(parseIpamdEnv({ WARM_PREFIX_TARGET: wpt, ENABLE_PREFIX_DELEGATION: on }).config)).toBe(mode);
  });
  it.each([
    ['TST-EXCL-1', 0, true],
    ['TST-EXCL-2', 10, true],
    ['TST-EXCL-3', 20, false],
  ])('%s: WARM_ENI_TARGET=2 with an excluded empty primary and %i free addresses', (_id, total, low) => {
    const t = poolTargets(parseIpamdEnv({ WARM_ENI_TARGET: 2 }).config);
    expect(isPoolTooLow(t, { total, assigned: 0, maxPods: 100, maxIpsPerEni: 10 })).toBe(low);
  });
  it('IMDS poll: a partial result is taken at the last try with >= 1 secondary address (SIP) but >= 2 prefixes (PD)', () => {
    expect(imdsPoll(false, 9, 9, false)).toBe('ready');
    expect(imdsPoll(false, 9, 3, false)).toBe('wait');
    expect(imdsPoll(false, 9, 1, true)).toBe('partial');
    expect(imdsPoll(false, 9, -1, true)).toBe('fail');
    expect(imdsPoll(true, 3, 1, true)).toBe('fail');
    expect(imdsPoll(true, 3, 2, true)).toBe('partial');
    expect(imdsPoll(true, 1, 1, false)).toBe('ready');
  });
});

describe('the PD datastore (DS-PD-ASSIGN, DS-STATS-PD, DS-CHECKFREE)', () => {
  const base = 0x0a000000; // 10.0.0.0
  it('DS-PD-ASSIGN-1..2: one /28, three pods get .0, .1, .2; a release keeps the prefix', () => {
    const ds = new PdPool(30_000);
    const eni = ds.addEni('eni-1', true, 0, 0);
    ds.addCidrs(eni, [base]);
    const rng = new Rng('pd');
    const got = [0, 1, 2].map(() => ds.assign(0, 'random', rng)!);
    expect(got.map((a) => a.ip - base)).toEqual([0, 1, 2]);
    expect([ds.total, ds.assigned, ds.prefixCount, ds.freePrefixes]).toEqual([16, 3, 1, 0]);
    ds.release(got[1], 1000);
    expect([ds.total, ds.assigned, ds.prefixCount]).toEqual([16, 2, 1]);
  });
  it('DS-STATS-PD-1..3: 1 prefix, 2 pods; release one: 1 cooling; 1 s later none (cooldown 1 s)', () => {
    const ds = new PdPool(1000);
    const eni = ds.addEni('eni-1', true, 0, 0);
    ds.addCidrs(eni, [base]);
    const rng = new Rng('s');
    const a = ds.assign(0, 'first-fit', rng)!;
    ds.assign(0, 'first-fit', rng);
    expect([ds.total, ds.prefixCount, ds.assigned, ds.coolingCount(0)]).toEqual([16, 1, 2, 0]);
    ds.release(a, 500);
    expect([ds.total, ds.prefixCount, ds.assigned, ds.coolingCount(500)]).toEqual([16, 1, 1, 1]);
    expect(ds.coolingCount(1500)).toBe(0);
  });
  it('reuses an address whose cooldown has ended before a never-used one, and never a cooling one (getUnusedIP)', () => {
    const ds = new PdPool(1000);
    const eni = ds.addEni('eni-1', true, 0, 0);
    ds.addCidrs(eni, [base]);
    const rng = new Rng('r');
    const a = ds.assign(0, 'first-fit', rng)!;
    ds.release(a, 0);
    expect(ds.assign(500, 'first-fit', rng)!.ip - base).toBe(1); // .0 still cooling: next never-used
    expect(ds.assign(1000, 'first-fit', rng)).toBe(a); // cooled: reused
  });
  it('a prefix with a pod is not free; the free-prefix count follows assign and release', () => {
    const ds = new PdPool(0);
    const eni = ds.addEni('eni-1', true, 0, 0);
    ds.addCidrs(eni, [base, base + PREFIX_SIZE]);
    const x = ds.assign(0, 'first-fit', new Rng('f'))!;
    expect([ds.freePrefixes, eni.freePrefixes, x.prefix!.base]).toEqual([1, 1, base]);
    ds.release(x, 1);
    expect(ds.freePrefixes).toBe(2);
    expect(() => ds.removePrefixes(eni, [eni.prefixes[0]])).not.toThrow();
    expect([ds.total, ds.prefixCount, ds.freePrefixes]).toEqual([16, 1, 1]);
  });
  it('DS-CHECKFREE-1..3: empty / primary only / + empty secondary ENI', () => {
    const ds = new PdPool(0);
    expect(ds.hasFreeableEni()).toBe(false);
    ds.addEni('eni-1', true, 0, 0);
    expect(ds.hasFreeableEni()).toBe(false);
    ds.addEni('eni-2', false, 1, 0);
    expect(ds.hasFreeableEni()).toBe(true);
  });
  it('an aged empty secondary ENI is deletable unless it holds the only free prefixes WPT needs', () => {
    const ds = new PdPool(0);
    const primary = ds.addEni('eni-1', true, 0, 0);
    ds.addCidrs(primary, [base]);
    ds.assign(0, 'first-fit', new Rng('d'));
    const second = ds.addEni('eni-2', false, 1, 0);
    ds.addCidrs(second, [base + PREFIX_SIZE]);
    expect(deletableEnis(ds, pd({ WARM_PREFIX_TARGET: 1 }), 120_000, 60_000).found).toEqual([]);
    expect(deletableEnis(ds, pd({ WARM_PREFIX_TARGET: 0 }), 120_000, 60_000).found).toEqual([second]);
  });
});
