/**
 * Fuzzing the command line: random flag lists for every command always get exit 0 or 2 with a message, never a
 * stack trace or "internal error", and never write outside the temporary folder they name.
 */
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { cli, fixture, tempDir } from '../cli/helpers.js';
import { fcParams } from '../fc.js';
import { expectCleanAnswer } from './helpers.js';

const dir = tempDir();
const tiny = fixture('tiny.yaml');
const grid = fixture('tiny-grid.yaml');

const FLAGS = [
  '--seed',
  '--format',
  '--out',
  '--events',
  '--html',
  '--csv',
  '--sample-every',
  '--node-series',
  '--force',
  '--set',
  '--grid',
  '--seeds',
  '--seed-base',
  '--workers',
  '--resume',
  '--shard',
  '--dry-run',
  '--slo',
  '--help',
  '--version',
  '-x',
  '--sed',
  '--',
];
/** Values: plausible, borderline and junk; every path is inside the temp folder or an input (which must be refused). */
const VALUES = [
  '1',
  '0',
  '-1',
  '1e30',
  'abc',
  'NaN',
  '',
  'json',
  'xml',
  'text',
  '10s',
  '0s',
  'WARM_IP_TARGET=0,1',
  'WARM_IP_TARGET=',
  'NOPE=1',
  '1/2',
  '3/2',
  'p99<5s',
  'p99<',
  '-',
  dir,
  tiny,
  grid,
  join(dir, 'a.json'),
  join(dir, 'b.html'),
  join(dir, 'c.csv'),
  join(dir, 'r.jsonl'),
];
const COMMANDS: string[][] = [
  ['run', tiny],
  ['validate', tiny],
  ['limits', 'm5.large'],
  ['schema'],
  ['sweep', tiny, '--seeds', '1', '--workers', '1'],
  ['compare', tiny, '--seeds', '2', '--workers', '1'],
  ['recommend', tiny, '--slo', 'p99<1h', '--seeds', '1', '--workers', '1'],
  ['merge'],
  ['report-sweep'],
  ['nosuch'],
  [],
];

const argv = fc
  .tuple(
    fc.constantFrom(...COMMANDS),
    fc.array(fc.oneof(fc.constantFrom(...FLAGS), fc.constantFrom(...VALUES)), { maxLength: 5 }),
  )
  .map(([cmd, rest]) => [...cmd, ...rest])
  // A sweep over a random --set with many seeds would only test patience.
  .filter((a) => !a.includes('--seeds') || a.filter((x) => x === '--seeds').length === 1);

describe('fuzz: the command line', () => {
  // Relative names among the values (abc, json, ...) become files: keep them in the temp folder.
  const home = process.cwd();
  beforeAll(() => process.chdir(dir));
  afterAll(() => process.chdir(home));

  it('answers random flag lists with exit 0 or 2 and a message, never a stack trace', async () => {
    await fc.assert(
      fc.asyncProperty(argv, async (a) => {
        const r = await cli(a);
        expectCleanAnswer(r, `warmpool-sim ${a.join(' ')}`);
      }),
      { ...fcParams(120), timeout: 60_000 },
    );
  });
});
