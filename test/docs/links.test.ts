/** Every relative link and #anchor in README.md, CONTRIBUTING.md and docs/*.md resolves (GitHub's anchor rules). */
import { describe, expect, it } from 'vitest';
import { existsSync } from 'node:fs';
import { dirname, join, normalize } from 'node:path';
import { ROOT, anchors, docFiles, readDoc, relativeLinks, slug } from '../../scripts/docs-lib.mjs';

/** The broken links of one doc file, as "file:line: target: why". */
function brokenLinks(file: string): string[] {
  const bad: string[] = [];
  for (const { line, target } of relativeLinks(readDoc(file))) {
    const [path, anchor] = target.split('#', 2);
    const resolved = path === '' ? file : normalize(join(dirname(file), decodeURIComponent(path)));
    if (!existsSync(join(ROOT, resolved))) {
      bad.push(`${file}:${line}: ${target}: no file ${resolved}`);
      continue;
    }
    if (anchor === undefined || anchor === '') continue;
    if (!resolved.endsWith('.md')) {
      bad.push(`${file}:${line}: ${target}: an anchor into a file that is not Markdown`);
      continue;
    }
    if (!anchors(readDoc(resolved)).has(anchor)) bad.push(`${file}:${line}: ${target}: no heading gives #${anchor}`);
  }
  return bad;
}

describe('doc links', () => {
  it('finds the doc files', () => {
    expect(docFiles()).toEqual(expect.arrayContaining(['README.md', 'CONTRIBUTING.md', 'docs/sweep.md']));
    expect(relativeLinks(readDoc('README.md')).length).toBeGreaterThan(20);
  });

  it.each(docFiles())('%s: every relative link and anchor resolves', (file) => {
    expect(brokenLinks(file)).toEqual([]);
  });

  it('slugs headings as GitHub does', () => {
    expect(slug('`warmpool-sim run <scenario>`')).toBe('warmpool-sim-run-scenario');
    expect(slug('`warmpool-sim merge` and shards')).toBe('warmpool-sim-merge-and-shards');
    expect(slug('Tuning: sweep, compare, recommend, merge')).toBe('tuning-sweep-compare-recommend-merge');
    expect(slug('Example scenarios (`scenarios/`)')).toBe('example-scenarios-scenarios');
    expect(slug('Snake_case and  two spaces')).toBe('snake_case-and--two-spaces');
    expect(slug('[A link](x.md) heading')).toBe('a-link-heading');
  });

  it('numbers repeated headings and skips headings inside code blocks', () => {
    const text = '# Usage\n\n## Usage\n\n```sh\n# not a heading\n```\n\n### Usage\n';
    expect([...anchors(text)]).toEqual(['usage', 'usage-1', 'usage-2']);
  });

  it('reports a missing file and a missing anchor', () => {
    const text = '[a](README.md#no-such-heading) [b](docs/nope.md) [c](#quick-start) [d](https://example.com/x)';
    const links = relativeLinks(text).map((l) => l.target);
    expect(links).toEqual(['README.md#no-such-heading', 'docs/nope.md', '#quick-start']);
    expect(anchors(readDoc('README.md')).has('no-such-heading')).toBe(false);
    expect(anchors(readDoc('README.md')).has('quick-start')).toBe(true);
    expect(existsSync(join(ROOT, 'docs/nope.md'))).toBe(false);
  });
});
