import { describe, expect, it } from 'vitest';
import { barLine, createProgress, formatEta, statusText } from '../../src/cli/progress.js';
import type { Io } from '../../src/cli/io.js';

function capture(isTty: boolean): { io: Io; out: () => string; err: () => string } {
  let out = '';
  let err = '';
  return {
    io: { stdout: (s) => void (out += s), stderr: (s) => void (err += s), isTty },
    out: () => out,
    err: () => err,
  };
}

describe('progress', () => {
  it('formats rate and ETA', () => {
    expect(statusText('sweep', 50, 200, 10_000)).toBe('sweep 50/200 (25%) 5.0 runs/s, ETA 30s');
    expect(statusText('sweep', 0, 10, 0)).toBe('sweep 0/10 (0%) 0.0 runs/s, ETA ?');
    expect(formatEta(3_725_000)).toBe('1h02m');
    expect(formatEta(245_000)).toBe('4m05s');
  });

  it('redraws a bar on a terminal, at most every 100 ms, on stderr only', () => {
    let now = 0;
    const c = capture(true);
    const p = createProgress(c.io, 4, 'sweep', () => now);
    now = 50;
    p.tick(); // too soon after the start: no redraw
    expect(c.err()).toBe('');
    now = 200;
    p.tick();
    expect(c.err()).toBe('\r[##############..............] sweep 2/4 (50%) 10.0 runs/s, ETA 0s\x1b[K');
    now = 400;
    p.tick();
    p.tick();
    p.finish();
    expect(c.err().endsWith('\r[############################] sweep 4/4 (100%) 10.0 runs/s, ETA 0s\x1b[K\n')).toBe(
      true,
    );
    expect(c.out()).toBe('');
  });

  it('prints plain lines at most every 10 s when stderr is not a terminal', () => {
    let now = 0;
    const c = capture(false);
    const p = createProgress(c.io, 100, 'sweep', () => now);
    for (let k = 1; k <= 99; k++) {
      now = k * 500; // a run every 0.5 s
      p.tick();
    }
    p.tick();
    p.finish();
    const lines = c.err().trim().split('\n');
    // Lines at 10 s, 20 s, ..., 40 s (runs 20, 40, 60, 80), then the final line.
    expect(lines).toEqual([
      'sweep 20/100 (20%) 2.0 runs/s, ETA 40s',
      'sweep 40/100 (40%) 2.0 runs/s, ETA 30s',
      'sweep 60/100 (60%) 2.0 runs/s, ETA 20s',
      'sweep 80/100 (80%) 2.0 runs/s, ETA 10s',
      'sweep 100/100 runs done in 49.5s',
    ]);
    expect(c.err()).not.toContain('\r');
  });
});

describe('progress bar width', () => {
  it('fits a 60-column terminal (and narrower ones) without wrapping', () => {
    for (const columns of [60, 40, 20, 8]) {
      let now = 0;
      const c = capture(true);
      const p = createProgress(
        c.io,
        2000,
        'sweep',
        () => now,
        () => columns,
      );
      now = 150;
      p.tick();
      now = 1_000_000;
      for (let i = 1; i < 2000; i++) p.tick();
      p.finish();
      const lines = c
        .err()
        .split('\r')
        .filter(Boolean)
        .map((l) => l.replace('\x1b[K', '').replace('\n', ''));
      expect(lines.length).toBeGreaterThan(0);
      for (const l of lines) expect(l.length, `${columns} columns: "${l}"`).toBeLessThan(columns);
    }
  });

  it('keeps the bar at 60 columns, narrowed, and drops it before the figures when there is no room', () => {
    expect(barLine('sweep 50/200 (25%) 5.0 runs/s, ETA 30s', 50, 200, 60)).toBe(
      '[#####.............] sweep 50/200 (25%) 5.0 runs/s, ETA 30s',
    );
    expect(barLine('sweep 50/200 (25%) 5.0 runs/s, ETA 30s', 50, 200, 40)).toBe('sweep 50/200 (25%) ETA 30s');
    expect(barLine('sweep 50/200 (25%) 5.0 runs/s, ETA 30s', 50, 200, 200)).toMatch(/^\[#{7}\.{21}\] sweep/);
  });
});
