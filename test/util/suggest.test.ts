import { describe, expect, it } from 'vitest';
import { closest, editDistance } from '../../src/util/suggest.js';

describe('suggestions', () => {
  it('finds the closest name', () => {
    expect(editDistance('kitten', 'sitting')).toBe(3);
    expect(closest('WARM_IP_TARGETS', ['WARM_IP_TARGET', 'WARM_ENI_TARGET'])).toBe('WARM_IP_TARGET');
    expect(closest('totally-different', ['WARM_IP_TARGET'])).toBeUndefined();
  });
});
