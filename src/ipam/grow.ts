/**
 * Growing the pool (increaseDatastorePool, ipamd.go): top up an existing ENI first (tryAssignIPs /
 * tryAssignPrefixes), else attach a new ENI (tryAllocateENI → AllocENI → WaitForENIAndIPsAttached → setupENI).
 * Every EC2 call blocks the loop; `next` continues the pass.
 */
import { Priority } from '../engine/sim.js';
import { sample } from '../engine/distribution.js';
import type { Ec2Result } from '../aws/api.js';
import type { EniRecord } from '../aws/ec2.js';
import { isInsufficient } from '../aws/ec2-client.js';
import type { Subnet } from '../aws/subnet.js';
import type { DsEni } from './datastore.js';
import type { IpamdCore } from './core.js';
import { releaseEni } from './shrink.js';
import { cidrsPerEni, imdsPoll, newEniAmount, topUpAmount, type PoolSnapshot } from './policy.js';

/**
 * increaseDatastorePool after its gatekeepers (the caller checked the 120 s backoff): one top-up, else one new ENI.
 * An insufficient-address error from the top-up (subnet discovery off) starts the backoff and attaches nothing.
 */
export function increase(c: IpamdCore, snap: PoolSnapshot, next: () => void): void {
  tryAssignCidrs(c, snap, (increased, code) => {
    if (code !== undefined) {
      if (isInsufficient(code)) c.noteInsufficient();
      return next();
    }
    if (increased || !c.hasRoomForEni()) return next();
    tryAllocateEni(c, next);
  });
}

/**
 * tryAssignIPs / tryAssignPrefixes: allocatable ENIs below the per-ENI cap, in Go map order (a lazily drawn random
 * permutation), each asked for min(room, needed); on an error, once more for 1. With subnet discovery on, an
 * insufficient-address error moves on to the next ENI; otherwise the error ends the attempt.
 */
function tryAssignCidrs(c: IpamdCore, snap: PoolSnapshot, done: (increased: boolean, code?: string) => void): void {
  const t = c.targets;
  // Nothing is short even on an empty ENI (IP-target mode with no shortage): no ENI is tried.
  if (topUpAmount(t, snap, 0) === 0) return done(false);
  const max = cidrsPerEni(t, snap);
  const pool = c.ds.enis.filter((e) => e.allocatable && e.cidrs < max);
  const tryNext = (): void => {
    if (pool.length === 0) return done(false);
    const i = pool.length === 1 ? 0 : c.choice.int(pool.length);
    const eni = pool[i];
    pool.splice(i, 1);
    const rec = c.records.get(eni.id) as EniRecord;
    const assign = (n: number, cb: (r: Ec2Result<number[]>) => void): void =>
      t.pd ? c.ec2.assignIpv4Prefixes(rec, n, cb) : c.ec2.assignPrivateIpAddresses(rec, n, cb);
    assign(topUpAmount(t, snap, eni.cidrs), (r) => {
      if (c.stopped()) return;
      if (r.ok) return added(c, eni, r.value, () => done(true));
      c.observer.poolAction(c.node, 'ec2-error', { eni: eni.id, code: r.code }, c.sim.now);
      assign(1, (r1) => {
        if (c.stopped()) return;
        if (r1.ok) return added(c, eni, r1.value, () => done(true));
        c.observer.poolAction(c.node, 'ec2-error', { eni: eni.id, code: r1.code }, c.sim.now);
        if (c.config.enableSubnetDiscovery && isInsufficient(r1.code)) return tryNext();
        done(false, r1.code);
      });
    });
  };
  tryNext();
}

function added(c: IpamdCore, eni: DsEni, cidrs: number[], next: () => void): void {
  if (c.targets.pd) c.ds.addPrefixes(eni, cidrs);
  else c.ds.addAddresses(eni, cidrs);
  c.added();
  c.observer.poolAction(
    c.node,
    'assign-ips',
    { eni: eni.id, count: cidrs.length, ...(c.targets.pd ? { prefixes: cidrs } : {}) },
    c.sim.now,
  );
  next();
}

/**
 * tryAllocateENI → AllocENI: the subnet is the ENIConfig's (custom networking), else with subnet discovery every
 * eligible subnet most-free first (DescribeSubnets, one CreateNetworkInterface per subnet until one succeeds), else
 * the node's own. Then DescribeInstances, Attach, Modify, the IMDS poll and setupENI. An insufficient-address error
 * from the last subnet tried starts the 120 s backoff.
 */
function tryAllocateEni(c: IpamdCore, next: () => void): void {
  // GetENIResourcesToAllocate reads the pool now: failed top-ups took time and pods kept coming.
  const count = newEniAmount(c.targets, c.snapshot());
  if (count <= 0) return next();
  const ec2 = c.ec2;
  const attempt = (subnets: readonly Subnet[], i: number, lastCode: string | undefined): void => {
    if (i >= subnets.length) {
      if (lastCode !== undefined && isInsufficient(lastCode)) c.noteInsufficient();
      return next();
    }
    ec2.createNetworkInterface(subnets[i], count, c.targets.pd, (r) => {
      if (c.stopped()) return;
      if (!r.ok) {
        c.observer.poolAction(c.node, 'ec2-error', { code: r.code }, c.sim.now);
        return attempt(subnets, i + 1, r.code);
      }
      const rec = r.value;
      c.observer.poolAction(
        c.node,
        'create-eni',
        { eni: rec.id, count, ...(c.targets.pd ? { prefixes: rec.prefixes } : {}) },
        c.sim.now,
      );
      // A failed attach deletes the new ENI; a failed Modify frees it (AllocENI, awsutils.go).
      const undo = (code: string, detach: boolean): void => {
        c.observer.poolAction(c.node, 'ec2-error', { eni: rec.id, code }, c.sim.now);
        releaseEni(c, rec, detach, next);
      };
      ec2.describeInstances((d) => {
        if (c.stopped()) return;
        if (!d.ok) return undo(d.code, false);
        ec2.attachNetworkInterface(rec, c.timing, (at) => {
          if (c.stopped()) return;
          if (!at.ok) return undo(at.code, false);
          ec2.modifyNetworkInterfaceAttribute((m) => {
            if (c.stopped()) return;
            if (!m.ok) return undo(m.code, true);
            waitForEni(c, rec, count, next);
          });
        });
      });
    });
  };
  if (c.eniConfigSubnet) attempt([c.eniConfigSubnet], 0, undefined);
  else if (c.config.enableSubnetDiscovery) {
    ec2.describeSubnets((r) => {
      if (c.stopped()) return;
      if (!r.ok) {
        // getVpcSubnets failed (e.g. throttled): AllocENI fails, the next pass tries again.
        c.observer.poolAction(c.node, 'ec2-error', { code: r.code }, c.sim.now);
        return next();
      }
      attempt(r.value, 0, undefined);
    });
  } else attempt([ec2.subnet], 0, undefined);
}

/**
 * waitForENIAndIPsAttached: IMDS polls with doubling backoff. The model shows an ENI and all its addresses at once
 * (at `visibleAt`), so the partial-acceptance rule of {@link imdsPoll} decides nothing here; it is kept so that the
 * poll reads as ipamd's. An ENI the poll gives up on is adopted by the IMDS reconcile later.
 */
function waitForEni(c: IpamdCore, rec: EniRecord, wanted: number, next: () => void): void {
  const tm = c.params.timers;
  const pd = c.targets.pd;
  let t = c.sim.now;
  let sleep = tm.imdsPollFirstMs;
  for (let attempt = 1; attempt <= tm.imdsPollAttempts; attempt++) {
    const seen = t >= rec.visibleAt ? (pd ? rec.prefixes.length : rec.secondaries.length) : -1;
    const outcome = imdsPoll(pd, wanted, seen, attempt === tm.imdsPollAttempts);
    if (outcome === 'ready' || outcome === 'partial') {
      return void c.sim.at(t, Priority.ec2, () => !c.stopped() && setupEni(c, rec, next), undefined);
    }
    if (outcome === 'fail') break;
    t += Math.round(sleep * (1 + tm.imdsPollJitter * c.timing.float()));
    sleep = Math.min(sleep * 2, tm.imdsPollMaxMs);
  }
  // Gave up: the loop moves on; the node's periodic IMDS reconcile adopts the ENI later.
  c.sim.at(
    t,
    Priority.ec2,
    () => {
      if (c.stopped()) return;
      c.observer.poolAction(c.node, 'ec2-error', { eni: rec.id, code: 'ENIAttachTimeout' }, c.sim.now);
      const adoptAt = Math.max(rec.visibleAt, c.sim.now + tm.reconcileIntervalMs);
      c.sim.at(
        adoptAt,
        Priority.ec2,
        () => {
          if (c.stopped()) return;
          if (!c.ds.enis.some((e) => e.id === rec.id)) c.adopt(rec);
          c.wake();
        },
        undefined,
      );
      next();
    },
    undefined,
  );
}

/** setupENI: (DescribeSubnets for the exclusion check), link and routes, then the ENI joins the datastore. */
function setupEni(c: IpamdCore, rec: EniRecord, next: () => void): void {
  const finish = (): void => {
    c.sim.after(
      sample(c.params.eniSetup, c.timing),
      Priority.ec2,
      () => {
        if (c.stopped()) return;
        c.adopt(rec);
        next();
      },
      undefined,
    );
  };
  if (c.config.enableSubnetDiscovery) c.ec2.describeSubnets(finish);
  else finish();
}
