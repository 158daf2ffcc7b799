/** The CLI as a user types it: every scenario runs, bad input exits 2 with located messages, outputs are safe. */
import { describe, expect, it } from 'vitest';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RunReport } from '../../src/report/types.js';
import { cli as runCli, parseJson } from './helpers.js';

/** The shared in-process runner, with this file's short names for the two streams. */
async function cli(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  const r = await runCli(argv);
  return { code: r.code, out: r.stdout, err: r.stderr };
}

const scenarios = readdirSync('scenarios').filter((f) => /\.(ya?ml|json)$/.test(f));
const tmp = (): string => mkdtempSync(join(tmpdir(), 'wps-cli-'));

describe('warmpool-sim run', () => {
  it.each(scenarios)('runs scenarios/%s to a JSON report', async (f) => {
    const { code, out, err } = await cli('run', `scenarios/${f}`, '--format', 'json');
    expect(err).toBe('');
    expect(code).toBe(0);
    const r = parseJson<RunReport>(out);
    expect(r.pods.requested).toBeGreaterThan(0);
    expect(r.pods.started + r.pods.neverStarted).toBe(r.pods.requested);
    expect(r.nodes.length).toBeGreaterThan(0);
    expect(Object.keys(r.ec2.calls)).toContain('AssignPrivateIpAddresses');
  });

  it('prints a text report with the seed, latency, IP usage and per-group table', async () => {
    const { code, out } = await cli('run', 'scenarios/default.yaml', '--seed', '9');
    expect(code).toBe(0);
    expect(out).toContain('seed 9');
    for (const s of ['Pod start latency', 'IP addresses', 'EC2 calls', 'Node groups', 'workers'])
      expect(out).toContain(s);
  });

  it('pd-fragmented-subnet: PD finds no /28 where secondary IPs still find addresses', async () => {
    const r = parseJson<RunReport>((await cli('run', 'scenarios/pd-fragmented-subnet.yaml', '--format', 'json')).out);
    const [pd, sip] = r.nodeGroups;
    expect([pd.prefixDelegation, pd.podsRunning, sip.prefixDelegation, sip.podsRunning]).toEqual(['on', 0, 'off', 40]);
    expect(r.subnets[0].freeBlocks.start).toBe(0);
    expect(r.subnets[0].freeAddresses.end).toBeGreaterThan(100);
    expect(r.subnets[0].errors.InsufficientCidrBlocks).toBeGreaterThan(0);
    expect(r.pods.neverStartedSubnetFull).toBe(40);
  });

  it('small-subnet-exhaustion: the text report says when the subnet ran out and which pods never started', async () => {
    const { out } = await cli('run', 'scenarios/small-subnet-exhaustion.yaml');
    // CreateNetworkInterface in a subnet with too few addresses answers InvalidParameterValue (cilium/cilium#31016).
    expect(out).toMatch(/small\s+10\.1\.4\.0\/24 .* \d+m\d+s\s+InvalidParameterValue \d+/);
    expect(out).toMatch(/SUBNET RAN OUT: \d+ of them waited on nodes whose subnet/);
  });

  it('--seed changes the run and the same seed repeats it byte for byte', async () => {
    const a = await cli('run', 'scenarios/churn.yaml', '--format', 'json', '--seed', '1');
    const b = await cli('run', 'scenarios/churn.yaml', '--format', 'json', '--seed', '1');
    const c = await cli('run', 'scenarios/churn.yaml', '--format', 'json', '--seed', '2');
    expect(a.out).toBe(b.out);
    expect(a.out).not.toBe(c.out);
  });

  it('exits 2 with every problem located by file:line:col and no stack trace', async () => {
    const { code, err, out } = await cli('run', 'test/fixtures/bad.yaml');
    expect(code).toBe(2);
    expect(out).toBe('');
    expect(err).toContain(
      'test/fixtures/bad.yaml:4:19: error: nodeGroups[0].instanceType: unknown instance type "m5.lrge"; did you mean m5.large?',
    );
    expect(err).toContain(
      'test/fixtures/bad.yaml:7:3: error: ipamd.WARM_IP_TARGETS: unknown ipamd variable "WARM_IP_TARGETS"; did you mean WARM_IP_TARGET?',
    );
    expect(err).toContain('2 errors');
    expect(err).not.toMatch(/\n\s+at /);
  });

  it('rejects a bad flag value with exit 2', async () => {
    expect((await cli('run', 'scenarios/default.yaml', '--seed', '-3')).code).toBe(2);
    expect((await cli('run', 'scenarios/default.yaml', '--format', 'xml')).code).toBe(2);
    const typo = await cli('rn', 'scenarios/default.yaml');
    expect(typo.code).toBe(2);
    expect(typo.err).toContain('did you mean run?');
  });

  it('--out writes the JSON report, replaces its own output, and never overwrites a user file or the input', async () => {
    const dir = tmp();
    const out = join(dir, 'report.json');
    expect((await cli('run', 'scenarios/default.yaml', '--out', out)).code).toBe(0);
    expect(parseJson<RunReport>(readFileSync(out, 'utf8')).scenario).toBe('default');
    expect((await cli('run', 'scenarios/default.yaml', '--out', out, '--seed', '3')).code).toBe(0);
    expect(parseJson<RunReport>(readFileSync(out, 'utf8')).seed).toBe(3);
    const mine = join(dir, 'notes.json');
    writeFileSync(mine, '{"my": "notes"}');
    const refused = await cli('run', 'scenarios/default.yaml', '--out', mine);
    expect(refused.code).toBe(2);
    expect(refused.err).toContain('refusing to overwrite');
    expect(readFileSync(mine, 'utf8')).toBe('{"my": "notes"}');
    const scen = join(dir, 's.yaml');
    writeFileSync(scen, readFileSync('scenarios/default.yaml', 'utf8'));
    expect((await cli('run', scen, '--out', scen, '--force')).code).toBe(2);
    expect(readFileSync(scen, 'utf8')).toBe(readFileSync('scenarios/default.yaml', 'utf8'));
    expect(readdirSync(dir).filter((f) => f.includes('.tmp-'))).toEqual([]);
  });

  it('--events writes one JSON line per event, starting with a header', async () => {
    const file = join(tmp(), 'ev.jsonl');
    expect((await cli('run', 'scenarios/trace-replay.yaml', '--events', file)).code).toBe(0);
    const lines = readFileSync(file, 'utf8')
      .trim()
      .split('\n')
      .map((l) => parseJson<{ type: string; event?: string; ip: string; api?: string }>(l));
    expect(lines[0]).toMatchObject({ type: 'header', tool: 'warmpool-sim' });
    expect(lines.some((l) => l.type === 'pod' && l.event === 'started' && /^10\.\d+\.\d+\.\d+$/.test(l.ip))).toBe(true);
    expect(lines.some((l) => l.type === 'pod' && l.event === 'deleted' && /^10\./.test(l.ip))).toBe(true);
    expect(lines.some((l) => l.type === 'ec2' && l.api === 'AssignPrivateIpAddresses')).toBe(true);
    expect(lines.some((l) => l.type === 'ipamd')).toBe(true);
  });
});

describe('warmpool-sim validate, limits, schema', () => {
  it('validate: ok files pass, bad ones exit 2 listing every problem', async () => {
    const good = await cli('validate', 'scenarios/default.yaml', 'scenarios/churn.yaml');
    expect(good.code).toBe(0);
    expect(good.out).toContain('scenarios/default.yaml: ok');
    const bad = await cli('validate', 'scenarios/default.yaml', 'test/fixtures/bad.yaml', 'missing.yaml');
    expect(bad.code).toBe(2);
    expect(bad.err).toContain('bad.yaml:4:19');
    expect(bad.err).toContain('missing.yaml: error: no such file');
  });

  it('limits: ENIs, IPs per ENI and max pods from the embedded table', async () => {
    const { code, out } = await cli('limits', 'm5.large', 't3.small', '--format', 'json');
    expect(code).toBe(0);
    const rows = parseJson<Record<string, unknown>[]>(out);
    expect(rows[0]).toMatchObject({
      instanceType: 'm5.large',
      maxEnis: 3,
      ipv4PerEni: 10,
      maxPods: 29,
      maxPodsPrefixDelegation: 434,
    });
    expect(rows[1]).toMatchObject({ instanceType: 't3.small', maxEnis: 3, ipv4PerEni: 4, maxPods: 11 });
    const text = await cli('limits', 'p5.48xlarge', 't2.micro');
    expect(text.out).toMatch(/p5\.48xlarge\s+2\s+50\s+49\s+100/);
    expect(text.out).toContain('(no PD)');
    const fam = await cli('limits', 'm5.*', '--format', 'json');
    expect(parseJson<unknown[]>(fam.out).length).toBeGreaterThan(5);
    const bad = await cli('limits', 'm5.lrge');
    expect(bad.code).toBe(2);
    expect(bad.err).toContain('did you mean m5.large?');
  });

  it('schema: a JSON Schema describing the scenario file', async () => {
    const { code, out } = await cli('schema');
    expect(code).toBe(0);
    const s = parseJson<{ properties: { nodeGroups: { type: string } }; required: string[] }>(out);
    expect(s.properties.nodeGroups.type).toBe('array');
    expect(s.required).toEqual(expect.arrayContaining(['duration', 'nodeGroups']));
  });
});

describe('the installed binary', () => {
  const bin = 'dist/warmpool-sim.mjs';
  it.skipIf(!existsSync(bin))('runs the default scenario and exits 0', () => {
    const out = execFileSync('node', [bin, 'run', 'scenarios/default.yaml'], { encoding: 'utf8' });
    expect(out).toContain('scenario "default"');
  });
  it.skipIf(!existsSync(bin))('exits 2 on a bad file, with no stack trace', () => {
    const r = spawnSync('node', [bin, 'run', 'test/fixtures/bad.yaml'], { encoding: 'utf8' });
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('bad.yaml:4:19');
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });
  it.skipIf(!existsSync(bin))("prints package.json's version for --version, as the reports do", () => {
    const { version } = parseJson<{ version: string }>(readFileSync('package.json', 'utf8'));
    expect(execFileSync('node', [bin, '--version'], { encoding: 'utf8' }).trim()).toBe(version);
    const report = parseJson<RunReport>(
      execFileSync('node', [bin, 'run', 'scenarios/default.yaml', '--format', 'json'], { encoding: 'utf8' }),
    );
    expect(report.tool.version).toBe(version);
  });
  it.skipIf(!existsSync(bin))('prints help with every command', () => {
    const out = execFileSync('node', [bin, '--help'], { encoding: 'utf8' });
    for (const c of ['run', 'validate', 'limits', 'schema']) expect(out).toContain(`warmpool-sim ${c}`);
  });
});
