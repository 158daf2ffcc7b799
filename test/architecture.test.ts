/** Holds the layering and determinism rules of the design: one-way imports; no ambient entropy outside cli/. */
import { describe, expect, it } from 'vitest';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, normalize } from 'node:path';

const LAYERS = [
  'util',
  'engine',
  'aws',
  'ipam',
  'kubelet',
  'vpcrc',
  'workload',
  'import',
  'report',
  'sweep',
  'run',
  'cli',
];

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? files(p) : p.endsWith('.ts') ? [p] : [];
  });
}

const sources = files('src');

describe('architecture', () => {
  it('imports point one way: util <- engine <- aws <- ipam <- kubelet <- vpcrc <- workload <- import <- report <- sweep <- run <- cli', () => {
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

  it('has no import cycles, type-only imports included', () => {
    const edges = new Map<string, string[]>();
    for (const f of sources) {
      const targets = [...readFileSync(f, 'utf8').matchAll(/(?:from|import) '(\.{1,2}\/[^']+)\.js'/g)].map((m) =>
        normalize(join(dirname(f), m[1] + '.ts')),
      );
      edges.set(f, [...new Set(targets)]);
    }
    const cycles: string[] = [];
    const state = new Map<string, 'open' | 'done'>();
    const visit = (f: string, path: string[]): void => {
      if (state.get(f) === 'done') return;
      if (state.get(f) === 'open') {
        cycles.push([...path.slice(path.indexOf(f)), f].join(' -> '));
        return;
      }
      state.set(f, 'open');
      for (const t of edges.get(f) ?? []) visit(t, [...path, f]);
      state.set(f, 'done');
    };
    for (const f of sources) visit(f, []);
    expect(cycles).toEqual([]);
  });
});
