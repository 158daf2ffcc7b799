/** Branch ENI limits per instance type (security groups for pods), from the embedded table in branch-eni-data.ts. */
import { BRANCH_ENI_DATA } from './branch-eni-data.js';

let table: Map<string, number> | undefined;

/**
 * The branch ENIs a type supports (pkg/aws/vpc/limits.go BranchInterface of the VPC resource controller), or 0 when
 * it cannot take a trunk ENI (IsTrunkingCompatible false, or the type is not in the table).
 */
export function branchEniLimit(type: string): number {
  if (!table) {
    table = new Map();
    for (const line of BRANCH_ENI_DATA.split('\n')) {
      if (line === '') continue;
      const [name, n] = line.split(',');
      table.set(name, Number(n));
    }
  }
  return table.get(type) ?? 0;
}
