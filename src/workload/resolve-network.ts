/**
 * Resolves the `subnets` section and each node group's network (its subnets and zones, the ENIConfig each zone's
 * nodes select, prefix delegation), reporting located problems: malformed or misaligned CIDRs, overlaps, reservations outside their
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
import type { EnvValue, IpamdConfig } from '../ipam/config.js';
import type { EniConfigInputT, NodeGroupInput, SubnetItemInput } from './schema.js';
import type { ZonePlacement } from './scenario.js';

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

/** The node label that names a node's availability zone (set on every node from its zone). */
export const ZONE_LABEL = 'topology.kubernetes.io/zone';
/**
 * ENIConfig lookup (pkg/eniconfig/eniconfig.go:32-50): the default annotation and label keys, the externally
 * managed label that overrides both, and the name used when a node has none of them.
 */
export const ENI_CONFIG_DEFAULT_KEY = 'k8s.amazonaws.com/eniConfig';
export const EXTERNAL_ENI_CONFIG_LABEL = 'vpc.amazonaws.com/externalEniConfig';
export const ENI_CONFIG_DEFAULT_NAME = 'default';

/** ENI_CONFIG_LABEL_DEF / ENI_CONFIG_ANNOTATION_DEF as ipamd reads them: unset or empty means the default key. */
function keyFrom(env: Record<string, EnvValue>, name: string): string {
  const v = env[name];
  return v === undefined || String(v) === '' ? ENI_CONFIG_DEFAULT_KEY : String(v);
}

/**
 * The ENIConfig a node selects and where the name came from (GetNodeSpecificENIConfigName, eniconfig.go:125-142):
 * the label vpc.amazonaws.com/externalEniConfig, else the annotation ENI_CONFIG_ANNOTATION_DEF, else the label
 * ENI_CONFIG_LABEL_DEF, else "default".
 */
export function eniConfigName(
  labels: Readonly<Record<string, string>>,
  annotations: Readonly<Record<string, string>>,
  env: Record<string, EnvValue>,
): { name: string; from: string } {
  const external = labels[EXTERNAL_ENI_CONFIG_LABEL];
  if (external !== undefined) return { name: external, from: `label ${EXTERNAL_ENI_CONFIG_LABEL}` };
  const annotation = keyFrom(env, 'ENI_CONFIG_ANNOTATION_DEF');
  if (annotations[annotation] !== undefined) return { name: annotations[annotation], from: `annotation ${annotation}` };
  const label = keyFrom(env, 'ENI_CONFIG_LABEL_DEF');
  if (labels[label] !== undefined) return { name: labels[label], from: `label ${label}` };
  return { name: ENI_CONFIG_DEFAULT_NAME, from: `no annotation ${annotation} or label ${label}` };
}

/** What a node group's network is resolved from besides the group itself. */
export interface NetworkCtx {
  subnets: readonly SubnetSpec[];
  /** Names of every subnet written, valid or not. */
  written: readonly string[];
  /** The top-level `eniConfigs`, if any. */
  eniConfigs: Readonly<Record<string, EniConfigInputT>> | undefined;
  report: Report;
}

/**
 * A node group's subnets, zones and ENIConfigs: `subnet` (one zone) or `subnets` (one per zone), spread over
 * `availabilityZones` (a list: evenly; a map: by weight; default: the subnets' zones); with custom networking each
 * zone's nodes select an ENIConfig by annotation or label. Reports unknown names, two subnets in one zone, zones
 * without a subnet, ENIConfig subnets in another zone than the node (the ENI could not be attached to the
 * instance), and (a warning) nodes whose ENIConfig does not exist.
 */
export function resolveGroupNetwork(
  g: NodeGroupInput,
  i: number,
  env: Record<string, EnvValue>,
  customNetworking: boolean,
  net: NetworkCtx,
): { subnet: string; eniConfigSubnet?: string; zones: ZonePlacement[] } {
  const { subnets, written, report } = net;
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
  const own = groupSubnets(g, p, known, net);
  const zones = placements(g, p, own, net);
  const first = zones[0] ?? { zone: 'default', subnet: own[0]?.name ?? g.subnet ?? subnets[0]?.name ?? 'default' };
  const done = (z: ZonePlacement[]): { subnet: string; eniConfigSubnet?: string; zones: ZonePlacement[] } => ({
    subnet: first.subnet,
    ...(z[0]?.eniConfigSubnet !== undefined ? { eniConfigSubnet: z[0].eniConfigSubnet } : {}),
    zones: z.length ? z : [{ zone: first.zone, subnet: first.subnet, weight: 1 }],
  });
  if (customNetworking && !g.eniConfig && net.eniConfigs === undefined) {
    report(p, 'AWS_VPC_K8S_CNI_CUSTOM_NETWORK_CFG=true needs an ENIConfig: add eniConfig: { subnet: <name> }');
  }
  if (g.eniConfig && !customNetworking) {
    report(
      [...p, 'eniConfig'],
      'ignored: ipamd reads the ENIConfig only with AWS_VPC_K8S_CNI_CUSTOM_NETWORK_CFG=true',
      'warning',
    );
  }
  if (!customNetworking) return done(zones);
  if (g.eniConfig) {
    const eni = known(g.eniConfig.subnet, [...p, 'eniConfig', 'subnet']);
    for (const z of zones) {
      const node = subnets.find((x) => x.name === z.subnet);
      if (eni && node && eni.availabilityZone !== z.zone) {
        report(
          [...p, 'eniConfig', 'subnet'],
          `"${eni.name}" is in zone ${eni.availabilityZone}, the nodes' subnet "${node.name}" in ${node.availabilityZone}: an ENIConfig subnet must be in the node's zone`,
        );
      }
    }
    return done(zones.map((z) => ({ ...z, eniConfigSubnet: g.eniConfig?.subnet })));
  }
  if (net.eniConfigs === undefined) return done(zones);
  return done(zones.map((z) => selectEniConfig(g, p, z, env, net)));
}

/** The group's subnets as written (`subnet` or `subnets`), the known ones; two in one zone is an error. */
function groupSubnets(
  g: NodeGroupInput,
  p: readonly PropertyKey[],
  known: (name: string, path: PropertyKey[]) => SubnetSpec | undefined,
  net: NetworkCtx,
): SubnetSpec[] {
  const { subnets, written, report } = net;
  if (g.subnet !== undefined && g.subnets !== undefined)
    report([...p, 'subnets'], 'give "subnet" (one zone) or "subnets" (one per zone), not both');
  if (g.subnets !== undefined) {
    const out: SubnetSpec[] = [];
    g.subnets.forEach((name, j) => {
      const s = known(name, [...p, 'subnets', j]);
      if (!s) return;
      const twin = out.find((o) => o.availabilityZone === s.availabilityZone);
      if (twin)
        report(
          [...p, 'subnets', j],
          `"${s.name}" and "${twin.name}" are both in zone ${s.availabilityZone}: a node group has one subnet per availability zone${s.availabilityZone === 'default' ? ' (give each subnet its availabilityZone)' : ''}`,
        );
      else out.push(s);
    });
    return out;
  }
  if (g.subnet !== undefined) {
    const s = known(g.subnet, [...p, 'subnet']);
    return s ? [s] : [];
  }
  if (g.availabilityZones !== undefined) return [];
  if (written.length > 1) {
    report(p, `"subnet" is required when several subnets are given (one of: ${written.join(', ')})`);
    return [];
  }
  return subnets.length ? [subnets[0]] : [];
}

/** Each zone of the group with its subnet and weight; a zone without a subnet is an error. */
function placements(
  g: NodeGroupInput,
  p: readonly PropertyKey[],
  own: readonly SubnetSpec[],
  net: NetworkCtx,
): ZonePlacement[] {
  const { subnets, report } = net;
  const az = g.availabilityZones;
  if (az === undefined) return own.map((s) => ({ zone: s.availabilityZone, subnet: s.name, weight: 1 }));
  const wanted: [string, number, PropertyKey[]][] = Array.isArray(az)
    ? az.map((z, j) => [z, 1, [...p, 'availabilityZones', j]])
    : Object.entries(az).map(([z, w]) => [z, w, [...p, 'availabilityZones', z]]);
  const out: ZonePlacement[] = [];
  const written = g.subnets !== undefined || g.subnet !== undefined;
  for (const [zone, weight, at] of wanted) {
    if (out.some((o) => o.zone === zone)) {
      report(at, `zone ${zone} is listed twice`);
      continue;
    }
    // Without `subnet(s)`: the one subnet of the scenario in that zone.
    const inZone = (written ? own : subnets).filter((s) => s.availabilityZone === zone);
    if (inZone.length === 1) {
      out.push({ zone, subnet: inZone[0].name, weight });
      continue;
    }
    const zonesKnown = [...new Set((written ? own : subnets).map((s) => s.availabilityZone))];
    if (inZone.length === 0)
      report(
        at,
        `no ${written ? "subnet of the group's" : 'subnet'} is in zone ${zone}${zonesKnown.length ? ` (zones: ${zonesKnown.join(', ')})` : ''}`,
      );
    else
      report(
        at,
        `several subnets are in zone ${zone} (${inZone.map((s) => s.name).join(', ')}): name the group's in "subnets"`,
      );
  }
  for (const s of own)
    if (!out.some((o) => o.subnet === s.name) && wanted.every(([z]) => z !== s.availabilityZone))
      report(
        [...p, 'availabilityZones'],
        `subnet "${s.name}" (zone ${s.availabilityZone}) is in none of these zones: no node goes there`,
        'warning',
      );
  return out;
}

/**
 * The ENIConfig the zone's nodes select (their labels: the group's and the zone label; their annotations), and
 * its subnet. A missing ENIConfig is modelled as upstream (a warning here): tryAllocateENI fails with
 * ErrNoENIConfig (ipamd.go:1054-1059, eniconfig.go:84-89), increaseDatastorePool swallows it (ipamd.go:996-1003),
 * and handlePreScaling fails nodeInit because custom networking left the pool empty (ipamd.go:684-689).
 */
function selectEniConfig(
  g: NodeGroupInput,
  p: readonly PropertyKey[],
  z: ZonePlacement,
  env: Record<string, EnvValue>,
  net: NetworkCtx,
): ZonePlacement {
  const configs = net.eniConfigs ?? {};
  const labels = { ...g.labels, [ZONE_LABEL]: z.zone };
  const { name, from } = eniConfigName(labels, g.annotations ?? {}, env);
  const cfg = Object.hasOwn(configs, name) ? configs[name] : undefined;
  if (!cfg) {
    const defined = Object.keys(configs);
    const hint = closest(name, defined);
    net.report(
      p,
      `nodes in zone ${z.zone} select ENIConfig "${name}" (${from}), which "eniConfigs" does not define${hint ? ` (did you mean ${hint}?)` : defined.length ? ` (defined: ${defined.join(', ')})` : ''}: ipamd attaches no ENI, nodeInit fails with an empty pool and aws-node restarts; these nodes never turn Ready`,
      'warning',
    );
    return { ...z, eniConfig: name };
  }
  const eni = net.subnets.find((x) => x.name === cfg.subnet);
  if (eni && eni.availabilityZone !== z.zone) {
    net.report(
      p,
      `nodes in zone ${z.zone} select ENIConfig "${name}" (${from}), whose subnet "${eni.name}" is in zone ${eni.availabilityZone}: an ENIConfig subnet must be in the node's zone (EC2 attaches no ENI of another zone)`,
    );
  }
  return { ...z, eniConfig: name, eniConfigSubnet: cfg.subnet };
}

/** Checks the `eniConfigs` section: each subnet exists; a name no node selects is worth a warning. */
export function eniConfigProblems(
  eniConfigs: Readonly<Record<string, EniConfigInputT>> | undefined,
  groups: readonly { zones: readonly ZonePlacement[] }[],
  anyCustom: boolean,
  net: NetworkCtx,
): void {
  if (eniConfigs === undefined) return;
  if (!anyCustom) {
    net.report(
      ['eniConfigs'],
      'ignored: ipamd reads ENIConfigs only with AWS_VPC_K8S_CNI_CUSTOM_NETWORK_CFG=true',
      'warning',
    );
    return;
  }
  for (const [name, cfg] of Object.entries(eniConfigs)) {
    if (!net.subnets.some((s) => s.name === cfg.subnet) && !net.written.includes(cfg.subnet)) {
      const hint = closest(cfg.subnet, net.written);
      net.report(['eniConfigs', name, 'subnet'], `no subnet "${cfg.subnet}"${hint ? `; did you mean ${hint}?` : ''}`);
    }
    if (!groups.some((g) => g.zones.some((z) => z.eniConfig === name)))
      net.report(['eniConfigs', name], `no node selects ENIConfig "${name}"`, 'warning');
  }
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
