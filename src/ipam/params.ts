/**
 * Parameters of the ipamd model. The timers are ipamd's own code constants (overridable for experiments);
 * `startDelay`, `eniSetup` and `placement` are simulator assumptions.
 */
import type { Distribution } from '../engine/distribution.js';
import type { Placement } from './datastore.js';

/** ipamd's code constants (pkg/ipamd/ipamd.go, data_store.go, awsutils.go at v1.23.1). */
export interface IpamdTimers {
  /** ipPoolMonitorInterval: one loop iteration is sleep(half) + update + sleep(half) + reconcile. */
  loopIntervalMs: number;
  /** decreaseIPPoolInterval: minimum gap between releases of addresses. */
  decreaseIntervalMs: number;
  /** minENILifeTime: ENIs younger than this are never freed. */
  minEniLifetimeMs: number;
  /** insufficientCidrErrorCooldown: no growth for this long after a subnet-full error. */
  insufficientAddressBackoffMs: number;
  /** Fixed sleep between DetachNetworkInterface and DeleteNetworkInterface in FreeENI. */
  detachToDeleteMs: number;
  /** waitForENIAndIPsAttached: IMDS poll attempts. */
  imdsPollAttempts: number;
  /** First IMDS poll backoff, doubled per attempt up to `imdsPollMaxMs`. */
  imdsPollFirstMs: number;
  imdsPollMaxMs: number;
  /** Random extra of 0..jitter x sleep on each IMDS poll sleep. */
  imdsPollJitter: number;
  /** nodeIPPoolReconcileInterval: an ENI the IMDS poll gave up on is adopted by the next reconcile this long later. */
  reconcileIntervalMs: number;
  /** eniAttachTime: nodeInit's sleep between setupENI tries of an attached ENI (ipamd.go:61, 558). */
  eniAttachTimeMs: number;
  /** maxRetryCheckENI + 1: setupENI tries per attached ENI in nodeInit (ipamd.go:62, 536-549). */
  setupEniAttempts: number;
}

/** All ipamd model parameters. */
export interface IpamdParams {
  timers: IpamdTimers;
  /** Delay from node start until ipamd's nodeInit begins (aws-node container start; assumption). */
  startDelay: Distribution;
  /** Time setupENI takes after the ENI is visible (link lookup and routes; assumption). */
  eniSetup: Distribution;
  /** How a pod's address is chosen among ENIs with free addresses (Go map order is random). */
  placement: Placement;
  /**
   * 'lazy' (default) skips loop passes that provably do nothing; 'every-tick' runs a pass every interval.
   * Both give identical results; every-tick exists to test that claim.
   */
  loopMode: 'lazy' | 'every-tick';
}

/** Defaults: code constants from ipamd v1.23.1; assumptions as documented in the README. */
export function defaultIpamdParams(): IpamdParams {
  return {
    timers: {
      loopIntervalMs: 5000,
      decreaseIntervalMs: 30_000,
      minEniLifetimeMs: 60_000,
      insufficientAddressBackoffMs: 120_000,
      detachToDeleteMs: 2000,
      imdsPollAttempts: 12,
      imdsPollFirstMs: 100,
      imdsPollMaxMs: 60_000,
      imdsPollJitter: 0.15,
      reconcileIntervalMs: 60_000,
      eniAttachTimeMs: 10_000,
      setupEniAttempts: 6,
    },
    startDelay: { kind: 'constant', ms: 0 },
    eniSetup: { kind: 'constant', ms: 0 },
    placement: 'random',
    loopMode: 'lazy',
  };
}
