/**
 * A trunk's delete queue (trunk.go deleteQueue): branch ENIs of deleted pods wait out the cooldown here, oldest
 * first, before ProcessDeleteQueue deletes them (DeleteCooledDownENIs stops at the first ENI not yet cooled down).
 */
import type { BranchEni } from './branch.js';

export class DeleteQueue {
  private items: BranchEni[] = [];

  get length(): number {
    return this.items.length;
  }

  /** PushBranchENIsToCoolDownQueue: stamped now, at the back. */
  push(eni: BranchEni, now: number): void {
    eni.deletedAt = now;
    this.items.push(eni);
  }

  /** PushENIsToFrontOfDeleteQueue with a zero timestamp: deleted by the next pass, whatever the cooldown. */
  pushFront(eni: BranchEni): void {
    eni.deletedAt = -1;
    this.items.unshift(eni);
  }

  /** Pops the ENIs cooled down at `now` (deletedAt + cooldown before now, or no timestamp), oldest first. */
  takeCooled(now: number, cooldownMs: number): BranchEni[] {
    let k = 0;
    while (k < this.items.length) {
      const e = this.items[k];
      if (e.deletedAt >= 0 && !(now > e.deletedAt + cooldownMs)) break;
      k++;
    }
    return this.items.splice(0, k);
  }

  /** Every ENI in the queue (DeleteAllBranchENIs takes them all). */
  takeAll(): BranchEni[] {
    return this.items.splice(0);
  }

  all(): readonly BranchEni[] {
    return this.items;
  }
}
