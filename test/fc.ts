/** fast-check settings shared by property tests: a fixed seed under CI (printed on failure), random locally. */
import fc from 'fast-check';

const seed = process.env.FC_SEED ? Number(process.env.FC_SEED) : process.env.CI ? 20261127 : undefined;

/** Parameters for fc.assert: the seed (fixed on CI) and a run count. */
export function fcParams(numRuns: number): fc.Parameters<unknown> {
  return { numRuns, ...(seed !== undefined ? { seed } : {}) };
}
