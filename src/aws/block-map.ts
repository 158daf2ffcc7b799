/**
 * The state of every address of a subnet, kept per aligned /28 block as 16-bit masks: which addresses are held,
 * which EC2's automatic assignment never uses (AWS's five, reservations), which lie in `prefix` reservations. Two
 * segment trees find the lowest block with a free /32 or a free /28 in O(log blocks); counters stay in step on
 * every change. Offsets are relative to the subnet's first address.
 */
import { InvariantError } from '../engine/sim.js';
import { BlockTree } from './block-tree.js';

/** Counts of set bits in a 16-bit mask. */
export function popcount16(x: number): number {
  x -= (x >>> 1) & 0x5555;
  x = (x & 0x3333) + ((x >>> 2) & 0x3333);
  x = (x + (x >>> 4)) & 0x0f0f;
  return (x + (x >>> 8)) & 0x1f;
}

/** Address states of one subnet. */
export class BlockMap {
  readonly blocks: number;
  /** Per block, bit i = address 16b+i is held (by EC2 for an ENI, or by another tenant). */
  readonly used: Uint16Array;
  /** Per block, bits automatic /32 assignment never uses: AWS's five and every reservation. */
  readonly fixed: Uint16Array;
  /** Per block, bits inside `prefix` reservations (undefined when there are none). */
  readonly prefixRes: Uint16Array | undefined;
  /** popcount(used | fixed) per block: < 16 has a free /32, 0 is a free unreserved /28. */
  private readonly anyTree: BlockTree;
  /** 0 for a wholly prefix-reserved block that is free, else 1. */
  private readonly resTree: BlockTree | undefined;
  /** Addresses held. */
  usedCount = 0;
  /** Free addresses outside AWS's five and every reservation. */
  assignable32 = 0;
  /** Blocks usable as a prefix (see {@link isUsable}). */
  usableBlocks = 0;

  /** A map of `size` addresses (a multiple of 16) with AWS's five and the given reserved offsets. */
  constructor(
    readonly size: number,
    reservations: readonly { first: number; count: number; prefix: boolean }[],
  ) {
    this.blocks = size / 16;
    this.used = new Uint16Array(this.blocks);
    this.fixed = new Uint16Array(this.blocks);
    this.anyTree = new BlockTree(this.blocks);
    this.fixed[0] |= 0x000f;
    this.fixed[this.blocks - 1] |= 0x8000;
    const touched = new Set<number>([0, this.blocks - 1]);
    const hasPrefix = reservations.some((r) => r.prefix);
    this.prefixRes = hasPrefix ? new Uint16Array(this.blocks) : undefined;
    for (const r of reservations) {
      for (let o = r.first; o < r.first + r.count; o++) {
        const bit = 1 << (o & 15);
        this.fixed[o >> 4] |= bit;
        if (r.prefix) (this.prefixRes as Uint16Array)[o >> 4] |= bit;
        touched.add(o >> 4);
      }
    }
    this.resTree = hasPrefix ? new BlockTree(this.blocks, 1) : undefined;
    // Only blocks with fixed bits differ from "16 free addresses, a free /28": a roomy /8 costs nothing here.
    this.assignable32 = size;
    this.usableBlocks = this.blocks;
    for (const b of touched) {
      const n = popcount16(this.fixed[b]);
      this.assignable32 -= n;
      this.anyTree.set(b, n);
      if (!this.isUsable(b)) this.usableBlocks--;
      if (this.resTree && this.resUsable(b)) this.resTree.set(b, 0);
    }
  }

  /** Whether offset `o` has `mask`'s bit set. */
  static has(mask: Uint16Array | undefined, o: number): boolean {
    return mask !== undefined && (mask[o >> 4] & (1 << (o & 15))) !== 0;
  }

  /** The lowest free offset outside reservations, or -1. */
  lowestFreeAddress(): number {
    const b = this.anyTree.firstBelow(16);
    if (b < 0) return -1;
    const free = ~(this.used[b] | this.fixed[b]) & 0xffff;
    return b * 16 + 31 - Math.clz32(free & -free);
  }

  /** The lowest free /28 block: inside a prefix reservation first, else outside every reservation; or -1. */
  lowestFreeBlock(): number {
    const b = this.resTree ? this.resTree.firstBelow(1) : -1;
    return b >= 0 ? b : this.anyTree.firstBelow(1);
  }

  /** A block is usable for a prefix: free and unreserved, or free and wholly inside a prefix reservation. */
  isUsable(b: number): boolean {
    return (this.used[b] | this.fixed[b]) === 0 || this.resUsable(b);
  }

  private resUsable(b: number): boolean {
    if (!this.prefixRes || this.prefixRes[b] !== 0xffff || this.used[b] !== 0) return false;
    return b !== 0 && b !== this.blocks - 1; // AWS's addresses are never part of a prefix
  }

  /** Sets (take) or clears (release) `bits` of block `b`, keeping counters and trees in step. */
  mark(b: number, bits: number, take: boolean): void {
    const before = this.used[b];
    if (take ? (before & bits) !== 0 : (before & bits) !== bits) {
      throw new InvariantError(`BlockMap: ${take ? 'taking a held' : 'releasing a free'} address in block ${b}`);
    }
    const wasUsable = this.isUsable(b);
    const n = popcount16(bits);
    const after = take ? before | bits : before & ~bits;
    const fixed = this.fixed[b];
    this.used[b] = after;
    this.usedCount += take ? n : -n;
    this.assignable32 += popcount16(~(after | fixed) & 0xffff) - popcount16(~(before | fixed) & 0xffff);
    this.anyTree.set(b, popcount16(after | fixed));
    const usable = this.isUsable(b);
    if (usable !== wasUsable) this.usableBlocks += usable ? 1 : -1;
    if (this.resTree) this.resTree.set(b, this.resUsable(b) ? 0 : 1);
  }
}
