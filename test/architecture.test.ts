/** Holds the layering and determinism rules of the design: one-way imports; no ambient entropy outside cli/. */
import { describe, expect, it } from 'vitest';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

const LAYERS = ['engine', 'aws', 'ipam', 'kubelet', 'workload', 'report', 'sweep', 'run', 'cli'];

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? files(p) : p.endsWith('.ts') ? [p] : [];
  });
}

const sources = files('src');

describe('architecture', () => {
  it('imports point one way: engine <- aws <- ipam <- kubelet <- workload <- report <- sweep <- run <- cli', () => {
    const bad: string[] = [];
    for (const f of sources) {
      const layer = f.split('/')[1];
      const li = LAYERS.indexOf(layer);
      if (li < 0) continue; // src/index.ts
      for (const m of readFileSync(f, 'utf8').matchAll(/from '\.\.\/([a-z]+)\//g)) {
        const target = LAYERS.indexOf(m[1]);
        if (target > li) bad.push(`${f} imports ${m[1]}`);
      }
    }
    expect(bad).toEqual([]);
  });

  it('keeps the core deterministic: no clock, Math.random, timers or env outside src/cli', () => {
    const bad = sources
      .filter((f) => !f.startsWith('src/cli/'))
      .flatMap((f) =>
        readFileSync(f, 'utf8')
          .split('\n')
          .map((l, i) => [l, i] as const)
          .filter(([l]) =>
            /Math\.random|Date\.now|performance\.now|new Date\(|setTimeout|setInterval|process\.env/.test(l),
          )
          .map(([, i]) => `${f}:${i + 1}`),
      );
    expect(bad).toEqual([]);
  });
});
