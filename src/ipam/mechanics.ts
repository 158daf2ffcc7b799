/**
 * The mechanics: carries out a policy's intents (allocator.ts) on one node. Every EC2 call ipamd makes is here:
 * topping up ENIs (tryAssignIPs / tryAssignPrefixes), attaching a new ENI (tryAllocateENI → AllocENI →
 * WaitForENIAndIPsAttached → setupENI), releasing CIDRs (decreaseDatastorePool → tryUnassignCidrsFromAll) and
 * freeing an ENI (tryFreeENI → FreeENI), with ipamd's retries and the IMDS reconcile that re-adopts what a failed
 * call left behind. Each call blocks ipamd's loop until it answers; the `done` callback continues the pass.
 *
 * Stop handling lives in one place: {@link live} and {@link later} drop every continuation once the node has
 * stopped (drained and terminated), so nothing below checks for it.
 */
import { Priority } from '../engine/sim.js';
import { sample } from '../engine/distribution.js';
import type { Ec2Result } from '../aws/api.js';
import type { EniRecord } from '../aws/ec2.js';
import { Ec2Client } from '../aws/ec2-client.js';
import type { Rng } from '../engine/random.js';
import { isInsufficient, PRIVATE_IP_LIMIT } from '../aws/ec2-client.js';
import type { Subnet } from '../aws/subnet.js';
import { shuffled, type DsEni } from './datastore.js';
import type { IpamdCore } from './core.js';
import { imdsPoll } from './policy.js';

/** An EC2 callback that does nothing once the node has stopped. */
function live<T>(c: IpamdCore, fn: (r: T) => void): (r: T) => void {
  return (r) => {
    if (!c.stopped()) fn(r);
  };
}

/** Runs `fn` at time `t` (ms) unless the node has stopped by then. */
function later(c: IpamdCore, t: number, fn: () => void): void {
  c.sim.at(
    t,
    Priority.ec2,
    () => {
      if (!c.stopped()) fn();
    },
    undefined,
  );
}

/**
 * CIDRs EC2 has on an ENI that the datastore does not (a failed Unassign, a failed setupENI): what
 * GetIPv4sFromEC2 / GetIPv4PrefixesFromEC2 would report beyond the datastore. Taken by whoever adopts them first.
 */
const unknownCidrs = new WeakMap<EniRecord, number[]>();

function noteUnknown(rec: EniRecord, cidrs: readonly number[]): void {
  const list = unknownCidrs.get(rec);
  if (list) list.push(...cidrs);
  else unknownCidrs.set(rec, cidrs.slice());
}

/** Takes the CIDRs EC2 has on `rec` beyond the datastore (those still on the ENI). */
function takeUnknown(rec: EniRecord, pd: boolean): number[] {
  const list = unknownCidrs.get(rec) ?? [];
  unknownCidrs.delete(rec);
  const on = new Set(pd ? rec.prefixes : rec.secondaries);
  return list.filter((x) => on.has(x));
}

/**
 * A top-up intent (tryAssignIPs / tryAssignPrefixes, ipamd.go:1115-1175, 1217-1260): `enis` in Go map order (a
 * lazily drawn random permutation), each asked for min(perEni - its CIDRs, want); on an error other than
 * PrivateIpAddressLimitExceeded, once more for 1. With `nextOnInsufficient` (subnet discovery) an
 * insufficient-address error moves on to the next ENI; otherwise the error ends the attempt, and an
 * insufficient-address one starts the 120 s back-off. Any other code (InvalidParameterValue "There aren't
 * sufficient free Ipv4 addresses or prefixes", RequestLimitExceeded, ...) is returned as an error, with no back-off.
 * PrivateIpAddressLimitExceeded means the datastore is out of sync: ipamd asks EC2 (DescribeNetworkInterfaces) and
 * adopts what the ENI holds (ipamd.go:1150-1158, 1240-1248).
 */
export function topUp(
  c: IpamdCore,
  enis: readonly DsEni[],
  perEni: number,
  want: number,
  nextOnInsufficient: boolean,
  done: (increased: boolean, code?: string) => void,
): void {
  const pool = enis.slice();
  const tryNext = (): void => {
    if (pool.length === 0) return done(false);
    const i = pool.length === 1 ? 0 : c.choice.int(pool.length);
    const eni = pool[i];
    pool.splice(i, 1);
    const rec = c.records.get(eni.id) as EniRecord;
    const assign = (n: number, cb: (r: Ec2Result<number[]>) => void): void =>
      c.ds.pd
        ? c.ec2.assignIpv4Prefixes(rec, n, live(c, cb), perEni)
        : c.ec2.assignPrivateIpAddresses(rec, n, live(c, cb), perEni);
    const outOfSync = (): void =>
      c.ec2.describeNetworkInterfaces(
        live(c, (d) => {
          if (!d.ok) return done(true, d.code);
          added(c, eni, takeUnknown(rec, c.ds.pd), () => done(true));
        }),
      );
    assign(Math.min(perEni - c.ds.cidrsOn(eni), want), (r) => {
      if (r.ok) return added(c, eni, r.value, () => done(true));
      c.observer.poolAction(c.node, 'ec2-error', { eni: eni.id, code: r.code }, c.sim.now);
      if (r.code === PRIVATE_IP_LIMIT) return outOfSync();
      assign(1, (r1) => {
        if (r1.ok) return added(c, eni, r1.value, () => done(true));
        c.observer.poolAction(c.node, 'ec2-error', { eni: eni.id, code: r1.code }, c.sim.now);
        if (r1.code === PRIVATE_IP_LIMIT) return outOfSync();
        if (nextOnInsufficient && isInsufficient(r1.code)) return tryNext();
        if (isInsufficient(r1.code)) c.noteInsufficient();
        done(false, r1.code);
      });
    });
  };
  tryNext();
}

function added(c: IpamdCore, eni: DsEni, cidrs: number[], next: () => void): void {
  c.ds.addCidrs(eni, cidrs);
  c.added();
  c.observer.poolAction(
    c.node,
    'assign-ips',
    { eni: eni.id, count: cidrs.length, ...(c.ds.pd ? { prefixes: cidrs } : {}) },
    c.sim.now,
  );
  next();
}

/** The error code of a failed call, or undefined. */
const codeOf = (r: Ec2Result<unknown>): string | undefined => (r.ok ? undefined : r.code);

/**
 * nodeInit's EC2 calls before pre-scaling (pkg/ipamd/ipamd.go:486-560), in upstream order; `done(code)` with the
 * error that fails nodeInit (aws-node then exits and restarts), or `done()`.
 *
 * 1. DescribeAllENIs (ipamd.go:488, awsutils.go:1647-1724): IMDS, then one DescribeNetworkInterfaces for all the
 *    node's ENIs, tried up to 12 times (maxENIEC2APIRetries) with sleeps of 0, 10, 20, ... ms, each try behind the
 *    SDK's own retries; skipped in ENABLE_IMDS_ONLY_MODE (awsutils.go:1664-1682). Still failing: nodeInit fails
 *    (ipamd.go:489-491).
 * 2. Per ENI: TagENI (ipamd.go:530-534) unless provisioning is disabled: CreateTags only for an ENI that lacks
 *    ipamd's tags (awsutils.go:1381-1413: the primary ENI at the first start; ENIs ipamd created carry them), up to
 *    5 tries, 0.5 s doubling, +0-30 % jitter; still failing: nodeInit fails.
 * 3. Per ENI: setupENI (ipamd.go:536-559); with subnet discovery its exclusion check calls DescribeSubnets
 *    (ipamd.go:1299-1303, 2869-2875; IsSubnetExcluded → GetVpcSubnets, awsutils.go:2578-2583, 1223-1238). A failure
 *    fails setupENI, which nodeInit tries 6 times (maxRetryCheckENI 5), 10 s apart (eniAttachTime), then goes on.
 *
 * DescribeInstances is not called here at v1.23.1: instance limits come from the embedded table
 * (FetchInstanceTypeLimits, awsutils.go:1927-1931) and DescribeInstances only finds a free device index in AllocENI.
 */
export function initEc2(c: IpamdCore, done: (error?: string) => void): void {
  const ec2 = c.ec2;
  const cfg = c.config;
  const tm = c.params.timers;
  const enis = c.ds.enis.map((e) => c.records.get(e.id) as EniRecord);
  const setup = (i: number): void => {
    if (i >= enis.length) return done();
    const rec = enis[i];
    const next = (): void => setup(i + 1);
    const trySetup = (n: number): void => {
      if (!cfg.enableSubnetDiscovery) return next();
      ec2.describeSubnets(
        live(c, (r) => {
          if (r.ok) return next();
          c.observer.poolAction(c.node, 'ec2-error', { eni: rec.id, code: r.code }, c.sim.now);
          if (n >= tm.setupEniAttempts) return next();
          later(c, c.sim.now + tm.eniAttachTimeMs, () => trySetup(n + 1));
        }),
      );
    };
    if (rec.tagged || cfg.disableNetworkResourceProvisioning) return trySetup(1);
    withRetries(
      c,
      (cb: (r: Ec2Result<null>) => void) => ec2.createTags(rec, cb),
      5,
      500,
      (ok, last) => (ok ? trySetup(1) : done(codeOf(last))),
      0.3,
    );
  };
  if (cfg.imdsOnlyMode) return setup(0);
  const describe = (k: number): void =>
    ec2.describeNetworkInterfaces(
      live(c, (r) => {
        if (r.ok) return setup(0);
        if (k + 1 >= 12) return done(r.code);
        later(c, c.sim.now + k * 10, () => describe(k + 1));
      }),
    );
  describe(0);
}

/** createENI's refusal when the primary subnet is tagged kubernetes.io/role/cni=0 and no other is found (not an EC2 code). */
export const PRIMARY_SUBNET_EXCLUDED = 'PrimarySubnetExcluded';
/** createENI's refusal when subnet discovery finds no subnet for the ENI (awsutils.go:1196-1199; not an EC2 code). */
export const NO_VALID_SUBNET = 'NoValidSubnet';

/**
 * An attach intent (tryAllocateENI → AllocENI): the subnet is the ENIConfig's (custom networking), else with subnet
 * discovery every eligible subnet most-free first (DescribeSubnets, one CreateNetworkInterface per subnet until one
 * succeeds), else the node's own. Then DescribeInstances, Attach, Modify, the IMDS poll and setupENI. An
 * insufficient-address error from the last subnet tried starts the 120 s back-off.
 */
export function attachEni(c: IpamdCore, count: number, done: () => void): void {
  const ec2 = c.ec2;
  const pd = c.ds.pd;
  const attempt = (subnets: readonly Subnet[], i: number, lastCode: string | undefined): void => {
    if (i >= subnets.length) {
      if (lastCode !== undefined && isInsufficient(lastCode)) c.noteInsufficient();
      return done();
    }
    ec2.createNetworkInterface(
      subnets[i],
      count,
      pd,
      live(c, (r) => {
        if (!r.ok) {
          c.observer.poolAction(c.node, 'ec2-error', { code: r.code }, c.sim.now);
          return attempt(subnets, i + 1, r.code);
        }
        const rec = r.value;
        c.observer.poolAction(
          c.node,
          'create-eni',
          { eni: rec.id, count, ...(pd ? { prefixes: rec.prefixes } : {}) },
          c.sim.now,
        );
        // A failed attach deletes the new ENI; a failed Modify frees it (AllocENI, awsutils.go).
        const undo = (code: string, detach: boolean): void => {
          c.observer.poolAction(c.node, 'ec2-error', { eni: rec.id, code }, c.sim.now);
          releaseEni(c, rec, detach, done);
        };
        ec2.describeInstances(
          live(c, (d) => {
            if (!d.ok) return undo(d.code, false);
            ec2.attachNetworkInterface(
              rec,
              c.timing,
              live(c, (at) => {
                if (!at.ok) return undo(at.code, false);
                ec2.modifyNetworkInterfaceAttribute(
                  live(c, (m) => {
                    if (!m.ok) return undo(m.code, true);
                    waitForEni(c, rec, count, done);
                  }),
                );
              }),
            );
          }),
        );
      }),
    );
  };
  if (c.config.customNetworking && c.missingEniConfig !== undefined) {
    // MyENIConfig returns ErrNoENIConfig (eniconfig.go:84-89): tryAllocateENI fails before any EC2 call
    // (ipamd.go:1054-1059) and increaseDatastorePool only logs it (ipamd.go:996-1003).
    c.observer.poolAction(c.node, 'no-eniconfig', { code: c.missingEniConfig }, c.sim.now);
    return done();
  }
  const own = ec2.subnet;
  const fail = (code: string): void => {
    c.observer.poolAction(c.node, 'ec2-error', { code }, c.sim.now);
    done();
  };
  // IsSubnetExcluded (awsutils.go:2578-2609): DescribeSubnets, then the primary subnet's kubernetes.io/role/cni tag.
  const primaryUnlessExcluded = (failed: (code: string) => void): void =>
    ec2.describeSubnets(
      live(c, (x) => {
        if (!x.ok) return failed(x.code);
        if (own.cniTag === 'excluded') return fail(PRIMARY_SUBNET_EXCLUDED);
        attempt([own], 0, undefined);
      }),
    );
  if (c.eniConfigSubnet) attempt([c.eniConfigSubnet], 0, undefined);
  else if (c.central) attempt([own], 0, undefined);
  else if (c.config.enableSubnetDiscovery) {
    // createENI with subnet discovery (awsutils.go:1155-1202): GetVpcSubnets; when it fails, the primary subnet
    // after IsSubnetExcluded's own DescribeSubnets, and if that fails too the ENI is not created.
    ec2.describeSubnets(
      live(c, (r) => {
        if (!r.ok) {
          c.observer.poolAction(c.node, 'ec2-error', { code: r.code }, c.sim.now);
          return primaryUnlessExcluded(fail);
        }
        if (r.value.length === 0) return fail(NO_VALID_SUBNET);
        attempt(r.value, 0, undefined);
      }),
    );
  } else {
    // Discovery off (awsutils.go:1203-1217): the primary subnet, refused if tagged excluded; when DescribeSubnets
    // fails, ipamd proceeds anyway.
    primaryUnlessExcluded((code) => {
      c.observer.poolAction(c.node, 'ec2-error', { code }, c.sim.now);
      attempt([own], 0, undefined);
    });
  }
}

/**
 * waitForENIAndIPsAttached: IMDS polls with doubling backoff. The model shows an ENI and all its addresses at once
 * (at `visibleAt`), so the partial-acceptance rule of {@link imdsPoll} decides nothing here; it is kept so that the
 * poll reads as ipamd's. An ENI the poll gives up on is adopted by the IMDS reconcile later.
 */
function waitForEni(c: IpamdCore, rec: EniRecord, wanted: number, next: () => void): void {
  const tm = c.params.timers;
  const pd = c.ds.pd;
  let t = c.sim.now;
  let sleep = tm.imdsPollFirstMs;
  for (let attempt = 1; attempt <= tm.imdsPollAttempts; attempt++) {
    const seen = t >= rec.visibleAt ? (pd ? rec.prefixes.length : rec.secondaries.length) : -1;
    const outcome = imdsPoll(pd, wanted, seen, attempt === tm.imdsPollAttempts);
    if (outcome === 'ready' || outcome === 'partial') return later(c, t, () => setupEni(c, rec, next));
    if (outcome === 'fail') break;
    t += Math.round(sleep * (1 + tm.imdsPollJitter * c.timing.float()));
    sleep = Math.min(sleep * 2, tm.imdsPollMaxMs);
  }
  // Gave up: the loop moves on; the node's periodic IMDS reconcile adopts the ENI later.
  later(c, t, () => {
    c.observer.poolAction(c.node, 'ec2-error', { eni: rec.id, code: 'ENIAttachTimeout' }, c.sim.now);
    reconcileEni(c, rec, Math.max(rec.visibleAt, c.sim.now + tm.reconcileIntervalMs));
    next();
  });
}

/**
 * setupENI (ipamd.go:1267-1341): the ENI joins the datastore, then with subnet discovery the exclusion check's
 * DescribeSubnets, then link, routes and its addresses. A failed DescribeSubnets fails setupENI after AddENI: the ENI
 * stays in the datastore without addresses, and the next reconcile finds IMDS and the datastore disagree, asks EC2
 * (DescribeNetworkInterfaces, ipamd.go:1710-1726) and adds them.
 */
function setupEni(c: IpamdCore, rec: EniRecord, next: () => void): void {
  const finish = (): void =>
    later(c, c.sim.now + sample(c.params.eniSetup, c.timing), () => {
      c.adopt(rec);
      next();
    });
  if (!c.config.enableSubnetDiscovery) return finish();
  c.ec2.describeSubnets(
    live(c, (r) => {
      if (r.ok) return finish();
      c.observer.poolAction(c.node, 'ec2-error', { eni: rec.id, code: r.code }, c.sim.now);
      c.adopt(rec, false);
      const eni = c.ds.enis.find((e) => e.id === rec.id) as DsEni;
      readoptCidrsLater(c, eni, c.ds.pd ? rec.prefixes : rec.secondaries);
      next();
    }),
  );
}

/**
 * A release intent (decreaseDatastorePool): release `over` CIDRs at once, ENIs in random order, up to `over` of the
 * freeable CIDRs of each (FindFreeableCidrs: no pod assigned, cooldown not checked, in random order), one
 * UnassignPrivateIpAddresses per ENI. The datastore lets go before EC2 answers.
 */
export function release(c: IpamdCore, over: number, done: () => void): void {
  const order = shuffled(c.ds.enis, c.choice);
  const batches: [DsEni, number[]][] = [];
  for (const eni of order) {
    if (over <= 0) break;
    const taken = c.ds.takeFreeable(eni, over, c.choice);
    if (taken === undefined) continue;
    const k = taken.cidrs.length;
    c.observer.poolAction(
      c.node,
      'release-ips',
      {
        eni: eni.id,
        count: k,
        addrs: taken.addrs,
        releasedAt: taken.releasedAt,
        ...(taken.prefixes ? { prefixes: taken.prefixes } : {}),
      },
      c.sim.now,
    );
    batches.push([eni, taken.cidrs]);
    over -= k;
  }
  const step = (i: number): void => {
    if (i >= batches.length) return done();
    const [eni, cidrs] = batches[i];
    c.ec2.unassignPrivateIpAddresses(
      c.records.get(eni.id) as EniRecord,
      cidrs,
      c.ds.pd,
      live(c, (r) => {
        if (!r.ok) readoptCidrsLater(c, eni, cidrs);
        step(i + 1);
      }),
    );
  };
  step(0);
}

/** A free-ENI intent (tryFreeENI): one of the candidates, in Go map order, leaves the datastore; then FreeENI. */
export function freeEni(c: IpamdCore, candidates: readonly DsEni[], done: () => void): void {
  const eni = candidates[candidates.length === 1 ? 0 : c.choice.int(candidates.length)];
  c.ds.removeEni(eni);
  const rec = c.records.get(eni.id) as EniRecord;
  c.records.delete(eni.id);
  c.observer.poolAction(c.node, 'free-eni', { eni: eni.id, count: c.ds.cidrsOn(eni) }, c.sim.now);
  c.ec2.describeNetworkInterfaces(
    live(c, (r) => {
      if (!r.ok) {
        readoptLater(c, rec);
        return done();
      }
      releaseEni(c, rec, true, done);
    }),
  );
}

/**
 * Calls `call` up to `attempts` times with ipamd's backoff (retry.NWithBackoff / NewSimpleBackoff: `firstMs`
 * doubling to 60 s, +0-15 % jitter), then `done(ok)`.
 */
function withRetries<R extends { ok: boolean }>(
  c: IpamdCore,
  call: (cb: (r: R) => void) => void,
  attempts: number,
  firstMs: number,
  done: (ok: boolean, last: R) => void,
  jitter = c.params.timers.imdsPollJitter,
): void {
  let sleep = firstMs;
  const tm = c.params.timers;
  const go = (n: number): void =>
    call(
      live(c, (r) => {
        if (r.ok) return done(true, r);
        if (n >= attempts) return done(false, r);
        const wait = Math.round(sleep * (1 + jitter * c.timing.float()));
        sleep = Math.min(sleep * 2, tm.imdsPollMaxMs);
        later(c, c.sim.now + wait, () => go(n + 1));
      }),
    );
  go(1);
}

/**
 * FreeENI (awsutils.go freeENI): Detach (<= 12 tries, 0.2 s doubling) → 2 s → Delete (<= 12 tries, 0.5 s
 * doubling), all blocking the loop; without `detach`, only the delete (a new ENI whose attach failed). An ENI that
 * cannot be detached stays attached and the IMDS reconcile re-adopts it; one that cannot be deleted leaks
 * (and the hourly leaked-ENI cleanup, {@link leakedEniCleanup}, deletes it).
 */
function releaseEni(c: IpamdCore, rec: EniRecord, detach: boolean, next: () => void): void {
  const ec2 = c.ec2;
  const del = (): void =>
    withRetries(
      c,
      (cb) => ec2.deleteNetworkInterface(rec, cb),
      12,
      500,
      (ok) => {
        if (!ok) c.leaked(rec);
        next();
      },
    );
  if (!detach) return del();
  withRetries(
    c,
    (cb) => ec2.detachNetworkInterface(rec, cb),
    12,
    200,
    (ok) => {
      if (!ok) {
        readoptLater(c, rec);
        return next();
      }
      later(c, c.sim.now + c.params.timers.detachToDeleteMs, del);
    },
  );
}

/** The reconcile's DescribeNetworkInterfaces (none under a central operator, which reads its own cache). */
function reconcileRead(c: IpamdCore, cb: (r: Ec2Result<null>) => void): void {
  if (c.central) cb({ ok: true, value: null });
  else c.ec2.describeNetworkInterfaces(cb);
}

/** The periodic IMDS reconcile finds an attached ENI ipamd does not hold and adds it back. */
function readoptLater(c: IpamdCore, rec: EniRecord): void {
  reconcileEni(c, rec, c.sim.now + c.params.timers.reconcileIntervalMs);
}

/**
 * nodeIPPoolReconcile (ipamd.go:1570-1708) adopting an attached ENI the datastore lacks, at `t` (a reconcile 60 s
 * after the last pool action): IMDS shows a new ENI, so DescribeAllENIs (one DescribeNetworkInterfaces), TagENI (none:
 * ipamd's own ENIs carry the tags) and setupENI (DescribeSubnets with subnet discovery). A failed call aborts this
 * reconcile; the next one, an interval later, tries again.
 */
function reconcileEni(c: IpamdCore, rec: EniRecord, t: number): void {
  later(c, t, () => {
    if (!rec.attached || c.ds.enis.some((e) => e.id === rec.id)) return;
    const retry = (): void => reconcileEni(c, rec, c.sim.now + c.params.timers.reconcileIntervalMs);
    const adopt = (): void => {
      if (!rec.attached || c.ds.enis.some((e) => e.id === rec.id)) return;
      c.adopt(rec);
      c.wake();
    };
    reconcileRead(
      c,
      live(c, (r) => {
        if (!r.ok) return retry();
        if (!c.config.enableSubnetDiscovery) return adopt();
        c.ec2.describeSubnets(live(c, (d) => (d.ok ? adopt() : retry())));
      }),
    );
  });
}

/**
 * Addresses or prefixes EC2 holds on a datastore ENI that the datastore lacks (a failed Unassign, a failed setupENI)
 * come back through the reconcile after its interval (and the 60 s ignore window): IMDS and the datastore disagree,
 * so eniIPPoolReconcile asks EC2 first (GetIPv4sFromEC2 / GetIPv4PrefixesFromEC2: DescribeNetworkInterfaces,
 * ipamd.go:1710-1726, 1754-1766); a failed call aborts and the next reconcile tries again. A top-up that meets
 * PrivateIpAddressLimitExceeded in the meantime adopts them first.
 */
function readoptCidrsLater(c: IpamdCore, eni: DsEni, cidrs: readonly number[]): void {
  const rec = c.records.get(eni.id) as EniRecord;
  noteUnknown(rec, cidrs);
  const go = (): void =>
    later(c, c.sim.now + c.params.timers.reconcileIntervalMs, () => {
      if (!c.ds.enis.includes(eni) || !unknownCidrs.has(rec)) return;
      reconcileRead(
        c,
        live(c, (r) => {
          if (!r.ok) return go();
          if (!c.ds.enis.includes(eni)) return;
          const back = takeUnknown(rec, c.ds.pd);
          if (back.length === 0) return;
          c.ds.addCidrs(eni, back);
          c.added();
          c.wake();
        }),
      );
    });
  go();
}

/** eniCleanupStartupDelayMax (s), eniDeleteCooldownTime and the period of the cleanup (awsutils.go:88-90, 464). */
const CLEANUP_DELAY_MAX_MS = 300_000;
const CLEANUP_MIN_AGE_MS = 300_000;
const CLEANUP_PERIOD_MS = 3_600_000;

/**
 * The leaked-ENI cleanup every ipamd runs in the background (awsutils.go:462-465, 2294-2435), apart from the pool
 * loop: wait.Forever(cleanUpLeakedENIs, 1 h), each run first sleeping a random 0-300 s; one DescribeNetworkInterfaces
 * filtered on ipamd's tag, status available and the VPC (the account's leaked ENIs, any node's); each found ENI
 * older than 5 min (eniDeleteCooldownTime) is deleted (deleteENI: up to 12 tries, 0.5 s doubling). Off with
 * DISABLE_LEAKED_ENI_CLEANUP or ENABLE_IMDS_ONLY_MODE (ipamd.go:2063-2074).
 */
export function leakedEniCleanup(c: IpamdCore, rng: Rng, at: number): void {
  later(c, at + Math.floor(rng.float() * CLEANUP_DELAY_MAX_MS), () => {
    const again = (): void => leakedEniCleanup(c, rng, c.sim.now + CLEANUP_PERIOD_MS);
    c.ec2.describeNetworkInterfaces(
      live(c, (r) => {
        if (!r.ok) return again();
        const account = c.ec2.ec2;
        const due = [...account.leaked].filter(([, t]) => c.sim.now - t >= CLEANUP_MIN_AGE_MS).map(([rec]) => rec);
        const owners = Ec2Client.byNode.get(account);
        const step = (i: number): void => {
          if (i >= due.length) return again();
          const rec = due[i];
          const owner = owners?.get(rec.node) ?? c.ec2;
          withRetries(
            c,
            (cb: (x: Ec2Result<null>) => void) => c.ec2.deleteNetworkInterface(rec, cb, owner),
            12,
            500,
            () => step(i + 1),
          );
        };
        step(0);
      }),
    );
  });
}
