import { describe, expect, it } from 'vitest';
import { diffJson, diffLines } from './diff.js';

describe('golden diff', () => {
  it('names the paths of changed, added and removed fields', () => {
    const d = diffJson({ a: 1, b: { c: [1, 2] }, gone: true }, { a: 1, b: { c: [1, 3, 4] }, added: 'x' });
    expect(d).toEqual([
      'b.c.length: was 2, now 3',
      'b.c[1]: was 2, now 3',
      'gone: was true, now absent',
      'added: was absent, now "x"',
    ]);
  });
  it('is empty for equal values and counts what it leaves out', () => {
    expect(diffJson({ a: [1, { b: 2 }] }, { a: [1, { b: 2 }] })).toEqual([]);
    const many = diffJson(
      Array.from({ length: 30 }, () => 0),
      Array.from({ length: 30 }, () => 1),
    );
    expect(many).toHaveLength(21);
    expect(many[20]).toBe('... and 10 more');
  });
  it('tells lines apart', () => {
    expect(diffLines('a\nb\nc', 'a\nB\nc\nd')).toEqual(['line 2: was "b", now "B"', 'line 4: was absent, now "d"']);
  });
});
