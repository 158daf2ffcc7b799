/**
 * The idle timer shared by the what-ifs that return idle addresses (terway-pool, ipamd-idle-release). A policy sees a
 * node only when it is asked: the timer restarts when it sees the node's assigned count change (a pod created or
 * deleted) or its pool grow, at the time it sees it. With ipamd's lazy loop a policy whose quiet band is empty is
 * asked at every pod event outside a pass, so the timer restarts at the event; inside a pass it restarts when the
 * pass asks next.
 */
export class IdleTimer {
  private assigned = -1;
  private total = -1;
  /** When the pool last changed by a pod or by growth (ms); -Infinity before the first look. */
  changedAt = -Infinity;

  /** Looks at the pool at `now`: restarts the timer on a pod event or on growth. */
  see(assigned: number, total: number, now: number): void {
    if (assigned !== this.assigned || total > this.total) this.changedAt = now;
    this.assigned = assigned;
    this.total = total;
  }

  /** Counts the pool as it is after a release, so that the release itself does not restart the timer. */
  released(total: number): void {
    this.total = total;
  }
}
