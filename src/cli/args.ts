/**
 * Flag values settled before any work starts: whole-number flags are read from the text the user typed (so a
 * message can quote it) and checked against their range while yargs parses, so a bad value stops the command
 * before a file is written or a run starts.
 */
import { UsageError } from './io.js';

/** Largest seed: seeds are whole numbers from 0 to 2^32 - 1. */
export const SEED_MAX = 2 ** 32 - 1;

/** Reads a whole number from a flag's text, or throws a {@link UsageError} quoting that text. */
export function parseWhole(flag: string, value: unknown, min: number, max: number = Number.MAX_SAFE_INTEGER): number {
  if (Array.isArray(value)) throw new UsageError(`--${flag} is given more than once; give it once`);
  const text = typeof value === 'string' ? value : String(value);
  const range = max === Number.MAX_SAFE_INTEGER ? `${min} or more` : `from ${min} to ${max}`;
  const trimmed = text.trim();
  if (!/^\d+$/.test(trimmed) || Number(trimmed) < min || Number(trimmed) > max)
    throw new UsageError(`--${flag} must be a whole number ${range}; got "${text}"`);
  return Number(trimmed);
}

/** A yargs option spec for a whole-number flag: needs a value, which is checked (and quoted) while parsing. */
export function wholeOption(flag: string, describe: string, min: number, max?: number) {
  return {
    type: 'string' as const,
    requiresArg: true,
    describe,
    coerce: (v: unknown): number => parseWhole(flag, v, min, max),
  };
}

/** A yargs option spec for a seed (0 to 2^32 - 1). */
export function seedOption(flag: string, describe: string) {
  return wholeOption(flag, `${describe} (a whole number from 0 to ${SEED_MAX})`, 0, SEED_MAX);
}
