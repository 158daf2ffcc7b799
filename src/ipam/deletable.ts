/**
 * getDeletableENI (data_store.go) without the choice: every ENI that may be freed now, and, for ENIs blocked
 * only by their age or a cooling address, the earliest time they could become freeable.
 */
import type { Datastore, DsEni } from './datastore.js';
import { eniFreeBlocker, type EniFacts, type PoolTargets } from './policy.js';

/** The facts getDeletableENI checks for one ENI of a datastore at time `now` (ms). */
export function eniFacts(ds: Datastore, e: DsEni, now: number): EniFacts {
  return {
    primary: e.primary,
    ageMs: now - e.createdAt,
    cooling: ds.coolingEndsAt(e) > now,
    assigned: ds.assignedOn(e),
    otherFree: ds.available - ds.freeOn(e),
    otherTotal: ds.total - ds.sizeOf(e),
    otherFreePrefixes: ds.freePrefixes - e.freePrefixes,
  };
}

/** ENIs that may be freed at `now`, in datastore order, and when a time-blocked one may become freeable. */
export function deletableEnis(
  ds: Datastore,
  t: PoolTargets,
  now: number,
  minEniLifetimeMs: number,
): { found: DsEni[]; wakeAt: number } {
  // Only a secondary ENI without pods can be freed, now or later (see below); the datastore tells whether there is
  // one without reading its ENIs.
  if (!ds.hasFreeableEni()) return { found: [], wakeAt: Infinity };
  const found: DsEni[] = [];
  let wakeAt = Infinity;
  for (const e of ds.enis) {
    // An ENI with pods can be freed neither now nor by time alone ('has pods' comes after the age and the cooldown
    // and stays when both have passed): it is skipped before its facts are gathered. In IP-target mode this runs
    // after most pod events, and nearly every ENI has pods.
    if (e.primary || ds.assignedOn(e) > 0) continue;
    const facts = eniFacts(ds, e, now);
    const blocker = eniFreeBlocker(t, facts, minEniLifetimeMs);
    if (blocker === undefined) found.push(e);
    else if (blocker === 'too young' || blocker === 'address cooling') {
      // Freeable later by time alone if nothing else blocks it.
      if (eniFreeBlocker(t, { ...facts, ageMs: Infinity, cooling: false }, minEniLifetimeMs) === undefined) {
        wakeAt = Math.min(wakeAt, Math.max(e.createdAt + minEniLifetimeMs, ds.coolingEndsAt(e)));
      }
    }
  }
  return { found, wakeAt };
}
