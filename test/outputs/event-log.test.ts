import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { cli, tempDir } from '../cli/helpers.js';
import { jsonLine } from '../../src/cli/event-lines.js';
import { openEventLog } from '../../src/cli/event-log.js';
import { EVENT_KINDS, kindOf, parseEventFilters } from '../../src/cli/event-filter.js';
import { isOwnOutput } from '../../src/cli/own-formats.js';

const SCENARIO = 'scenarios/day-cluster-autoscaler.yaml';

type Rec = Record<string, unknown>;
const records = (text: string): Rec[] =>
  text
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => JSON.parse(l) as Rec);

/** The plain event log of SCENARIO, written once. */
let plainLog: string | undefined;
async function plain(): Promise<string> {
  if (plainLog === undefined) {
    const file = join(tempDir(), 'events.jsonl');
    expect((await cli(['run', SCENARIO, '--events', file])).code).toBe(0);
    plainLog = readFileSync(file, 'utf8');
  }
  return plainLog;
}

describe('event log lines', () => {
  it('are the text JSON.stringify gives, whatever the keys and values', () => {
    const value = fc.oneof(
      fc.string(),
      fc.string({ unit: 'binary' }),
      fc.double(),
      fc.integer(),
      fc.boolean(),
      fc.constant(undefined),
      fc.constant(null),
      fc.array(fc.string(), { maxLength: 3 }),
      fc.dictionary(fc.string(), fc.integer(), { maxKeys: 2 }),
    );
    fc.assert(
      fc.property(fc.dictionary(fc.string({ unit: 'binary' }), value), (record) => {
        expect(jsonLine(record)).toBe(JSON.stringify(record));
      }),
    );
  });
});

describe('the event log writer', () => {
  it('writes every line as JSON.stringify gives it, in UTF-8, ASCII or not, plain or gzip, in chunks', () => {
    const text = fc.oneof(
      fc.string({ unit: 'binary' }),
      fc.string(),
      fc.constantFrom('ü', '日本', 'a"ü', 'x'.repeat(400_000)),
    );
    fc.assert(
      fc.property(
        fc.array(
          fc.record({ t: fc.nat(), type: fc.constant('pod'), pod: text, ips: fc.array(text, { maxLength: 2 }) }),
          {
            maxLength: 40,
          },
        ),
        fc.array(fc.record({ t: fc.nat(), type: fc.constant('pod'), pod: fc.constant('web-1') }), { maxLength: 3000 }),
        (odd, many) => {
          const dir = tempDir();
          const recs: Rec[] = [...many.slice(0, 1500), ...odd, ...many.slice(1500)];
          const want =
            [{ type: 'header', tool: 'warmpool-sim', format: 'events/v1' }, ...recs]
              .map((r) => JSON.stringify(r))
              .join('\n') + '\n';
          for (const name of ['e.jsonl', 'e.jsonl.gz']) {
            const log = openEventLog(join(dir, name), {});
            for (const r of recs) log.write(r);
            log.close();
            const bytes = readFileSync(join(dir, name));
            expect((name.endsWith('.gz') ? gunzipSync(bytes) : bytes).toString('utf8')).toBe(
              Buffer.from(want, 'utf8').toString('utf8'),
            );
          }
        },
      ),
      { numRuns: 30 },
    );
  });
});

describe('--events FILE.gz', () => {
  it('writes gzip that decompresses to exactly the plain log', async () => {
    const dir = tempDir();
    const file = join(dir, 'events.jsonl.gz');
    expect((await cli(['run', SCENARIO, '--events', file])).code).toBe(0);
    const packed = readFileSync(file);
    expect([packed[0], packed[1]]).toEqual([0x1f, 0x8b]);
    expect(gunzipSync(packed).toString('utf8')).toBe(await plain());
    // Atomic: no temp file left beside it.
    expect(readdirSync(dir)).toEqual(['events.jsonl.gz']);
  });

  it('is recognised as its own output (replaced without --force); another gzip file is not', async () => {
    const dir = tempDir();
    const file = join(dir, 'events.jsonl.gz');
    expect((await cli(['run', 'scenarios/default.yaml', '--events', file])).code).toBe(0);
    expect(isOwnOutput(file)).toBe(true);
    expect((await cli(['run', 'scenarios/default.yaml', '--events', file])).code).toBe(0);
    const other = join(dir, 'notes.jsonl.gz');
    writeFileSync(other, gzipSync('{"mine":true}\n'));
    expect(isOwnOutput(other)).toBe(false);
    const r = await cli(['run', 'scenarios/default.yaml', '--events', other]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('not an output of warmpool-sim');
  });
});

describe('--events-filter', () => {
  it('keeps exactly the lines whose kind, node and pod match, and the header', async () => {
    const all = records(await plain());
    const file = join(tempDir(), 'some.jsonl');
    const r = await cli([
      'run',
      SCENARIO,
      '--events',
      file,
      '--events-filter',
      'kind=pod-started,ipamd,node-joined',
      '--events-filter',
      'node=workers-1, workers-1*',
    ]);
    expect(r.code).toBe(0);
    const kept = records(readFileSync(file, 'utf8'));
    const want = all.filter(
      (x, i) =>
        i === 0 ||
        ((kindOf(x) === 'pod-started' || x.type === 'ipamd' || kindOf(x) === 'node-joined') &&
          typeof x.node === 'string' &&
          (x.node === 'workers-1' || x.node.startsWith('workers-1'))),
    );
    expect(want.length).toBeGreaterThan(10);
    expect(kept).toEqual(want);
    expect(new Set(kept.slice(1).map((x) => x.type))).toEqual(new Set(['pod', 'ipamd', 'node']));
  });

  it('keeps one pod by name, and every EC2 record by family', async () => {
    const all = records(await plain());
    const pod = all.find((x) => kindOf(x) === 'pod-deleted')!.pod as string;
    const dir = tempDir();
    expect((await cli(['run', SCENARIO, '--events', join(dir, 'p.jsonl'), '--events-filter', `pod=${pod}`])).code).toBe(
      0,
    );
    expect(records(readFileSync(join(dir, 'p.jsonl'), 'utf8'))).toEqual(all.filter((x, i) => i === 0 || x.pod === pod));
    expect((await cli(['run', SCENARIO, '--events', join(dir, 'e.jsonl'), '--events-filter', 'kind=ec2'])).code).toBe(
      0,
    );
    expect(records(readFileSync(join(dir, 'e.jsonl'), 'utf8'))).toEqual(
      all.filter((x, i) => i === 0 || String(x.type).startsWith('ec2')),
    );
  });

  it('names every kind the shipped scenarios log', async () => {
    const kinds = new Set(
      records(await plain())
        .slice(1)
        .map(kindOf),
    );
    for (const k of kinds) expect(EVENT_KINDS).toContain(k);
    for (const f of readdirSync('test/golden').filter((n) => n.endsWith('.events.jsonl')))
      for (const x of records(readFileSync(join('test/golden', f), 'utf8')).slice(1))
        expect(EVENT_KINDS).toContain(kindOf(x));
  });

  it('refuses a bad filter with exit 2 and every problem located, before running', async () => {
    const file = join(tempDir(), 'x.jsonl');
    const r = await cli([
      'run',
      SCENARIO,
      '--events',
      file,
      '--events-filter',
      'kind=pod-strated,ec2',
      '--events-filter',
      'nod=workers-3',
      '--events-filter',
      'podstarted',
      '--events-filter',
      'pod=',
    ]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(
      '--events-filter "kind=pod-strated,ec2" (the 1st): unknown kind "pod-strated"; did you mean "pod-started"?',
    );
    expect(r.stderr).toContain('--events-filter "nod=workers-3" (the 2nd): unknown field "nod"; did you mean "node"?');
    expect(r.stderr).toContain('--events-filter "podstarted" (the 3rd): expected FIELD=VALUE');
    expect(r.stderr).toContain('--events-filter "pod=" (the 4th): an empty value');
    expect(r.stderr).not.toContain('    at ');
    expect(readdirSync(join(file, '..'))).toEqual([]);
  });

  it('needs --events', async () => {
    const r = await cli(['run', SCENARIO, '--events-filter', 'kind=pod']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--events-filter chooses what --events writes');
  });

  it('keeps a record exactly when its kind is one of those named', () => {
    const sample = records(readFileSync('test/golden/default.events.jsonl', 'utf8'));
    fc.assert(
      fc.property(fc.subarray([...EVENT_KINDS, 'pod', 'node', 'ipamd', 'ec2'], { minLength: 1 }), (kinds) => {
        const keep = parseEventFilters([`kind=${kinds.join(',')}`])!;
        for (const k of EVENT_KINDS) {
          const [type, sub] = k.startsWith('ec2') ? [k, undefined] : [k.split('-')[0], k.slice(k.indexOf('-') + 1)];
          const r: Rec = { type, ...(sub === undefined ? {} : type === 'ipamd' ? { action: sub } : { event: sub }) };
          expect(kindOf(r)).toBe(k);
          expect(keep(r)).toBe(kinds.some((v) => k === v || k.startsWith(`${v}-`)));
        }
        for (const r of sample)
          expect(keep(r)).toBe(kinds.some((v) => kindOf(r) === v || kindOf(r).startsWith(`${v}-`)));
      }),
    );
  });

  it('matches families and wildcards as documented', () => {
    const keep = parseEventFilters(['kind=node', 'node=pool-*'])!;
    expect(keep({ type: 'node', event: 'joined', node: 'pool-3' })).toBe(true);
    expect(keep({ type: 'node', event: 'joined', node: 'workers-3' })).toBe(false);
    expect(keep({ type: 'pod', event: 'started', node: 'pool-3' })).toBe(false);
    expect(keep({ type: 'node', event: 'scale', group: 'pool' })).toBe(false);
    expect(parseEventFilters([])).toBeUndefined();
  });
});
