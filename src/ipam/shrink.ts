/**
 * Shrinking the pool: releasing free addresses or prefixes (decreaseDatastorePool → tryUnassignCidrsFromAll) and
 * freeing one whole ENI (tryFreeENI → FreeENI), both in ipamd.go. Every EC2 call blocks the loop.
 */
import { Priority } from '../engine/sim.js';
import type { Rng } from '../engine/random.js';
import type { EniRecord } from '../aws/ec2.js';
import type { Addr, DsEni } from './datastore.js';
import type { IpamdCore } from './core.js';
import { deletableEnis } from './deletable.js';
import { decreaseAmount, type PoolSnapshot } from './policy.js';

/**
 * decreaseDatastorePool: release `over` CIDRs (IP-target surplus, or PD free prefixes above WARM_PREFIX_TARGET)
 * at once, ENIs in random order, the first `k` freeable CIDRs of each (FindFreeableCidrs: no pod assigned, cooldown
 * not checked), one UnassignPrivateIpAddresses per ENI. The datastore lets go before EC2 answers.
 */
export function decrease(c: IpamdCore, snap: PoolSnapshot, next: () => void): void {
  let over = decreaseAmount(c.targets, snap);
  const pd = c.targets.pd;
  const order = shuffled(c.ds.enis, c.choice);
  const batches: [DsEni, number[]][] = [];
  for (const eni of order) {
    if (over <= 0) break;
    let k: number;
    if (pd) {
      const freeable = eni.prefixes.filter((p) => p.assigned === 0);
      k = Math.min(over, freeable.length);
      if (k === 0) continue;
      const chosen = shuffled(freeable, c.choice).slice(0, k);
      c.ds.removePrefixes(eni, chosen);
      const bases = chosen.map((p) => p.base);
      const addrs = chosen.flatMap((p) => p.addrs);
      c.observer.poolAction(c.node, 'release-ips', { eni: eni.id, count: k, addrs, prefixes: bases }, c.sim.now);
      batches.push([eni, bases]);
    } else {
      const freeable: Addr[] = [...eni.fresh, ...eni.released];
      k = Math.min(over, freeable.length);
      if (k === 0) continue;
      const chosen = shuffled(freeable, c.choice).slice(0, k);
      c.ds.removeAddresses(eni, chosen);
      c.observer.poolAction(c.node, 'release-ips', { eni: eni.id, count: k, addrs: chosen }, c.sim.now);
      batches.push([eni, chosen.map((a) => a.ip)]);
    }
    over -= k;
  }
  const step = (i: number): void => {
    if (i >= batches.length) return next();
    const [eni, cidrs] = batches[i];
    c.ec2.unassignPrivateIpAddresses(c.records.get(eni.id) as EniRecord, cidrs, pd, (r) => {
      if (c.stopped()) return;
      if (!r.ok) readoptCidrsLater(c, eni, cidrs);
      step(i + 1);
    });
  };
  step(0);
}

/** tryFreeENI: remove one deletable ENI from the datastore, then FreeENI (describe, detach, 2 s, delete). */
export function freeOneEni(c: IpamdCore, next: () => void): void {
  const { found } = deletableEnis(c.ds, c.targets, c.sim.now, c.params.timers.minEniLifetimeMs);
  if (found.length === 0) return next();
  const eni = found[found.length === 1 ? 0 : c.choice.int(found.length)];
  c.ds.removeEni(eni);
  const rec = c.records.get(eni.id) as EniRecord;
  c.records.delete(eni.id);
  c.observer.poolAction(c.node, 'free-eni', { eni: eni.id, count: eni.cidrs }, c.sim.now);
  c.ec2.describeNetworkInterfaces((r) => {
    if (c.stopped()) return;
    if (!r.ok) {
      readoptLater(c, rec);
      return next();
    }
    releaseEni(c, rec, true, next);
  });
}

/**
 * Calls `call` up to `attempts` times with ipamd's backoff (retry.NWithBackoff / NewSimpleBackoff: `firstMs`
 * doubling to 60 s, +0-15 % jitter), then `done(ok)`.
 */
function withRetries(
  c: IpamdCore,
  call: (cb: (r: { ok: boolean }) => void) => void,
  attempts: number,
  firstMs: number,
  done: (ok: boolean) => void,
): void {
  let sleep = firstMs;
  const tm = c.params.timers;
  const go = (n: number): void =>
    call((r) => {
      if (c.stopped()) return;
      if (r.ok) return done(true);
      if (n >= attempts) return done(false);
      const wait = Math.round(sleep * (1 + tm.imdsPollJitter * c.timing.float()));
      sleep = Math.min(sleep * 2, tm.imdsPollMaxMs);
      c.sim.after(wait, Priority.ec2, () => !c.stopped() && go(n + 1), undefined);
    });
  go(1);
}

/**
 * FreeENI (awsutils.go freeENI): Detach (<= 12 tries, 0.2 s doubling) → 2 s → Delete (<= 12 tries, 0.5 s
 * doubling), all blocking the loop; without `detach`, only the delete (a new ENI whose attach failed). An ENI that
 * cannot be detached stays attached and the IMDS reconcile re-adopts it; one that cannot be deleted leaks
 * (leaked-ENI cleanup is not modelled).
 */
export function releaseEni(c: IpamdCore, rec: EniRecord, detach: boolean, next: () => void): void {
  const ec2 = c.ec2;
  const del = (): void =>
    withRetries(
      c,
      (cb) => ec2.deleteNetworkInterface(rec, cb),
      12,
      500,
      (ok) => {
        if (!ok) c.leaked();
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
      c.sim.after(c.params.timers.detachToDeleteMs, Priority.ec2, () => !c.stopped() && del(), undefined);
    },
  );
}

/** The periodic IMDS reconcile finds an attached ENI ipamd does not hold and adds it back. */
function readoptLater(c: IpamdCore, rec: EniRecord): void {
  c.sim.after(
    c.params.timers.reconcileIntervalMs,
    Priority.ec2,
    () => {
      if (c.stopped() || !rec.attached || c.ds.enis.some((e) => e.id === rec.id)) return;
      c.adopt(rec);
      c.wake();
    },
    undefined,
  );
}

/** Addresses or prefixes a failed Unassign left on the ENI come back through the reconcile (after its 60 s ignore window). */
function readoptCidrsLater(c: IpamdCore, eni: DsEni, cidrs: number[]): void {
  c.sim.after(
    c.params.timers.reconcileIntervalMs,
    Priority.ec2,
    () => {
      if (c.stopped() || !c.ds.enis.includes(eni)) return;
      if (c.targets.pd) c.ds.addPrefixes(eni, cidrs);
      else c.ds.addAddresses(eni, cidrs);
      c.added();
      c.wake();
    },
    undefined,
  );
}

/** A shuffled copy (Fisher-Yates), standing in for Go's random map iteration order. */
export function shuffled<T>(items: readonly T[], rng: Rng): T[] {
  const a = items.slice();
  for (let i = a.length - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    const x = a[i];
    a[i] = a[j];
    a[j] = x;
  }
  return a;
}
