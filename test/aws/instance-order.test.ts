import { describe, expect, it } from 'vitest';
import { compareInstanceTypes, instanceTypeNames } from '../../src/aws/instance-types.js';

describe('instance type order', () => {
  it('sorts by family, then by size, metal last', () => {
    const names = ['c6i.12xlarge', 'c6i.metal', 'c6i.2xlarge', 'c6i.large', 'c5.xlarge', 'c6i.xlarge', 't3.nano'];
    expect([...names].sort(compareInstanceTypes)).toEqual([
      'c5.xlarge',
      'c6i.large',
      'c6i.xlarge',
      'c6i.2xlarge',
      'c6i.12xlarge',
      'c6i.metal',
      't3.nano',
    ]);
  });
  it('lists every type in that order (what limits prints)', () => {
    const all = instanceTypeNames();
    const c6i = all.filter((n) => n.startsWith('c6i.'));
    expect(c6i.indexOf('c6i.2xlarge')).toBeLessThan(c6i.indexOf('c6i.12xlarge'));
    expect(all.length).toBeGreaterThan(1000);
  });
});
