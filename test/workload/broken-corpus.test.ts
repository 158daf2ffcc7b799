/**
 * The corpus of broken inputs: every file under test/fixtures/broken/ is validated as a user would
 * (`warmpool-sim validate --max-memory 16GB <file>`), and its exit code and output must be exactly those in the
 * sibling .expected file. BROKEN_UPDATE=1 rewrites the .expected files (review the diff before committing).
 */
import { describe, expect, it } from 'vitest';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cli } from '../cli/helpers.js';

const dir = 'test/fixtures/broken';
const inputs = readdirSync(dir)
  .filter((f) => /\.(ya?ml|json)$/.test(f))
  .sort();

/** What a user sees: the exit code, then stderr, then stdout. */
async function seen(file: string): Promise<string> {
  const r = await cli(['validate', '--max-memory', '16GB', `${dir}/${file}`]);
  return `exit ${r.code}\n${r.stderr}${r.stdout}`;
}

describe('broken inputs', () => {
  it('has a large corpus, one expected answer per input', () => {
    expect(inputs.length).toBeGreaterThanOrEqual(60);
  });

  it.each(inputs)('%s gives exactly its expected message', async (file) => {
    const expectedFile = `${dir}/${file.replace(/\.(ya?ml|json)$/, '.expected')}`;
    const out = await seen(file);
    if (process.env.BROKEN_UPDATE) writeFileSync(expectedFile, out);
    expect(out).toBe(readFileSync(expectedFile, 'utf8'));
    expect(out).not.toMatch(/internal error|this is a bug|\n\s+at /);
  });
});
