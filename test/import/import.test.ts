/**
 * `warmpool-sim import`: each input, each fallback, bad inputs (located, exit 2, nothing written), and the imported
 * scenario validated and run as is.
 */
import { describe, expect, it } from 'vitest';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { cli, tempDir } from '../cli/helpers.js';
import { loadScenario, runScenario } from '../../src/index.js';

const FX = 'test/fixtures/import';
const fx = (name: string): string => join(FX, name);
const ALL = [
  '--nodes',
  fx('nodes.json'),
  '--daemonset',
  fx('aws-node.yaml'),
  '--subnets',
  fx('subnets.json'),
  '--pods',
  fx('pods.json'),
  '--events',
  fx('events.json'),
];

interface Doc {
  duration: string;
  ipamd?: Record<string, string>;
  subnets?: { name: string; cidr: string; availabilityZone?: string; tags?: Record<string, string>; inUse?: unknown }[];
  nodeGroups: { name: string; instanceType: string; count: number; maxPods?: number; subnet?: string }[];
  workload: { events?: { at: string; add: string; node?: string }[]; trace?: string }[];
}

async function importTo(args: string[], dir = tempDir()) {
  const out = join(dir, 'cluster.yaml');
  const r = await cli(['import', ...args, '--out', out]);
  const text = existsSync(out) ? readFileSync(out, 'utf8') : undefined;
  const trace = join(dir, 'cluster.trace.csv');
  return {
    ...r,
    out,
    text,
    doc: text === undefined ? undefined : (parse(text) as Doc),
    trace: existsSync(trace) ? readFileSync(trace, 'utf8') : undefined,
    dir,
  };
}

/** Loads and runs an imported scenario; returns the report. */
function validateAndRun(file: string) {
  const { scenario, warnings } = loadScenario(file);
  expect(warnings).toEqual([]);
  return runScenario(scenario);
}

describe('warmpool-sim import: every input', () => {
  it('builds a scenario that validates and runs, with a trace whose adds and deletes all apply', async () => {
    const r = await importTo(ALL);
    expect(r.stderr).not.toContain('error');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('wrote ');
    const v = await cli(['validate', r.out]);
    expect(v.code).toBe(0);
    expect(v.stdout).toContain(': ok');
    const report = validateAndRun(r.out);
    expect(report.warnings).toEqual([]);
    // 7 pods at t=0 and 7 trace adds (web-tz9rm, report-q8s7d, canary, report-h2k9x, three load tests).
    expect(report.pods.requested).toBe(14);
    expect(report.pods.started).toBe(14);
  });

  it('nodes: one group per node group label, instance type and subnet; real names kept as comments', async () => {
    const { doc, text } = await importTo(ALL);
    expect(doc?.nodeGroups).toEqual([
      { name: 'general-us-east-1a', instanceType: 'm5.large', count: 2, subnet: 'subnet-0a1b2c3d4e5f60718' },
      { name: 'general-us-east-1b', instanceType: 'm5.large', count: 1, subnet: 'subnet-0b2c3d4e5f6071829' },
      // Karpenter node pool; capacity 50 (kubelet --max-pods=50) differs from the c5.xlarge default (58), so maxPods is written.
      { name: 'batch', instanceType: 'c5.xlarge', count: 1, maxPods: 50, subnet: 'subnet-0b2c3d4e5f6071829' },
    ]);
    expect(text).toContain('# general-us-east-1a-1: ip-10-0-0-11.ec2.internal');
    expect(text).toContain('# batch-0: ip-10-0-1-30.ec2.internal');
    expect(text).toContain('1 Fargate node left out');
  });

  it('daemonset: the aws-node container env (not the init container), valueFrom skipped, unknown ones ignored', async () => {
    const { doc, text, stderr } = await importTo(ALL);
    expect(doc?.ipamd?.WARM_IP_TARGET).toBe('3');
    expect(doc?.ipamd?.MINIMUM_IP_TARGET).toBe('10');
    expect(doc?.ipamd?.ENABLE_PREFIX_DELEGATION).toBe('false');
    // DISABLE_TCP_EARLY_DEMUX is set only on the init container.
    expect(doc?.ipamd).not.toHaveProperty('DISABLE_TCP_EARLY_DEMUX');
    expect(doc?.ipamd).not.toHaveProperty('MY_NODE_NAME');
    expect(doc?.ipamd).not.toHaveProperty('VPC_CNI_VERSION');
    for (const out of [text, stderr]) {
      expect(out).toContain('skipped: MY_NODE_NAME, MY_POD_NAME');
      expect(out).toMatch(/ignored: ADDITIONAL_ENI_TAGS, .*VPC_CNI_VERSION/);
    }
  });

  it("subnets: the nodes' VPC only, IPv4 only; free counts become other tenants' addresses", async () => {
    const { doc, text } = await importTo(ALL);
    expect(doc?.subnets?.map((s) => [s.name, s.cidr, s.availabilityZone])).toEqual([
      ['subnet-0a1b2c3d4e5f60718', '10.0.0.0/24', 'us-east-1a'],
      ['subnet-0b2c3d4e5f6071829', '10.0.1.0/24', 'us-east-1b'],
      ['subnet-0c3d4e5f607182930', '10.0.4.0/22', 'us-east-1b'],
    ]);
    // 256 - 5 - 180 free - 5 known (2 node addresses, 3 pod addresses) = 66.
    expect(doc?.subnets?.[0].inUse).toEqual({ addresses: 66, pattern: 'scattered' });
    // 256 - 5 - 96 free - 6 known (2 nodes, 4 pods) = 149.
    expect(doc?.subnets?.[1].inUse).toEqual({ addresses: 149, pattern: 'scattered' });
    // 1024 - 5 - 1019 free: nobody else.
    expect(doc?.subnets?.[2].inUse).toBeUndefined();
    expect(doc?.subnets?.[2].tags).toEqual({ Name: 'eks-pods-us-east-1b', 'kubernetes.io/role/cni': '1' });
    expect(text).toContain('1 IPv6-only subnet left out');
    expect(text).toContain('1 subnet of other VPCs left out');
    expect(text).toMatch(/addresses the nodes hold for their warm pools count as\n# other tenants'/);
  });

  it('pods: running pods bound to their nodes at t=0; host-network, finished, unscheduled and Fargate pods skipped', async () => {
    const { doc, text } = await importTo(['--nodes', fx('nodes.json'), '--pods', fx('pods.json')]);
    expect(doc?.workload).toHaveLength(1);
    const events = doc?.workload[0].events ?? [];
    expect(events.map((e) => [e.at, e.add, e.node])).toEqual([
      ['0s', 'kube-system/coredns-6f8d7c9b5d-2xkqv', 'general-0'],
      ['0s', 'kube-system/coredns-6f8d7c9b5d-9mz4t', 'general-2'],
      ['0s', 'default/web-7c9f8d6b4-4hx2k', 'general-0'],
      ['0s', 'default/web-7c9f8d6b4-8jq5n', 'general-1'],
      ['0s', 'default/web-7c9f8d6b4-cw7lp', 'general-2'],
      ['0s', 'default/web-7c9f8d6b4-tz9rm', 'general-2'],
      ['0s', 'batch/report-28571040-h2k9x', 'batch-0'],
      ['0s', 'default/profiler-5d6c7b8a9-kk3ld', 'batch-0'],
    ]);
    expect(text).toContain(
      'pods skipped: 8 host-network (they take no pod address), 1 finished (Succeeded or Failed), 1 not yet on a node, 1 on Fargate nodes',
    );
  });

  it('events: Scheduled and Killing of pods become a trace relative to the first event, repeats dropped', async () => {
    const r = await importTo(ALL);
    const rows = (r.trace ?? '').split('\n').filter((l) => l && !l.startsWith('#'));
    expect(rows[0]).toBe('time,action,pod,node');
    expect(rows.slice(1)).toEqual([
      '0,add,default/web-7c9f8d6b4-tz9rm,general-us-east-1b-0',
      '30,add,batch/report-28571030-q8s7d,batch-0',
      '69.518,delete,default/web-7c9f8d6b4-old42',
      '269.518,delete,batch/report-28571030-q8s7d',
      // Placed on a node the nodes file does not list: the scheduler places it.
      '300,add,default/canary-84d5f6c7b-r2d2x',
      '360,add,batch/report-28571040-h2k9x,batch-0',
      '430,add,default/load-test-0,general-us-east-1a-0',
      '435,add,default/load-test-1,general-us-east-1a-1',
      '440,add,default/load-test-2,general-us-east-1b-0',
      '489.518,delete,default/load-test-0',
      '504.518,delete,default/load-test-1',
      '519.518,delete,default/load-test-2',
      '539.518,delete,default/canary-84d5f6c7b-r2d2x',
    ]);
    expect(r.trace).toContain('(2024-05-01T10:00:00.482913Z)');
    expect(r.doc?.workload.at(-1)).toEqual({ trace: 'cluster.trace.csv' });
    // A pod deleted in the window but created before it starts at t=0, on its node from the pods file.
    expect(r.doc?.workload[0].events?.at(-1)).toEqual({
      at: '0s',
      add: 'default/web-7c9f8d6b4-old42',
      node: 'general-us-east-1a-1',
    });
    // Pods of the pods file created in the window are not also added at t=0.
    expect(r.doc?.workload[0].events?.map((e) => e.add)).not.toContain('default/web-7c9f8d6b4-tz9rm');
    expect(r.text).toContain('1 repeated pod event dropped');
    expect(r.text).toContain('1 recorded placement on nodes the nodes file does not list');
  });

  it('audit: creations (named in objectRef or the response), bindings, deletes and evictions; failed and early stages skipped', async () => {
    const r = await importTo(['--nodes', fx('nodes.json'), '--audit', fx('audit.jsonl')]);
    expect(r.code).toBe(0);
    const rows = (r.trace ?? '').split('\n').filter((l) => l && !l.startsWith('#'));
    expect(rows.slice(1)).toEqual([
      '0,add,default/web-7c9f8d6b4-tz9rm,general-2',
      // Times from 10:00:00.102345 (milliseconds kept).
      '29.898,add,batch/report-28571030-q8s7d',
      '69.898,delete,default/web-7c9f8d6b4-old42',
      '269.898,delete,batch/report-28571030-q8s7d',
    ]);
    expect(r.doc?.workload[0].events).toEqual([{ at: '0s', add: 'default/web-7c9f8d6b4-old42' }]);
    expect(r.stderr).toContain('1 pod request in the audit log name no pod');
    expect(r.stderr).toContain('1 repeated pod event dropped');
    const report = validateAndRun(r.out);
    expect(report.warnings).toEqual([]);
  });

  it('the same files give the same bytes', async () => {
    const a = await importTo(ALL);
    const b = await importTo(ALL);
    expect(a.text).toBe(b.text);
    expect(a.trace).toBe(b.trace);
  });

  it('the shipped example is what the command makes of the fixtures', async () => {
    const dir = tempDir();
    mkdirSync(join(dir, 'traces'));
    const out = join(dir, 'imported-example.yaml');
    const trace = join(dir, 'traces', 'imported-example.csv');
    const r = await cli(['import', ...ALL, '--duration', '20m', '--out', out, '--trace-out', trace]);
    expect(r.code).toBe(0);
    expect(readFileSync(out, 'utf8')).toBe(readFileSync('scenarios/imported-example.yaml', 'utf8'));
    expect(readFileSync(trace, 'utf8')).toBe(readFileSync('scenarios/traces/imported-example.csv', 'utf8'));
  });
});

describe('warmpool-sim import: fallbacks', () => {
  it('with nodes only: defaults for the rest, said in the file and on stderr; it validates and runs', async () => {
    const r = await importTo(['--nodes', fx('nodes.json')]);
    expect(r.code).toBe(0);
    const lines = [
      'no --daemonset: ipamd runs with the aws-node manifest defaults',
      'no --subnets: one roomy default subnet (10.0.0.0/8)',
      'no --pods: no pods run at the start',
      'no --events or --audit: no pods come or go after the start',
      'no --duration: 30m',
    ];
    for (const l of lines) {
      expect(r.stderr).toContain(l);
      expect(r.text).toContain(`#   - ${l}`);
    }
    expect(r.doc?.ipamd).toBeUndefined();
    expect(r.doc?.subnets).toBeUndefined();
    expect(r.doc?.workload).toEqual([]);
    expect(r.trace).toBeUndefined();
    // Without subnets, nodes of one group and type are one group whatever their zone.
    expect(r.doc?.nodeGroups).toEqual([
      { name: 'general', instanceType: 'm5.large', count: 3 },
      { name: 'batch', instanceType: 'c5.xlarge', count: 1, maxPods: 50 },
    ]);
    const report = validateAndRun(r.out);
    expect(report.nodes).toHaveLength(4);
  });

  it('a default duration covers the recorded window plus 5 minutes', async () => {
    const long = JSON.parse(readFileSync(fx('events.json'), 'utf8')) as { items: { firstTimestamp: string | null }[] };
    const last = long.items.at(-1);
    if (last) last.firstTimestamp = '2024-05-01T10:58:30Z';
    const dir = tempDir();
    writeFileSync(join(dir, 'events.json'), JSON.stringify(long));
    const r = await importTo(['--nodes', fx('nodes.json'), '--events', join(dir, 'events.json')], dir);
    expect(r.code).toBe(0);
    // 10:00:00.482913 to 10:58:30 is 58m29.518s; plus 5m, rounded up to the minute.
    expect(r.doc?.duration).toBe('1h4m');
    expect(r.stderr).toContain('no --duration: 1h4m (the recorded 58m29.518s plus 5m, at least 30m)');
  });

  it('a lifecycle source without pod events gives no trace, and says so', async () => {
    const dir = tempDir();
    const events = JSON.parse(readFileSync(fx('events.json'), 'utf8')) as {
      items: { involvedObject: { kind: string } }[];
    };
    events.items = events.items.filter((e) => e.involvedObject.kind !== 'Pod');
    expect(events.items).toHaveLength(1);
    writeFileSync(join(dir, 'events.json'), JSON.stringify(events));
    const r = await importTo(['--nodes', fx('nodes.json'), '--events', join(dir, 'events.json')], dir);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('the lifecycle source records no pod creation or deletion: no trace');
    expect(r.trace).toBeUndefined();
    expect(r.doc?.workload).toEqual([]);
  });

  it('nodes without a group label, zone or pod capacity: group "nodes", the type default, said', async () => {
    const dir = tempDir();
    const file = join(dir, 'nodes.json');
    const list = {
      apiVersion: 'v1',
      kind: 'List',
      items: [{ kind: 'Node', metadata: { name: 'n1', labels: { 'beta.kubernetes.io/instance-type': 't3.medium' } } }],
    };
    writeFileSync(file, JSON.stringify(list));
    const r = await importTo(['--nodes', file], dir);
    expect(r.code).toBe(0);
    expect(r.doc?.nodeGroups).toEqual([{ name: 'nodes', instanceType: 't3.medium', count: 1 }]);
    expect(r.stderr).toContain('1 node without a node group label');
    expect(r.stderr).toContain('no status.capacity.pods: maxPods 17 (the t3.medium default)');
  });

  it('a node whose address is in no listed subnet goes to the first subnet of its zone', async () => {
    const dir = tempDir();
    const nodes = JSON.parse(readFileSync(fx('nodes.json'), 'utf8')) as {
      items: { status: { addresses: { address: string }[] } }[];
    };
    nodes.items[0].status.addresses[0].address = '10.9.9.9';
    writeFileSync(join(dir, 'nodes.json'), JSON.stringify(nodes));
    const r = await importTo(['--nodes', join(dir, 'nodes.json'), '--subnets', fx('subnets.json')], dir);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain(
      '1 node without an address inside a listed subnet placed in the first subnet of their zone',
    );
    expect(r.doc?.nodeGroups[0]).toEqual({
      name: 'general-us-east-1a',
      instanceType: 'm5.large',
      count: 2,
      subnet: 'subnet-0a1b2c3d4e5f60718',
    });
  });

  it('a DaemonSet given as JSON, inside a List, reads the same', async () => {
    const dir = tempDir();
    const ds = parse(readFileSync(fx('aws-node.yaml'), 'utf8')) as unknown;
    writeFileSync(join(dir, 'ds.json'), JSON.stringify({ apiVersion: 'v1', kind: 'List', items: [ds] }, null, 4));
    const a = await importTo(['--nodes', fx('nodes.json'), '--daemonset', join(dir, 'ds.json')], dir);
    const b = await importTo(['--nodes', fx('nodes.json'), '--daemonset', fx('aws-node.yaml')]);
    expect(a.code).toBe(0);
    expect(a.doc?.ipamd).toEqual(b.doc?.ipamd);
  });
});

describe('warmpool-sim import: bad inputs', () => {
  it('a wrong kind of list: exit 2, located, a hint which flag it is for, nothing written', async () => {
    const r = await importTo(['--nodes', fx('pods.json')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(
      `${fx('pods.json')}: error: items[0].kind: expected a list of Node (the output of \`kubectl get nodes -o json\`), got a list of Pod; this looks like the file for --pods`,
    );
    expect(r.text).toBeUndefined();
    // With no node list the pods' nodes are not checked: the one error is the nodes file's.
    const both = await importTo(['--nodes', fx('pods.json'), '--pods', fx('pods.json')]);
    expect(both.code).toBe(2);
    expect(both.stderr).toMatch(/^[^\n]*items\[0\]\.kind: expected a list of Node[^\n]*\n1 error\n$/);
  });

  it('describe-subnets output given as pods, and nodes given as subnets', async () => {
    const r = await importTo([
      '--nodes',
      fx('nodes.json'),
      '--pods',
      fx('subnets.json'),
      '--subnets',
      fx('nodes.json'),
    ]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`${fx('subnets.json')}: error: expected a list of Pod`);
    expect(r.stderr).toContain('this looks like the file for --subnets');
    expect(r.stderr).toContain(`${fx('nodes.json')}: error: expected { "Subnets": [...] }`);
    expect(r.stderr).toContain('this looks like the file for --nodes');
    expect(r.stderr).toContain('2 errors');
  });

  it('a pod on a node the nodes file does not list: located at its nodeName', async () => {
    const dir = tempDir();
    const pods = JSON.parse(readFileSync(fx('pods.json'), 'utf8')) as { items: { spec: { nodeName?: string } }[] };
    pods.items[9].spec.nodeName = 'ip-10-0-7-7.ec2.internal';
    writeFileSync(join(dir, 'pods.json'), JSON.stringify(pods, null, 4));
    const r = await importTo(['--nodes', fx('nodes.json'), '--pods', join(dir, 'pods.json')], dir);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(
      'pods.json: error: items[9].spec.nodeName: pod kube-system/coredns-6f8d7c9b5d-9mz4t runs on "ip-10-0-7-7.ec2.internal", which the nodes file does not list',
    );
    expect(r.text).toBeUndefined();
  });

  it('an audit log with its last line cut short: file:line:col, and neither file written', async () => {
    const r = await importTo([...ALL.slice(0, 8), '--audit', fx('audit-truncated.jsonl')]);
    expect(r.code).toBe(2);
    const text = readFileSync(fx('audit-truncated.jsonl'), 'utf8');
    const lines = text.split('\n');
    expect(r.stderr).toContain(
      `${fx('audit-truncated.jsonl')}:${lines.length}:${lines[lines.length - 1].length + 1}: error: the line is cut short (the last line: the log was still being written, or copied in part)`,
    );
    expect(r.text).toBeUndefined();
    expect(r.trace).toBeUndefined();
  });

  it('a JSON syntax error is located at file:line:col', async () => {
    const dir = tempDir();
    const text = readFileSync(fx('nodes.json'), 'utf8').replace('"kind": "Node",', '"kind": "Node"');
    writeFileSync(join(dir, 'nodes.json'), text);
    const r = await importTo(['--nodes', join(dir, 'nodes.json')], dir);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/nodes\.json:7:13: error: not valid JSON: expected "," or "}", found "\\""/);
  });

  it('shape errors are located by JSON path, every one at once across files', async () => {
    const dir = tempDir();
    const nodes = JSON.parse(readFileSync(fx('nodes.json'), 'utf8')) as {
      items: { metadata: { labels: unknown }; status: { capacity: Record<string, string> } }[];
    };
    nodes.items[1].metadata.labels = ['m5.large'];
    nodes.items[2].status.capacity.pods = 'many';
    writeFileSync(join(dir, 'nodes.json'), JSON.stringify(nodes));
    const events = JSON.parse(readFileSync(fx('events.json'), 'utf8')) as { items: { eventTime: string | null }[] };
    events.items[0].eventTime = 'yesterday';
    writeFileSync(join(dir, 'events.json'), JSON.stringify(events));
    const r = await importTo(['--nodes', join(dir, 'nodes.json'), '--events', join(dir, 'events.json')], dir);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('nodes.json: error: items[1].metadata.labels: expected record, got a list');
    expect(r.stderr).toContain('nodes.json: error: items[2].status.capacity.pods: expected a whole number of pods');
    expect(r.stderr).toContain(
      'events.json: error: items[0].eventTime: expected an RFC 3339 time such as "2024-05-01T10:00:00Z", got "yesterday"',
    );
  });

  it('an unknown instance type gets a suggestion', async () => {
    const dir = tempDir();
    writeFileSync(
      join(dir, 'nodes.json'),
      readFileSync(fx('nodes.json'), 'utf8').replaceAll('"c5.xlarge"', '"c5.xlarg"'),
    );
    const r = await importTo(['--nodes', join(dir, 'nodes.json')], dir);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(
      'items[3].metadata.labels["node.kubernetes.io/instance-type"]: unknown instance type "c5.xlarg"; did you mean c5.xlarge?',
    );
  });

  it('a DaemonSet without an aws-node container, and one that is not YAML, are located', async () => {
    const dir = tempDir();
    const noAwsNode = readFileSync(fx('aws-node.yaml'), 'utf8').replace(
      '        name: aws-node\n',
      '        name: cni\n',
    );
    writeFileSync(join(dir, 'a.yaml'), noAwsNode);
    writeFileSync(join(dir, 'b.yaml'), 'kind: DaemonSet\nspec: [\n');
    const a = await importTo(['--nodes', fx('nodes.json'), '--daemonset', join(dir, 'a.yaml')], dir);
    expect(a.code).toBe(2);
    expect(a.stderr).toMatch(
      /a\.yaml:\d+:\d+: error: spec\.template\.spec\.containers: no container named aws-node \(containers: cni, aws-eks-nodeagent\)/,
    );
    const b = await importTo(['--nodes', fx('nodes.json'), '--daemonset', join(dir, 'b.yaml')], dir);
    expect(b.code).toBe(2);
    expect(b.stderr).toMatch(/b\.yaml:\d+:\d+: error: not valid YAML or JSON/);
  });

  it('an IPv6 cluster without prefix delegation is refused, as ipamd refuses to start', async () => {
    const dir = tempDir();
    const v6 = readFileSync(fx('aws-node.yaml'), 'utf8').replace(
      /- name: ENABLE_IPv6\n(\s+)value: "false"\n(\s+- name: ENABLE_MULTI_NIC)/,
      '- name: ENABLE_IPv6\n$1value: "true"\n$2',
    );
    expect(v6).not.toBe(readFileSync(fx('aws-node.yaml'), 'utf8'));
    writeFileSync(join(dir, 'ds.yaml'), v6);
    const r = await importTo(['--nodes', fx('nodes.json'), '--daemonset', join(dir, 'ds.yaml')], dir);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(
      /ds\.yaml:\d+:\d+: error: spec\.template\.spec\.containers\[0\]\.env\[\d+\]\.value: ENABLE_IPv6=true/,
    );
  });

  it('a missing file, and both lifecycle sources at once, are exit 2', async () => {
    const a = await importTo(['--nodes', 'no-such.json']);
    expect(a.code).toBe(2);
    expect(a.stderr).toContain('no-such.json: error: no such file');
    const b = await importTo([
      '--nodes',
      fx('nodes.json'),
      '--events',
      fx('events.json'),
      '--audit',
      fx('audit.jsonl'),
    ]);
    expect(b.code).toBe(2);
    expect(b.stderr).toMatch(/mutually exclusive/);
  });

  it("refuses to overwrite a user's file without --force; replaces its own output", async () => {
    const dir = tempDir();
    const out = join(dir, 'cluster.yaml');
    writeFileSync(out, 'my notes\n');
    const refused = await cli(['import', '--nodes', fx('nodes.json'), '--out', out]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('not an output of warmpool-sim (use --force to replace it)');
    expect(readFileSync(out, 'utf8')).toBe('my notes\n');
    const forced = await cli(['import', '--nodes', fx('nodes.json'), '--out', out, '--force']);
    expect(forced.code).toBe(0);
    const again = await cli(['import', '--nodes', fx('nodes.json'), '--out', out]);
    expect(again.code).toBe(0);
    const onInput = await cli(['import', '--nodes', fx('nodes.json'), '--out', fx('nodes.json'), '--force']);
    expect(onInput.code).toBe(2);
    expect(onInput.stderr).toContain('it is an input of this run');
  });

  it('a bad --duration is a usage error', async () => {
    const r = await importTo(['--nodes', fx('nodes.json'), '--duration', 'soon']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--duration must be a duration longer than 0');
  });
});
