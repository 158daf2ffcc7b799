/**
 * `kubectl get pods -A -o json`: the pods running now and their nodes (Kubernetes API reference, Pod v1:
 * spec.nodeName, spec.hostNetwork, status.phase, status.podIP).
 */
import * as z from 'zod';
import { parseIp } from '../aws/cidr.js';
import { readList } from './list.js';
import { checkShape, Findings, formatJsonPath, type SourceFile } from './source.js';

/** One pod holding an address on a node. */
export interface ImportedPod {
  /** `namespace/name`, unique in a cluster. */
  pod: string;
  node: string;
  /** Its address as a number, when given. */
  ip?: number;
}

const PodShape = z.looseObject({
  metadata: z.looseObject({ name: z.string(), namespace: z.string().optional() }),
  spec: z.looseObject({ nodeName: z.string().optional(), hostNetwork: z.boolean().optional() }).optional(),
  status: z.looseObject({ phase: z.string().optional(), podIP: z.string().optional() }).optional(),
});

/**
 * Pods that hold a pod address now: bound to a node, Running or Pending (a pending pod on a node is being set up and
 * already asked ipamd for its address). Host-network pods take no address and are skipped, as are finished pods,
 * unscheduled pods and pods on Fargate nodes; a pod on a node the nodes file does not list is an error (`known`
 * undefined: the nodes file did not read, so nodes are not checked).
 */
export function readPods(
  src: SourceFile,
  known: { nodes: ReadonlySet<string>; fargate: ReadonlySet<string> } | undefined,
  f: Findings,
): ImportedPod[] {
  const list = readList(src, 'Pod', 'kubectl get pods -A -o json', '--pods', f);
  if (!list) return [];
  const out: ImportedPod[] = [];
  const skipped = { hostNetwork: 0, finished: 0, unscheduled: 0, fargate: 0 };
  list.items.forEach((item, i) => {
    const path = list.path(i);
    const p = checkShape(PodShape, item, src, path, f);
    if (!p) return;
    const phase = p.status?.phase;
    if (phase === 'Succeeded' || phase === 'Failed') return void skipped.finished++;
    const node = p.spec?.nodeName;
    if (node === undefined || node === '') return void skipped.unscheduled++;
    if (p.spec?.hostNetwork) return void skipped.hostNetwork++;
    if (known?.fargate.has(node)) return void skipped.fargate++;
    if (known && !known.nodes.has(node)) {
      f.error(
        src.file,
        formatJsonPath([...path, 'spec', 'nodeName']),
        `pod ${p.metadata.namespace ?? 'default'}/${p.metadata.name} runs on "${node}", which the nodes file does not list (save both files at the same time)`,
      );
      return;
    }
    const ip = p.status?.podIP === undefined ? undefined : parseIp(p.status.podIP);
    out.push({
      pod: `${p.metadata.namespace ?? 'default'}/${p.metadata.name}`,
      node,
      ...(ip !== undefined ? { ip } : {}),
    });
  });
  const parts = [
    skipped.hostNetwork && `${skipped.hostNetwork} host-network (they take no pod address)`,
    skipped.finished && `${skipped.finished} finished (Succeeded or Failed)`,
    skipped.unscheduled && `${skipped.unscheduled} not yet on a node`,
    skipped.fargate && `${skipped.fargate} on Fargate nodes`,
  ].filter(Boolean);
  if (parts.length) f.note(`pods skipped: ${parts.join(', ')}`);
  return out;
}
