/** The ipamd loop end to end on small clusters: call sequences, timers, releases (TST-INC, TST-DEC, TST-FREE). */
import { describe, expect, it } from 'vitest';
import { runLogged } from '../helpers.js';

const fixedLatency = `
model:
  ec2:
    latency: { DescribeSubnets: 100ms, CreateNetworkInterface: 600ms, DescribeInstances: 100ms, AttachNetworkInterface: 400ms,
               ModifyNetworkInterfaceAttribute: 100ms, AssignPrivateIpAddresses: 500ms, UnassignPrivateIpAddresses: 300ms,
               DescribeNetworkInterfaces: 100ms, DetachNetworkInterface: 200ms, DeleteNetworkInterface: 250ms,
               CreateTags: 100ms }
    eniVisibleDelay: 3s
`;

describe('ipamd on one node', () => {
  it('pre-scales the primary ENI, then attaches a second ENI with the full ipamd call sequence when pods use the warm ENI', () => {
    const { c, log } = runLogged(`
duration: 3m
nodeGroups: [{ name: n, instanceType: m5.large, count: 1 }]
workload:
  - burst: { at: 30s, pods: 3 }
${fixedLatency}`);
    const all = log.filter((r) => r.type === 'ec2').map((r) => `${r.t} ${String(r.api)}`);
    // nodeInit (ipamd.go:486-560): DescribeAllENIs, TagENI of the untagged primary ENI, setupENI's subnet check,
    // then pre-scaling: one AssignPrivateIpAddresses of 9 on the primary ENI (available 0 < 9).
    expect(all.slice(0, 4)).toEqual([
      '100 DescribeNetworkInterfaces',
      '200 CreateTags',
      '300 DescribeSubnets',
      '800 AssignPrivateIpAddresses',
    ]);
    const calls = all.slice(3);
    // 3 pods leave 6 < 9 free: the next pass (on the 5 s lattice from 800 + 2500) attaches a new ENI of 9.
    const seq = calls.slice(1).map((s) => s.split(' ')[1]);
    expect(seq).toEqual([
      'DescribeSubnets',
      'CreateNetworkInterface',
      'DescribeInstances',
      'AttachNetworkInterface',
      'ModifyNetworkInterfaceAttribute',
      'DescribeSubnets',
    ]);
    expect(Number(calls[1].split(' ')[0])).toBe(33_300 + 100);
    const enis = c.nodes[0].ec2.enis;
    expect(enis.map((e) => e.secondaries.length)).toEqual([9, 9]);
    expect(c.nodes[0].ipamd.ds.total).toBe(18);
  });

  it('frees a surplus ENI only after 60 s, with describe, detach, 2 s, delete', () => {
    const { log } = runLogged(`
duration: 10m
nodeGroups: [{ name: n, instanceType: m5.large, count: 1 }]
workload:
  - burst: { at: 30s, pods: 8, lifetime: 90s }
${fixedLatency}`);
    const ready = log.find((r) => r.type === 'ipamd' && r.action === 'eni-ready' && r.count === 9 && r.t > 30_000)!;
    const free = log.find((r) => r.type === 'ipamd' && r.action === 'free-eni')!;
    expect(free).toBeDefined();
    expect(free.eni).toBe(ready.eni);
    expect(free.t - ready.t).toBeGreaterThanOrEqual(60_000);
    const after = log.filter((r) => r.type === 'ec2' && r.t >= free.t).map((r) => r.api);
    expect(after.slice(0, 3)).toEqual([
      'DescribeNetworkInterfaces',
      'DetachNetworkInterface',
      'DeleteNetworkInterface',
    ]);
    const detach = log.find((r) => r.api === 'DetachNetworkInterface')!;
    const del = log.find((r) => r.api === 'DeleteNetworkInterface')!;
    expect(del.t - detach.t).toBe(2000 + 250);
  });

  it('WARM_IP_TARGET: releases surplus addresses at most every 30 s and settles at the target (TST-DEC)', () => {
    const { c, log } = runLogged(`
duration: 20m
nodeGroups: [{ name: n, instanceType: m5.large, count: 1 }]
ipamd: { WARM_IP_TARGET: 2 }
workload:
  - burst: { at: 10s, pods: 7, lifetime: 2m }
${fixedLatency}`);
    const releases = log.filter((r) => r.type === 'ipamd' && r.action === 'release-ips').map((r) => r.t);
    expect(releases.length).toBeGreaterThan(0);
    const passes = [...new Set(releases)];
    for (let i = 1; i < passes.length; i++) expect(passes[i] - passes[i - 1]).toBeGreaterThanOrEqual(30_000);
    expect(log.filter((r) => r.api === 'UnassignPrivateIpAddresses').length).toBe(releases.length);
    expect(c.nodes[0].ipamd.ds.total).toBe(2);
    expect(c.nodes[0].ipamd.ds.assigned).toBe(0);
  });

  it('never hands out an address within IP_COOLDOWN_PERIOD of its release', () => {
    const { log } = runLogged(`
duration: 20m
nodeGroups: [{ name: n, instanceType: t3.small, count: 1 }]
ipamd: { WARM_IP_TARGET: 1, IP_COOLDOWN_PERIOD: 45 }
workload:
  - poisson: { from: 0s, to: 18m, ratePerMinute: 6, lifetime: { exponential: 40s } }
${fixedLatency}`);
    const released = new Map<unknown, number>();
    const holder = new Map<unknown, unknown>();
    let reuses = 0;
    for (const r of log) {
      // An address returned to EC2 leaves the datastore; EC2 may hand it out again at once.
      if (r.type === 'ipamd' && r.action === 'release-ips') for (const ip of r.ips as string[]) released.delete(ip);
      if (r.type !== 'pod') continue;
      if (r.event === 'started') {
        const last = released.get(r.ip);
        if (last !== undefined) {
          reuses++;
          expect(r.t - last).toBeGreaterThanOrEqual(45_000);
        }
        holder.set(r.pod, r.ip);
      } else if (r.event === 'deleted' && holder.has(r.pod)) released.set(holder.get(r.pod), r.t);
    }
    expect(reuses).toBeGreaterThan(0);
  });

  it('MAX_ENI caps ENIs and pods beyond capacity wait, counted as never started', () => {
    const { c } = runLogged(`
duration: 5m
nodeGroups: [{ name: n, instanceType: m5.large, count: 1 }]
ipamd: { MAX_ENI: 2 }
workload:
  - burst: { at: 10s, pods: 20 }
`);
    const r = c.nodes[0];
    expect(r.ec2.enis.length).toBe(2);
    expect(r.ipamd.ds.assigned).toBe(18);
    expect(r.runtime.pods).toBe(20);
    expect(c.metrics.requested - c.metrics.started).toBe(2);
  });
});
