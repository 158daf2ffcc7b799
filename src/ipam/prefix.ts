/**
 * Pod addresses and /28 prefixes as the datastore holds them. In PD mode all 16 addresses of a prefix are pod
 * addresses (the ENI's primary address is never inside a prefix); a pod gets an address whose cooldown has ended
 * if the prefix has one, else the lowest never-used one (getUnusedIP, data_store.go), so a fresh prefix is handed
 * out from its network address upward.
 */
import { PREFIX_SIZE } from '../aws/cidr.js';
import type { DsEni } from './ds-eni.js';

export { PREFIX_SIZE };

/**
 * "Never": the release time of an address no pod has used. A small integer rather than -Infinity, so the time
 * fields stay small integers (V8 keeps a field that ever held -Infinity as a boxed double: one more load per read).
 * Any NEVER + cooldown is still in the past for cooldowns below 2^30 ms (12 days); longer ones only take the slow path.
 */
export const NEVER = -(2 ** 30);

/**
 * An empty array that already has V8's elements kind for objects. A `[]` literal starts as an array of small
 * integers, and the first object pushed onto it changes its hidden class. A push site that has seen both kinds
 * (every new ENI's lists start empty) stops inlining the push and calls the generic builtin for every push. Lists
 * of addresses and prefixes start from this so that all of them share one hidden class.
 */
export function objectList<T extends object>(): T[] {
  const list = [null] as unknown as T[];
  list.pop();
  return list;
}

/** One pod address held by ipamd: a secondary /32 (SIP) or one of a prefix's 16 (PD). */
export class Addr {
  // Whether a pod holds it is not kept here: an address is assigned when it is in none of its ENI's (SIP) or
  // prefix's (PD) free lists, and the pod knows its address. Taking an address for a pod so writes nothing to it.
  /**
   * PD: time (ms) the last pod released it; NEVER if never used. A SIP address's release time is kept in its
   * datastore's row instead (Datastore.releaseTimes), and this stays NEVER.
   */
  releasedAt = NEVER;
  /** Set once the address has left the datastore (released to EC2 or its ENI freed). */
  gone = false;
  constructor(
    readonly ip: number,
    readonly eni: DsEni,
    /** Its /28 in PD mode; null in SIP mode. */
    readonly prefix: DsPrefix | null,
  ) {}
}

/** One /28 prefix on an ENI (PD mode). */
export class DsPrefix {
  /** Its 16 addresses, lowest first. */
  readonly addrs: Addr[] = objectList();
  /** Free addresses never used by a pod, highest first (so pop() yields the lowest). */
  readonly fresh: Addr[] = objectList();
  /** Free addresses released by a pod, oldest release first. */
  readonly released: Addr[] = objectList();
  /** Addresses assigned to pods; 0 makes it a free prefix (releasable). */
  assigned = 0;

  constructor(
    /** First address of the /28. */
    readonly base: number,
    readonly eni: DsEni,
  ) {
    for (let i = 0; i < PREFIX_SIZE; i++) this.addrs.push(new Addr(base + i, eni, this));
    for (let i = PREFIX_SIZE - 1; i >= 0; i--) this.fresh.push(this.addrs[i]);
  }

  /** Free addresses whose cooldown has ended at `now`. */
  assignable(now: number, cooldownMs: number): number {
    return assignableCount(this.fresh.length, this.released, now, cooldownMs);
  }
}

/**
 * `fresh` plus the released addresses whose cooldown has ended at `now`: `released` is in release-time order, so
 * a binary search finds the cut.
 */
export function assignableCount(fresh: number, released: readonly Addr[], now: number, cooldownMs: number): number {
  const n = released.length;
  if (n === 0 || released[n - 1].releasedAt + cooldownMs <= now) return fresh + n;
  const limit = now - cooldownMs; // released at or before `limit` may be reused
  let lo = 0;
  let hi = n;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (released[mid].releasedAt <= limit) lo = mid + 1;
    else hi = mid;
  }
  return fresh + lo;
}

/**
 * Takes an address from a prefix that has an assignable one (getUnusedIP): a released address whose cooldown has
 * ended (the oldest; Go takes one in map order), else the lowest never-used address.
 */
export function takeFromPrefix(p: DsPrefix, now: number, cooldownMs: number): Addr {
  const r = p.released;
  let a: Addr;
  if (r.length > 0 && r[0].releasedAt + cooldownMs <= now) {
    a = r[0];
    for (let k = 1; k < r.length; k++) r[k - 1] = r[k];
    r.pop();
  } else a = p.fresh.pop() as Addr;
  p.assigned++;
  return a;
}
