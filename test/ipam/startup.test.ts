/**
 * Node start-up that fails (handlePreScaling, pkg/ipamd/ipamd.go; cmd/aws-k8s-agent/main.go): a pre-scaling
 * allocation that fails with anything but an insufficient-address error fails nodeInit, aws-node exits, kubelet
 * restarts it with its crash-loop back-off, and the node stays NotReady until an ipamd initialises.
 */
import { describe, expect, it } from 'vitest';
import { buildReport } from '../../src/run/report.js';
import { renderText } from '../../src/report/text.js';
import { runLogged } from '../helpers.js';

/** Fixed latencies; AssignPrivateIpAddresses' bucket holds 2 tokens and gains one every 5 s. */
const throttled = `
model:
  ec2:
    latency: { DescribeSubnets: 100ms, CreateNetworkInterface: 600ms, DescribeInstances: 100ms, AttachNetworkInterface: 400ms,
               ModifyNetworkInterfaceAttribute: 100ms, AssignPrivateIpAddresses: 500ms, UnassignPrivateIpAddresses: 300ms,
               DescribeNetworkInterfaces: 100ms, DetachNetworkInterface: 200ms, DeleteNetworkInterface: 250ms,
               CreateTags: 100ms }
    eniVisibleDelay: 3s
    throttle:
      AssignPrivateIpAddresses: { capacity: 2, refillPerSecond: 0.2 }
workload:
  - burst: { at: 1s, pods: 30 }
`;

describe('node start-up under throttling', () => {
  it('a throttled pre-scaling allocation fails nodeInit: aws-node restarts, the node is NotReady until an ipamd initialises', () => {
    const { c, log } = runLogged(`duration: 10m
nodeGroups: [{ name: n, instanceType: m5.large, count: 6, podsPerNode: 5 }]
${throttled}`);
    const report = buildReport(c);
    let restarted = 0;
    for (const node of c.nodes) {
      const mine = log.filter((r) => r.type === 'ipamd' && r.node === node.runtime.name);
      const fails = mine.filter((r) => r.action === 'init-failed');
      const restarts = mine.filter((r) => r.action === 'aws-node-restart');
      const n = report.nodes.find((x) => x.name === node.runtime.name);
      expect(n?.awsNodeRestarts).toBe(restarts.length);
      expect(restarts.length).toBe(fails.length);
      // Ready, and with addresses: never Ready with an empty pool.
      expect(node.runtime.readyAt).toBeGreaterThanOrEqual(0);
      const firstAddress = mine.find((r) => r.action === 'assign-ips');
      expect(firstAddress?.t).toBeLessThanOrEqual(node.runtime.readyAt);
      expect(n?.notReadyMs).toBe(node.runtime.readyAt - node.runtime.joinedAt);
      if (fails.length === 0) continue;
      restarted++;
      expect(fails[0].code).toBe('RequestLimitExceeded');
      // kubelet's back-off: the container comes back 10 s, then 20 s, ... after each failure.
      expect(restarts[0].t - fails[0].t).toBe(10_000);
      if (restarts.length > 1) expect(restarts[1].t - fails[1].t).toBe(20_000);
      expect(node.runtime.readyAt).toBeGreaterThan(restarts[restarts.length - 1].t);
    }
    expect(restarted).toBeGreaterThan(1);
    // Pods wait for a Ready node with addresses instead of failing their ADDs on an empty pool.
    expect(report.pods.started).toBe(30);
    const total = report.nodes.reduce((a, n) => a + n.awsNodeRestarts, 0);
    expect(report.nodeGroups[0].awsNodeRestarts).toBe(total);
    expect(report.nodeLifecycle).toMatchObject({ awsNodeRestarts: total, nodesRestarted: restarted });
    expect(renderText(report)).toContain(`aws-node restarts ${total} on ${restarted} nodes (nodeInit failed)`);
  });

  it('an insufficient-address error does not fail nodeInit (the node turns Ready, the 120 s back-off applies)', () => {
    const { c, log } = runLogged(`duration: 2m
subnets: [{ name: a, cidr: 10.0.0.0/24, inUse: { ranges: ["10.0.0.5-10.0.0.254"] } }]
nodeGroups: [{ name: n, instanceType: m5.large, count: 1, subnet: a }]
ipamd: { ENABLE_SUBNET_DISCOVERY: false }
workload: [{ burst: { at: 1s, pods: 1 } }]
`);
    expect(log.some((r) => r.action === 'init-failed')).toBe(false);
    expect(log.some((r) => r.code === 'InsufficientFreeAddressesInSubnet')).toBe(true);
    expect(c.nodes[0].ipamd.ready).toBe(true);
    expect(c.nodes[0].ipamd.restarts).toBe(0);
  });

  it('a node that initialises at once reports no restart and a NotReady time of its start-up only', () => {
    const { c } = runLogged(`duration: 1m
nodeGroups: [{ name: n, instanceType: m5.large, count: 1 }]
workload: [{ burst: { at: 1s, pods: 1 } }]
`);
    const r = buildReport(c);
    expect(r.nodes[0].awsNodeRestarts).toBe(0);
    expect(r.nodes[0].notReadyMs).toBe(c.nodes[0].runtime.readyAt - c.nodes[0].runtime.joinedAt);
    expect(r.nodeLifecycle.nodesRestarted).toBe(0);
    expect(renderText(r)).not.toContain('aws-node restarts');
  });
});
