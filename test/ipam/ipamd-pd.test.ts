/**
 * The loop end to end with prefix delegation and real subnets: TST-INC-2, TST-INC-3, TST-INCPD-2, TST-INCPD-3, the
 * insufficient-address reactions (single-address retry, 120 s backoff, discovery, no backoff), custom networking,
 * the trunk ENI slot, the PD fallback, releasing only empty prefixes and freeing empty ENIs.
 */
import { describe, expect, it } from 'vitest';
import { Cluster } from '../../src/run/cluster.js';
import { buildReport } from '../../src/run/report.js';
import { runScenario } from '../../src/index.js';
import { deletableEnis } from '../../src/ipam/deletable.js';
import { poolTargets } from '../../src/ipam/policy.js';
import { scenarioFrom, runLogged, type LogRecord } from '../helpers.js';

type Rec = LogRecord;

const fixed = (ipamd = ''): string => `
model:
  ${ipamd ? `ipamd: { ${ipamd} }` : ''}
  ec2:
    latency: { DescribeSubnets: 100ms, CreateNetworkInterface: 600ms, DescribeInstances: 100ms, AttachNetworkInterface: 400ms,
               ModifyNetworkInterfaceAttribute: 100ms, AssignPrivateIpAddresses: 500ms, UnassignPrivateIpAddresses: 300ms,
               DescribeNetworkInterfaces: 100ms, DetachNetworkInterface: 200ms, DeleteNetworkInterface: 250ms,
               CreateTags: 100ms }
    eniVisibleDelay: 3s
`;

/** Subnet a: every address but the node's primary is held by others. b: roomy, tagged for the CNI. */
const fullA = `
subnets:
  - { name: a, cidr: 10.0.0.0/24, inUse: { ranges: ["10.0.0.5-10.0.0.254"] } }
  - { name: b, cidr: 10.1.0.0/24, tags: { kubernetes.io/role/cni: "1" } }`;

/** Subnet a: 200 free addresses, but every aligned /28 has a tenant in it. */
const fragmentedA = `
subnets:
  - { name: a, cidr: 10.0.0.0/24, inUse: { ranges: ["10.0.0.16", "10.0.0.32", "10.0.0.48", "10.0.0.64", "10.0.0.80", "10.0.0.96",
      "10.0.0.112", "10.0.0.128", "10.0.0.144", "10.0.0.160", "10.0.0.176", "10.0.0.192", "10.0.0.208", "10.0.0.224"] } }
  - { name: b, cidr: 10.1.0.0/24, tags: { kubernetes.io/role/cni: "1" } }`;

/** nodeInit's calls before pre-scaling (ipamd.go:486-560) on a fresh node with subnet discovery on. */
const INIT = ['DescribeNetworkInterfaces', 'CreateTags', 'DescribeSubnets'];

/** The EC2 calls of a one-node run after nodeInit's `init` prelude (checked to be there). */
const calls = (log: Rec[], init = INIT) => {
  const all = log.filter((r) => r.type === 'ec2').map((r) => `${String(r.api)}${r.ok ? '' : ` x ${String(r.code)}`}`);
  expect(all.slice(0, init.length)).toEqual(init);
  return all.slice(init.length);
};

describe('running out of addresses', () => {
  it('TST-INC-2: discovery on, subnet full: Assign fails twice (the 1-address retry), then an ENI in the tagged subnet, no backoff', () => {
    const { c, log } = runLogged(
      `duration: 1m\nnodeGroups: [{ name: n, instanceType: m5.large, count: 1, subnet: a }]\n${fullA}\n${fixed()}`,
    );
    expect(calls(log).slice(0, 4)).toEqual([
      'AssignPrivateIpAddresses x InsufficientFreeAddressesInSubnet',
      'AssignPrivateIpAddresses x InsufficientFreeAddressesInSubnet',
      'DescribeSubnets',
      'CreateNetworkInterface',
    ]);
    const enis = c.nodes[0].ec2.enis;
    expect(enis.map((e) => [e.subnet.name, e.secondaries.length])).toEqual([
      ['a', 0],
      ['b', 9],
    ]);
    expect(c.subnets[0].errors.get('InsufficientFreeAddressesInSubnet')).toBe(2);
  });

  it('TST-INCPD-2: PD, no free /28 but free /32s: InsufficientCidrBlocks twice, then a 1-prefix ENI elsewhere', () => {
    const { c, log } = runLogged(`duration: 1m
nodeGroups: [{ name: n, instanceType: m5.large, count: 1, maxPods: 110, subnet: a }]
ipamd: { ENABLE_PREFIX_DELEGATION: true }
${fragmentedA}
${fixed()}`);
    expect(calls(log).slice(0, 4)).toEqual([
      'AssignPrivateIpAddresses x InsufficientCidrBlocks',
      'AssignPrivateIpAddresses x InsufficientCidrBlocks',
      'DescribeSubnets',
      'CreateNetworkInterface',
    ]);
    const eni = c.nodes[0].ec2.enis[1];
    expect([eni.subnet.name, eni.prefixes.length, eni.prefixes[0] % 16]).toEqual(['b', 1, 0]);
    expect(c.subnets[0].freeAddresses).toBeGreaterThan(200);
  });

  it('discovery off: the failed retry starts the 120 s backoff and no ENI is tried', () => {
    const { log } = runLogged(`duration: 5m
nodeGroups: [{ name: n, instanceType: m5.large, count: 1, subnet: a }]
ipamd: { ENABLE_SUBNET_DISCOVERY: false }
${fullA}
${fixed()}`);
    expect(log.some((r) => r.api === 'CreateNetworkInterface')).toBe(false);
    const tries = log.filter((r) => r.type === 'ec2' && r.api === 'AssignPrivateIpAddresses').map((r) => r.t);
    // Pairs of calls 500 ms apart; each pair at least 120 s after the previous one.
    expect(tries.length % 2).toBe(0);
    for (let i = 2; i < tries.length; i += 2) expect(tries[i] - tries[i - 1]).toBeGreaterThanOrEqual(120_000);
    expect(tries.length).toBe(6); // at 0 s, ~121 s, ~242 s
  });

  it('no room for another ENI (MAX_ENI=1) with discovery on: no backoff, the failing pair repeats every pass', () => {
    const { log } = runLogged(`duration: 1m
nodeGroups: [{ name: n, instanceType: m5.large, count: 1, subnet: a }]
ipamd: { MAX_ENI: 1 }
${fullA}
${fixed()}`);
    const tries = log.filter((r) => r.type === 'ec2' && r.api === 'AssignPrivateIpAddresses').map((r) => r.t);
    expect(tries.length).toBeGreaterThan(10);
    for (let i = 2; i < tries.length; i += 2) expect(tries[i] - tries[i - 1]).toBeLessThanOrEqual(5500);
  });

  it('a nearly full subnet yields its last address through the 1-address retry', () => {
    const { c, log } = runLogged(`duration: 1m
subnets: [{ name: a, cidr: 10.0.0.0/24, inUse: { ranges: ["10.0.0.6-10.0.0.254"] } }]
nodeGroups: [{ name: n, instanceType: m5.large, count: 1, subnet: a }]
ipamd: { ENABLE_SUBNET_DISCOVERY: false }
${fixed()}`);
    expect(calls(log, INIT.slice(0, 2)).slice(0, 2)).toEqual([
      'AssignPrivateIpAddresses x InsufficientFreeAddressesInSubnet',
      'AssignPrivateIpAddresses',
    ]);
    expect(c.nodes[0].ipamd.ds.total).toBe(1);
    expect(c.subnets[0].freeAddresses).toBe(0);
  });

  it('reports when the subnet ran out and flags the pods that never started because of it', () => {
    const c = new Cluster(
      scenarioFrom(`duration: 10m
subnets: [{ name: a, cidr: 10.0.0.0/26 }]
nodeGroups: [{ name: n, instanceType: m5.large, count: 2, subnet: a }]
workload: [{ burst: { at: 1m, pods: 50 } }]
${fixed()}`),
    );
    c.run();
    const r = buildReport(c);
    expect(r.subnets[0].firstErrorMs).toBeGreaterThan(60_000);
    expect(r.subnets[0].freeAddresses).toMatchObject({ start: 59 });
    expect(r.pods.neverStarted).toBeGreaterThan(0);
    expect(r.pods.neverStartedSubnetFull).toBe(r.pods.neverStarted);
  });
});

describe('custom networking and the trunk ENI', () => {
  it('TST-INC-3 / TST-INCPD-3: the primary ENI gets nothing; the first ENI goes to the ENIConfig subnet, no DescribeSubnets first', () => {
    for (const [pd, amount] of [
      [false, 9],
      [true, 1],
    ] as const) {
      const { c, log } = runLogged(`duration: 5m
subnets: [{ name: nodes, cidr: 10.0.0.0/24 }, { name: pods, cidr: 100.64.0.0/20 }]
nodeGroups: [{ name: n, instanceType: m5.large, count: 1, maxPods: 20, subnet: nodes, eniConfig: { subnet: pods } }]
ipamd: { AWS_VPC_K8S_CNI_CUSTOM_NETWORK_CFG: true, ENABLE_PREFIX_DELEGATION: ${pd} }
workload: [{ burst: { at: 30s, pods: 15 } }]
${fixed()}`);
      expect(calls(log)[0]).toBe('CreateNetworkInterface');
      expect(log.find((r) => r.action === 'create-eni')!.count).toBe(amount);
      const [primary, ...rest] = c.nodes[0].ec2.enis;
      expect(primary.secondaries.length + primary.prefixes.length).toBe(0);
      expect(rest.every((e) => e.subnet.name === 'pods')).toBe(true);
      const started = log.filter((r) => r.event === 'started');
      expect(started.length).toBe(15);
      expect(started.every((r) => String(r.ip).startsWith('100.64.'))).toBe(true);
    }
  });

  it('an empty pool after pre-scaling fails nodeInit: aws-node restarts after 10 s, 20 s, ...; the node never gets Ready', () => {
    const { c, log } = runLogged(`duration: 2m
subnets: [{ name: nodes, cidr: 10.0.0.0/24 }, { name: pods, cidr: 100.64.0.0/28, inUse: { addresses: 5 } }]
nodeGroups: [{ name: n, instanceType: m5.large, count: 1, subnet: nodes, eniConfig: { subnet: pods } }]
ipamd: { AWS_VPC_K8S_CNI_CUSTOM_NETWORK_CFG: true }
workload: [{ burst: { at: 30s, pods: 3 } }]
${fixed()}`);
    const fails = log.filter((r) => r.action === 'init-failed').map((r) => r.t);
    expect(fails.length).toBeGreaterThanOrEqual(3);
    // The back-off, then nodeInit again: DescribeNetworkInterfaces and DescribeSubnets (the primary ENI is tagged
    // now), 100 ms each, and the failing 600 ms CreateNetworkInterface.
    expect(fails[1] - fails[0]).toBe(10_000 + 200 + 600);
    expect(fails[2] - fails[1]).toBe(20_000 + 200 + 600);
    expect(c.nodes[0].ipamd.ready).toBe(false);
    expect(c.kubelet.scheduler.pendingCount).toBe(3);
  });

  it('ENABLE_POD_ENI keeps one ENI slot for the trunk ENI on a Nitro type, not on a Xen type', () => {
    const enis = (type: string) => {
      const c = new Cluster(
        scenarioFrom(`duration: 5m
nodeGroups: [{ name: n, instanceType: ${type}, count: 1 }]
ipamd: { ENABLE_POD_ENI: true }
workload: [{ burst: { at: 20s, pods: 40 } }]
${fixed()}`),
      );
      c.run();
      return c.nodes[0].ec2.enis.length;
    };
    expect(enis('m5.large')).toBe(2); // 3 ENIs, one kept for the trunk
    expect(enis('t2.medium')).toBe(3); // not Nitro: no trunk, no reservation
  });

  it('a primary subnet tagged kubernetes.io/role/cni=0 keeps pods off the primary ENI (TST-EXCL)', () => {
    const { c } = runLogged(`duration: 3m
subnets:
  - { name: a, cidr: 10.0.0.0/24, tags: { kubernetes.io/role/cni: "0" } }
  - { name: b, cidr: 10.1.0.0/24, tags: { kubernetes.io/role/cni: "1" } }
nodeGroups: [{ name: n, instanceType: m5.large, count: 1, subnet: a }]
workload: [{ burst: { at: 30s, pods: 5 } }]
${fixed()}`);
    const [primary, second] = c.nodes[0].ec2.enis;
    expect(primary.secondaries).toEqual([]);
    expect(second.subnet.name).toBe('b');
    expect(c.nodes[0].ipamd.ds.assigned).toBe(5);
  });
});

describe('prefix delegation in the loop', () => {
  it('falls back to secondary IPs on a type that is neither Nitro nor bare metal, and says so', () => {
    const c = new Cluster(
      scenarioFrom(`duration: 2m
nodeGroups: [{ name: n, instanceType: t2.medium, count: 1, maxPods: 17 }]
ipamd: { ENABLE_PREFIX_DELEGATION: true }
workload: [{ burst: { at: 20s, pods: 4 } }]`),
    );
    c.run();
    const r = buildReport(c);
    expect(r.nodeGroups[0]).toMatchObject({ prefixDelegation: 'fallback', mode: 'eni-target' });
    expect(r.nodes[0].enis.every((e) => e.prefixes === 0)).toBe(true);
    expect(r.pods.started).toBe(4);
    expect(r.warnings.join(' ')).toContain('neither Nitro nor bare metal');
  });

  it.each([0, 1])(
    'WARM_PREFIX_TARGET=%i: releases only empty prefixes, down to the target, and frees empty ENIs (lazy = every tick)',
    (wpt) => {
      const yaml = `duration: 15m
nodeGroups: [{ name: n, instanceType: t3.small, count: 1, maxPods: 100 }]
ipamd: { ENABLE_PREFIX_DELEGATION: true, WARM_PREFIX_TARGET: ${wpt} }
workload:
  - burst: { at: 10s, pods: 2 }
  - burst: { at: 20s, pods: 60, lifetime: { uniform: [2m, 4m] } }
${fixed('placement: first-fit')}`;
      const { c, log } = runLogged(yaml);
      const ds = c.nodes[0].ipamd.ds;
      expect(log.some((r) => r.action === 'release-ips' && Array.isArray(r.prefixes))).toBe(true);
      expect(ds.assigned).toBe(2);
      expect(ds.freePrefixes).toBe(wpt);
      if (wpt === 0) {
        // The secondary ENI lost its prefixes and then, as an empty ENI (CheckFreeableENIexists), the ENI itself.
        expect(log.filter((r) => r.action === 'free-eni').length).toBeGreaterThan(0);
        expect(ds.enis.length).toBe(1);
      } else {
        // What is left is needed: no ENI may be freed.
        expect(deletableEnis(ds, poolTargets(c.nodes[0].ipamd.config), c.sim.now, 60_000).found).toEqual([]);
      }
      const sc = scenarioFrom(yaml);
      const strip = (r: ReturnType<typeof runScenario>) =>
        JSON.stringify({ ...r, ipamd: { ...r.ipamd, passes: 0 }, engine: { events: 0 } });
      expect(strip(runScenario(sc, { loopMode: 'lazy' }))).toBe(strip(runScenario(sc, { loopMode: 'every-tick' })));
    },
  );

  it('an ENI whose prefixes went while it was young is freed once 60 s old: only CheckFreeableENIexists wakes the loop', () => {
    // Whether random placement leaves the new ENI without pods depends on the seed: check every seed of a few where
    // it does (and that some do), rather than trust one seed's draws.
    let cases = 0;
    for (let seed = 1; seed <= 8; seed++) {
      const yaml = `seed: ${seed}
duration: 8m
nodeGroups: [{ name: n, instanceType: t3.small, count: 1, maxPods: 100 }]
ipamd: { ENABLE_PREFIX_DELEGATION: true, WARM_PREFIX_TARGET: 1 }
workload:
  - burst: { at: 10s, pods: 1 }
  - burst: { at: 20s, pods: 40, lifetime: 25s }`;
      const { log } = runLogged(yaml);
      const ready = log.find((r) => r.action === 'eni-ready')!;
      const emptied = log.find((r) => r.action === 'release-ips' && r.eni === ready.eni);
      if (!emptied || emptied.t - ready.t >= 60_000) continue;
      cases++;
      const freed = log.find((r) => r.action === 'free-eni')!;
      expect(freed.eni).toBe(ready.eni);
      expect(freed.t - ready.t).toBeGreaterThanOrEqual(60_000);
      expect(freed.t - ready.t).toBeLessThan(65_000); // at the first pass after its 60 s
      const sc = scenarioFrom(yaml);
      const strip = (r: ReturnType<typeof runScenario>) =>
        JSON.stringify({ ...r, ipamd: { ...r.ipamd, passes: 0 }, engine: { events: 0 } });
      expect(strip(runScenario(sc, { loopMode: 'lazy' }))).toBe(strip(runScenario(sc, { loopMode: 'every-tick' })));
    }
    expect(cases).toBeGreaterThan(2);
  });

  it('pods get addresses inside the node prefixes, the first from a new prefix being its network address', () => {
    const { log } = runLogged(`duration: 2m
nodeGroups: [{ name: n, instanceType: m5.large, count: 1, maxPods: 110 }]
ipamd: { ENABLE_PREFIX_DELEGATION: true }
workload: [{ burst: { at: 20s, pods: 1 } }]
${fixed('placement: first-fit')}`);
    const prefix = log.find((r) => r.action === 'assign-ips')!.prefixes as string[];
    const started = log.find((r) => r.event === 'started')!;
    expect(prefix[0]).toMatch(/\/28$/);
    expect(started.ip).toBe(prefix[0].split('/')[0]);
  });
});
