/**
 * Fuzzing the scenario loader: arbitrary YAML and JSON documents, and mutations of every shipped scenario and grid
 * file, always get exit 0 or 2 from `validate`, with located messages, never a stack trace, and quickly.
 */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { cli, tempDir } from '../cli/helpers.js';
import { fcParams } from '../fc.js';
import { expectCleanAnswer } from './helpers.js';

const dir = tempDir();
let k = 0;

/** Writes `text` to a fresh file in the temp folder and validates it. */
async function validateText(text: string, ext = 'yaml') {
  const file = join(dir, `case-${k++}.${ext}`);
  writeFileSync(file, text);
  return { file, r: await cli(['validate', file]) };
}

/** JSON-like values, scenario-flavoured: the keys and values a scenario uses, and junk. */
const KEYS = [
  'name',
  'seed',
  'duration',
  'subnets',
  'nodeGroups',
  'ipamd',
  'workload',
  'model',
  'instanceType',
  'count',
  'maxPods',
  'cidr',
  'burst',
  'poisson',
  'scale',
  'at',
  'pods',
  'WARM_IP_TARGET',
  'WARM_ENI_TARGET',
  'inUse',
  'reservations',
  'lifetime',
  'x',
];
const leaf = fc.oneof(
  fc.constantFrom('m5.large', '10.0.0.0/24', '5m', '1e9', '-1', '', 'true', 'null', '30s', 'scattered', 'prefix'),
  fc.integer({ min: -5, max: 50 }),
  fc.double({ noNaN: false }),
  fc.boolean(),
  fc.constant(null),
  fc.string({ maxLength: 12 }),
);
const value = fc.letrec((tie) => ({
  v: fc.oneof(
    { depthSize: 'small' },
    leaf,
    fc.array(tie('v'), { maxLength: 4 }),
    fc.dictionary(fc.oneof(fc.constantFrom(...KEYS), fc.string({ maxLength: 8 })), tie('v'), { maxKeys: 5 }),
  ),
})).v;

/** A random edit of a parsed document: delete, replace, retype, rename or duplicate something. */
type Edit = { path: number[]; op: 'delete' | 'replace' | 'rename' | 'duplicate'; with: unknown };
const edit = fc.record({
  path: fc.array(fc.nat(), { minLength: 1, maxLength: 4 }),
  op: fc.constantFrom<Edit['op']>('delete', 'replace', 'rename', 'duplicate'),
  with: value,
});

/** Applies `e` to `doc` in place, walking the path by index into the keys or items at each level. */
function applyEdit(doc: unknown, e: Edit): void {
  let node = doc;
  for (let i = 0; i < e.path.length; i++) {
    if (typeof node !== 'object' || node === null) return;
    const keys = Array.isArray(node) ? node.map((_, j) => j) : Object.keys(node);
    if (keys.length === 0) return;
    const key = keys[e.path[i] % keys.length];
    const holder = node as Record<string | number, unknown>;
    if (i < e.path.length - 1 && typeof holder[key] === 'object' && holder[key] !== null) {
      node = holder[key];
      continue;
    }
    if (e.op === 'delete') {
      if (Array.isArray(node)) node.splice(Number(key), 1);
      else delete holder[key];
    } else if (e.op === 'replace') holder[key] = e.with;
    else if (e.op === 'rename' && !Array.isArray(node)) {
      holder[`${String(key).slice(0, -1)}${String(key).slice(-1) === 'X' ? 'Y' : 'X'}`] = holder[key];
      delete holder[key];
    } else if (e.op === 'duplicate' && Array.isArray(node)) node.push(structuredClone(holder[key]));
    return;
  }
}

const shipped = [
  ...readdirSync('scenarios')
    .filter((f) => f.endsWith('.yaml'))
    .map((f) => join('scenarios', f)),
  ...readdirSync('scenarios/grids')
    .filter((f) => f.endsWith('.yaml'))
    .map((f) => join('scenarios/grids', f)),
  ...readdirSync('test/fixtures')
    .filter((f) => f.endsWith('.yaml'))
    .map((f) => join('test/fixtures', f)),
];

/** YAML text with the features a plain document generator never makes: anchors, aliases, tags, merges, nesting. */
const yamlText = fc
  .array(
    fc.oneof(
      fc.constant(
        'a: &a [x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\nc: [*b, *b, *b, *b, *b, *b, *b, *b, *b]\n',
      ),
      fc.nat(3000).map((n) => 'x: ' + '['.repeat(n) + ']'.repeat(n) + '\n'),
      fc.constant('name: !!binary aGVsbG8=\n'),
      fc.constant('seed: !custom 5\n'),
      fc.constant('ipamd: { <<: { WARM_IP_TARGET: 1 } }\n'),
      fc.constant('duration: 5m\nduration: 6m\n'),
      fc.constant('---\nname: two\n---\nname: docs\n'),
      fc.constant('seed: 1e400\n'),
      fc.constant('nodeGroups: *undefined\n'),
      fc.constant('\t- tab indented\n'),
      fc.constant('duration: 5m\nnodeGroups: [{ name: w, instanceType: m5.large, count: 1 }]\nworkload: []\n'),
      fc.string({ maxLength: 30 }),
    ),
    { minLength: 1, maxLength: 4 },
  )
  .map((parts) => parts.join(''));

describe('fuzz: the scenario loader', () => {
  it('answers YAML with anchors, aliases, tags, merge keys, deep nesting and several documents', async () => {
    await fc.assert(
      fc.asyncProperty(yamlText, async (text) => {
        const { r } = await validateText(text);
        expectCleanAnswer(r, text);
      }),
      fcParams(100),
    );
  });

  it('answers arbitrary YAML documents with exit 0 or 2 and no stack trace', async () => {
    await fc.assert(
      fc.asyncProperty(value, async (doc) => {
        const { r } = await validateText(stringify(doc));
        expectCleanAnswer(r, stringify(doc));
      }),
      fcParams(150),
    );
  });

  it('answers arbitrary JSON documents and raw text the same way', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          value.map((v) => JSON.stringify(v) ?? 'null'),
          fc.string({ maxLength: 200 }),
        ),
        async (text) => {
          const { r } = await validateText(text, 'json');
          expectCleanAnswer(r, text);
        },
      ),
      fcParams(100),
    );
  });

  it('answers mutations of every shipped scenario and grid file with exit 0 or 2 and no stack trace', async () => {
    const docs = shipped.map((f) => ({ f, doc: parse(readFileSync(f, 'utf8'), { maxAliasCount: -1 }) as unknown }));
    await fc.assert(
      fc.asyncProperty(fc.nat(docs.length - 1), fc.array(edit, { minLength: 1, maxLength: 4 }), async (i, edits) => {
        const doc = structuredClone(docs[i].doc);
        for (const e of edits) applyEdit(doc, e);
        // Trace files are named relative to the scenario: keep the mutated copy beside the original.
        const text = stringify(doc);
        const file = join(dir, `mut-${k++}.yaml`);
        writeFileSync(file, text.replaceAll('traces/', `${join(process.cwd(), 'scenarios', 'traces')}/`));
        const isGrid = typeof doc === 'object' && doc !== null && ('set' in doc || 'sample' in doc);
        const argv = isGrid ? ['sweep', 'test/fixtures/tiny.yaml', '--grid', file, '--dry-run'] : ['validate', file];
        const r = await cli(argv);
        expectCleanAnswer(r, `${argv.join(' ')}: ${docs[i].f} after ${JSON.stringify(edits)}\n${text}`);
      }),
      fcParams(200),
    );
  });
});
