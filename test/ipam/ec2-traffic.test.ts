/**
 * All of ipamd's EC2 traffic through the account's buckets (issue #14 item 2): nodeInit's calls before pre-scaling
 * (ipamd.go:486-560), with their failures failing nodeInit as upstream.
 */
import { describe, expect, it } from 'vitest';
import { Cluster } from '../../src/run/cluster.js';
import type { Ec2Client } from '../../src/aws/ec2-client.js';
import { checkInvariants, runLogged, scenarioFrom, type LogRecord } from '../helpers.js';

/** Runs a scenario after `prepare` had the cluster (its nodes exist, nothing has run). */
function runWith(yaml: string, prepare: (c: Cluster) => void): { c: Cluster; log: LogRecord[] } {
  const log: LogRecord[] = [];
  const c = new Cluster(scenarioFrom(yaml), { events: { write: (r) => log.push(r as LogRecord) } });
  c.sim.afterEvent = () => checkInvariants(c);
  prepare(c);
  c.run();
  return { c, log };
}

/** Makes the node's DescribeSubnets calls number `failing` (1-based) fail with RequestLimitExceeded. */
function failDescribeSubnets(client: Ec2Client, failing: readonly number[]): void {
  const real = client.describeSubnets.bind(client);
  let n = 0;
  client.describeSubnets = (done) => {
    n++;
    if (failing.includes(n)) done({ ok: false, code: 'RequestLimitExceeded' });
    else real(done);
  };
}

const fixed = `
model:
  ec2:
    latency: { DescribeSubnets: 100ms, CreateNetworkInterface: 600ms, DescribeInstances: 100ms, AttachNetworkInterface: 400ms,
               ModifyNetworkInterfaceAttribute: 100ms, AssignPrivateIpAddresses: 500ms, UnassignPrivateIpAddresses: 300ms,
               DescribeNetworkInterfaces: 100ms, DetachNetworkInterface: 200ms, DeleteNetworkInterface: 250ms,
               CreateTags: 100ms }
    eniVisibleDelay: 3s
    throttledLatency: 50ms`;

const ec2 = (log: LogRecord[], node: string) =>
  log
    .filter((r) => r.type === 'ec2' && r.node === node)
    .map((r) => `${String(r.api)}${r.ok ? '' : ` x ${String(r.code)}`}`);

describe("nodeInit's EC2 calls", () => {
  it('DescribeAllENIs, TagENI of the untagged primary ENI, setupENI subnet check (discovery on), then pre-scaling', () => {
    for (const [discovery, init] of [
      [true, ['DescribeNetworkInterfaces', 'CreateTags', 'DescribeSubnets']],
      [false, ['DescribeNetworkInterfaces', 'CreateTags']],
    ] as const) {
      const { log } = runLogged(`duration: 30s
nodeGroups: [{ name: n, instanceType: m5.large, count: 1 }]
ipamd: { ENABLE_SUBNET_DISCOVERY: ${discovery} }
${fixed}`);
      expect(ec2(log, 'n-0')).toEqual([...init, 'AssignPrivateIpAddresses']);
      const t = log.filter((r) => r.type === 'ec2').map((r) => r.t);
      expect(t).toEqual(init.map((_, i) => 100 * (i + 1)).concat(100 * init.length + 500));
    }
  });

  it('a throttled DescribeNetworkInterfaces is tried 12 times (each behind the SDK retries), then nodeInit fails and aws-node restarts', () => {
    const { c, log } = runLogged(`duration: 2m
nodeGroups: [{ name: n, instanceType: m5.large, count: 1 }]
${fixed}
    throttle: { DescribeNetworkInterfaces: { capacity: 0.5, refillPerSecond: 0.001 } }`);
    const fails = log.filter((r) => r.action === 'init-failed');
    expect(fails[0].code).toBe('RequestLimitExceeded');
    const first = log.filter((r) => r.type === 'ec2' && r.t <= fails[0].t);
    // 12 DescribeAllENIs tries x 3 SDK attempts, nothing else before the failure.
    expect(first.length).toBe(36);
    expect(first.every((r) => r.api === 'DescribeNetworkInterfaces' && r.code === 'RequestLimitExceeded')).toBe(true);
    expect(log.some((r) => r.action === 'aws-node-restart')).toBe(true);
    expect(c.nodes[0].ipamd.restarts).toBeGreaterThan(0);
  });

  it("a CreateTags that keeps failing fails nodeInit after TagENI's 5 tries; the restarted ipamd tags again", () => {
    // One token, refilled every 50 s: the first node tags its primary ENI, the second is throttled.
    const { c, log } = runLogged(`duration: 3m
nodeGroups: [{ name: n, instanceType: m5.large, count: 2 }]
${fixed}
    throttle: { CreateTags: { capacity: 1, refillPerSecond: 0.02 } }`);
    const fails = log.filter((r) => r.action === 'init-failed');
    expect(fails.length).toBeGreaterThan(0);
    expect(fails.every((r) => r.node === 'n-1' && r.code === 'RequestLimitExceeded')).toBe(true);
    const tags = log.filter((r) => r.type === 'ec2' && r.node === 'n-1' && r.api === 'CreateTags');
    expect(tags.filter((r) => r.t <= fails[0].t).length).toBe(15); // 5 TagENI tries x 3 SDK attempts
    // A later nodeInit gets the refilled token, tags the primary ENI and the node turns Ready.
    expect(tags.some((r) => r.ok)).toBe(true);
    expect(c.nodes.map((n) => n.ipamd.ready)).toEqual([true, true]);
    expect(c.nodes[1].ipamd.restarts).toBe(fails.length);
  });
});

describe('error codes as EC2 returns them', () => {
  it('CreateNetworkInterface in a subnet with too few free addresses: InvalidParameterValue, no 120 s back-off', () => {
    // 12 free: the primary ENI and its 9 leave 2, too few for a new ENI with 9 (10 addresses).
    const { log } = runLogged(`duration: 1m
subnets: [{ name: a, cidr: 10.0.0.0/24, inUse: { ranges: ["10.0.0.16-10.0.0.254"] } }]
nodeGroups: [{ name: n, instanceType: m5.large, count: 1, subnet: a }]
ipamd: { ENABLE_SUBNET_DISCOVERY: false }
workload: [{ burst: { at: 10s, pods: 5 } }]
${fixed}`);
    const creates = log.filter((r) => r.type === 'ec2' && r.api === 'CreateNetworkInterface');
    expect(creates.length).toBeGreaterThan(3);
    expect(creates.every((r) => r.code === 'InvalidParameterValue')).toBe(true);
    // Tried again on the next passes (every ~5 s plus the calls), not 120 s later.
    for (let i = 1; i < creates.length; i++) expect(creates[i].t - creates[i - 1].t).toBeLessThan(7000);
    expect(log.some((r) => r.code === 'InsufficientFreeAddressesInSubnet')).toBe(false);
  });

  it('PD in a subnet with fewer than 16 free addresses: InvalidParameterValue (not InsufficientCidrBlocks) fails nodeInit', () => {
    const { c, log } = runLogged(`duration: 1m
subnets: [{ name: a, cidr: 10.0.0.0/24, inUse: { ranges: ["10.0.0.12-10.0.0.254"] } }]
nodeGroups: [{ name: n, instanceType: m5.large, count: 1, maxPods: 110, subnet: a }]
ipamd: { ENABLE_PREFIX_DELEGATION: true }
${fixed}`);
    const fails = log.filter((r) => r.action === 'init-failed');
    expect(fails.length).toBeGreaterThan(0);
    expect(fails[0].code).toBe('InvalidParameterValue');
    expect(log.some((r) => r.code === 'InsufficientCidrBlocks')).toBe(false);
    expect(c.nodes[0].ipamd.ready).toBe(false);
  });

  it('PrivateIpAddressLimitExceeded: no 1-address retry; ipamd asks EC2 (DescribeNetworkInterfaces) instead', () => {
    const { log } = runWith(
      `duration: 40s
nodeGroups: [{ name: n, instanceType: m5.large, count: 1 }]
ipamd: { WARM_IP_TARGET: 2 }
workload: [{ burst: { at: 20s, pods: 2 } }]
${fixed}`,
      (c) =>
        // At 10 s EC2 holds 7 more addresses on the primary ENI than the datastore knows: it is full.
        c.sim.at(
          10_000,
          0,
          () => {
            const rec = c.nodes[0].ec2.enis[0];
            rec.secondaries.push(...(rec.subnet.allocateAddresses(7) ?? []));
          },
          undefined,
        ),
    );
    const after = log
      .filter((r) => r.type === 'ec2' && r.t > 20_000)
      .map((r) => `${String(r.api)}${r.ok ? '' : ` x ${String(r.code)}`}`);
    expect(after.slice(0, 2)).toEqual([
      'AssignPrivateIpAddresses x PrivateIpAddressLimitExceeded',
      'DescribeNetworkInterfaces',
    ]);
  });
});

describe('DescribeSubnets failing during ENI creation (createENI, awsutils.go:1155-1217)', () => {
  const scenario = (ipamd: string, extra = '') => `duration: 2m
subnets: [{ name: a, cidr: 10.0.0.0/24${extra} }, { name: b, cidr: 10.1.0.0/24, tags: { kubernetes.io/role/cni: "1" } }]
nodeGroups: [{ name: n, instanceType: m5.large, count: 1, subnet: a }]
ipamd: { ${ipamd} }
workload: [{ burst: { at: 10s, pods: 5 } }]
${fixed}`;
  const createdIn = (c: Cluster) => c.nodes[0].ec2.enis.slice(1).map((e) => e.subnet.name);

  it('discovery on: GetVpcSubnets fails, IsSubnetExcluded answers, the ENI goes to the primary subnet', () => {
    // Call 1: setupENI of the primary ENI in nodeInit; 2: GetVpcSubnets in createENI.
    const { c, log } = runWith(scenario('ENABLE_SUBNET_DISCOVERY: true'), (x) =>
      failDescribeSubnets(x.nodes[0].ec2, [2]),
    );
    expect(createdIn(c)[0]).toBe('a'); // not the roomier tagged subnet b: its list never came
    expect(log.filter((r) => r.action === 'ec2-error' && r.code === 'RequestLimitExceeded')).toHaveLength(1);
  });

  it('discovery on: both DescribeSubnets fail: no ENI this time (no back-off), the next pass ranks the subnets again', () => {
    const { c, log } = runWith(scenario('ENABLE_SUBNET_DISCOVERY: true'), (x) =>
      failDescribeSubnets(x.nodes[0].ec2, [2, 3]),
    );
    const creates = log.filter((r) => r.type === 'ec2' && r.api === 'CreateNetworkInterface');
    expect(log.filter((r) => r.action === 'ec2-error' && r.code === 'RequestLimitExceeded')).toHaveLength(2);
    expect(creates[0].t).toBeLessThan(30_000);
    expect(createdIn(c)[0]).toBe('b');
  });

  it('discovery on, primary subnet tagged kubernetes.io/role/cni=0: the fall-back refuses to create the ENI', () => {
    const { c, log } = runWith(
      scenario('ENABLE_SUBNET_DISCOVERY: true', ', tags: { kubernetes.io/role/cni: "0" }'),
      (x) => failDescribeSubnets(x.nodes[0].ec2, [2]),
    );
    expect(log.some((r) => r.action === 'ec2-error' && r.code === 'PrimarySubnetExcluded')).toBe(true);
    expect(createdIn(c).every((s) => s === 'b')).toBe(true);
  });

  it('discovery off: the exclusion check is one DescribeSubnets; when it fails, ipamd creates the ENI anyway', () => {
    const { c, log } = runWith(scenario('ENABLE_SUBNET_DISCOVERY: false'), (x) =>
      failDescribeSubnets(x.nodes[0].ec2, [1]),
    );
    expect(log.filter((r) => r.action === 'ec2-error' && r.code === 'RequestLimitExceeded')).toHaveLength(1);
    expect(createdIn(c)[0]).toBe('a');
    const first = log.find((r) => r.type === 'ec2' && r.api === 'CreateNetworkInterface');
    expect(first?.ok).toBe(true);
  });

  it("setupENI's DescribeSubnets fails: the ENI joins without addresses; the next top-up meets PrivateIpAddressLimitExceeded and adopts them from EC2", () => {
    // Call 3: setupENI of the new ENI.
    const { c, log } = runWith(scenario('ENABLE_SUBNET_DISCOVERY: true'), (x) =>
      failDescribeSubnets(x.nodes[0].ec2, [3]),
    );
    const ready = log.find((r) => r.action === 'eni-ready' && r.t > 10_000);
    expect(ready?.count).toBe(0);
    const after = log
      .filter((r) => r.type === 'ec2' && r.t > (ready?.t as number))
      .map((r) => `${String(r.api)}${r.ok ? '' : ` x ${String(r.code)}`}`);
    // The datastore sees an empty ENI with room, EC2 a full one (ipamd.go:1150-1158).
    expect(after.slice(0, 2)).toEqual([
      'AssignPrivateIpAddresses x PrivateIpAddressLimitExceeded',
      'DescribeNetworkInterfaces',
    ]);
    expect(c.nodes[0].ipamd.ds.total).toBe(18);
  });
});

describe('leaked-ENI cleanup (awsutils.go:462-465, 2294-2435)', () => {
  it("every ipamd describes the account's leaked ENIs within 5 min of its start and hourly after; one older than 5 min is deleted", () => {
    const { c, log } = runWith(
      `duration: 2h
nodeGroups: [{ name: n, instanceType: m5.large, count: 2 }]
${fixed}`,
      (x) =>
        // At 1 s an ENI of n-0 leaks: created, never attached, its delete gave up.
        x.sim.at(
          1000,
          0,
          () =>
            x.nodes[0].ec2.createNetworkInterface(x.subnets[0], 3, false, (r) => {
              if (r.ok) x.ec2.leaked.set(r.value, x.sim.now);
            }),
          undefined,
        ),
    );
    const deletes = log.filter((r) => r.type === 'ec2' && r.api === 'DeleteNetworkInterface');
    expect(deletes.filter((r) => r.ok)).toHaveLength(1);
    expect(deletes[0].t).toBeGreaterThanOrEqual(1000 + 300_000);
    expect(c.ec2.leaked.size).toBe(0);
    expect(c.nodes[0].ec2.enis).toHaveLength(1); // the primary (its 9 addresses are the warm pool); the leaked one is gone
    for (const node of ['n-0', 'n-1']) {
      const t = log
        .filter((r) => r.type === 'ec2' && r.node === node && r.api === 'DescribeNetworkInterfaces')
        .map((r) => r.t);
      // nodeInit's DescribeAllENIs, then the cleanup: first within 300 s, the next 1 h to 1 h 5 min later.
      expect(t).toHaveLength(3);
      expect(t[1]).toBeLessThanOrEqual(300_100);
      expect(t[2] - t[1]).toBeGreaterThanOrEqual(3_600_000);
      expect(t[2] - t[1]).toBeLessThanOrEqual(3_600_000 + 300_000 + 1000);
    }
  });

  it('DISABLE_LEAKED_ENI_CLEANUP stops it', () => {
    const { log } = runLogged(`duration: 2h
nodeGroups: [{ name: n, instanceType: m5.large, count: 1 }]
ipamd: { DISABLE_LEAKED_ENI_CLEANUP: true }
${fixed}`);
    expect(log.filter((r) => r.type === 'ec2' && r.api === 'DescribeNetworkInterfaces')).toHaveLength(1);
  });
});
