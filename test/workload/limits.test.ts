/**
 * Limits before work (issue 13, item 3): the run estimate, the refusal of what would not fit in memory, caps on
 * file size, YAML aliases, nesting and error lists, and paths printed the way the user can open them.
 */
import { describe, expect, it } from 'vitest';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { loadScenario, parseScenarioText, readScenarioText, validateScenario } from '../../src/workload/load.js';
import { describeEstimate, estimateRun, formatBytes, memoryRefusal, parseSize } from '../../src/workload/estimate.js';
import { formatProblem, formatProblems, InputError, type Problem } from '../../src/workload/problems.js';
import { cli } from '../cli/helpers.js';

const GB = 1024 ** 3;
const scenario = (yaml: string) => {
  const r = validateScenario(parseScenarioText(yaml, 's.yaml'), '.');
  if (!r.scenario) throw new Error(r.problems.map(formatProblem).join('\n'));
  return r.scenario;
};
const problems = (yaml: string): string[] =>
  validateScenario(parseScenarioText(yaml, 'bad.yaml'), '.').problems.map(formatProblem);
const tmp = (): string => mkdtempSync(join(tmpdir(), 'wps-limits-'));

describe('run estimate', () => {
  it('grows with nodes, pods alive at once and pods created, and follows scale items', () => {
    const small = estimateRun(scenario('duration: 1h\nnodeGroups: [{ name: w, instanceType: m5.large, count: 3 }]\n'));
    expect(small).toMatchObject({ peakNodes: 3, peakPods: 0, totalPods: 0, nodeSeconds: 10_800 });
    expect(small.bytes).toBeLessThan(100 * 1024 * 1024);
    const scaled = estimateRun(
      scenario(`duration: 1h
nodeGroups: [{ name: w, instanceType: m5.large, count: 3 }]
workload:
  - scale: { at: 30m, nodeGroup: w, to: 100 }
  - scale: { at: 45m, nodeGroup: w, by: -200 }
  - burst: { at: 1m, pods: 500, lifetime: 5m }
  - poisson: { from: 0s, to: 1h, ratePerMinute: 60, lifetime: 1m }
`),
    );
    expect(scaled.peakNodes).toBe(100);
    expect(scaled.nodeSeconds).toBe(3 * 1800 + 100 * 900);
    expect(scaled.totalPods).toBe(500 + 3600);
    expect(scaled.peakPods).toBe(500 + 120); // Poisson: twice rate x mean lifetime
    expect(scaled.bytes).toBeGreaterThan(small.bytes);
  });

  it('puts count: 1e7 and a Poisson rate of 1e9 a minute far beyond a 24 GB machine', () => {
    const nodes = estimateRun(
      scenario('duration: 1h\nnodeGroups: [{ name: w, instanceType: m5.large, count: 10000000 }]\n'),
    );
    expect(nodes.bytes).toBeGreaterThan(300 * GB);
    const rate = estimateRun(
      scenario(`duration: 1h
nodeGroups: [{ name: w, instanceType: m5.large, count: 3 }]
workload: [{ poisson: { from: 1m, to: 30m, ratePerMinute: 1e9 } }]
`),
    );
    expect(rate.totalPods).toBe(29e9);
    expect(rate.bytes).toBeGreaterThan(1000 * GB);
  });

  it('names the estimate and the override flags when it refuses', () => {
    const e = {
      peakNodes: 10_000_000,
      peakPods: 20,
      totalPods: 20,
      nodeSeconds: 3.6e10,
      bytes: 400 * GB,
      seconds: 9e6,
    };
    expect(memoryRefusal(e, 24 * GB, "this machine's memory")).toBe(
      "this run needs about 400 GB of memory (estimated from 10,000,000 nodes at most, 20 pods at once at most, 20 in all), more than the 24 GB of this machine's memory; make the scenario smaller, or pass --max-memory <size> or --no-limit to run it anyway",
    );
    expect(memoryRefusal({ ...e, bytes: 8 * GB }, 24 * GB, 'x', 4)).toMatch(
      /^4 runs at once need about 32 GB of memory/,
    );
    expect(memoryRefusal({ ...e, bytes: 5 * GB }, 24 * GB, 'x', 1)).toBeUndefined();
    expect(describeEstimate({ ...e, bytes: 70 * 1024 * 1024, seconds: 0.4 })).toBe(
      'about 70 MB of memory and 0.4 s (10,000,000 nodes at most, 20 pods at once at most, 20 in all)',
    );
  });

  it('reads memory sizes with binary units', () => {
    expect(parseSize('8GB')).toBe(8 * GB);
    expect(parseSize('512m')).toBe(512 * 1024 * 1024);
    expect(parseSize('1.5 GiB')).toBe(1.5 * GB);
    expect(parseSize('1000')).toBe(1000);
    for (const bad of ['', 'lots', '-1GB', '8XB', '0']) expect(parseSize(bad)).toBeUndefined();
    expect(formatBytes(1536)).toBe('1.5 KB');
  });
});

describe('refusing before work (CLI)', () => {
  const write = (text: string): string => {
    const f = join(tmp(), 'big.yaml');
    writeFileSync(f, text);
    return f;
  };

  it('run refuses count: 1e7 with exit 2, naming the estimate and the flags, before building a node', async () => {
    const f = write('duration: 1h\nnodeGroups: [{ name: w, instanceType: m5.large, count: 1e7 }]\n');
    const r = await cli(['run', f, '--max-memory', '16GB']);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe(
      `${f}: error: this run needs about 382 GB of memory (estimated from 10,000,000 nodes at most, 0 pods at once at most, 0 in all), more than the 16 GB of --max-memory 16GB; make the scenario smaller, or pass --max-memory <size> or --no-limit to run it anyway\n1 error\n`,
    );
  });

  it('run refuses a Poisson rate of 1e9 a minute against the machine memory', async () => {
    const f = write(
      'duration: 1h\nnodeGroups: [{ name: w, instanceType: m5.large, count: 3 }]\nworkload: [{ poisson: { from: 1m, to: 30m, ratePerMinute: 1e9 } }]\n',
    );
    const r = await cli(['run', f]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(
      /this run needs about \d+ TB of memory .* of this machine's memory; .* --no-limit to run it anyway/,
    );
  });

  it('a bad --max-memory is a usage error', async () => {
    const f = write('duration: 1h\nnodeGroups: [{ name: w, instanceType: m5.large, count: 3 }]\n');
    const r = await cli(['run', f, '--max-memory', 'lots']);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('warmpool-sim: --max-memory must be a size such as 512MB or 8GB; got "lots"\n');
  });

  it('sweep checks the largest grid point, times the workers', async () => {
    const f = write('duration: 1h\nnodeGroups: [{ name: w, instanceType: m5.large, count: 3 }]\n');
    const r = await cli([
      'sweep',
      f,
      '--set',
      'nodeGroups[0].count=3,3000000',
      '--workers',
      '2',
      '--max-memory',
      '16GB',
    ]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(
      /error: 2 runs at once need about 229 GB of memory \(estimated from 3,000,000 nodes at most/,
    );
  });

  it('validate prints the estimate and flags what run would refuse', async () => {
    const ok = await cli(['validate', 'scenarios/default.yaml']);
    expect(ok.code).toBe(0);
    expect(ok.stdout).toMatch(
      /^scenarios\/default\.yaml: ok\nscenarios\/default\.yaml: info: a run takes about \d+ MB of memory and [\d.]+ s \(3 nodes at most, 60 pods at once at most, 87 in all\)\n$/,
    );
    const f = write('duration: 1h\nnodeGroups: [{ name: w, instanceType: m5.large, count: 1e7 }]\n');
    const big = await cli(['validate', f, '--max-memory', '16GB']);
    expect(big.code).toBe(2);
    expect(big.stderr).toContain(`${f}: error: run refuses it: this run needs about 382 GB of memory`);
    expect((await cli(['validate', f, '--no-limit'])).code).toBe(0);
    expect((await cli(['validate', f, '--max-memory', '1TB'])).code).toBe(0);
  });
});

describe('input caps', () => {
  it('refuses a scenario over 10 MB with a located message, without reading it', () => {
    const big = 'description: "' + 'x'.repeat(11 * 1024 * 1024) + '"\n';
    expect(parseScenarioText(big, 'big.yaml').problems.map(formatProblem)).toEqual([
      'big.yaml: error: the file is 11.0 MB; a scenario is at most 10.0 MB (put long event lists in a trace CSV)',
    ]);
    const f = join(tmp(), 'big.yaml');
    writeFileSync(f, big);
    expect(() => readScenarioText(f)).toThrow(InputError);
    expect(() => loadScenario(f)).toThrow(
      `${f}: error: the file is 11.0 MB; a scenario is at most 10.0 MB (put long event lists in a trace CSV)`,
    );
  });

  it('answers a YAML alias bomb with a located error, not an internal error', async () => {
    const levels = ['a: &a [x, x, x, x, x, x, x, x, x, x]'];
    for (let i = 1; i < 9; i++) {
      const prev = String.fromCharCode(96 + i);
      levels.push(
        `${String.fromCharCode(97 + i)}: &${String.fromCharCode(97 + i)} [${Array(10).fill(`*${prev}`).join(', ')}]`,
      );
    }
    const text = levels.join('\n') + '\nduration: 1h\nnodeGroups: [{ name: w, instanceType: m5.large, count: 1 }]\n';
    expect(problems(text)).toEqual([
      "bad.yaml:2:8: error: YAML aliases expand to too much (more than 100 copies of an anchor's content): write the values out",
    ]);
    const f = join(tmp(), 'bomb.yaml');
    writeFileSync(f, text);
    const r = await cli(['run', f]);
    expect(r.code).toBe(2);
    expect(r.stderr).not.toContain('internal error');
  });

  it('caps nesting depth, flow or block, with a located error', () => {
    const head = 'duration: 1h\nnodeGroups: [{ name: w, instanceType: m5.large, count: 1 }]\n';
    expect(problems(head + 'description: ' + '['.repeat(100_000) + ']'.repeat(100_000) + '\n')).toEqual([
      'bad.yaml:3:1014: error: nested more than 64 levels deep (a scenario needs fewer than 10)',
    ]);
    const block = Array.from({ length: 80 }, (_, i) => `${'  '.repeat(i)}k${i}:`).join('\n');
    expect(problems(head + 'model:\n' + block.replace(/^/gm, '  ') + ' 1\n')).toEqual([
      'bad.yaml:67:129: error: nested more than 64 levels deep (a scenario needs fewer than 10)',
    ]);
  });

  it('prints the first 50 problems, then how many more', () => {
    const ps: Problem[] = Array.from({ length: 902 }, (_, i) => ({
      file: 't.csv',
      line: i + 1,
      col: 1,
      path: '',
      message: 'bad',
      severity: i === 901 ? 'warning' : 'error',
    }));
    const lines = formatProblems(ps);
    expect(lines).toHaveLength(51);
    expect(lines[49]).toBe('t.csv:50:1: error: bad');
    expect(lines[50]).toBe('... and 852 more (851 errors, 1 warning)');
    expect(new InputError(ps).message.split('\n')).toHaveLength(51);
  });

  it('a bad trace CSV prints 50 lines and a count; its path is the one the user can open', async () => {
    const dir = tmp();
    mkdirSync(join(dir, 'sub', 'traces'), { recursive: true });
    writeFileSync(
      join(dir, 'sub', 'traces', 'day.csv'),
      Array.from({ length: 902 }, (_, i) => `${i},start,p${i}\n`).join(''),
    );
    writeFileSync(
      join(dir, 'sub', 's.yaml'),
      'duration: 1h\nnodeGroups: [{ name: w, instanceType: m5.large, count: 1 }]\nworkload: [{ trace: traces/day.csv }]\n',
    );
    const rel = relative(process.cwd(), join(dir, 'sub', 's.yaml'));
    const r = await cli(['validate', rel]);
    const lines = r.stderr.trimEnd().split('\n');
    expect(r.code).toBe(2);
    expect(lines).toHaveLength(52);
    expect(lines[0]).toBe(
      `${join(relative(process.cwd(), dir), 'sub', 'traces', 'day.csv')}:1:3: error: action "start" must be add or delete`,
    );
    expect(lines.slice(50)).toEqual(['... and 852 more (852 errors)', '902 errors']);
  });
});
