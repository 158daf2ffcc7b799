import { describe, expect, it } from 'vitest';
import type { Comparison } from '../../src/sweep/compare.js';
import { renderComparison } from '../../src/sweep/format-results.js';

const FOOTNOTE = '"not significant": the 95% confidence interval';

function comparison(significant: boolean, identical = false): Comparison {
  return {
    seeds: [1, 2, 3],
    figures: [
      {
        figure: 'p99',
        diff: { n: 3, a: 1000, b: 2000, diff: { mean: 1000, lo: 500, hi: 1500 }, significant, identical },
      },
    ],
  } as unknown as Comparison;
}

describe('the comparison text', () => {
  it('explains "not significant" only when a row says it', () => {
    expect(renderComparison(comparison(false), 'a', 'b')).toContain(FOOTNOTE);
    expect(renderComparison(comparison(true), 'a', 'b')).not.toContain(FOOTNOTE);
    expect(renderComparison(comparison(false, true), 'a', 'b')).not.toContain(FOOTNOTE);
  });
});
