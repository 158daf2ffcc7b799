/**
 * Pod lifecycle sources: when pods were created (placed) and deleted.
 * - `kubectl get events -A -o json`: core/v1 Events of involvedObject kind Pod; reason Scheduled (message
 *   "Successfully assigned <ns>/<pod> to <node>") is a creation, the first Killing (kubelet stopping a container) a
 *   deletion. Times: eventTime, else firstTimestamp, else lastTimestamp, else metadata.creationTimestamp
 *   (Kubernetes API reference, Event v1). events.k8s.io/v1 fields (regarding, note) are read too.
 * - A Kubernetes audit log (audit.k8s.io/v1 Event per line): ResponseComplete entries on resource pods: create is
 *   a creation, delete and create of the eviction subresource a deletion, create of the binding subresource names
 *   the node; requestReceivedTimestamp is the time; failed requests (responseStatus.code >= 300) are skipped.
 */
import * as z from 'zod';
import { readList } from './list.js';
import { checkShape, Findings, formatJsonPath, jsonSyntaxError, parseTime, type SourceFile } from './source.js';
import { MAX_PROBLEMS_PER_FILE } from './source.js';

/** One pod creation or deletion, at an absolute time (ms since the epoch). */
export interface LifecycleEvent {
  atMs: number;
  /** The time as the source wrote it. */
  time: string;
  action: 'add' | 'delete';
  /** `namespace/name`. */
  pod: string;
  /** The node, when the source says. */
  node?: string;
}

const ObjectRef = z.looseObject({
  kind: z.string().optional(),
  name: z.string().optional(),
  namespace: z.string().optional(),
});
const Time = z.string().nullish();

const EventShape = z.looseObject({
  involvedObject: ObjectRef.optional(),
  regarding: ObjectRef.optional(),
  reason: z.string().nullish(),
  message: z.string().nullish(),
  note: z.string().nullish(),
  source: z.looseObject({ host: z.string().optional() }).nullish(),
  eventTime: Time,
  firstTimestamp: Time,
  deprecatedFirstTimestamp: Time,
  lastTimestamp: Time,
  metadata: z.looseObject({ creationTimestamp: Time }).optional(),
});

/** Reads `kubectl get events -A -o json`. */
export function readEvents(src: SourceFile, f: Findings): LifecycleEvent[] {
  const list = readList(src, 'Event', 'kubectl get events -A -o json', '--events', f);
  if (!list) return [];
  const out: LifecycleEvent[] = [];
  list.items.forEach((item, i) => {
    const path = list.path(i);
    const e = checkShape(EventShape, item, src, path, f);
    if (!e) return;
    const obj = e.involvedObject ?? e.regarding;
    if (obj?.kind !== 'Pod' || (e.reason !== 'Scheduled' && e.reason !== 'Killing')) return;
    if (obj.name === undefined) {
      f.error(
        src.file,
        formatJsonPath([...path, e.involvedObject ? 'involvedObject' : 'regarding', 'name']),
        'a pod event without the pod name',
      );
      return;
    }
    const fields = ['eventTime', 'firstTimestamp', 'deprecatedFirstTimestamp', 'lastTimestamp'] as const;
    const field = fields.find((k) => e[k]);
    const text = (field ? e[field] : e.metadata?.creationTimestamp) ?? '';
    const atMs = parseTime(text);
    if (atMs === undefined) {
      const where = field ?? 'metadata.creationTimestamp';
      f.error(
        src.file,
        `${formatJsonPath(path)}${path.length ? '.' : ''}${where}`,
        text
          ? `expected an RFC 3339 time such as "2024-05-01T10:00:00Z", got ${JSON.stringify(text)}`
          : 'the event has no time',
      );
      return;
    }
    const pod = `${obj.namespace ?? 'default'}/${obj.name}`;
    if (e.reason === 'Scheduled') {
      const m = / to (\S+)\s*$/.exec(e.message ?? e.note ?? '');
      out.push({ atMs, time: text, action: 'add', pod, ...(m ? { node: m[1] } : {}) });
    } else {
      const host = e.source?.host;
      out.push({ atMs, time: text, action: 'delete', pod, ...(host ? { node: host } : {}) });
    }
  });
  return out;
}

const Meta = z.looseObject({ name: z.string().optional(), namespace: z.string().optional() }).optional();
const AuditShape = z.looseObject({
  kind: z.string().optional(),
  stage: z.string().optional(),
  verb: z.string(),
  objectRef: z
    .looseObject({
      resource: z.string().optional(),
      subresource: z.string().optional(),
      namespace: z.string().optional(),
      name: z.string().optional(),
    })
    .optional(),
  responseStatus: z.looseObject({ code: z.number().optional() }).optional(),
  requestReceivedTimestamp: z.string(),
  requestObject: z
    .looseObject({ metadata: Meta, target: z.looseObject({ name: z.string().optional() }).optional() })
    .nullish(),
  responseObject: z.looseObject({ metadata: Meta }).nullish(),
});

/** Reads a Kubernetes audit log (JSON lines). A line cut short (the last one, as a log being written) is an error. */
export function readAudit(src: SourceFile, f: Findings): LifecycleEvent[] {
  const out: LifecycleEvent[] = [];
  const lines = src.text.split('\n');
  let unnamed = 0;
  let auditLines = 0;
  const lastAdd = new Map<string, LifecycleEvent>();
  for (let k = 0; k < lines.length; k++) {
    const text = lines[k].replace(/\r$/, '');
    if (text.trim() === '') continue;
    const line = k + 1;
    if (f.problems.filter((p) => p.file === src.file).length >= MAX_PROBLEMS_PER_FILE) break;
    let v: unknown;
    try {
      v = JSON.parse(text);
    } catch {
      const { offset, message } = jsonSyntaxError(text);
      const last = lines.slice(k + 1).every((l) => l.trim() === '');
      f.error(
        src.file,
        '',
        offset >= text.length
          ? `the line is cut short${last ? ' (the last line: the log was still being written, or copied in part): remove it or save the log again' : ''}`
          : `not valid JSON: ${message} (an audit log has one JSON object per line)`,
        line,
        offset + 1,
      );
      continue;
    }
    if (!v || typeof v !== 'object' || Array.isArray(v)) {
      f.error(src.file, '', 'expected an audit event (one JSON object per line)', line, 1);
      continue;
    }
    const o = v as { kind?: unknown; apiVersion?: unknown };
    if (o.kind !== 'Event' || typeof o.apiVersion !== 'string' || !o.apiVersion.startsWith('audit.k8s.io/')) {
      f.error(
        src.file,
        'kind',
        `expected an audit event (kind Event, apiVersion audit.k8s.io/v1), got kind ${JSON.stringify(o.kind)}`,
        line,
        1,
      );
      continue;
    }
    auditLines++;
    const ref = (v as { objectRef?: { resource?: unknown } }).objectRef;
    if (ref?.resource !== 'pods') continue;
    const a = checkShape(AuditShape, v, { file: src.file, line }, [], f);
    if (!a?.objectRef) continue;
    if (a.stage !== undefined && a.stage !== 'ResponseComplete') continue;
    if ((a.responseStatus?.code ?? 200) >= 300) continue;
    const atMs = parseTime(a.requestReceivedTimestamp);
    if (atMs === undefined) {
      f.error(
        src.file,
        'requestReceivedTimestamp',
        `expected an RFC 3339 time such as "2024-05-01T10:00:00.000000Z", got ${JSON.stringify(a.requestReceivedTimestamp)}`,
        line,
        1,
      );
      continue;
    }
    const r = a.objectRef;
    const name = r.name ?? a.responseObject?.metadata?.name ?? a.requestObject?.metadata?.name;
    const ns =
      r.namespace ?? a.responseObject?.metadata?.namespace ?? a.requestObject?.metadata?.namespace ?? 'default';
    const sub = r.subresource;
    if (a.verb === 'create' && sub === 'binding') {
      const node = a.requestObject?.target?.name;
      const add = name !== undefined ? lastAdd.get(`${ns}/${name}`) : undefined;
      if (add && node) add.node = node;
      continue;
    }
    const action =
      a.verb === 'create' && sub === undefined
        ? 'add'
        : (a.verb === 'delete' && sub === undefined) || (a.verb === 'create' && sub === 'eviction')
          ? 'delete'
          : undefined;
    if (!action) continue;
    if (name === undefined) {
      unnamed++;
      continue;
    }
    const ev: LifecycleEvent = { atMs, time: a.requestReceivedTimestamp, action, pod: `${ns}/${name}` };
    if (action === 'add') lastAdd.set(ev.pod, ev);
    out.push(ev);
  }
  if (unnamed)
    f.note(
      `${unnamed} pod request${unnamed === 1 ? '' : 's'} in the audit log name no pod (a generateName create logged at Metadata level): log pods at level Request to keep them`,
    );
  if (auditLines === 0 && !f.problems.some((p) => p.file === src.file))
    f.error(src.file, '', 'the audit log holds no events');
  return out;
}
