/**
 * Table tests from the upstream unit-test vectors (shared reference section 6): TST-LOW-SIP, TST-TS-SIP, TST-WIP,
 * TST-INC amounts, TST-INIT-1, TST-DEC-1, TST-PARSE, DS-WARMENI, DS-POD, DS-STATS.
 */
import { describe, expect, it } from 'vitest';
import { defaultIpamdConfig, parseIpamdEnv, poolMode } from '../../src/ipam/config.js';
import {
  isPoolTooHigh,
  isPoolTooLow,
  newEniAmount,
  poolTargets,
  shouldTryFreeEni,
  targetState,
  topUpAmount,
  type PoolSnapshot,
} from '../../src/ipam/policy.js';
import { SipPool } from '../../src/ipam/sip-pool.js';
import { deletableEnis } from '../../src/ipam/deletable.js';
import { Rng } from '../../src/engine/random.js';

const targets = (env: Record<string, string | number>) => poolTargets(parseIpamdEnv(env).config);
const snap = (total: number, assigned: number, maxIpsPerEni: number, maxPods = 500): PoolSnapshot => ({
  total,
  assigned,
  maxIpsPerEni,
  maxPods,
});

describe('isDatastorePoolTooLow, SIP (TST-LOW-SIP, ipamd_test.go:1491)', () => {
  it.each([
    ['TST-LOW-SIP-1', 14, 1, 0, 0, 0, 500, true],
    ['TST-LOW-SIP-2', 14, 0, 0, 0, 0, 500, true],
    ['TST-LOW-SIP-3', 14, 0, 3, 0, 0, 500, true],
    ['TST-LOW-SIP-4', 3, 1, 1, 3, 0, 500, false],
    ['TST-LOW-SIP-5', 3, 1, 0, 3, 1, 500, true],
    ['TST-LOW-SIP-6', 3, 0, 0, 3, 1, 500, false],
    ['TST-LOW-SIP-7', 3, 1, 0, 3, 3, 500, true],
    ['TST-LOW-SIP-8', 3, 0, 0, 3, 3, 500, true],
    ['TST-LOW-SIP-9', 3, 0, 5, 3, 3, 3, false],
  ])('%s', (_id, maxIps, warmEni, warmIp, total, assigned, maxPods, low) => {
    const t = targets({ WARM_ENI_TARGET: warmEni, WARM_IP_TARGET: warmIp });
    expect(isPoolTooLow(t, snap(total, assigned, maxIps, maxPods))).toBe(low);
  });
});

describe('datastoreTargetState, SIP (TST-TS-SIP, ipamd_test.go:1396)', () => {
  it('TST-TS-SIP-1: WARM_IP_TARGET 0 is not IP-target mode', () => {
    expect(poolMode(parseIpamdEnv({ WARM_IP_TARGET: 0 }).config)).toBe('eni-target');
  });
  it.each([
    ['TST-TS-SIP-2', 0, 5, 0],
    ['TST-TS-SIP-3', 2, 3, 0],
    ['TST-TS-SIP-4', 5, 0, 0],
  ])('%s: %i free addresses, WARM_IP_TARGET=5', (_id, free, short, over) => {
    const t = targets({ WARM_IP_TARGET: 5 });
    expect(t.mode).toBe('ip-target');
    expect(targetState(t, snap(free, 0, 14))).toEqual({ short, over });
  });
});

describe('amounts requested (TST-INC-1, TST-WIP-1, TST-INIT-1)', () => {
  it('TST-INC-1: ENI-target mode asks for a full ENI (14 addresses)', () => {
    expect(newEniAmount(targets({ WARM_ENI_TARGET: 1 }), snap(0, 0, 14))).toBe(14);
  });
  it('TST-WIP-1: WARM_IP_TARGET=3 on an empty datastore asks for 3 addresses on the new ENI', () => {
    expect(newEniAmount(targets({ WARM_IP_TARGET: 3 }), snap(0, 0, 14))).toBe(3);
  });
  it('TST-INIT-1: total 3, 1 pod, WARM_IP_TARGET=3 tops up by exactly 1', () => {
    const t = targets({ WARM_IP_TARGET: 3 });
    expect(isPoolTooLow(t, snap(3, 1, 14))).toBe(true);
    expect(topUpAmount(t, snap(3, 1, 14), 1)).toBe(1);
  });
  it('ENI-target mode fills the ENI to its maximum', () => {
    expect(topUpAmount(targets({}), snap(4, 4, 9), 4)).toBe(5);
  });
  it('IP-target top-up is capped by the room left on the ENI', () => {
    expect(topUpAmount(targets({ MINIMUM_IP_TARGET: 30 }), snap(0, 0, 9), 7)).toBe(2);
  });
});

describe('too high and ENI-free thresholds', () => {
  it('TST-DEC-1: WARM_IP_TARGET=1, total 4, assigned 2 gives short 0, over 1', () => {
    const t = targets({ WARM_IP_TARGET: 1 });
    expect(targetState(t, snap(4, 2, 2))).toEqual({ short: 0, over: 1 });
    expect(isPoolTooHigh(t, snap(4, 2, 2))).toBe(true);
    expect(targetState(t, snap(3, 2, 2))).toEqual({ short: 0, over: 0 });
  });
  it('ENI-target mode never releases single addresses', () => {
    expect(isPoolTooHigh(targets({ WARM_ENI_TARGET: 1 }), snap(100, 0, 9))).toBe(false);
  });
  it('ENI-target mode looks for an ENI to free only above (WARM_ENI_TARGET + 1) ENIs of free addresses', () => {
    const t = targets({ WARM_ENI_TARGET: 1 });
    expect(shouldTryFreeEni(t, snap(27, 10, 9))).toBe(false); // 17 < 18
    expect(shouldTryFreeEni(t, snap(27, 9, 9))).toBe(true); // 18
    expect(shouldTryFreeEni(targets({ WARM_IP_TARGET: 1 }), snap(0, 0, 9))).toBe(true);
  });
  it('MINIMUM_IP_TARGET alone: the floor is kept, nothing grows beyond it (#2650)', () => {
    const t = targets({ MINIMUM_IP_TARGET: 11 });
    expect(isPoolTooLow(t, snap(11, 11, 9))).toBe(false);
    expect(targetState(t, snap(20, 5, 9))).toEqual({ short: 0, over: 9 });
  });
});

describe('environment parsing (TST-PARSE)', () => {
  it.each([
    ['MINIMUM_IP_TARGET', undefined, 'minimumIpTarget', 0],
    ['MINIMUM_IP_TARGET', '10', 'minimumIpTarget', 10],
    ['MINIMUM_IP_TARGET', '0', 'minimumIpTarget', 0],
    ['MINIMUM_IP_TARGET', '-5', 'minimumIpTarget', 0],
    ['MINIMUM_IP_TARGET', 'invalid', 'minimumIpTarget', 0],
    ['WARM_IP_TARGET', '5', 'warmIpTarget', 5],
    ['WARM_IP_TARGET', undefined, 'warmIpTarget', 0],
    ['WARM_IP_TARGET', 'non-integer-string', 'warmIpTarget', 0],
    ['WARM_PREFIX_TARGET', '5', 'warmPrefixTarget', 5],
    ['WARM_PREFIX_TARGET', 'non-integer-string', 'warmPrefixTarget', 0],
    ['WARM_ENI_TARGET', '-1', 'warmEniTarget', 1],
    ['WARM_ENI_TARGET', '0', 'warmEniTarget', 0],
    ['MAX_ENI', '0', 'maxEni', -1],
    ['MAX_ENI', '3', 'maxEni', 3],
    ['IP_COOLDOWN_PERIOD', 'x', 'ipCooldownMs', 30_000],
    ['IP_COOLDOWN_PERIOD', '-4', 'ipCooldownMs', 0],
    ['IP_COOLDOWN_PERIOD', '0', 'ipCooldownMs', 0],
  ] as const)('%s=%s gives %s %s', (key, raw, field, value) => {
    const env = raw === undefined ? {} : { [key]: raw };
    expect(parseIpamdEnv(env).config[field]).toBe(value);
  });

  it.each([
    [0, 0, 'eni-target'],
    [5, 0, 'ip-target'],
    [0, 10, 'ip-target'],
    [5, 10, 'ip-target'],
  ])('warmIPTargetsDefined(%i, %i) -> %s (TST-PARSE-12..15)', (w, m, mode) => {
    expect(poolMode(parseIpamdEnv({ WARM_IP_TARGET: w, MINIMUM_IP_TARGET: m }).config)).toBe(mode);
  });

  it('warns about values ipamd silently coerces and rejects unknown names with a suggestion', () => {
    const { issues } = parseIpamdEnv({ WARM_IP_TARGET: '-5', WARM_IP_TARGETS: 3 });
    expect(issues).toEqual([
      expect.objectContaining({ key: 'WARM_IP_TARGET', severity: 'warning' }),
      expect.objectContaining({
        key: 'WARM_IP_TARGETS',
        severity: 'error',
        message: expect.stringContaining('did you mean WARM_IP_TARGET?') as unknown,
      }),
    ]);
  });

  it('has the EKS manifest defaults', () => {
    const c = defaultIpamdConfig();
    expect([c.warmEniTarget, c.warmIpTarget, c.minimumIpTarget, c.ipCooldownMs, c.maxEni]).toEqual([
      1, 0, 0, 30_000, -1,
    ]);
  });
});

/** Builds a datastore from ENI specs: [primary, free, assigned, createdAt]. */
function datastore(enis: [boolean, number, number, number][], cooldownMs = 30_000): SipPool {
  const ds = new SipPool(cooldownMs);
  let ip = 1;
  enis.forEach(([primary, free, assigned, createdAt], i) => {
    const e = ds.addEni(`eni-${i + 1}`, primary, i, createdAt);
    ds.addCidrs(
      e,
      Array.from({ length: free + assigned }, () => ip++),
    );
    for (let k = 0; k < assigned; k++) ds.assignOn(e);
  });
  return ds;
}

describe('getDeletableENI (DS-WARMENI, data_store_test.go:1174)', () => {
  const three = (): SipPool =>
    datastore([
      [true, 0, 2, 0],
      [false, 2, 0, 0],
      [false, 1, 0, 0],
    ]);
  const two = (): SipPool =>
    datastore([
      [true, 0, 2, 0],
      [false, 2, 0, 0],
    ]);
  const freed = (ds: SipPool, warmIp: number, minIp: number) =>
    deletableEnis(ds, targets({ WARM_IP_TARGET: warmIp, MINIMUM_IP_TARGET: minIp }), 1_000_000, 60_000).found.map(
      (e) => e.id,
    );
  it('DS-WARMENI-1: (3, 1) frees nothing', () => expect(freed(three(), 3, 1)).toEqual([]));
  it('DS-WARMENI-2: (1, 5) frees nothing', () => expect(freed(three(), 1, 5)).toEqual([]));
  it('DS-WARMENI-3: (2, 4) frees eni-3', () => expect(freed(three(), 2, 4)).toEqual(['eni-3']));
  it('DS-WARMENI-4: (0, 3) frees nothing', () => expect(freed(two(), 0, 3)).toEqual([]));
  it('DS-WARMENI-5: (0, 2) frees eni-2', () => expect(freed(two(), 0, 2)).toEqual(['eni-2']));
  it('TST-FREE-1: an aged secondary ENI with one free address is freed; the primary never', () => {
    const ds = datastore([
      [true, 1, 0, 0],
      [false, 1, 0, 0],
    ]);
    expect(deletableEnis(ds, targets({}), 61_000, 60_000).found.map((e) => e.id)).toEqual(['eni-2']);
  });
});

describe('pod addresses and cooldown (DS-POD, DS-STATS)', () => {
  it('DS-POD-1..3: no fourth address; a young or cooling ENI is not freed; later it is', () => {
    const ds = datastore([
      [true, 2, 0, 0],
      [false, 1, 0, 0],
    ]);
    const rng = new Rng('t');
    const addrs = [0, 1, 2].map(() => ds.assign(0, 'random', rng)!);
    expect(addrs.every(Boolean)).toBe(true);
    expect(ds.assign(0, 'random', rng)).toBeUndefined(); // DS-POD-1
    const onEni2 = addrs.find((a) => a.eni.id === 'eni-2')!;
    ds.release(onEni2, 10_000);
    const t = targets({ WARM_IP_TARGET: 0, MINIMUM_IP_TARGET: 0 });
    expect(deletableEnis(ds, t, 10_000, 60_000).found).toEqual([]); // DS-POD-2: young and cooling
    const later = deletableEnis(ds, t, 70_000, 60_000);
    expect(later.found.map((e) => e.id)).toEqual(['eni-2']); // DS-POD-3
    ds.removeEni(later.found[0]);
    expect([ds.total, ds.assigned]).toEqual([2, 2]);
  });

  it('DS-POD-2: the time-blocked ENI reports when it becomes freeable', () => {
    const ds = datastore([
      [true, 2, 0, 0],
      [false, 1, 0, 5_000],
    ]);
    const a = ds.assign(6_000, 'first-fit', new Rng('x'))!;
    ds.release(a, 50_000);
    const t = targets({ WARM_ENI_TARGET: 0 });
    // eni-1 (primary) took the first-fit pod, so eni-2 only has age to wait for: 5 s + 60 s.
    expect(a.eni.id).toBe('eni-1');
    expect(deletableEnis(ds, t, 50_000, 60_000).wakeAt).toBe(65_000);
  });

  it('DS-STATS-1..3: a released address cools for the cooldown, then is reusable', () => {
    const ds = datastore([[true, 2, 0, 0]], 1000);
    const rng = new Rng('s');
    const a = ds.assign(0, 'random', rng)!;
    ds.assign(0, 'random', rng);
    expect([ds.total, ds.assigned, ds.coolingCount(0)]).toEqual([2, 2, 0]);
    ds.release(a, 100);
    expect([ds.total, ds.assigned, ds.coolingCount(100)]).toEqual([2, 1, 1]);
    expect(ds.assign(600, 'random', rng)).toBeUndefined(); // still cooling: no address
    expect(ds.coolingCount(1099)).toBe(1);
    expect(ds.assign(1099, 'random', rng)).toBeUndefined(); // 1 ms before its cooldown ends
    expect(ds.coolingCount(1100)).toBe(0);
    expect(ds.assign(1100, 'random', rng)).toBe(a);
  });

  it('a released address cools to the millisecond on every ENI, in both placements, also behind older releases', () => {
    for (const placement of ['random', 'first-fit'] as const) {
      const ds = datastore(
        [
          [true, 0, 0, 0],
          [false, 3, 0, 0],
        ],
        1000,
      );
      const rng = new Rng(placement);
      const [a, b, c] = [0, 1, 2].map(() => ds.assign(0, placement, rng)!);
      ds.release(a, 100);
      ds.release(b, 300);
      ds.release(c, 350);
      expect(ds.releaseTimes(a.eni)).toEqual([100, 300, 350]);
      expect(ds.assign(1099, placement, rng)).toBeUndefined();
      expect(ds.assign(1100, placement, rng)).toBe(a);
      expect(ds.assign(1299, placement, rng)).toBeUndefined();
      expect(ds.assign(1300, placement, rng)).toBe(b);
      expect(ds.releaseTimes(a.eni)).toEqual([350]);
      expect(ds.coolingEndsAt(a.eni)).toBe(1350);
    }
  });
});
