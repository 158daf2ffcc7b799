/**
 * The ipamd-idle-release what-if (src/ipam/idle-release.ts, aws/amazon-vpc-cni-k8s #1409): ipamd's own law until a
 * node has had no pod event for `after`, then its idle addresses beyond `keep` are released and growth waits for the
 * next pod event; nothing more than ipamd with WARM_IP_TARGET set. Allocator invariants after every event.
 */
import { describe, expect, it } from 'vitest';
import { Cluster } from '../../src/run/cluster.js';
import { runScenario } from '../../src/index.js';
import { parseScenarioText, validateScenario } from '../../src/workload/load.js';
import { checkInvariants, scenarioFrom, type LogRecord } from '../helpers.js';

const yaml = (allocator: string, extra = ''): string => `
name: idle-release
seed: 8
duration: 3h
allocator: ${allocator}
idleRelease: { after: 20m${extra} }
nodeGroups:
  - { name: w, instanceType: m5.large, count: 2 }
workload:
  - burst: { at: 1m, pods: 30, lifetime: { uniform: [5m, 10m] } }
  - burst: { at: 15m, pods: 4 }
  - events:
      - { at: 1h, add: late, node: w-0 }
      - { at: 1h05m, delete: late }
`;

function run(text: string): { c: Cluster; log: LogRecord[]; idleAt: (t: number) => number[] } {
  const log: LogRecord[] = [];
  const c = new Cluster(scenarioFrom(text), { events: { write: (r) => log.push(r as LogRecord) } });
  const samples: { t: number; idle: number[] }[] = [];
  c.sim.afterEvent = () => {
    checkInvariants(c);
    samples.push({ t: c.sim.now, idle: c.nodes.map((n) => n.ipamd.ds.total - n.ipamd.ds.assigned) });
  };
  c.run();
  const idleAt = (t: number): number[] => [...samples].reverse().find((s) => s.t <= t)?.idle ?? [];
  return { c, log, idleAt };
}

describe('ipamd-idle-release', () => {
  it("keeps ipamd's warm pool while pods come and go, and releases idle addresses after 20 min without a pod event", () => {
    const plain = run(yaml('ipamd'));
    const what = run(yaml('ipamd-idle-release'));
    // Before any node has been idle 20 min the two runs agree.
    expect(what.idleAt(30 * 60_000)).toEqual(plain.idleAt(30 * 60_000));
    // The last pod event of the first wave is at most 16 min; by 40 min both nodes hold one idle address...
    expect(what.idleAt(58 * 60_000)).toEqual([1, 1]);
    expect(Math.min(...plain.idleAt(58 * 60_000))).toBeGreaterThan(0);
    // ...until the pod at 1h takes w-0's last one and wakes it: ipamd's law grows its pool again; w-1 stays at 1.
    const woke = what.idleAt(62 * 60_000);
    expect(woke[0]).toBeGreaterThan(1);
    expect(woke[1]).toBe(1);
    // 20 min after the delete at 1h05m, w-0 is released again.
    expect(what.idleAt(2 * 3600_000)[0]).toBe(1);
    const unassign = (r: { log: LogRecord[] }): number =>
      r.log.filter((x) => x.type === 'ec2' && x.api === 'UnassignPrivateIpAddresses').length;
    expect(unassign(what)).toBeGreaterThan(unassign(plain));
  });
  it('keep 0 is refused: a pod finding no address would not be seen', () => {
    expect(() => scenarioFrom(yaml('ipamd-idle-release', ', keep: 0'))).toThrow(/idleRelease\.keep/);
  });
  it('keep: that many idle addresses stay on each node', () => {
    const r = run(yaml('ipamd-idle-release', ', keep: 3'));
    expect(r.idleAt(58 * 60_000)).toEqual([3, 3]);
  });
  it('with WARM_IP_TARGET set it warns and runs as ipamd does', () => {
    const text = yaml('ipamd-idle-release').replace('allocator:', 'ipamd: { WARM_IP_TARGET: 2 }\nallocator:');
    const { problems } = validateScenario(parseScenarioText(text, 'x.yaml'), process.cwd());
    expect(problems.find((p) => p.severity === 'warning')?.message).toMatch(/only when WARM_IP_TARGET is unset/);
    const a = runScenario(scenarioFrom(text), { seed: 8 });
    const b = runScenario(scenarioFrom(text.replace('allocator: ipamd-idle-release', 'allocator: ipamd')), { seed: 8 });
    expect(a.ec2).toEqual(b.ec2);
    expect(a.ips).toEqual(b.ips);
  });
});
