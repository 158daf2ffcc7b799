/** The import layer's readers: JSON syntax errors located, RFC 3339 times, JSON paths, names and durations. */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { fcParams } from '../fc.js';
import { Findings, formatJsonPath, jsonSyntaxError, lineCol, parseJson, parseTime } from '../../src/import/source.js';
import { dnsLabel } from '../../src/import/build.js';
import { durationText } from '../../src/import/render.js';
import { parseDuration } from '../../src/util/duration.js';
import { readAudit, readEvents } from '../../src/import/lifecycle.js';

describe('JSON syntax errors', () => {
  it('say where the text stops being JSON and what was expected there', () => {
    expect(jsonSyntaxError('{"a": 1 "b": 2}')).toEqual({ offset: 8, message: 'expected "," or "}", found "\\""' });
    expect(jsonSyntaxError('[1, 2,]')).toEqual({ offset: 6, message: 'expected a value, found "]"' });
    expect(jsonSyntaxError('{"a": tru}')).toEqual({ offset: 6, message: 'expected a value, found "t"' });
    expect(jsonSyntaxError('{"a": 1}}')).toEqual({ offset: 8, message: 'expected the end of the file, found "}"' });
    expect(jsonSyntaxError('{"a": "x')).toEqual({
      offset: 8,
      message: 'expected a closing quote, found the end of the file',
    });
  });

  it('parseJson reports file:line:col', () => {
    const f = new Findings();
    expect(parseJson({ file: 'x.json', text: '{\n  "a": [1,\n  }' }, f)).toBeUndefined();
    expect(f.problems).toEqual([
      {
        file: 'x.json',
        line: 3,
        col: 3,
        path: '',
        message: 'not valid JSON: expected a value, found "}"',
        severity: 'error',
      },
    ]);
  });

  it('property: valid JSON cut short is found to end no later than the cut', () => {
    fc.assert(
      fc.property(fc.jsonValue(), fc.nat(), (v, k) => {
        const text = JSON.stringify(v, null, 2);
        const cut = text.slice(0, k % text.length);
        let ok = true;
        try {
          JSON.parse(cut);
        } catch {
          ok = false;
        }
        if (ok) return;
        const { offset } = jsonSyntaxError(cut);
        expect(offset).toBeLessThanOrEqual(cut.length);
        const { line } = lineCol(cut, offset);
        expect(line).toBeLessThanOrEqual(cut.split('\n').length);
      }),
      fcParams(300),
    );
  });
});

describe('times, paths, names', () => {
  it('parses RFC 3339 times as Kubernetes writes them, microseconds and offsets included', () => {
    const base = Date.UTC(2024, 4, 1, 10, 0, 0);
    expect(parseTime('2024-05-01T10:00:00Z')).toBe(base);
    expect(parseTime('2024-05-01T10:00:00.123456Z')).toBe(base + 123);
    expect(parseTime('2024-05-01T12:00:00+02:00')).toBe(base);
    expect(parseTime('2024-05-01T09:30:00-00:30')).toBe(base);
    for (const bad of ['yesterday', '2024-05-01', '2024-05-01T10:00:00', ''])
      expect(parseTime(bad), bad).toBeUndefined();
  });

  it('writes JSON paths with quoted keys where a key is not a plain name', () => {
    expect(formatJsonPath(['items', 3, 'metadata', 'labels'])).toBe('items[3].metadata.labels');
    expect(formatJsonPath(['items', 0, 'metadata', 'labels', 'node.kubernetes.io/instance-type'])).toBe(
      'items[0].metadata.labels["node.kubernetes.io/instance-type"]',
    );
    expect(formatJsonPath([])).toBe('');
  });

  it('makes DNS labels of group names', () => {
    expect(dnsLabel('m5.large')).toBe('m5-large');
    expect(dnsLabel('My_Node Group--1')).toBe('my-node-group-1');
    expect(dnsLabel('--')).toBe('x');
  });

  it('property: durationText reads back as the same milliseconds', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 10 * 86_400_000 }), (ms) => {
        expect(parseDuration(durationText(ms))).toBe(ms);
      }),
      fcParams(500),
    );
  });
});

describe('lifecycle sources', () => {
  it('events: only Scheduled and Killing of pods, node from the message or the kubelet host', () => {
    const f = new Findings();
    const ev = (reason: string, kind: string, extra: object) => ({
      kind: 'Event',
      reason,
      involvedObject: { kind, name: 'p', namespace: 'ns' },
      firstTimestamp: '2024-05-01T10:00:00Z',
      ...extra,
    });
    const items = [
      ev('Scheduled', 'Pod', { message: 'Successfully assigned ns/p to node-a' }),
      ev('Pulled', 'Pod', {}),
      ev('Scheduled', 'Node', {}),
      ev('Killing', 'Pod', {
        source: { component: 'kubelet', host: 'node-a' },
        firstTimestamp: '2024-05-01T10:01:00Z',
      }),
    ];
    const out = readEvents({ file: 'e.json', text: JSON.stringify({ kind: 'List', items }) }, f);
    expect(f.problems).toEqual([]);
    expect(out.map((e) => [e.action, e.pod, e.node, e.atMs - out[0].atMs])).toEqual([
      ['add', 'ns/p', 'node-a', 0],
      ['delete', 'ns/p', 'node-a', 60_000],
    ]);
  });

  it('events.k8s.io/v1 events (regarding, note, deprecatedFirstTimestamp) read the same', () => {
    const f = new Findings();
    const items = [
      {
        kind: 'Event',
        reason: 'Scheduled',
        regarding: { kind: 'Pod', name: 'p', namespace: 'ns' },
        note: 'Successfully assigned ns/p to node-b',
        deprecatedFirstTimestamp: '2024-05-01T10:00:00Z',
      },
    ];
    const out = readEvents({ file: 'e.json', text: JSON.stringify({ kind: 'EventList', items }) }, f);
    expect(f.problems).toEqual([]);
    expect(out.map((e) => [e.action, e.pod, e.node])).toEqual([['add', 'ns/p', 'node-b']]);
  });

  it('audit: a cut line in the middle is a syntax error, a line that is not an audit event says so', () => {
    const f = new Findings();
    const good =
      '{"kind":"Event","apiVersion":"audit.k8s.io/v1","stage":"ResponseComplete","verb":"delete","objectRef":{"resource":"pods","namespace":"a","name":"b"},"requestReceivedTimestamp":"2024-05-01T10:00:00Z"}';
    readAudit({ file: 'a.log', text: `${good}\n{"kind":"Event",\n{"kind":"Pod","apiVersion":"v1"}\n${good}\n` }, f);
    expect(f.problems.map((p) => `${p.line}:${p.col}: ${p.path ? `${p.path}: ` : ''}${p.message}`)).toEqual([
      '2:17: the line is cut short',
      '3:1: kind: expected an audit event (kind Event, apiVersion audit.k8s.io/v1), got kind "Pod"',
    ]);
  });
});
