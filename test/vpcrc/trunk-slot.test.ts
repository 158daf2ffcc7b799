/**
 * ipamd keeps the trunk's ENI slot only where the type is trunk-compatible as ipamd sees it (amazon-vpc-cni-k8s
 * pkg/ipamd/ipamd.go hasRoomForEni with pkg/awsutils/awsutils.go IsTrunkingCompatible: the limits table's flag, true
 * for a type the table does not list); the report warns where pods with security groups cannot run.
 */
import { describe, expect, it } from 'vitest';
import { branchEniLimit, ipamdTrunkingCompatible } from '../../src/aws/branch-eni.js';
import { BRANCH_TYPE_COUNT, LISTED_TYPE_COUNT } from '../../src/aws/branch-eni-data.js';
import { instanceType } from '../../src/aws/instance-types.js';
import { renderText } from '../../src/report/text.js';
import { runScenario } from '../../src/index.js';
import { Cluster } from '../../src/run/cluster.js';
import { scenarioFrom } from '../helpers.js';

const yaml = (type: string, podEni: boolean, sgp = false): string => `
name: slot
seed: 3
duration: 3m
ipamd: { ENABLE_POD_ENI: ${podEni}, WARM_ENI_TARGET: 1 }
nodeGroups: [{ name: w, instanceType: ${type}, count: 1 }]
workload:
  - burst: { at: 20s, pods: 13 }
${sgp ? '  - burst: { at: 20s, pods: 2, securityGroupPolicy: true }' : ''}
`;

const eniCap = (type: string, podEni: boolean): number => {
  const c = new Cluster(scenarioFrom(yaml(type, podEni)));
  return c.nodes[0].ipamd.eniCap;
};

describe('the trunk ENI slot', () => {
  it('the table lists trunk-capable types with their limit and the others with 0', () => {
    expect(LISTED_TYPE_COUNT).toBe(1164);
    expect(BRANCH_TYPE_COUNT).toBe(1060);
    expect(ipamdTrunkingCompatible('m5.large')).toBe(true);
    expect(ipamdTrunkingCompatible('t3.medium')).toBe(false); // listed, IsTrunkingCompatible false
    expect(ipamdTrunkingCompatible('c5a.metal')).toBe(true); // not listed: awsutils answers true
    expect(branchEniLimit('c5a.metal')).toBe(0);
  });
  it('is kept on a trunk-capable type and on an unlisted one, not on a listed type without trunking', () => {
    for (const [type, kept] of [
      ['m5.large', true],
      ['c5a.metal', true],
      ['t3.medium', false],
      ['m4.large', false],
    ] as const) {
      const max = instanceType(type)?.maxEnis ?? NaN;
      expect(eniCap(type, false), type).toBe(max);
      expect(eniCap(type, true), type).toBe(kept ? max - 1 : max);
    }
  });
  it('without the slot ipamd attaches every ENI the type allows, and the report warns', () => {
    const r = runScenario(scenarioFrom(yaml('t3.medium', true, true)), { seed: 3 });
    expect(r.nodes[0].enis).toHaveLength(instanceType('t3.medium')?.maxEnis ?? NaN);
    expect(r.nodeGroups[0].trunkSlot).toBe(false);
    expect(r.warnings.join('\n')).toMatch(
      /w: ENABLE_POD_ENI on t3\.medium, which cannot take a trunk ENI .*security groups cannot run there/,
    );
    const text = renderText(r);
    expect(text).toMatch(/no ENI slot kept, the type cannot take a trunk ENI/);
    const ok = runScenario(scenarioFrom(yaml('m5.large', true, true)), { seed: 3 });
    expect(ok.nodeGroups[0].trunkSlot).toBeUndefined();
    expect(ok.warnings.join('\n')).not.toMatch(/ENABLE_POD_ENI/);
  });
  it('an unlisted type keeps the slot but the controller attaches no trunk: the report warns too', () => {
    const r = runScenario(scenarioFrom(yaml('c5a.metal', true, true)), { seed: 3 });
    expect(r.nodeGroups[0].trunkSlot).toBeUndefined();
    expect(r.warnings.join('\n')).toMatch(
      /does not list: ipamd keeps an ENI slot for a trunk but the VPC resource controller attaches none/,
    );
  });
});
