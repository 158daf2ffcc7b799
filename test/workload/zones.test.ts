/**
 * Availability zones and ENIConfig (#14 item 4): how a group's nodes spread over zones, that ENIs come only from the
 * node's zone, subnet discovery's choice, ENIConfig selection by annotation and label, a missing ENIConfig, and the
 * per-zone report summing to the cluster's figures.
 */
import { describe, expect, it } from 'vitest';
import { Cluster, buildReport } from '../../src/index.js';
import { parseScenarioText, validateScenario } from '../../src/workload/load.js';
import { formatProblem } from '../../src/workload/problems.js';
import { eniConfigName } from '../../src/workload/resolve-network.js';
import { scenarioFrom } from '../helpers.js';

function problems(yaml: string): string[] {
  return validateScenario(parseScenarioText(yaml, 'z.yaml'), process.cwd()).problems.map(formatProblem);
}

function run(yaml: string): Cluster {
  const c = new Cluster(scenarioFrom(yaml));
  c.run();
  return c;
}

const THREE_ZONES = `
subnets:
  - { name: nodes-a, cidr: 10.1.0.0/22, availabilityZone: az-a }
  - { name: nodes-b, cidr: 10.1.4.0/22, availabilityZone: az-b }
  - { name: nodes-c, cidr: 10.1.8.0/26, availabilityZone: az-c }
`;

/** Zone of each node, by the subnet of its primary ENI. */
const zonesOf = (c: Cluster): string[] => c.nodes.map((n) => n.ec2.subnet.availabilityZone);

describe('node groups across availability zones', () => {
  it("spreads nodes evenly over the subnets' zones, and by weight", () => {
    const even = run(`duration: 1m${THREE_ZONES}
nodeGroups:
  - { name: w, instanceType: m5.large, count: 6, subnets: [nodes-a, nodes-b, nodes-c] }
`);
    expect(zonesOf(even)).toEqual(['az-a', 'az-b', 'az-c', 'az-a', 'az-b', 'az-c']);
    const weighted = run(`duration: 1m${THREE_ZONES}
nodeGroups:
  - { name: w, instanceType: m5.large, count: 4, availabilityZones: { az-b: 3, az-a: 1 } }
`);
    expect(zonesOf(weighted).sort()).toEqual(['az-a', 'az-b', 'az-b', 'az-b']);
  });

  it("takes ENIs only from subnets of the node's zone, even when another zone's tagged subnet has room", () => {
    const c = run(`duration: 5m
subnets:
  - { name: nodes-a, cidr: 10.1.0.0/26, availabilityZone: az-a }
  - { name: nodes-b, cidr: 10.1.4.0/22, availabilityZone: az-b }
  - { name: pods-b, cidr: 100.64.0.0/20, availabilityZone: az-b, tags: { kubernetes.io/role/cni: "1" } }
nodeGroups:
  - { name: w, instanceType: m5.large, count: 4, subnets: [nodes-a, nodes-b] }
workload:
  - burst: { at: 30s, pods: 100 }
`);
    let enis = 0;
    for (const n of c.nodes)
      for (const e of n.ec2.enis) {
        enis++;
        expect(e.subnet.availabilityZone, `${n.runtime.name} ${e.id}`).toBe(n.ec2.subnet.availabilityZone);
      }
    expect(enis).toBeGreaterThan(4);
    // az-a's /26 ran dry: its nodes' pods failed while az-b's started.
    // A full subnet: CreateNetworkInterface says InvalidParameterValue, AssignPrivateIpAddresses InsufficientFreeAddressesInSubnet.
    const errs = c.subnets[0].errors;
    expect(
      (errs.get('InsufficientFreeAddressesInSubnet') ?? 0) + (errs.get('InvalidParameterValue') ?? 0),
    ).toBeGreaterThan(0);
  });

  it("subnet discovery puts a new ENI in the zone's tagged subnet with the most free addresses, never an excluded one", () => {
    const c = run(`duration: 2m
subnets:
  - { name: nodes-a, cidr: 10.1.0.0/24, availabilityZone: az-a }
  - { name: small, cidr: 100.64.0.0/24, availabilityZone: az-a, tags: { kubernetes.io/role/cni: "1" } }
  - { name: big, cidr: 100.64.4.0/22, availabilityZone: az-a, tags: { kubernetes.io/role/cni: "1" } }
  - { name: excluded, cidr: 100.64.16.0/20, availabilityZone: az-a, tags: { kubernetes.io/role/cni: "0" } }
  - { name: untagged, cidr: 100.64.32.0/20, availabilityZone: az-a }
  - { name: other-zone, cidr: 100.64.64.0/18, availabilityZone: az-b, tags: { kubernetes.io/role/cni: "1" } }
nodeGroups:
  - { name: w, instanceType: m5.large, count: 1, subnet: nodes-a }
workload:
  - burst: { at: 30s, pods: 25 }
`);
    const secondary = c.nodes[0].ec2.enis.filter((e) => e.deviceIndex !== 0).map((e) => e.subnet.name);
    expect(secondary.length).toBeGreaterThan(0);
    expect(secondary.every((s) => s === 'big')).toBe(true);
  });
});

describe('ENIConfig selection (custom networking)', () => {
  it('reads the external label, then the annotation, then the label, else "default" (eniconfig.go)', () => {
    const env = {};
    expect(eniConfigName({}, {}, env).name).toBe('default');
    expect(eniConfigName({ 'k8s.amazonaws.com/eniConfig': 'l' }, {}, env).name).toBe('l');
    expect(
      eniConfigName({ 'k8s.amazonaws.com/eniConfig': 'l' }, { 'k8s.amazonaws.com/eniConfig': 'a' }, env).name,
    ).toBe('a');
    expect(
      eniConfigName({ 'vpc.amazonaws.com/externalEniConfig': 'x' }, { 'k8s.amazonaws.com/eniConfig': 'a' }, env).name,
    ).toBe('x');
    const zoneEnv = { ENI_CONFIG_LABEL_DEF: 'topology.kubernetes.io/zone' };
    expect(
      eniConfigName({ 'topology.kubernetes.io/zone': 'az-b', 'k8s.amazonaws.com/eniConfig': 'l' }, {}, zoneEnv).name,
    ).toBe('az-b');
    expect(eniConfigName({ 'k8s.amazonaws.com/eniConfig': 'l' }, {}, { ENI_CONFIG_LABEL_DEF: '' }).name).toBe('l');
    expect(eniConfigName({}, { mine: 'm' }, { ENI_CONFIG_ANNOTATION_DEF: 'mine' }).name).toBe('m');
  });

  const CUSTOM = `duration: 3m
ipamd: { AWS_VPC_K8S_CNI_CUSTOM_NETWORK_CFG: true, ENI_CONFIG_LABEL_DEF: topology.kubernetes.io/zone }
subnets:
  - { name: nodes-a, cidr: 10.1.0.0/24, availabilityZone: az-a }
  - { name: nodes-b, cidr: 10.1.4.0/24, availabilityZone: az-b }
  - { name: pods-a, cidr: 100.64.0.0/22, availabilityZone: az-a }
  - { name: pods-b, cidr: 100.64.4.0/22, availabilityZone: az-b }
`;

  it("with ENI_CONFIG_LABEL_DEF=topology.kubernetes.io/zone, each node's ENIs go to its zone's ENIConfig subnet", () => {
    const c = run(`${CUSTOM}eniConfigs:
  az-a: { subnet: pods-a }
  az-b: { subnet: pods-b, securityGroups: [sg-1] }
nodeGroups:
  - { name: w, instanceType: m5.large, count: 4, maxPods: 20, subnets: [nodes-a, nodes-b] }
`);
    for (const n of c.nodes) {
      const want = n.ec2.subnet.availabilityZone === 'az-a' ? 'pods-a' : 'pods-b';
      const secondary = n.ec2.enis.filter((e) => e.deviceIndex !== 0);
      expect(secondary.length).toBeGreaterThan(0);
      for (const e of secondary) expect(e.subnet.name).toBe(want);
      expect(n.runtime.readyAt).toBeGreaterThanOrEqual(0);
    }
  });

  it('an annotation wins over the label', () => {
    const c = run(`${CUSTOM}eniConfigs:
  az-a: { subnet: pods-a }
  special: { subnet: pods-b }
nodeGroups:
  - { name: w, instanceType: m5.large, count: 1, maxPods: 20, subnets: [nodes-b], annotations: { k8s.amazonaws.com/eniConfig: special } }
`);
    expect(c.nodes[0].ec2.enis.filter((e) => e.deviceIndex !== 0).map((e) => e.subnet.name)).toContain('pods-b');
  });

  it('a node whose ENIConfig is missing attaches no ENI and never turns Ready (nodeInit fails, aws-node restarts)', () => {
    const yaml = `${CUSTOM}eniConfigs:
  az-a: { subnet: pods-a }
nodeGroups:
  - { name: w, instanceType: m5.large, count: 2, maxPods: 20, subnets: [nodes-a, nodes-b] }
`;
    expect(problems(yaml).some((p) => p.includes('warning') && p.includes('select ENIConfig "az-b"'))).toBe(true);
    const c = run(yaml);
    const [a, b] = c.nodes;
    expect(a.runtime.readyAt).toBeGreaterThanOrEqual(0);
    expect(b.ec2.subnet.availabilityZone).toBe('az-b');
    expect(b.runtime.readyAt).toBe(-1);
    expect(b.ec2.enis.length).toBe(1);
    expect(b.ipamd.restarts).toBeGreaterThan(0);
  });

  it('refuses an ENIConfig subnet in another zone than the node, and two group subnets in one zone', () => {
    const out = problems(`${CUSTOM}eniConfigs:
  az-a: { subnet: pods-b }
  az-b: { subnet: pods-b }
nodeGroups:
  - { name: w, instanceType: m5.large, count: 2, maxPods: 20, subnets: [nodes-a, nodes-b, pods-a] }
`);
    expect(out.some((p) => p.includes('error') && p.includes('whose subnet "pods-b" is in zone az-b'))).toBe(true);
    expect(out.some((p) => p.includes('error') && p.includes('"pods-a" and "nodes-a" are both in zone az-a'))).toBe(
      true,
    );
  });
});

describe('the per-zone report', () => {
  it("sums to the cluster figures, and each zone's subnets hold its ENIs", () => {
    const c = run(`duration: 10m${THREE_ZONES}
nodeGroups:
  - { name: w, instanceType: m5.large, count: 6, maxPods: 29, subnets: [nodes-a, nodes-b, nodes-c] }
workload:
  - burst: { at: 1m, pods: 150 }
  - poisson: { from: 2m, to: 9m, ratePerMinute: 10, lifetime: { exponential: 2m } }
`);
    const r = buildReport(c);
    const zones = r.zones ?? [];
    expect(zones.map((z) => z.zone)).toEqual(['az-a', 'az-b', 'az-c']);
    const sum = (f: (z: (typeof zones)[number]) => number): number => zones.reduce((a, z) => a + f(z), 0);
    expect(sum((z) => z.podsRunning)).toBe(r.pods.running);
    expect(sum((z) => z.podsWaiting)).toBe(r.pods.waitingForIp);
    expect(sum((z) => z.enis)).toBe(r.ips.enisEnd);
    expect(sum((z) => z.ipsAttached)).toBe(r.ips.attachedEnd);
    expect(sum((z) => z.ipsAssigned)).toBe(r.ips.assignedEnd);
    expect(sum((z) => z.failedAddAttempts)).toBe(r.pods.failedAddAttempts);
    expect(sum((z) => z.nodes.end)).toBe(r.nodeGroups[0].nodes.end);
    for (const z of zones) {
      expect(z.subnets.reduce((a, s) => a + s.enis, 0)).toBe(z.enis);
      expect(z.subnets.reduce((a, s) => a + s.ipsAttached, 0)).toBe(z.ipsAttached);
    }
    // Only az-c ran dry: its pods failed, the others' did not wait for the subnet.
    const c3 = zones[2];
    expect(
      (c3.subnetErrors.InsufficientFreeAddressesInSubnet ?? 0) + (c3.subnetErrors.InvalidParameterValue ?? 0),
    ).toBeGreaterThan(0);
    expect(zones[0].subnetErrors).toEqual({});
    expect(c3.failedAddAttempts).toBeGreaterThan(zones[0].failedAddAttempts);
  });

  it('is left out when every node is in one zone', () => {
    const r = buildReport(
      run(`duration: 1m${THREE_ZONES}
nodeGroups:
  - { name: w, instanceType: m5.large, count: 2, subnet: nodes-a }
`),
    );
    expect(r.zones).toBeUndefined();
  });
});
