/** Shared checks of the fuzz tests: what any answer of the CLI to any input must look like. */
import { expect } from 'vitest';
import type { CliResult } from '../cli/helpers.js';

/** A stack frame line as Node prints it. */
const STACK = /^\s+at .+(\(|:\d+:\d+)/m;

/** The CLI answered as it promises: exit 0 or 2, no stack trace, no "internal error"; a 2 says why. */
export function expectCleanAnswer(r: CliResult, what: string): void {
  const where = `${what}\nexit ${r.code}\nstderr: ${r.stderr.slice(0, 2000)}`;
  expect([0, 2], where).toContain(r.code);
  expect(r.stderr, where).not.toMatch(STACK);
  expect(r.stderr, where).not.toContain('internal error');
  if (r.code === 2) expect(r.stderr.trim().length, where).toBeGreaterThan(0);
}
