/** The `subnets` section and node-group networking: located problems with suggestions, and what they resolve to. */
import { describe, expect, it } from 'vitest';
import { parseScenarioText, validateScenario } from '../../src/workload/load.js';
import { formatProblem } from '../../src/workload/problems.js';
import { scenarioFrom } from '../helpers.js';

function problems(yaml: string): string[] {
  return validateScenario(parseScenarioText(yaml, 'bad.yaml'), process.cwd()).problems.map(formatProblem);
}

describe('subnets in scenario files', () => {
  it('reports every subnet problem with line, column, path and a suggestion', () => {
    const out = problems(`duration: 30m
subnets:
  - name: private-a
    cidr: 10.0.32.5/22
  - name: private-b
    cidr: 10.0.36.0/22
    inUse: { addresses: 5000 }
    reservations: [ { cidr: 10.0.40.0/24, type: prefix }, { cidr: 10.0.36.0/24, type: explicit }, { cidr: 10.0.36.128/25, type: prefix } ]
  - name: private-c
    cidr: 10.0.36.0/24
  - name: huge
    cidr: 10.0.0.0/12
  - name: odd
    cidr: 10.9.0.0/24
    inUse: { addresses: 3, ranges: ["10.9.0.9"] }
nodeGroups:
  - { name: workers, instanceType: m5.large, count: 2, subnet: private-aa }
  - { name: cn, instanceType: m5.large, count: 1, maxPods: 20, subnet: private-b, eniConfig: { subnet: pods-b }, ipamd: { AWS_VPC_K8S_CNI_CUSTOM_NETWORK_CFG: true } }
  - { name: nosub, instanceType: m5.large, count: 1 }
`);
    expect(out).toEqual([
      'bad.yaml:4:11: error: subnets[0].cidr: 10.0.32.5/22 is not the first address of its block; did you mean 10.0.32.0/22?',
      "bad.yaml:7:25: error: subnets[1].inUse.addresses: the subnet has 767 addresses outside AWS's five and the reservations; 5000 do not fit",
      'bad.yaml:8:29: error: subnets[1].reservations[0].cidr: 10.0.40.0/24 is not inside the subnet 10.0.36.0/22',
      'bad.yaml:8:107: error: subnets[1].reservations[2].cidr: overlaps the reservation 10.0.36.0/24 (AWS forbids overlapping reservations)',
      'bad.yaml:10:11: error: subnets[2].cidr: overlaps subnet "private-b" (10.0.36.0/22)',
      'bad.yaml:12:11: error: subnets[3].cidr: AWS subnets are /16 to /28, got /12',
      'bad.yaml:15:12: error: subnets[4].inUse: give either "addresses" (with an optional "pattern") or "ranges"',
      'bad.yaml:17:64: error: nodeGroups[0].subnet: no subnet "private-aa"; did you mean private-a?',
      'bad.yaml:18:104: error: nodeGroups[1].eniConfig.subnet: no subnet "pods-b" (subnets: private-a, private-b, private-c, huge, odd)',
      'bad.yaml:19:5: error: nodeGroups[2]: "subnet" is required when several subnets are given (one of: private-a, private-b, private-c, huge, odd)',
    ]);
  });

  it('warns where ipamd silently changes what was asked', () => {
    const out = problems(`duration: 30m
nodeGroups:
  - { name: old, instanceType: t2.medium, count: 1, ipamd: { ENABLE_PREFIX_DELEGATION: true } }
  - { name: pd, instanceType: m5.large, count: 1 }
  - { name: cn, instanceType: m5.large, count: 1, eniConfig: { subnet: default } }
ipamd: { ENABLE_POD_ENI: true }
`);
    expect(out).toEqual([
      'bad.yaml:3:32: warning: nodeGroups[0].instanceType: t2.medium is neither Nitro nor bare metal: ipamd ignores ENABLE_PREFIX_DELEGATION and uses secondary IPs',
      'bad.yaml:5:62: warning: nodeGroups[2].eniConfig: ignored: ipamd reads the ENIConfig only with AWS_VPC_K8S_CNI_CUSTOM_NETWORK_CFG=true',
    ]);
    const pd = problems(
      'duration: 1h\nnodeGroups: [{ name: a, instanceType: m5.large, count: 1 }]\nipamd: { ENABLE_PREFIX_DELEGATION: true }\n',
    );
    expect(pd).toEqual([
      'bad.yaml:2:14: warning: nodeGroups[0]: with prefix delegation a node holds up to 432 addresses, but maxPods defaults to 29 (eni-max-pods.txt); set maxPods (EKS uses 110, or 250)',
    ]);
  });

  it('requires an ENIConfig with custom networking and checks its zone', () => {
    const out = problems(`duration: 1h
subnets:
  - { name: nodes, cidr: 10.0.0.0/24, availabilityZone: a }
  - { name: pods, cidr: 100.64.0.0/20, availabilityZone: b }
nodeGroups:
  - { name: x, instanceType: m5.large, count: 1, maxPods: 20, subnet: nodes }
  - { name: y, instanceType: m5.large, count: 1, maxPods: 20, subnet: nodes, eniConfig: { subnet: pods } }
ipamd: { AWS_VPC_K8S_CNI_CUSTOM_NETWORK_CFG: true }
`);
    expect(out).toEqual([
      'bad.yaml:6:5: error: nodeGroups[0]: AWS_VPC_K8S_CNI_CUSTOM_NETWORK_CFG=true needs an ENIConfig: add eniConfig: { subnet: <name> }',
      'bad.yaml:7:99: error: nodeGroups[1].eniConfig.subnet: "pods" is in zone b, the nodes\' subnet "nodes" in a: an ENIConfig subnet must be in the node\'s zone',
    ]);
  });

  it('resolves: one roomy default subnet without a subnets section; the only subnet without a "subnet" key', () => {
    const plain = scenarioFrom('duration: 1h\nnodeGroups: [{ name: a, instanceType: m5.large, count: 1 }]\n');
    expect(plain.subnets).toEqual([
      expect.objectContaining({ name: 'default', cidr: { base: 0x0a000000, length: 8 } }),
    ]);
    expect(plain.nodeGroups[0].subnet).toBe('default');
    const one = scenarioFrom(`duration: 1h
subnets:
  - name: s
    cidr: 10.2.0.0/20
    availabilityZone: eu-west-1a
    tags: { kubernetes.io/role/cni: 1 }
    inUse: { ranges: ["10.2.0.10-10.2.0.20", 10.2.1.0/28] }
    reservations: [{ cidr: 10.2.8.0/21, type: prefix }]
nodeGroups: [{ name: a, instanceType: m5.large, count: 1 }]
`);
    expect(one.nodeGroups[0].subnet).toBe('s');
    expect(one.subnets[0]).toMatchObject({
      availabilityZone: 'eu-west-1a',
      cniTag: 'tagged',
      inUse: {
        ranges: [
          { first: 0x0a02000a, last: 0x0a020014 },
          { first: 0x0a020100, last: 0x0a02010f },
        ],
      },
      reservations: [{ cidr: { base: 0x0a020800, length: 21 }, type: 'prefix' }],
    });
  });
});
