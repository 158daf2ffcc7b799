/**
 * IPv4 addresses as unsigned 32-bit numbers, CIDR blocks and address ranges, parsed from and formatted for
 * scenario files and reports.
 */

/**
 * Addresses in a /28 prefix, the unit of prefix delegation (GetPrefixDelegationDefaults: 16 addresses, /28). The one
 * definition: EC2's address counts, ipamd's datastore and its pool decisions all read it from here.
 */
export const PREFIX_SIZE = 16;

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

/** An IPv4 CIDR block: `base` is its first address, `length` its prefix length (0-32). */
export interface Cidr {
  base: number;
  length: number;
}

/** Addresses in a block of prefix length `length`. */
export function blockSize(length: number): number {
  return 2 ** (32 - length);
}

/** `a.b.c.d/n` of a block. */
export function cidrToString(c: Cidr): string {
  return `${ipToString(c.base)}/${c.length}`;
}

/**
 * Parses `a.b.c.d/n`. `error` says what is wrong; when the address is not the start of its block, `cidr` is
 * the block it lies in (for a "did you mean").
 */
export function parseCidr(s: string): { cidr?: Cidr; error?: string } {
  const m = /^([\d.]+)\/(\d{1,2})$/.exec(s.trim());
  const ip = m ? parseIp(m[1]) : undefined;
  const length = m ? Number(m[2]) : NaN;
  if (ip === undefined || !(length >= 0 && length <= 32)) {
    return { error: `expected an IPv4 CIDR block such as "10.0.32.0/22", got "${s}"` };
  }
  const size = blockSize(length);
  const base = ip - (ip % size);
  if (base !== ip) {
    const fixed = cidrToString({ base, length });
    return { cidr: { base, length }, error: `${s} is not the first address of its block; did you mean ${fixed}?` };
  }
  return { cidr: { base, length } };
}

/** Whether block `inner` lies entirely inside block `outer`. */
export function cidrContains(outer: Cidr, inner: Cidr): boolean {
  return inner.base >= outer.base && inner.base + blockSize(inner.length) <= outer.base + blockSize(outer.length);
}

/** Whether two blocks share an address. */
export function cidrOverlaps(a: Cidr, b: Cidr): boolean {
  return a.base < b.base + blockSize(b.length) && b.base < a.base + blockSize(a.length);
}

/** An inclusive address range [first, last]. */
export interface IpRange {
  first: number;
  last: number;
}

/** Parses `10.0.32.10-10.0.32.50`, a CIDR block or a single address into an inclusive range. */
export function parseRange(s: string): { range?: IpRange; error?: string } {
  const text = s.trim();
  if (text.includes('/')) {
    const { cidr, error } = parseCidr(text);
    if (error || !cidr) return { error: error ?? 'bad CIDR' };
    return { range: { first: cidr.base, last: cidr.base + blockSize(cidr.length) - 1 } };
  }
  const parts = text.split('-');
  const first = parseIp(parts[0]);
  const last = parts.length === 2 ? parseIp(parts[1]) : parts.length === 1 ? first : undefined;
  if (first === undefined || last === undefined) {
    return { error: `expected an address, a range "10.0.32.10-10.0.32.50" or a CIDR block, got "${s}"` };
  }
  if (last < first) return { error: `range "${s}" ends before it starts` };
  return { range: { first, last } };
}
