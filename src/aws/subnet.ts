/**
 * The address space new ENIs and secondary addresses come from. This version models one roomy subnet
 * (10.0.0.0/8 less AWS's five reserved addresses) shared by every node; addresses are IPv4 numbers.
 */

/** Formats an IPv4 number as dotted quad. */
export function ipToString(ip: number): string {
  return `${(ip >>> 24) & 255}.${(ip >>> 16) & 255}.${(ip >>> 8) & 255}.${ip & 255}`;
}

/** Parses a dotted quad; undefined when malformed. */
export function parseIp(s: string): number | undefined {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(s.trim());
  if (!m) return undefined;
  const parts = m.slice(1).map(Number);
  if (parts.some((p) => p > 255)) return undefined;
  return ((parts[0] << 24) >>> 0) + (parts[1] << 16) + (parts[2] << 8) + parts[3];
}

/** A subnet handing out /32 addresses. Released addresses are reused oldest-first after fresh ones run out. */
export class Subnet {
  private next: number;
  private readonly end: number;
  private readonly returned: number[] = [];
  private returnedHead = 0;
  private inUse = 0;

  constructor(
    readonly name: string,
    readonly base: number,
    readonly prefixLength: number,
  ) {
    // AWS reserves the first four addresses and the last one of every subnet.
    this.next = base + 4;
    this.end = base + 2 ** (32 - prefixLength) - 1;
  }

  /** Usable addresses in the subnet (size minus the five AWS reserves). */
  get capacity(): number {
    return this.end - this.base - 4;
  }

  /** Addresses currently allocated. */
  get used(): number {
    return this.inUse;
  }

  /** Allocates `n` addresses, or returns undefined (nothing allocated) when fewer than `n` are free. */
  allocate(n: number): number[] | undefined {
    if (this.capacity - this.inUse < n) return undefined;
    const out: number[] = [];
    while (out.length < n && this.next < this.end) out.push(this.next++);
    while (out.length < n) out.push(this.returned[this.returnedHead++]);
    if (this.returnedHead > 1024 && this.returnedHead * 2 > this.returned.length) {
      this.returned.splice(0, this.returnedHead);
      this.returnedHead = 0;
    }
    this.inUse += n;
    return out;
  }

  /** Returns addresses to the subnet. */
  release(ips: readonly number[]): void {
    for (const ip of ips) this.returned.push(ip);
    this.inUse -= ips.length;
  }
}
