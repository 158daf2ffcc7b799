/** The scheduler against a brute-force reference: fewest pods, ties by name, capacity, FIFO pending queue. */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { Scheduler } from '../../src/kubelet/scheduler.js';
import { NodeRuntime } from '../../src/kubelet/node.js';
import { Pod, PodState } from '../../src/kubelet/pod.js';
import type { Ipamd } from '../../src/ipam/ipamd.js';
import { fcParams } from '../fc.js';

/** The scheduler reads nothing of a node's ipamd: a stand-in with no datastore. */
const NO_IPAMD = { ds: undefined } as unknown as Ipamd;

function cluster(names: string[], groups: string[], capacity: number) {
  const bound: [Pod, NodeRuntime][] = [];
  const s = new Scheduler((pod, node) => {
    pod.state = PodState.Waiting;
    pod.node = node;
    node.pods++;
    bound.push([pod, node]);
    s.refresh(node);
  });
  const nodes = names.map((n, i) => {
    const node = new NodeRuntime(n, i, groups[i % groups.length], capacity + 2, NO_IPAMD, 0);
    s.addNode(node);
    return node;
  });
  return { s, nodes, bound };
}

/** Half the nodes start Ready (by a hash of the name), so placement starts over many words of ranks. */
const next0 = (name: string): boolean => [...name].reduce((h, ch) => (h * 31 + ch.charCodeAt(0)) % 1009, 7) % 2 === 0;

/** The node a pod should go to: Ready, with room, fewest pods, then the smallest name. */
function expected(nodes: NodeRuntime[], constraint: string): NodeRuntime | undefined {
  const ok = nodes.filter(
    (n) =>
      n.ready &&
      n.hasRoom &&
      (constraint === '*' || constraint === `group:${n.group}` || constraint === `node:${n.name}`),
  );
  ok.sort((a, b) => a.pods - b.pods || (a.name < b.name ? -1 : 1));
  return ok[0];
}

describe('Scheduler', () => {
  it('places on the fewest-pods Ready node, ties by name (lexicographic), as a brute force would', () => {
    fc.assert(
      fc.property(
        // Up to 80 nodes: ranks span several 32-bit words of the scheduler's bitsets.
        fc.integer({ min: 1, max: 80 }),
        fc.integer({ min: 1, max: 6 }),
        fc.array(fc.constantFrom('add', 'add', 'add', 'del', 'ready', 'ready', 'add-group', 'unready', 'join'), {
          minLength: 20,
          maxLength: 300,
          size: 'max',
        }),
        fc.integer({ min: 0, max: 1e6 }),
        (count, capacity, ops, salt) => {
          const names = Array.from({ length: count }, (_, i) => `w-${(i * 7 + salt) % 97}-${i}`);
          const { s, nodes, bound } = cluster(names, ['a', 'b'], capacity);
          for (const n of nodes)
            if (next0(n.name)) {
              n.ready = true;
              s.refresh(n);
            }
          let id = 0;
          let r = salt;
          const next = (n: number): number => ((r = (r * 1103515245 + 12345) % 2 ** 31), r % n);
          for (const op of ops) {
            if (op === 'ready' || op === 'unready') {
              const n = nodes[next(nodes.length)];
              n.ready = op === 'ready';
              s.refresh(n);
            } else if (op === 'join') {
              // A node joins mid-run with a name that sorts anywhere: every rank may shift.
              const node = new NodeRuntime(
                `w-${next(97)}-j${nodes.length}`,
                nodes.length,
                nodes.length % 2 ? 'b' : 'a',
                capacity + 2,
                NO_IPAMD,
                0,
              );
              s.addNode(node);
              nodes.push(node);
              node.ready = true;
              s.refresh(node);
            } else if (op === 'add' || op === 'add-group') {
              const constraint = op === 'add' ? '*' : 'group:b';
              const want = s.pendingCount === 0 ? expected(nodes, constraint) : undefined;
              const before = bound.length;
              s.submit(new Pod(id++, 'p', id, 0, undefined, constraint));
              if (want) expect(bound[before]?.[1]).toBe(want);
            } else if (bound.length > 0) {
              const [pod, node] = bound.splice(next(bound.length), 1)[0];
              pod.state = PodState.Deleted;
              node.pods--;
              s.refresh(node);
            }
            const over = nodes.find((n) => n.pods > capacity);
            if (over) expect(over.pods).toBeLessThanOrEqual(capacity);
          }
        },
      ),
      fcParams(200),
    );
  });

  it('keeps pods that find no room in FIFO order and places them as capacity appears', () => {
    const { s, nodes, bound } = cluster(['n-0', 'n-1'], ['a'], 1);
    for (let i = 0; i < 4; i++) s.submit(new Pod(i, 'p', i, 0, undefined, '*'));
    expect(bound.length).toBe(0);
    expect(s.pendingCount).toBe(4);
    nodes[1].ready = true;
    s.refresh(nodes[1]);
    expect(bound.map(([p, n]) => [p.id, n.name])).toEqual([[0, 'n-1']]);
    nodes[0].ready = true;
    s.refresh(nodes[0]);
    expect(bound.map(([p, n]) => [p.id, n.name])).toEqual([
      [0, 'n-1'],
      [1, 'n-0'],
    ]);
    const [pod, node] = bound[0];
    pod.state = PodState.Deleted;
    node.pods--;
    s.refresh(node);
    expect(bound[2][0].id).toBe(2);
    expect(s.pendingCount).toBe(1);
  });
});

describe('Pod reuse', () => {
  it('reset() leaves no trace of the pod the object served before', () => {
    const fresh = new Pod(7, 'web', 3, 1000, 12.2, 'group:a', false);
    const used = new Pod(1, 'old', 1, 5, 99, '*', true);
    for (const k of Object.keys(used)) (used as unknown as Record<string, unknown>)[k] = { stale: k };
    used.reset(7, 'web', 3, 1000, 12.2, 'group:a', false);
    expect({ ...used }).toEqual({ ...fresh });
    expect(Object.keys(used)).toEqual(Object.keys(fresh));
    expect(fresh.lifetimeMs).toBe(13);
  });
});
