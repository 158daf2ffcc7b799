/**
 * `aws ec2 describe-subnets --output json`: `{ "Subnets": [ { SubnetId, VpcId, CidrBlock, AvailabilityZone,
 * AvailableIpAddressCount, Tags: [{ Key, Value }] } ] }` (AWS CLI reference, ec2 describe-subnets, Output).
 */
import * as z from 'zod';
import { parseCidr, type Cidr } from '../aws/cidr.js';
import { checkShape, Findings, guessFlag, parseJson, type SourceFile } from './source.js';

/** One subnet as imported. */
export interface ImportedSubnet {
  id: string;
  vpc?: string;
  cidrText: string;
  cidr: Cidr;
  zone?: string;
  /** AvailableIpAddressCount: addresses nobody holds. */
  available: number;
  tags: Record<string, string>;
}

const SubnetShape = z.looseObject({
  SubnetId: z.string(),
  VpcId: z.string().optional(),
  CidrBlock: z.string().optional(),
  AvailabilityZone: z.string().optional(),
  AvailableIpAddressCount: z.number().int().nonnegative(),
  Tags: z.array(z.looseObject({ Key: z.string(), Value: z.string() })).optional(),
});

/** Reads the subnets file; IPv6-only subnets (no CidrBlock) are left out with a note. */
export function readSubnets(src: SourceFile, f: Findings): ImportedSubnet[] {
  const v = parseJson(src, f);
  if (v === undefined) return [];
  const top = v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
  const list: unknown = top?.Subnets;
  if (!Array.isArray(list)) {
    const g = guessFlag(v);
    f.error(
      src.file,
      top && 'Subnets' in top ? 'Subnets' : '',
      `expected { "Subnets": [...] } (the output of \`aws ec2 describe-subnets --output json\`)${g && g !== '--subnets' ? `; this looks like the file for ${g}` : ''}`,
    );
    return [];
  }
  const out: ImportedSubnet[] = [];
  let ipv6Only = 0;
  list.forEach((item: unknown, i: number) => {
    const s = checkShape(SubnetShape, item, src, ['Subnets', i], f);
    if (!s) return;
    if (s.CidrBlock === undefined) {
      ipv6Only++;
      return;
    }
    const { cidr, error } = parseCidr(s.CidrBlock);
    if (!cidr || error) {
      f.error(src.file, `Subnets[${i}].CidrBlock`, error ?? 'not an IPv4 CIDR block');
      return;
    }
    out.push({
      id: s.SubnetId,
      ...(s.VpcId !== undefined ? { vpc: s.VpcId } : {}),
      cidrText: s.CidrBlock,
      cidr,
      ...(s.AvailabilityZone !== undefined ? { zone: s.AvailabilityZone } : {}),
      available: s.AvailableIpAddressCount,
      tags: Object.fromEntries((s.Tags ?? []).map((t) => [t.Key, t.Value])),
    });
  });
  if (ipv6Only) f.note(`${ipv6Only} IPv6-only subnet${ipv6Only === 1 ? '' : 's'} left out (only IPv4 is modelled)`);
  if (list.length === 0) f.error(src.file, 'Subnets', 'the list holds no subnets');
  return out;
}
