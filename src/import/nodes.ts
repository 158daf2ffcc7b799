/**
 * `kubectl get nodes -o json`: each Node's instance type, zone, node group, max pods and primary address
 * (Kubernetes API reference, Node v1: metadata.labels, status.capacity, status.addresses).
 */
import * as z from 'zod';
import { parseIp } from '../aws/cidr.js';
import { instanceType, suggestInstanceType } from '../aws/instance-types.js';
import { readList } from './list.js';
import { checkShape, Findings, formatJsonPath, type SourceFile } from './source.js';

/** One node as imported. */
export interface ImportedNode {
  name: string;
  instanceType: string;
  zone?: string;
  /** Node group from the first group label found, undefined when none. */
  group?: string;
  /** The label the group came from. */
  groupLabel?: string;
  /** status.capacity.pods, when given. */
  maxPods?: number;
  /** The InternalIP address as a number, when given. */
  ip?: number;
  /** Its JSON path in the file, for located messages. */
  path: (string | number)[];
}

/** Instance type labels, newest first (the beta label predates Kubernetes 1.17). */
export const TYPE_LABELS = ['node.kubernetes.io/instance-type', 'beta.kubernetes.io/instance-type'];
/** Zone labels, newest first. */
export const ZONE_LABELS = ['topology.kubernetes.io/zone', 'failure-domain.beta.kubernetes.io/zone'];
/** Node group labels: EKS managed node groups, Karpenter node pools, eksctl node groups. */
export const GROUP_LABELS = ['eks.amazonaws.com/nodegroup', 'karpenter.sh/nodepool', 'alpha.eksctl.io/nodegroup-name'];

const NodeShape = z.looseObject({
  metadata: z.looseObject({
    name: z.string(),
    labels: z.record(z.string(), z.string()).optional(),
  }),
  status: z
    .looseObject({
      capacity: z.record(z.string(), z.union([z.string(), z.number()])).optional(),
      addresses: z.array(z.looseObject({ type: z.string(), address: z.string() })).optional(),
    })
    .optional(),
});

/** Reads the nodes file; Fargate nodes (no aws-node, no warm pool) are left out with a note, their names kept. */
export function readNodes(src: SourceFile, f: Findings): { nodes: ImportedNode[]; fargate: Set<string> } {
  const fargate = new Set<string>();
  const list = readList(src, 'Node', 'kubectl get nodes -o json', '--nodes', f);
  if (!list) return { nodes: [], fargate };
  const out: ImportedNode[] = [];
  const seen = new Set<string>();
  list.items.forEach((item, i) => {
    const path = list.path(i);
    const n = checkShape(NodeShape, item, src, path, f);
    if (!n) return;
    const labels = n.metadata.labels ?? {};
    const at = (...p: (string | number)[]): string => formatJsonPath([...path, ...p]);
    if (labels['eks.amazonaws.com/compute-type'] === 'fargate') {
      fargate.add(n.metadata.name);
      return;
    }
    if (seen.has(n.metadata.name)) f.error(src.file, at('metadata', 'name'), `duplicate node "${n.metadata.name}"`);
    seen.add(n.metadata.name);
    const typeLabel = TYPE_LABELS.find((l) => labels[l] !== undefined);
    if (!typeLabel) {
      f.error(src.file, at('metadata', 'labels'), `no instance type label (${TYPE_LABELS.join(' or ')})`);
      return;
    }
    const type = labels[typeLabel];
    if (!instanceType(type)) {
      const hint = suggestInstanceType(type);
      f.error(
        src.file,
        at('metadata', 'labels', typeLabel),
        `unknown instance type "${type}"${hint ? `; did you mean ${hint}?` : ''} (see warmpool-sim limits)`,
      );
      return;
    }
    const zone = ZONE_LABELS.map((l) => labels[l]).find((v) => v !== undefined);
    const groupLabel = GROUP_LABELS.find((l) => labels[l] !== undefined);
    const pods = n.status?.capacity?.pods;
    let maxPods: number | undefined;
    if (pods !== undefined) {
      const v = Number(pods);
      if (!Number.isInteger(v) || v < 3) {
        f.error(
          src.file,
          at('status', 'capacity', 'pods'),
          `expected a whole number of pods (3 or more), got ${JSON.stringify(pods)}`,
        );
        return;
      }
      maxPods = v;
    }
    const internal = n.status?.addresses?.find((a) => a.type === 'InternalIP' && parseIp(a.address) !== undefined);
    out.push({
      name: n.metadata.name,
      instanceType: type,
      ...(zone !== undefined ? { zone } : {}),
      ...(groupLabel ? { group: labels[groupLabel], groupLabel } : {}),
      ...(maxPods !== undefined ? { maxPods } : {}),
      ...(internal ? { ip: parseIp(internal.address) } : {}),
      path,
    });
  });
  if (fargate.size > 0)
    f.note(`${fargate.size} Fargate node${fargate.size === 1 ? '' : 's'} left out (no aws-node, no warm pool)`);
  if (list.items.length > 0 && out.length === 0 && !f.failed)
    f.error(src.file, 'items', 'no node runs aws-node (every node is a Fargate node)');
  if (list.items.length === 0) f.error(src.file, 'items', 'the list holds no nodes');
  return { nodes: out, fargate };
}
