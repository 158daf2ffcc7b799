import { describe, expect, it } from 'vitest';
import { clauseHolds, parseClause, parseSlo, describeSlo, judged } from '../../src/sweep/slo.js';
import { recommend } from '../../src/sweep/recommend.js';
import { makeRow } from '../../src/sweep/rows.js';
import type { RunFigures, SweepRow } from '../../src/sweep/types.js';

describe('SLO parsing', () => {
  it('reads clauses with units', () => {
    expect(parseClause('p99<5s')).toEqual({ metric: 'p99', op: '<', value: 5000, text: 'p99<5s' });
    expect(parseClause(' p90 <= 1m30s ')).toMatchObject({ metric: 'p90', op: '<=', value: 90_000 });
    expect(parseClause('neverStarted==0')).toMatchObject({ metric: 'neverStarted', op: '==', value: 0 });
    expect(parseClause('neverstarted=0')).toMatchObject({ metric: 'neverStarted', op: '==' });
    expect(parseClause('idle<3.5')).toMatchObject({ metric: 'idleMean', op: '<', value: 3.5 });
    expect(parseClause('ec2 >= 10')).toMatchObject({ metric: 'ec2Calls', op: '>=', value: 10 });
  });

  it('explains bad clauses', () => {
    expect(parseClause('p99<5')).toHaveProperty('error', expect.stringContaining('time unit'));
    expect(parseClause('p99<fast')).toHaveProperty('error', expect.stringContaining('not a duration'));
    expect(parseClause('neverStarted<5s')).toHaveProperty('error', expect.stringContaining('count'));
    expect(parseClause('p999<5s')).toHaveProperty('error', expect.stringContaining('did you mean p99?'));
    expect(parseClause('p99')).toHaveProperty('error', expect.stringContaining('not a clause'));
  });

  it('joins clauses with commas, "and" and repeated flags, reporting every error', () => {
    expect(parseSlo(['p99<5s and neverStarted==0', 'ec2<100']).clauses.map((c) => c.metric)).toEqual([
      'p99',
      'neverStarted',
      'ec2Calls',
    ]);
    expect(parseSlo(['p99<5,foo<1,p50<1s']).errors).toHaveLength(2);
    expect(parseSlo(['']).errors).toHaveLength(1);
    expect(describeSlo(parseSlo(['p99 < 5s']).clauses, 'ci')).toBe('p99<5s (on the whole 95% confidence interval)');
  });

  it('judges on the mean, the confidence interval or every run', () => {
    const c = parseClause('p99<5s');
    if ('error' in c) throw new Error(c.error);
    const values = [1000, 2000, 9000]; // mean 4000; CI upper bound far above 5000; one run above.
    expect(clauseHolds(c, values, 'mean')).toBe(true);
    expect(clauseHolds(c, values, 'ci')).toBe(false);
    expect(clauseHolds(c, values, 'every')).toBe(false);
    expect(clauseHolds(c, [1000, 1000, 1000], 'ci')).toBe(true);
    expect(judged(c, values, 'every')).toEqual({ what: 'worst run', value: 9000 });
    expect(clauseHolds(c, [], 'mean')).toBe(false);
  });
});

const fig = (p99: number, idleMean: number, neverStarted = 0): RunFigures => ({
  p50: 0,
  p90: 0,
  p99,
  max: p99,
  mean: 0,
  idleMean,
  attachedPeak: 0,
  ec2Calls: 10,
  failedAddAttempts: 0,
  neverStarted,
  started: 10,
});

function rows(point: number, name: string, perSeed: RunFigures[]): SweepRow[] {
  return perSeed.map((f, k) =>
    makeRow({ index: point, settings: [{ name: 'WARM_IP_TARGET', value: name }] }, 1 + k, f),
  );
}

describe('recommend', () => {
  const all = [
    ...rows(0, 'a', [fig(9000, 1), fig(9500, 1)]), // fails p99<5s: too slow
    ...rows(1, 'b', [fig(2000, 6), fig(2100, 6.5)]), // holds, more idle
    ...rows(2, 'c', [fig(3000, 4), fig(3100, 4.2)]), // holds, fewest idle: recommended
    ...rows(3, 'd', [fig(1000, 0.5, 2), fig(1000, 0.5, 3)]), // fails neverStarted==0
  ];
  const slo = parseSlo(['p99<5s,neverStarted==0']).clauses;

  it('picks the holding settings with the fewest idle addresses and measures the runner-up', () => {
    const r = recommend(all, slo, 'mean');
    expect(r.points).toBe(4);
    expect(r.holding.map((s) => s.point)).toEqual([2, 1]);
    expect(r.best?.settings).toEqual({ WARM_IP_TARGET: 'c' });
    // Paired by seed: 6 - 4 and 6.5 - 4.2.
    expect(r.runnerUp?.idleDiff).toMatchObject({ n: 2, diff: { mean: 2.15 } });
    expect(r.closest).toBeUndefined();
  });

  it('says when nothing holds and names the nearest miss', () => {
    const r = recommend(all, parseSlo(['p99<500ms']).clauses, 'mean');
    expect(r.best).toBeUndefined();
    expect(r.holding).toEqual([]);
    expect(r.closest?.summary.point).toBe(3);
    expect(r.closest?.missed).toEqual([{ clause: 'p99<500ms', figure: 'p99', what: 'mean', value: 1000 }]);
  });
});
