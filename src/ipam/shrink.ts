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
    c.ec2.unassignPrivateIpAddresses(c.records.get(eni.id) as EniRecord, cidrs, pd, () => step(i + 1));
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
  const ec2 = c.ec2;
  ec2.describeNetworkInterfaces(() =>
    ec2.detachNetworkInterface(rec, () =>
      c.sim.after(c.params.timers.detachToDeleteMs, Priority.ec2, () => ec2.deleteNetworkInterface(rec, () => next()), undefined),
    ),
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
