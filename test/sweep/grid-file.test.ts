import { describe, expect, it } from 'vitest';
import { parseGridText } from '../../src/sweep/grid-file.js';
import { formatProblem } from '../../src/workload/problems.js';
import { combineSpec, dimsFromFlags, relocate, siteFinder } from '../../src/sweep/plan.js';

describe('grid file', () => {
  it('reads set, sample, seeds and seedBase', () => {
    const { spec, problems } = parseGridText(
      [
        'seeds: 5',
        'seedBase: 100',
        'set:',
        '  WARM_IP_TARGET: [0, 2]',
        '  "nodeGroups[0].count": { min: 1, max: 3 }',
        '  duration: 10m',
        'sample:',
        '  count: 4',
        '  ranges:',
        '    MINIMUM_IP_TARGET: { min: 0, max: 50, step: 10 }',
      ].join('\n'),
      'g.yaml',
    );
    expect(problems).toEqual([]);
    expect(spec.seeds).toBe(5);
    expect(spec.seedBase).toBe(100);
    expect(spec.set.map((d) => [d.name, d.values])).toEqual([
      ['WARM_IP_TARGET', [0, 2]],
      ['nodeGroups[0].count', [1, 2, 3]],
      ['duration', ['10m']],
    ]);
    expect(spec.set[0].sites[1]).toMatchObject({ file: 'g.yaml', line: 4, col: 23, path: 'set.WARM_IP_TARGET[1]' });
    expect(spec.sample).toMatchObject({ count: 4, seed: 1 });
    expect(spec.sample?.dims[0].values).toEqual([0, 10, 20, 30, 40, 50]);
  });

  it('reports every problem at once, located, in file order', () => {
    const text = [
      'seeds: 0', //                                    1
      'set:', //                                        2
      '  WARM_IP_TAGRET: [0, 2]', //                    3 misspelled name
      '  MINIMUM_IP_TARGET: [0, 5, 0]', //               4 duplicate
      '  "nodeGroups[0].count": { min: 5, max: 1 }', // 5 empty range
      '  WARM_ENI_TARGET: []', //                       6 empty list
      'sampel: {}', //                                  7 unknown key
    ].join('\n');
    const { problems } = parseGridText(text, 'g.yaml');
    expect(problems.map(formatProblem)).toEqual([
      'g.yaml:1:8: error: seeds: expected a whole number >= 1, got 0',
      'g.yaml:3:3: error: set.WARM_IP_TAGRET: unknown ipamd variable "WARM_IP_TAGRET"; did you mean WARM_IP_TARGET? (name an ipamd variable such as WARM_IP_TARGET or a scenario path such as nodeGroups[0].count)',
      'g.yaml:4:29: error: set.MINIMUM_IP_TARGET[2]: value 0 is listed twice',
      'g.yaml:5:26: error: set.nodeGroups[0].count: range: max (1) is below min (5)',
      'g.yaml:6:20: error: set.WARM_ENI_TARGET: the list of values is empty',
      'g.yaml:7:1: error: sampel: unknown field "sampel"; did you mean "sample"?',
    ]);
  });

  it('rejects YAML syntax errors and a setting both set and sampled', () => {
    expect(parseGridText('set: [1, 2', 'g.yaml').problems[0]).toMatchObject({
      file: 'g.yaml',
      line: 1,
      severity: 'error',
    });
    const both = parseGridText(
      'set: { WARM_IP_TARGET: 1 }\nsample: { count: 2, ranges: { WARM_IP_TARGET: [1, 2] } }',
      'g.yaml',
    );
    expect(both.problems.map((p) => p.message)).toEqual([
      expect.stringContaining('both in "set" and in "sample.ranges"'),
    ]);
    expect(parseGridText('sample: { ranges: { foo: 1 } }', 'g.yaml').problems.map((p) => p.message)).toEqual([
      'missing "count" (how many combinations to draw)',
      expect.stringContaining('unknown setting "foo"'),
      expect.stringContaining('expected a list of values or a range'),
    ]);
  });
});

describe('--set flags and problem locations', () => {
  it('reads flags, reporting each bad one', () => {
    const r = dimsFromFlags([
      'WARM_IP_TARGET=0,2',
      'nodeGroups[0].count=1..3',
      'WARM_IP_TARGET=5',
      'NOPE=1',
      'novalue',
      { option: '--b-set', text: 'MAX_ENI=,' },
    ]);
    expect(r.dims.map((d) => [d.name, d.values])).toEqual([
      ['WARM_IP_TARGET', [0, 2]],
      ['nodeGroups[0].count', [1, 2, 3]],
    ]);
    expect(r.problems.map(formatProblem)).toEqual([
      expect.stringMatching(/^--set WARM_IP_TARGET=5: error: WARM_IP_TARGET: WARM_IP_TARGET is set twice/),
      expect.stringMatching(/^--set NOPE=1: error: NOPE: unknown ipamd variable "NOPE"/),
      expect.stringMatching(/^--set novalue: error: expected NAME=VALUES/),
      expect.stringMatching(/^--b-set MAX_ENI=,: error: MAX_ENI: empty value/),
    ]);
  });

  it('lets a flag replace the grid file values of the same setting', () => {
    const file = parseGridText('set: { WARM_IP_TARGET: [0, 2], MAX_ENI: [2] }', 'g.yaml').spec;
    const { spec } = combineSpec(file, dimsFromFlags(['WARM_IP_TARGET=7']).dims);
    expect(spec.set.map((d) => [d.name, d.values])).toEqual([
      ['WARM_IP_TARGET', [7]],
      ['MAX_ENI', [2]],
    ]);
  });

  it('moves a scenario problem to where the swept value was written', () => {
    const spec = parseGridText('set:\n  WARM_IP_TARGET: [0, -5]', 'g.yaml').spec;
    const point = { index: 1, settings: [{ name: 'WARM_IP_TARGET', value: -5 }] };
    const written = new Map([['WARM_IP_TARGET', ['ipamd.WARM_IP_TARGET']]]);
    const p = {
      file: 's.yaml',
      line: 9,
      col: 3,
      path: 'ipamd.WARM_IP_TARGET',
      message: 'ipamd reads "-5" as 0',
      severity: 'warning' as const,
    };
    expect(formatProblem(relocate(p, point, written, siteFinder(spec)))).toBe(
      'g.yaml:2:23: warning: set.WARM_IP_TARGET[1]: WARM_IP_TARGET=-5: ipamd reads "-5" as 0',
    );
    const other = { ...p, path: 'duration', message: 'too short' };
    expect(formatProblem(relocate(other, point, written, siteFinder(spec)))).toBe(
      's.yaml:9:3: warning: duration: too short (with WARM_IP_TARGET=-5)',
    );
  });
});
