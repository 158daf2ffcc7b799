/**
 * What ipamd's datastore holds, as plain records: ENIs, their /28 prefixes (PD) and pod addresses. The counts and
 * free lists that change on every pod event live in the pools (sip-pool.ts, pd-pool.ts), which answer every
 * question about an ENI's addresses (see {@link Datastore} in datastore.ts): a record never reads its pool.
 */
import { PREFIX_SIZE } from '../aws/cidr.js';

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

/** One ENI in ipamd's datastore (the ENI entry of data_store.go's eniPool). */
export class DsEni {
  /** SIP: its secondary addresses. PD: empty (addresses live in `prefixes`). */
  readonly addrs: Addr[] = objectList();
  /** PD: its /28 prefixes. */
  readonly prefixes: DsPrefix[] = objectList();
  /** PD: prefixes with no address assigned. */
  freePrefixes = 0;
  /** PD: addresses assigned to pods (SIP counts them in its pool's row). */
  pdAssigned = 0;
  /** SIP: its row in the pool's tables, kept while it is in the datastore (not its place in `enis`). */
  row = 0;
  constructor(
    readonly id: string,
    readonly primary: boolean,
    readonly deviceIndex: number,
    /** Time (ms) it entered the datastore: starts the minimum ENI lifetime (again after an aws-node restart). */
    public createdAt: number,
    /** The node's IP_COOLDOWN_PERIOD (ms). */
    readonly cooldownMs: number,
    /** False for an ENI that never gets pod addresses (custom networking's primary, an excluded subnet's). */
    readonly allocatable: boolean,
  ) {}
}

/** One pod address held by ipamd: a secondary /32 (SIP) or one of a prefix's 16 (PD). */
export class Addr {
  // Whether a pod holds it is not kept here: an address is assigned when it is in none of its ENI's (SIP) or
  // prefix's (PD) free lists, and the pod knows its address. Taking an address for a pod so writes nothing to it;
  // its release time is kept in its pool's tables (SIP) or its prefix's (PD).
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
  /** times[k]: when released[k] was released (ascending, as `released`). */
  readonly times = new Float64Array(PREFIX_SIZE);
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
}
