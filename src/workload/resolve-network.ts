/**
 * Resolves the `subnets` section and each node group's network (its subnet, its ENIConfig subnet, prefix
 * delegation), reporting located problems: malformed or misaligned CIDRs, overlaps, reservations outside their
 * subnet, more tenant addresses than the subnet has, unknown subnet names (with "did you mean"), and warnings where
 * ipamd silently does something else than asked.
 */
import { closest } from '../util/suggest.js';
import {
  blockSize,
  cidrContains,
  cidrOverlaps,
  cidrToString,
  parseCidr,
  parseIp,
  parseRange,
  type Cidr,
  type IpRange,
} from '../aws/cidr.js';
import type { CniTag, SubnetSpec } from '../aws/subnet.js';
import { defaultMaxPods, supportsPrefixDelegation, type InstanceType } from '../aws/instance-types.js';
import type { IpamdConfig } from '../ipam/config.js';
import type { NodeGroupInput, SubnetItemInput } from './schema.js';

type Report = (path: readonly PropertyKey[], message: string, severity?: 'error' | 'warning') => void;

/** The subnet assumed when a scenario gives none: 10.0.0.0/8, roomy enough never to run out. */
export function defaultSubnet(): SubnetSpec {
  return {
    name: 'default',
    cidr: { base: parseIp('10.0.0.0') as number, length: 8 },
    availabilityZone: 'default',
    cniTag: 'untagged',
    reservations: [],
  };
}

/** The subnet tag ipamd's subnet discovery reads. */
export const CNI_TAG = 'kubernetes.io/role/cni';

function cidrAt(text: string, path: PropertyKey[], report: Report): Cidr | undefined {
  const { cidr, error } = parseCidr(text);
  if (error) report(path, error);
  return error ? undefined : cidr;
}

/** Resolves every valid subnet item (invalid ones are undefined: already reported). */
export function resolveSubnets(
  items: readonly (SubnetItemInput | undefined)[] | undefined,
  report: Report,
): SubnetSpec[] {
  if (items === undefined) return [defaultSubnet()];
  const out: SubnetSpec[] = [];
  const seen = new Set<string>();
  items.forEach((s, i) => {
    if (!s) return;
    const p: PropertyKey[] = ['subnets', i];
    if (seen.has(s.name)) report([...p, 'name'], `duplicate subnet name "${s.name}"`);
    seen.add(s.name);
    const cidr = cidrAt(s.cidr, [...p, 'cidr'], report);
    if (!cidr) return;
    if (cidr.length < 16 || cidr.length > 28) {
      report([...p, 'cidr'], `AWS subnets are /16 to /28, got /${cidr.length}`);
      return;
    }
    for (const other of out) {
      if (cidrOverlaps(cidr, other.cidr))
        report([...p, 'cidr'], `overlaps subnet "${other.name}" (${cidrToString(other.cidr)})`);
    }
    const reservations = resolveReservations(s, cidr, p, report);
    const spec: SubnetSpec = {
      name: s.name,
      cidr,
      availabilityZone: s.availabilityZone ?? 'default',
      cniTag: cniTag(s.tags),
      reservations,
    };
    const inUse = resolveInUse(s, cidr, reservations, p, report);
    if (inUse) spec.inUse = inUse;
    out.push(spec);
  });
  return out;
}

/** A subnet's valid reservations: inside it, not overlapping one another. */
function resolveReservations(
  s: SubnetItemInput,
  cidr: Cidr,
  p: readonly PropertyKey[],
  report: Report,
): SubnetSpec['reservations'] {
  const reservations: SubnetSpec['reservations'] = [];
  (s.reservations ?? []).forEach((r, j) => {
    if (!r) return; // invalid: already reported
    const at = [...p, 'reservations', j, 'cidr'];
    const rc = cidrAt(r.cidr, at, report);
    if (!rc) return;
    if (!cidrContains(cidr, rc)) return report(at, `${r.cidr} is not inside the subnet ${s.cidr}`);
    const clash = reservations.find((o) => cidrOverlaps(o.cidr, rc));
    if (clash)
      return report(at, `overlaps the reservation ${cidrToString(clash.cidr)} (AWS forbids overlapping reservations)`);
    if (r.type === 'prefix' && rc.length > 28)
      report(at, `a prefix reservation smaller than a /28 can never hold a prefix`, 'warning');
    reservations.push({ cidr: rc, type: r.type });
  });
  return reservations;
}

/** The addresses other tenants hold: exact ranges inside the subnet, or a count that fits. */
function resolveInUse(
  s: SubnetItemInput,
  cidr: Cidr,
  reservations: SubnetSpec['reservations'],
  p: readonly PropertyKey[],
  report: Report,
): SubnetSpec['inUse'] {
  const inUse = s.inUse;
  if (inUse?.ranges) {
    const ranges: IpRange[] = [];
    const last = cidr.base + blockSize(cidr.length) - 1;
    inUse.ranges.forEach((text, j) => {
      const { range, error } = parseRange(text);
      if (error || !range) return report([...p, 'inUse', 'ranges', j], error ?? 'bad range');
      if (range.first < cidr.base || range.last > last)
        return report([...p, 'inUse', 'ranges', j], `"${text}" is not inside the subnet ${s.cidr}`);
      ranges.push(range);
    });
    return { ranges };
  }
  if (inUse?.addresses === undefined) return undefined;
  const free = assignable(cidr, reservations);
  if (inUse.addresses > free) {
    report(
      [...p, 'inUse', 'addresses'],
      `the subnet has ${free} addresses outside AWS's five and the reservations; ${inUse.addresses} do not fit`,
    );
  }
  return { addresses: Math.min(inUse.addresses, free), pattern: inUse.pattern ?? 'scattered' };
}

function cniTag(tags: Record<string, string | number | boolean> | undefined): CniTag {
  const v = tags?.[CNI_TAG];
  if (v === undefined) return 'untagged';
  return String(v) === '0' ? 'excluded' : 'tagged';
}

/** Addresses automatic assignment may use: the block less AWS's five and every reserved address. */
function assignable(cidr: Cidr, reservations: SubnetSpec['reservations']): number {
  const size = blockSize(cidr.length);
  const aws = [0, 1, 2, 3, size - 1].map((o) => cidr.base + o);
  let reserved = 0;
  for (const r of reservations) {
    reserved += blockSize(r.cidr.length);
    reserved -= aws.filter((ip) => ip >= r.cidr.base && ip < r.cidr.base + blockSize(r.cidr.length)).length;
  }
  return size - 5 - reserved;
}

/** A node group's subnet and ENIConfig subnet, by name; reports unknown names and misplaced settings. */
export function resolveGroupNetwork(
  g: NodeGroupInput,
  i: number,
  subnets: readonly SubnetSpec[],
  written: readonly string[],
  customNetworking: boolean,
  report: Report,
): { subnet: string; eniConfigSubnet?: string } {
  const p: PropertyKey[] = ['nodeGroups', i];
  const known = (name: string, path: PropertyKey[]): SubnetSpec | undefined => {
    const s = subnets.find((x) => x.name === name);
    if (!s && !written.includes(name)) {
      const hint = closest(name, written);
      const list = written.length
        ? ` (subnets: ${written.join(', ')})`
        : ' (no subnets are defined: add a "subnets" section)';
      report(path, `no subnet "${name}"${hint ? `; did you mean ${hint}?` : list}`);
    }
    return s;
  };
  let subnet = subnets[0]?.name ?? 'default';
  if (g.subnet !== undefined) {
    known(g.subnet, [...p, 'subnet']);
    subnet = g.subnet;
  } else if (written.length > 1) {
    report(p, `"subnet" is required when several subnets are given (one of: ${written.join(', ')})`);
  }
  if (customNetworking && !g.eniConfig) {
    report(p, 'AWS_VPC_K8S_CNI_CUSTOM_NETWORK_CFG=true needs an ENIConfig: add eniConfig: { subnet: <name> }');
  }
  if (!g.eniConfig) return { subnet };
  if (!customNetworking) {
    report(
      [...p, 'eniConfig'],
      'ignored: ipamd reads the ENIConfig only with AWS_VPC_K8S_CNI_CUSTOM_NETWORK_CFG=true',
      'warning',
    );
    return { subnet };
  }
  const eni = known(g.eniConfig.subnet, [...p, 'eniConfig', 'subnet']);
  const own = subnets.find((x) => x.name === subnet);
  if (eni && own && eni.availabilityZone !== own.availabilityZone) {
    report(
      [...p, 'eniConfig', 'subnet'],
      `"${eni.name}" is in zone ${eni.availabilityZone}, the nodes' subnet "${own.name}" in ${own.availabilityZone}: an ENIConfig subnet must be in the node's zone`,
    );
  }
  return { subnet, eniConfigSubnet: g.eniConfig.subnet };
}

/**
 * A group's effective ipamd configuration and max pods: prefix delegation is off on types ipamd does not honour it
 * on (awsutils.go: Nitro and bare metal only; elsewhere it silently uses secondary IPs). Warns where the default
 * maxPods does not fit prefix delegation or custom networking.
 */
export function groupConfig(
  g: NodeGroupInput,
  i: number,
  inst: InstanceType,
  config: IpamdConfig,
  report: Report,
): { config: IpamdConfig; pdFallback: boolean; maxPods: number } {
  const p: PropertyKey[] = ['nodeGroups', i];
  const pdFallback = config.enablePrefixDelegation && !supportsPrefixDelegation(inst);
  if (pdFallback) {
    config.enablePrefixDelegation = false;
    report(
      [...p, 'instanceType'],
      `${inst.name} is neither Nitro nor bare metal: ipamd ignores ENABLE_PREFIX_DELEGATION and uses secondary IPs`,
      'warning',
    );
  }
  const maxPods = g.maxPods ?? defaultMaxPods(inst);
  if (g.maxPods !== undefined) return { config, pdFallback, maxPods };
  const perEni = (inst.ipv4PerEni - 1) * (config.enablePrefixDelegation ? 16 : 1);
  if (config.enablePrefixDelegation) {
    report(
      p,
      `with prefix delegation a node holds up to ${inst.maxEnis * perEni} addresses, but maxPods defaults to ${maxPods} (eni-max-pods.txt); set maxPods (EKS uses 110, or 250)`,
      'warning',
    );
  } else if (config.customNetworking && (inst.maxEnis - 1) * perEni + 2 < maxPods) {
    const podAddrs = (inst.maxEnis - 1) * perEni;
    report(
      p,
      `custom networking leaves the primary ENI out: ${podAddrs} pod addresses, but maxPods defaults to ${maxPods}; set maxPods to ${podAddrs + 2}`,
      'warning',
    );
  }
  return { config, pdFallback, maxPods };
}

/** Addresses one node of `inst` can hold for pods with `config` (ENIs after MAX_ENI and custom networking). */
export function nodeCapacity(inst: InstanceType, config: IpamdConfig): { enis: number; perEni: number } {
  const limit = config.maxEni > 0 ? Math.min(config.maxEni, inst.maxEnis) : inst.maxEnis;
  const enis = config.customNetworking ? limit - 1 : limit;
  return { enis, perEni: (inst.ipv4PerEni - 1) * (config.enablePrefixDelegation ? 16 : 1) };
}

/**
 * Warnings for settings that cannot do what they seem to ask on this instance type: a maxPods above the pods a
 * node can give addresses to, and warm or minimum targets above what a node can hold.
 */
export function capacityWarnings(
  g: NodeGroupInput,
  i: number,
  inst: InstanceType,
  config: IpamdConfig,
  report: Report,
): void {
  const p: PropertyKey[] = ['nodeGroups', i];
  const { enis, perEni } = nodeCapacity(inst, config);
  const capacity = enis * perEni;
  const how = `${enis} ENI${enis === 1 ? '' : 's'} x ${perEni} address${perEni === 1 ? '' : 'es'}${config.enablePrefixDelegation ? ' (prefixes of 16)' : ''}`;
  if (g.maxPods !== undefined && g.maxPods > capacity + 2) {
    report(
      [...p, 'maxPods'],
      `${g.maxPods} is more than ${inst.name} can give addresses to: ${capacity} pod addresses (${how}) and 2 host-network pods; the other pods would wait for an address forever`,
      'warning',
    );
  }
  // (resolve.ts hands the group's environment over as a map, whichever form it was written in.)
  const own = Array.isArray(g.ipamd) ? undefined : g.ipamd;
  const where = (key: string): PropertyKey[] => (own?.[key] !== undefined ? [...p, 'ipamd', key] : ['ipamd', key]);
  const target = (key: string, value: number, unit: string, most: number): void => {
    if (value > most)
      report(
        where(key),
        `${key}=${value} is more ${unit} than one ${inst.name} node of "${g.name}" can hold (${most}: ${how}); ipamd never reaches it`,
        'warning',
      );
  };
  if (config.enablePrefixDelegation)
    target('WARM_PREFIX_TARGET', config.warmPrefixTarget, 'prefixes', enis * (inst.ipv4PerEni - 1));
  else target('WARM_ENI_TARGET', config.warmEniTarget, 'ENIs', enis);
  target('WARM_IP_TARGET', config.warmIpTarget, 'addresses', capacity);
  target('MINIMUM_IP_TARGET', config.minimumIpTarget, 'addresses', capacity);
}
