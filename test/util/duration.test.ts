import { describe, expect, it } from 'vitest';
import { formatDuration, parseDuration } from '../../src/util/duration.js';

describe('durations', () => {
  it.each([
    ['500ms', 500],
    ['90s', 90_000],
    ['1m30s', 90_000],
    ['2h', 7_200_000],
    ['1.5m', 90_000],
    [45, 45_000],
    ['45', 45_000],
    ['1h2m3s4ms', 3_723_004],
  ])('parses %s', (text, ms) => expect(parseDuration(text)).toBe(ms));

  it.each(['', 'abc', '5 minutes', '-3s', '1x', 'm5'])('rejects %j', (text) =>
    expect(parseDuration(text)).toBeUndefined(),
  );

  it('formats compactly', () => {
    expect(formatDuration(0)).toBe('0ms');
    expect(formatDuration(1500)).toBe('1.50s');
    expect(formatDuration(125_000)).toBe('2m05s');
    expect(formatDuration(7_260_000)).toBe('2h01m');
  });
});
