/** Branch ENI limits per instance type (security groups for pods), from the embedded table in branch-eni-data.ts. */
import { BRANCH_ENI_DATA } from './branch-eni-data.js';

let table: Map<string, number> | undefined;

function limits(): Map<string, number> {
  if (!table) {
    table = new Map();
    for (const line of BRANCH_ENI_DATA.split('\n')) {
      if (line === '') continue;
      const [name, n] = line.split(',');
      table.set(name, Number(n));
    }
  }
  return table;
}

/**
 * The branch ENIs a type supports (pkg/aws/vpc/limits.go BranchInterface of the VPC resource controller), or 0 when
 * it cannot take a trunk ENI (IsTrunkingCompatible false, or the type is not in the table).
 */
export function branchEniLimit(type: string): number {
  return limits().get(type) ?? 0;
}

/**
 * ipamd's view of a type's trunk support, which decides whether ENABLE_POD_ENI keeps an ENI slot for the trunk
 * (amazon-vpc-cni-k8s pkg/awsutils/awsutils.go `IsTrunkingCompatible`, used by pkg/ipamd/ipamd.go `hasRoomForEni`):
 * the limits table's IsTrunkingCompatible, and true for a type the table does not list.
 */
export function ipamdTrunkingCompatible(type: string): boolean {
  const n = limits().get(type);
  return n === undefined || n > 0;
}
