/**
 * `kubectl -n kube-system get ds aws-node -o yaml` (or `-o json`): the aws-node container's environment becomes the
 * scenario's `ipamd:` block. Shape as in the shipped manifest (amazon-vpc-cni-k8s config/master/aws-k8s-cni.yaml:
 * apps/v1 DaemonSet, spec.template.spec.containers[name=aws-node].env). Init containers are not read.
 */
import * as z from 'zod';
import { isCollection, LineCounter, parseDocument, type Node as YamlNode } from 'yaml';
import { IPAMD_ENV, parseIpamdEnv } from '../ipam/config.js';
import { checkShape, Findings, formatJsonPath, guessFlag, type SourceFile } from './source.js';

const EnvVar = z.looseObject({ name: z.string(), value: z.string().optional(), valueFrom: z.unknown().optional() });

const DaemonSetShape = z.looseObject({
  kind: z.literal('DaemonSet'),
  metadata: z.looseObject({ name: z.string().optional() }).optional(),
  spec: z.looseObject({
    template: z.looseObject({
      spec: z.looseObject({
        containers: z.array(z.looseObject({ name: z.string(), env: z.array(EnvVar).optional() })),
      }),
    }),
  }),
});

/** The ipamd environment read from the DaemonSet, in the file's order. */
export function readDaemonSet(src: SourceFile, f: Findings): Record<string, string> | undefined {
  const lc = new LineCounter();
  const doc = parseDocument(src.text, { lineCounter: lc, prettyErrors: false });
  if (doc.errors.length > 0) {
    for (const e of doc.errors) {
      const pos = lc.linePos(e.pos[0]);
      f.error(src.file, '', `not valid YAML or JSON: ${e.message.split('\n')[0]}`, pos.line, pos.col);
    }
    return undefined;
  }
  const at = (path: readonly (string | number)[]): { line: number; col: number } => {
    for (let k = path.length; k >= 0; k--) {
      const node = doc.getIn(path.slice(0, k), true) as YamlNode | undefined;
      const off = node && (isCollection(node) || 'range' in node) ? node.range?.[0] : undefined;
      if (off !== undefined) return lc.linePos(off);
    }
    return { line: 0, col: 0 };
  };
  const err = (path: (string | number)[], message: string): void => {
    const { line, col } = at(path);
    f.error(src.file, formatJsonPath(path), message, line, col);
  };
  let raw: unknown = doc.toJS();
  let prefix: (string | number)[] = [];
  // `kubectl get ds -o yaml` without a name prints a List: take its aws-node.
  const o = raw as { kind?: unknown; items?: unknown } | null;
  if (o && typeof o === 'object' && o.kind === 'List' && Array.isArray(o.items)) {
    const i = o.items.findIndex((it: unknown) => {
      const item = it as { kind?: unknown; metadata?: { name?: unknown } } | null;
      return item?.kind === 'DaemonSet' && item.metadata?.name === 'aws-node';
    });
    if (i < 0) {
      err(['items'], 'no DaemonSet named aws-node in this list (kubectl -n kube-system get ds aws-node -o yaml)');
      return undefined;
    }
    raw = o.items[i];
    prefix = ['items', i];
  }
  if (!raw || typeof raw !== 'object' || (raw as { kind?: unknown }).kind !== 'DaemonSet') {
    const g = guessFlag(raw);
    const kind = raw && typeof raw === 'object' ? (raw as { kind?: unknown }).kind : undefined;
    err(
      [...prefix, 'kind'],
      `expected the aws-node DaemonSet (kubectl -n kube-system get ds aws-node -o yaml), got ${kind === undefined ? 'no kind' : `kind ${JSON.stringify(kind)}`}${g && g !== '--daemonset' ? `; this looks like the file for ${g}` : ''}`,
    );
    return undefined;
  }
  const before = f.problems.length;
  const ds = checkShape(DaemonSetShape, raw, src, prefix, f);
  if (!ds) {
    // Give the shape problems their line and column.
    for (const p of f.problems.slice(before)) Object.assign(p, at(pathOf(p.path)));
    return undefined;
  }
  const containers = ds.spec.template.spec.containers;
  const ci = containers.findIndex((c) => c.name === 'aws-node');
  if (ci < 0) {
    err(
      [...prefix, 'spec', 'template', 'spec', 'containers'],
      `no container named aws-node (containers: ${containers.map((c) => c.name).join(', ') || 'none'})`,
    );
    return undefined;
  }
  const env: Record<string, string> = {};
  const where = new Map<string, (string | number)[]>();
  const fromRefs: string[] = [];
  const ignored: string[] = [];
  (containers[ci].env ?? []).forEach((e, j) => {
    const path = [...prefix, 'spec', 'template', 'spec', 'containers', ci, 'env', j];
    if (e.valueFrom !== undefined) {
      fromRefs.push(e.name);
      return;
    }
    if (!(e.name in IPAMD_ENV) || IPAMD_ENV[e.name].imported === false) {
      ignored.push(e.name);
      return;
    }
    env[e.name] = e.value ?? '';
    where.set(e.name, [...path, 'value']);
  });
  if (fromRefs.length)
    f.note(`aws-node variables set from valueFrom cannot be resolved from the file, skipped: ${fromRefs.join(', ')}`);
  if (ignored.length) f.note(`aws-node variables the simulator does not read, ignored: ${ignored.join(', ')}`);
  const parsedEnv = parseIpamdEnv(env);
  for (const issue of parsedEnv.issues) {
    const path = where.get(issue.key) ?? [];
    if (issue.severity === 'error') err(path, issue.message);
    else f.note(`${issue.key}: ${issue.message}`);
  }
  const c = parsedEnv.config;
  // ipamd.go isConfigValid: IPv6 only in prefix-delegation mode, without custom networking.
  if (c.enableIpv6 && (!c.enablePrefixDelegation || c.customNetworking))
    err(
      where.get('ENABLE_IPv6') ?? [],
      'ENABLE_IPv6=true needs ENABLE_PREFIX_DELEGATION=true and no custom networking (ipamd: "IPv6 is supported only in Prefix Delegation mode"); ipamd would not start',
    );
  return env;
}

/** `a.b[2]["x/y"]` back to its segments (for the paths this file writes). */
function pathOf(text: string): (string | number)[] {
  const out: (string | number)[] = [];
  for (const m of text.matchAll(/\[(\d+)\]|\["((?:[^"\\]|\\.)*)"\]|\.?([A-Za-z_$][\w$]*)/g)) {
    if (m[1] !== undefined) out.push(Number(m[1]));
    else if (m[2] !== undefined) out.push(JSON.parse(`"${m[2]}"`) as string);
    else if (m[3] !== undefined) out.push(m[3]);
  }
  return out;
}
