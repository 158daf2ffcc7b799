/** Scenario loading: every problem at once, located by file:line:col and field path, with suggestions. */
import { describe, expect, it } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseScenarioText, validateScenario, loadScenario } from '../../src/workload/load.js';
import { formatProblem } from '../../src/workload/problems.js';

function problems(yaml: string, dir = process.cwd()): string[] {
  return validateScenario(parseScenarioText(yaml, 'bad.yaml'), dir).problems.map(formatProblem);
}

describe('scenario validation', () => {
  it('reports every problem in a file at once, each with line, column, path and a suggestion', () => {
    const out = problems(`duration: 30m
nodeGroups:
  - name: workers
    instanceType: m5.lrge
    count: 3
    ipamd: { WARM_IP_TARGETS: 3 }
ipamd:
  WARM_IP_TARGET: "-5"
workload:
  - bursts: { at: 0s, pods: 20 }
  - poisson: { from: 5m, to: 1m, ratePerMinute: 30, nodeGroup: worker }
  - burst: { at: 10 minutes, pods: 2 }
`);
    expect(out).toEqual([
      'bad.yaml:4:19: error: nodeGroups[0].instanceType: unknown instance type "m5.lrge"; did you mean m5.large?',
      'bad.yaml:6:14: error: nodeGroups[0].ipamd.WARM_IP_TARGETS: unknown ipamd variable "WARM_IP_TARGETS"; did you mean WARM_IP_TARGET?',
      'bad.yaml:8:19: warning: ipamd.WARM_IP_TARGET: ipamd reads "-5" as 0 (negative or non-integer values mean unset)',
      'bad.yaml:10:5: error: workload[0].bursts: unknown field "bursts"; did you mean "burst"?',
      'bad.yaml:11:30: error: workload[1].poisson.to: must be after "from" (5m)',
      'bad.yaml:11:64: error: workload[1].poisson.nodeGroup: no node group "worker"; did you mean workers?',
      'bad.yaml:12:18: error: workload[2].burst.at: expected a duration such as "500ms", "90s", "5m" or "1h30m", got string "10 minutes"',
    ]);
  });

  it('locates YAML syntax errors', () => {
    const out = problems('duration: 30m\nnodeGroups: [\n  { name: a\n');
    expect(out.length).toBeGreaterThan(0);
    expect(out[0]).toMatch(/^bad\.yaml:\d+:\d+: error: /);
  });

  it('names missing required fields', () => {
    expect(problems('name: x\n')).toEqual([
      'bad.yaml:1:1: error: duration: expected string or number (missing)',
      'bad.yaml:1:1: error: nodeGroups: expected array (missing)',
    ]);
  });

  it('reports a wrong type with what was expected and what was found', () => {
    const out = problems('duration: 1h\nnodeGroups: [{ name: a, instanceType: m5.large, count: three }]\n');
    expect(out).toEqual(['bad.yaml:2:56: error: nodeGroups[0].count: expected number, got string "three"']);
  });

  it('checks distributions and scripted events', () => {
    const out = problems(`duration: 1h
nodeGroups: [{ name: a, instanceType: m5.large, count: 2 }]
workload:
  - events:
      - { at: 1s, add: p1, node: a-7 }
      - { at: 2s }
  - burst: { at: 0s, pods: 1, lifetime: { uniform: [20s, 10s] } }
model:
  ec2:
    latency: { CreateNetworkInterface: { lognormal: { median: 2s, p99: 1s } } }
`);
    expect(out).toEqual([
      'bad.yaml:5:34: error: workload[0].events[0].node: no node "a-7"; did you mean a-0? (nodes are named <group>-0, <group>-1, ...)',
      'bad.yaml:6:9: error: workload[0].events[1]: each event needs exactly one of "add" or "delete"',
      'bad.yaml:7:52: error: workload[1].burst.lifetime.uniform: minimum 20s is above maximum 10s',
      'bad.yaml:10:72: error: model.ec2.latency.CreateNetworkInterface.lognormal.p99: p99 (1s) must be at least the median (2s)',
    ]);
  });

  it('reads JSON scenarios too', () => {
    const { scenario, problems: p } = validateScenario(
      parseScenarioText(
        '{"duration": "10m", "nodeGroups": [{"name": "a", "instanceType": "t3.small", "count": 1}]}',
        'x.json',
      ),
      '.',
    );
    expect(p).toEqual([]);
    expect(scenario?.nodeGroups[0].maxPods).toBe(11);
    expect(scenario?.name).toBe('x');
  });

  it('reads trace files and locates their errors', () => {
    const dir = mkdtempSync(join(tmpdir(), 'wps-'));
    writeFileSync(join(dir, 'ok.csv'), 'time,action,pod,node\n0,add,web-1,a-0\n90s,delete,web-1\n1m30s,add,web-2\n');
    writeFileSync(join(dir, 'bad.csv'), '0,add,web-1\n5,remove,web-1\nsoon,add,x\n');
    const base = 'duration: 1h\nnodeGroups: [{ name: a, instanceType: m5.large, count: 1 }]\nworkload:\n';
    const ok = validateScenario(parseScenarioText(base + '  - trace: ok.csv\n', 's.yaml'), dir);
    expect(ok.problems).toEqual([]);
    expect(ok.scenario?.workload[0]).toEqual({
      kind: 'events',
      index: 0,
      events: [
        { atMs: 0, add: 'web-1', node: 'a-0' },
        { atMs: 90_000, delete: 'web-1' },
        { atMs: 90_000, add: 'web-2' },
      ],
    });
    const bad = validateScenario(
      parseScenarioText(base + '  - trace: bad.csv\n  - trace: none.csv\n', 's.yaml'),
      dir,
    ).problems.map(formatProblem);
    // s.yaml is not in `dir` as the cwd sees it: trace paths are printed absolute, so the user can open them.
    expect(bad).toEqual([
      `s.yaml:5:12: error: workload[1].trace: cannot read trace file "${join(dir, 'none.csv')}" (no such file)`,
      `${join(dir, 'bad.csv')}:2:3: error: action "remove" must be add or delete`,
      `${join(dir, 'bad.csv')}:3:1: error: time "soon" is not a duration (e.g. "90s", "1m30s", or seconds)`,
    ]);
  });

  it('loadScenario reports a missing file as a located input error', () => {
    expect(() => loadScenario('/nonexistent/x.yaml')).toThrow(/no such file/);
  });
});

describe('every problem at once (issue 13, item 4)', () => {
  it('a reservation of type bogus does not hide the semantic errors elsewhere in its subnet', () => {
    expect(
      problems(`duration: 1h
nodeGroups: [{ name: a, instanceType: m5.large, count: 1 }]
subnets:
  - name: main
    cidr: 10.0.0.0/26
    inUse: { addresses: 60 }
    reservations:
      - { cidr: 10.0.0.0/28, type: bogus }
      - { cidr: 10.0.1.0/28, type: explicit }
      - { cidr: 10.0.0.16/28, type: prefix }
      - { cidr: 10.0.0.16/29, type: explicit }
`),
    ).toEqual([
      "bad.yaml:6:25: error: subnets[0].inUse.addresses: the subnet has 43 addresses outside AWS's five and the reservations; 60 do not fit",
      'bad.yaml:8:36: error: subnets[0].reservations[0].type: expected one of "prefix", "explicit", got string "bogus"',
      'bad.yaml:9:17: error: subnets[0].reservations[1].cidr: 10.0.1.0/28 is not inside the subnet 10.0.0.0/26',
      'bad.yaml:11:17: error: subnets[0].reservations[3].cidr: overlaps the reservation 10.0.0.16/28 (AWS forbids overlapping reservations)',
    ]);
  });

  it('a bad optional field does not hide the checks of the rest of its node group, nor a bad duration those of the workload', () => {
    expect(
      problems(`duration: soon
nodeGroups: [{ name: a, instanceType: m5.lrge, count: 1, maxPods: many }]
workload:
  - burst: { at: 1m, pods: 3, nodeGroup: b }
`),
    ).toEqual([
      'bad.yaml:1:11: error: duration: expected a duration such as "500ms", "90s", "5m" or "1h30m", got string "soon"',
      'bad.yaml:2:39: error: nodeGroups[0].instanceType: unknown instance type "m5.lrge"; did you mean m5.large?',
      'bad.yaml:2:67: error: nodeGroups[0].maxPods: expected number, got string "many"',
      'bad.yaml:4:42: error: workload[0].burst.nodeGroup: no node group "b"; did you mean a?',
    ]);
  });
});

describe('warnings for values that cannot do what they seem to ask', () => {
  const head = 'duration: 1h\nnodeGroups:\n';
  it('maxPods above what the instance can address', () => {
    expect(problems(head + '  - { name: a, instanceType: m5.large, count: 1, maxPods: 1000 }\n')).toEqual([
      'bad.yaml:3:59: warning: nodeGroups[0].maxPods: 1000 is more than m5.large can give addresses to: 27 pod addresses (3 ENIs x 9 addresses) and 2 host-network pods; the other pods would wait for an address forever',
    ]);
    // With prefix delegation the same type addresses 432 pods: 110 is fine.
    expect(
      problems(
        head +
          '  - { name: a, instanceType: m5.large, count: 1, maxPods: 110 }\nipamd: { ENABLE_PREFIX_DELEGATION: true }\n',
      ),
    ).toEqual([]);
  });

  it('a warm or minimum target larger than a node can hold', () => {
    expect(
      problems(
        head +
          '  - { name: a, instanceType: t3.small, count: 1, ipamd: { MINIMUM_IP_TARGET: 20 } }\nipamd: { WARM_IP_TARGET: 10 }\n',
      ),
    ).toEqual([
      'bad.yaml:3:78: warning: nodeGroups[0].ipamd.MINIMUM_IP_TARGET: MINIMUM_IP_TARGET=20 is more addresses than one t3.small node of "a" can hold (9: 3 ENIs x 3 addresses); ipamd never reaches it',
      'bad.yaml:4:26: warning: ipamd.WARM_IP_TARGET: WARM_IP_TARGET=10 is more addresses than one t3.small node of "a" can hold (9: 3 ENIs x 3 addresses); ipamd never reaches it',
    ]);
  });

  it('a scale by that would go below zero nodes (clamped)', () => {
    expect(
      problems(
        head +
          '  - { name: a, instanceType: m5.large, count: 3 }\nworkload:\n  - scale: { at: 5m, nodeGroup: a, by: 2 }\n  - scale: { at: 1m, nodeGroup: a, by: -4 }\n',
      ),
    ).toEqual(['bad.yaml:6:40: warning: workload[1].scale.by: takes "a" from 3 nodes to -1: clamped to 0']);
  });

  it('a duration over 30 days', () => {
    expect(problems('duration: 31d\nnodeGroups: [{ name: a, instanceType: m5.large, count: 1 }]\n')).toEqual([
      "bad.yaml:1:11: warning: duration: 31d is over 30 days of simulated time (every node's ipamd loop runs every 5 s): did you mean minutes or hours?",
    ]);
  });

  it('checks node names against groups of millions of nodes without listing them', () => {
    expect(
      problems(
        'duration: 1h\nnodeGroups: [{ name: a, instanceType: m5.large, count: 10000000 }]\nworkload:\n  - events: [{ at: 1s, add: p, node: a-9999999 }, { at: 2s, add: q, node: a-10000000 }]\n',
      ),
    ).toEqual([
      'bad.yaml:4:75: error: workload[0].events[1].node: no node "a-10000000" (nodes are named <group>-0, <group>-1, ...)',
    ]);
  });
});
