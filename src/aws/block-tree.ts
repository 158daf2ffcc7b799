/**
 * A min segment tree over the /28 blocks of a subnet: one small value (0-255) per block, and "the lowest block
 * whose value is below a threshold" in O(log blocks). It keeps EC2's lowest-free-address rule cheap on a /16
 * with thousands of nodes.
 */
export class BlockTree {
  /** Heap layout: node 1 is the root, leaves are at [n, 2n). */
  private readonly t: Uint8Array;
  private readonly n: number;

  /** `blocks` leaves, all set to `initial`. */
  constructor(blocks: number, initial = 0) {
    let n = 1;
    while (n < blocks) n *= 2;
    this.n = n;
    this.t = new Uint8Array(2 * n);
    // Filling sets every inner node too; a zero tree needs no work at all (a roomy /8 costs nothing up front).
    if (initial !== 0) this.t.fill(initial);
    if (blocks < n) {
      // Padding leaves never match a search.
      for (let i = blocks; i < n; i++) this.t[n + i] = 255;
      for (let i = n - 1; i >= 1; i--) this.t[i] = Math.min(this.t[2 * i], this.t[2 * i + 1]);
    }
  }

  /** Sets block `b` to `v` (0-254). */
  set(b: number, v: number): void {
    const t = this.t;
    let i = this.n + b;
    if (t[i] === v) return;
    t[i] = v;
    for (i >>= 1; i >= 1; i >>= 1) {
      const m = t[2 * i] < t[2 * i + 1] ? t[2 * i] : t[2 * i + 1];
      if (t[i] === m) break; // ancestors already right
      t[i] = m;
    }
  }

  /** The lowest block whose value is below `threshold`, or -1. */
  firstBelow(threshold: number): number {
    const t = this.t;
    if (t[1] >= threshold) return -1;
    let i = 1;
    while (i < this.n) i = t[2 * i] < threshold ? 2 * i : 2 * i + 1;
    return i - this.n;
  }
}
