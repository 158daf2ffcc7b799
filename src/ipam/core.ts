/**
 * What the mechanics (mechanics.ts) shares with the ipamd that drives it (ipamd.ts): one node's datastore,
 * configuration, EC2 client, streams and observer.
 */
import type { Simulation } from '../engine/sim.js';
import type { Rng } from '../engine/random.js';
import type { EniRecord } from '../aws/ec2.js';
import type { Ec2Client } from '../aws/ec2-client.js';
import type { Subnet } from '../aws/subnet.js';
import type { Addr, Datastore } from './datastore.js';
import type { IpamdConfig } from './config.js';
import type { IpamdParams } from './params.js';

/** Pool actions reported to observers (event log, metrics). */
export type PoolAction =
  | 'assign-ips'
  | 'create-eni'
  | 'eni-ready'
  | 'release-ips'
  | 'free-eni'
  | 'ec2-error'
  /** nodeInit failed (code: the error): aws-node exits. */
  | 'init-failed'
  /** IPv6: the primary ENI got its /80 prefix (count: 1). */
  | 'ipv6-prefix'
  /** kubelet restarted aws-node after its back-off (count: restarts so far); nodeInit runs again. */
  | 'aws-node-restart'
  /** Custom networking: tryAllocateENI found no ENIConfig for the node (code: its name); no EC2 call. */
  | 'no-eniconfig';

/** Details of a pool action: `count` is CIDRs (addresses in SIP, prefixes in PD); `prefixes` their first addresses. */
export interface PoolActionDetail {
  eni?: string;
  count?: number;
  code?: string;
  /** Pod addresses leaving the datastore (release-ips). */
  addrs?: readonly Addr[];
  /** release-ips: when a pod released each of `addrs` (-Infinity: none has); not in the event log. */
  releasedAt?: readonly number[];
  /** /28 prefixes involved (PD). */
  prefixes?: readonly number[];
}

/** Receives ipamd decisions and outcomes. */
export interface IpamObserver {
  poolAction(node: string, action: PoolAction, detail: PoolActionDetail, now: number): void;
}

/** One node's ipamd as the mechanics sees it. */
export interface IpamdCore {
  readonly sim: Simulation;
  readonly node: string;
  readonly ds: Datastore;
  readonly config: IpamdConfig;
  readonly params: IpamdParams;
  readonly ec2: Ec2Client;
  readonly observer: IpamObserver;
  /** EC2's record of every ENI in the datastore, by id. */
  readonly records: Map<string, EniRecord>;
  /** Go map-order choices (which ENI, which CIDRs). */
  readonly choice: Rng;
  /** IMDS poll jitter, ENI visibility, setup delays. */
  readonly timing: Rng;
  /**
   * True when a central operator (Cilium's) makes the node's EC2 calls: ipamd's own createENI subnet checks and its
   * reconcile's EC2 reads do not apply (the operator works from its resynced cache).
   */
  readonly central: boolean;
  /** Custom networking: the ENIConfig subnet new ENIs go to. */
  readonly eniConfigSubnet: Subnet | undefined;
  /** Custom networking: the name of the ENIConfig the node selects when it does not exist. */
  readonly missingEniConfig: string | undefined;
  /** An insufficient-address error: no growth for the next 120 s (lastInsufficientCidrError). */
  noteInsufficient(): void;
  /** setupENI's datastore part: the ENI and (unless `cidrs` is false) its addresses or prefixes join the datastore. */
  adopt(rec: EniRecord, cidrs?: boolean): void;
  /** Re-evaluates the lazy schedule after a change outside a pass. */
  wake(): void;
  /** True once the node is drained: every pending continuation must do nothing. */
  stopped(): boolean;
  /** The datastore gained addresses or prefixes (the pool may have reached its target). */
  added(): void;
  /** An ENI could not be deleted and is left behind (for the leaked-ENI cleanup). */
  leaked(rec: EniRecord): void;
}
