/**
 * WHAT-IF, not upstream behaviour: ipamd with its warm targets dropped to zero on a cordoned node, as users asked in
 * aws/amazon-vpc-cni-k8s#3263 (field notes #22). Upstream v1.23.1 keeps a cordoned node's warm targets: with
 * AWS_MANAGE_ENIS_NON_SCHEDULABLE=false it only stops growing and freeing ENIs there (ipamd.go:855-858, 955-965),
 * so a drained node goes on holding its warm pool until it is terminated.
 *
 * The law: on a schedulable node, ipamd's own policy (ipamd-policy.ts), unchanged. On a cordoned node, the same
 * policy with the targets WARM_IP_TARGET = MINIMUM_IP_TARGET = WARM_PREFIX_TARGET = 0 in IP-target mode: the pool
 * is never low, every free address (SIP) or free prefix (PD) is surplus and released by decreaseDatastorePool (at
 * most every 30 s), and an ENI with no pod may be freed (getDeletableENI's age and cooldown rules still hold).
 * What stays ipamd's: the AWS_MANAGE_ENIS_NON_SCHEDULABLE gate (by default no ENI is freed on a cordoned node,
 * only its addresses go), the 30 s decrease interval, the mechanics and EC2 calls.
 */
import type { AllocationPolicy, Intent, NodeView, Step } from './allocator.js';
import type { IpamdConfig } from './config.js';
import type { IpamdTimers } from './params.js';
import { IpamdPolicy } from './ipamd-policy.js';
import type { PoolSnapshot, PoolTargets } from './policy.js';

/** The targets on a cordoned node: IP-target mode with every target zero. */
export function cordonedTargets(c: IpamdConfig): PoolTargets {
  return { mode: 'ip-target', pd: c.enablePrefixDelegation, warmEni: 0, warmIp: 0, minIp: 0, warmPrefix: 0 };
}

/** ipamd's policy, with the warm targets dropped on cordoned nodes. */
export class CordonReleasePolicy implements AllocationPolicy {
  readonly schedulable: IpamdPolicy;
  readonly cordoned: IpamdPolicy;

  constructor(config: IpamdConfig, timers: IpamdTimers) {
    this.schedulable = new IpamdPolicy(config, timers);
    this.cordoned = new IpamdPolicy(config, timers, cordonedTargets(config));
  }

  private of(n: NodeView): IpamdPolicy {
    return n.unschedulable === true ? this.cordoned : this.schedulable;
  }

  decide(n: NodeView, step: Step, now: number): Intent {
    return this.of(n).decide(n, step, now);
  }

  nextLook(n: NodeView, now: number): number {
    return this.of(n).nextLook(n, now);
  }

  /** Quiet for either law (the band does not know whether the node is cordoned): the two bands' intersection. */
  quietBand(s: PoolSnapshot): readonly [number, number] {
    const [a, b] = this.schedulable.quietBand(s);
    const [c, d] = this.cordoned.quietBand(s);
    return [Math.max(a, c), Math.min(b, d)];
  }

  satisfied(n: NodeView): boolean {
    return this.of(n).satisfied(n);
  }
}
