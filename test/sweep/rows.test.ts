import { describe, expect, it } from 'vitest';
import { makeRow, mergeRows, parseResults, rowLine } from '../../src/sweep/rows.js';
import { summarise } from '../../src/sweep/summary.js';
import type { RunFigures, SweepRow } from '../../src/sweep/types.js';

const fig = (p99: number, idleMean: number, ec2Calls = 10, neverStarted = 0): RunFigures => ({
  p50: 0,
  p90: 0,
  p99,
  max: p99,
  mean: 0,
  idleMean,
  attachedPeak: 0,
  ec2Calls,
  failedAddAttempts: 0,
  neverStarted,
  started: 5,
});
const scen = { name: 'tiny', sha256: 'abc' };
const row = (point: number, v: number, seed: number, f = fig(1000, 1)): SweepRow =>
  makeRow({ index: point, settings: [{ name: 'WARM_IP_TARGET', value: v }] }, seed, f, scen);

describe('results file text', () => {
  const rows = [row(0, 0, 1), row(0, 0, 2), row(1, 5, 1)];
  const text = rows.map(rowLine).join('');

  it('reads back what it writes', () => {
    expect(parseResults(text, 'r.jsonl')).toEqual({
      rows,
      problems: [],
      keepBytes: Buffer.byteLength(text),
      truncated: false,
      needsNewline: false,
    });
  });

  it('drops a last line cut short by a kill, and keeps the bytes before it', () => {
    const cut = text.slice(0, text.length - 25);
    const r = parseResults(cut, 'r.jsonl');
    expect(r.rows).toEqual(rows.slice(0, 2));
    expect(r.truncated).toBe(true);
    expect(r.problems).toEqual([]);
    expect(r.keepBytes).toBe(Buffer.byteLength(rowLine(rows[0]) + rowLine(rows[1])));
  });

  it('keeps a whole last row that lacks its newline', () => {
    const r = parseResults(text.slice(0, -1), 'r.jsonl');
    expect(r.rows).toEqual(rows);
    expect(r.needsNewline).toBe(true);
  });

  it('reports a bad line in the middle with its line number', () => {
    const lines = text.split('\n');
    lines.splice(1, 0, '{"tool":"warmpool-sim","kind":"sweep-run"}');
    const r = parseResults(lines.join('\n'), 'r.jsonl');
    expect(r.problems).toHaveLength(1);
    expect(r.problems[0]).toMatchObject({ file: 'r.jsonl', line: 2, severity: 'error' });
    expect(r.problems[0].message).toContain('not a warmpool-sim result row');
    expect(parseResults('hello\n', 'x').problems[0].message).toContain('not a JSON line');
  });
});

describe('merging', () => {
  it('drops duplicates and sorts by point and seed', () => {
    const a = [row(1, 5, 1), row(0, 0, 2)];
    const b = [row(0, 0, 1), row(0, 0, 2)];
    const m = mergeRows([
      { file: 'a', rows: a },
      { file: 'b', rows: b },
    ]);
    expect(m.problems).toEqual([]);
    expect(m.rows.map((r) => [r.point, r.seed])).toEqual([
      [0, 1],
      [0, 2],
      [1, 1],
    ]);
  });

  it('refuses conflicting figures and mixed scenarios', () => {
    const other = row(0, 0, 1, fig(2000, 1));
    expect(
      mergeRows([
        { file: 'a', rows: [row(0, 0, 1)] },
        { file: 'b', rows: [other] },
      ]).problems[0].message,
    ).toContain('other figures');
    const foreign = { ...row(0, 0, 3), scenario: { name: 'tiny', sha256: 'def' } };
    expect(
      mergeRows([
        { file: 'a', rows: [row(0, 0, 1)] },
        { file: 'b', rows: [foreign] },
      ]).problems[0].message,
    ).toContain('holds runs of scenario');
  });
});

describe('summary', () => {
  it('aggregates seeds per settings combination and marks the Pareto front', () => {
    const rows = [
      row(0, 0, 1, fig(1000, 4)),
      row(0, 0, 2, fig(3000, 6)),
      row(1, 2, 1, fig(2000, 2)),
      row(1, 2, 2, fig(2000, 2)),
      row(2, 5, 1, fig(3000, 5)),
      row(2, 5, 2, fig(3000, 7)), // dominated by point 0 (same p99 mean 2000? no: 3000 > 2000)
    ];
    const s = summarise([...rows].reverse());
    expect(s.map((r) => r.point)).toEqual([0, 1, 2]);
    expect(s[0]).toMatchObject({
      runs: 2,
      settings: { WARM_IP_TARGET: 0 },
      p99: { mean: 2000 },
      idleMean: { mean: 5 },
    });
    // p99 over [1000, 3000]: mean 2000, s = 1414.21, t(1) = 12.7062: half-width 12706.2.
    expect(s[0].p99.lo).toBeCloseTo(2000 - 12706.2047, 3);
    expect(s.map((r) => r.pareto)).toEqual([false, true, false]);
  });
});
