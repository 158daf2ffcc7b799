/**
 * All of ipamd's EC2 traffic through the account's buckets (issue #14 item 2): nodeInit's calls before pre-scaling
 * (ipamd.go:486-560), with their failures failing nodeInit as upstream.
 */
import { describe, expect, it } from 'vitest';
import { runLogged, type LogRecord } from '../helpers.js';

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
