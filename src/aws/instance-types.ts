import { INSTANCE_DATA } from './instance-data.js';
import { closest } from '../util/suggest.js';
import { PREFIX_SIZE } from './cidr.js';

/** ENI and address limits of one EC2 instance type (default network card). */
export interface InstanceType {
  readonly name: string;
  /** ENIs the default network card can attach (N). */
  readonly maxEnis: number;
  /** IPv4 addresses per ENI including the ENI's primary address (M). */
  readonly ipv4PerEni: number;
  /** "nitro", "xen" or "unknown" (bare metal). */
  readonly hypervisor: string;
  readonly bareMetal: boolean;
  readonly networkCards: number;
  /** Per-card ENI limits in card order. */
  readonly perCardMaxEnis: readonly number[];
}

let table: Map<string, InstanceType> | undefined;

function load(): Map<string, InstanceType> {
  if (table) return table;
  table = new Map();
  for (const line of INSTANCE_DATA.split('\n')) {
    if (!line) continue;
    const [name, enis, ips, hyp, bare, , cards, perCard] = line.split(',');
    table.set(name, {
      name,
      maxEnis: Number(enis),
      ipv4PerEni: Number(ips),
      hypervisor: hyp,
      bareMetal: bare === '1',
      networkCards: Number(cards),
      perCardMaxEnis: perCard.split(';').map(Number),
    });
  }
  return table;
}

/** Looks up an instance type by exact name. */
export function instanceType(name: string): InstanceType | undefined {
  return load().get(name);
}

/** Named sizes below `xlarge`, smallest first; `Nxlarge` sorts by N, `metal` after every size. */
const SIZES = ['nano', 'micro', 'small', 'medium', 'large', 'xlarge'];

/** A size's place in size order: `large` < `xlarge` < `2xlarge` < `12xlarge` < `metal` (and `metal-24xl`). */
function sizeRank(size: string): number {
  const named = SIZES.indexOf(size);
  if (named >= 0) return named;
  const n = /^(\d+)xlarge$/.exec(size);
  if (n) return SIZES.length + Number(n[1]);
  return 1e6;
}

/** Orders instance type names by family, then by size (c6i.2xlarge before c6i.12xlarge), then by name. */
export function compareInstanceTypes(a: string, b: string): number {
  const [fa, sa = ''] = a.split('.');
  const [fb, sb = ''] = b.split('.');
  if (fa !== fb) return fa < fb ? -1 : 1;
  return sizeRank(sa) - sizeRank(sb) || (sa < sb ? -1 : sa > sb ? 1 : 0);
}

/** All instance type names, by family and then size. */
export function instanceTypeNames(): string[] {
  return [...load().keys()].sort(compareInstanceTypes);
}

/** Closest known instance type name, for "did you mean" messages. */
export function suggestInstanceType(name: string): string | undefined {
  return closest(name, load().keys());
}

/** eni-max-pods.txt formula: N * (M - 1) + 2 (the +2 are aws-node and kube-proxy, host-network pods). */
export function defaultMaxPods(t: InstanceType): number {
  return t.maxEnis * (t.ipv4PerEni - 1) + 2;
}

/** Whether ipamd honours prefix delegation on this type (Nitro or bare metal, awsutils.go:2025-2032). */
export function supportsPrefixDelegation(t: InstanceType): boolean {
  return t.hypervisor === 'nitro' || t.bareMetal;
}

/** Limits summary as `warmpool-sim limits` prints it. */
export interface LimitsRow {
  instanceType: string;
  maxEnis: number;
  ipv4PerEni: number;
  ipsPerEni: number;
  maxPods: number;
  maxPodsCustomNetworking: number;
  maxPodsPrefixDelegation: number | null;
  prefixDelegation: boolean;
  hypervisor: string;
  networkCards: number;
}

/** Computes the `limits` row for a type (PD max pods is N*(M-1)*16+2, uncapped, null when PD is unsupported). */
export function limitsRow(t: InstanceType): LimitsRow {
  const per = t.ipv4PerEni - 1;
  const pd = supportsPrefixDelegation(t);
  return {
    instanceType: t.name,
    maxEnis: t.maxEnis,
    ipv4PerEni: t.ipv4PerEni,
    ipsPerEni: per,
    maxPods: defaultMaxPods(t),
    maxPodsCustomNetworking: (t.maxEnis - 1) * per + 2,
    maxPodsPrefixDelegation: pd ? t.maxEnis * per * PREFIX_SIZE + 2 : null,
    prefixDelegation: pd,
    hypervisor: t.hypervisor,
    networkCards: t.networkCards,
  };
}
