import { describe, expect, it } from 'vitest';
import {
  applySetting,
  formatValue,
  parsePath,
  parseScalar,
  pointEdits,
  resolveSettingName,
} from '../../src/sweep/settings.js';
import { expandRange, parseValueList } from '../../src/sweep/values.js';

describe('setting names', () => {
  it('knows ipamd variables and scenario paths', () => {
    expect(resolveSettingName('WARM_IP_TARGET')).toEqual({ target: { kind: 'env', name: 'WARM_IP_TARGET' } });
    expect(resolveSettingName('nodeGroups[0].count')).toEqual({
      target: { kind: 'path', path: ['nodeGroups', 0, 'count'] },
    });
    expect(resolveSettingName('duration')).toEqual({ target: { kind: 'path', path: ['duration'] } });
    expect(resolveSettingName('model.ipamd.timers.loopInterval')).toHaveProperty('target.path', [
      'model',
      'ipamd',
      'timers',
      'loopInterval',
    ]);
  });

  it('suggests the closest name for a misspelling', () => {
    expect(resolveSettingName('WARM_IP_TAGRET')).toHaveProperty(
      'error',
      expect.stringContaining('did you mean WARM_IP_TARGET?'),
    );
    expect(resolveSettingName('nodeGroup[0].count')).toHaveProperty(
      'error',
      expect.stringContaining('did you mean "nodeGroups"?'),
    );
    expect(resolveSettingName('seed')).toHaveProperty('error', expect.stringContaining('--seeds'));
    expect(resolveSettingName('nodeGroups[0]count')).toHaveProperty(
      'error',
      expect.stringContaining('not a scenario path'),
    );
  });

  it('parses paths and rejects malformed ones', () => {
    expect(parsePath('a.b[2].c')).toEqual(['a', 'b', 2, 'c']);
    expect(parsePath('a[1][2]')).toEqual(['a', 1, 2]);
    for (const bad of ['', '.a', 'a.', 'a..b', '[0]', 'a.[0]', 'a[x]']) expect(parsePath(bad)).toBeUndefined();
  });
});

describe('applying settings', () => {
  it('sets an ipamd variable cluster-wide and in every group override of it', () => {
    const raw: Record<string, unknown> = { nodeGroups: [{ name: 'a', ipamd: { WARM_IP_TARGET: 9 } }, { name: 'b' }] };
    expect(applySetting(raw, { kind: 'env', name: 'WARM_IP_TARGET' }, 2)).toEqual({
      written: ['ipamd.WARM_IP_TARGET', 'nodeGroups[0].ipamd.WARM_IP_TARGET'],
    });
    expect(raw).toEqual({
      ipamd: { WARM_IP_TARGET: 2 },
      nodeGroups: [{ name: 'a', ipamd: { WARM_IP_TARGET: 2 } }, { name: 'b' }],
    });
  });

  it('creates missing mappings but never list items', () => {
    const raw: Record<string, unknown> = { nodeGroups: [{ count: 1 }] };
    expect(applySetting(raw, { kind: 'path', path: ['model', 'ipamd', 'placement'] }, 'first-fit')).toEqual({
      written: ['model.ipamd.placement'],
    });
    expect(raw.model).toEqual({ ipamd: { placement: 'first-fit' } });
    const errorOf = (r: ReturnType<typeof applySetting>) => ('error' in r ? r.error : undefined);
    expect(errorOf(applySetting(raw, { kind: 'path', path: ['nodeGroups', 2, 'count'] }, 3))).toContain('has 1 item');
    expect(errorOf(applySetting(raw, { kind: 'path', path: ['nodeGroups', 0, 'count', 'x'] }, 3))).toContain(
      'not a mapping',
    );
  });

  it('records what each edit wrote and what failed', () => {
    const pe = pointEdits([
      { name: 'WARM_ENI_TARGET', value: 0 },
      { name: 'nodeGroups[4].count', value: 2 },
    ]);
    const raw: Record<string, unknown> = { nodeGroups: [{}] };
    for (const e of pe.edits) e(raw);
    expect(pe.written.get('WARM_ENI_TARGET')).toEqual(['ipamd.WARM_ENI_TARGET']);
    expect(pe.errors.get('nodeGroups[4].count')).toContain('does not exist');
  });
});

describe('values', () => {
  it('reads scalars as YAML would, with "..." forcing a string', () => {
    expect(['5', '-2', '1.5', 'true', 'false', 'abc', '"5"', '5m'].map(parseScalar)).toEqual([
      5,
      -2,
      1.5,
      true,
      false,
      'abc',
      '5',
      '5m',
    ]);
    expect(['5', 'true', 'abc', ''].map((v) => formatValue(parseScalar(v === 'abc' ? v : `"${v}"`)))).toEqual([
      '"5"',
      '"true"',
      'abc',
      '""',
    ]);
  });

  it('expands lists and ranges', () => {
    expect(parseValueList('0,2,5')).toEqual({ values: [0, 2, 5] });
    expect(parseValueList('0..30:10,45')).toEqual({ values: [0, 10, 20, 30, 45] });
    expect(parseValueList('0.5..1.5:0.5')).toEqual({ values: [0.5, 1, 1.5] });
    expect(parseValueList('"a,b",c')).toEqual({ values: ['a,b', 'c'] });
    expect(parseValueList('1,,2')).toHaveProperty('error', expect.stringContaining('empty'));
    expect(parseValueList('1,2,1')).toHaveProperty('error', expect.stringContaining('twice'));
    expect(parseValueList('5..1')).toHaveProperty('error', expect.stringContaining('below min'));
    expect(expandRange({ min: 0, max: 1e9 })).toHaveProperty('error', expect.stringContaining('at most'));
    expect(expandRange({ min: 0, max: 3, step: 0 })).toHaveProperty('error', expect.stringContaining('step'));
  });
});
