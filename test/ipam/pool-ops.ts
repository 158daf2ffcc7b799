/**
 * The operations the pool model tests (pd-pool.test.ts, datastore-tables.test.ts) apply to a pool and to their
 * plain model of it, and their generator.
 */
import fc from 'fast-check';

export type PoolOp =
  | { kind: 'eni' }
  | { kind: 'add'; eni: number; n: number }
  | { kind: 'assign'; placement: 'random' | 'first-fit' }
  | { kind: 'release'; pod: number }
  | { kind: 'decrease'; eni: number; n: number }
  | { kind: 'free-eni'; eni: number }
  | { kind: 'wait'; ms: number };

/** What differs between the pools: how much an add or a decrease moves, how long a wait is, how busy the pods are. */
export interface PoolOpShape {
  maxAdd: number;
  maxDecrease: number;
  waitMs: fc.Arbitrary<number>;
  /** Assign (random placement) and release twice as often as the other operations. */
  busyPods?: boolean;
}

/** One operation; ENI and pod numbers are taken modulo what exists when it is applied. */
export function poolOp(shape: PoolOpShape): fc.Arbitrary<PoolOp> {
  const assign = fc.record({
    kind: fc.constant('assign' as const),
    placement: fc.constantFrom('random' as const, 'first-fit' as const),
  });
  const release = fc.record({ kind: fc.constant('release' as const), pod: fc.nat(50) });
  const busy = shape.busyPods
    ? [fc.record({ kind: fc.constant('assign' as const), placement: fc.constant('random' as const) }), release]
    : [];
  return fc.oneof(
    fc.constant<PoolOp>({ kind: 'eni' }),
    fc.record({ kind: fc.constant('add' as const), eni: fc.nat(20), n: fc.integer({ min: 1, max: shape.maxAdd }) }),
    assign,
    release,
    ...busy,
    fc.record({
      kind: fc.constant('decrease' as const),
      eni: fc.nat(20),
      n: fc.integer({ min: 1, max: shape.maxDecrease }),
    }),
    fc.record({ kind: fc.constant('free-eni' as const), eni: fc.nat(20) }),
    fc.record({ kind: fc.constant('wait' as const), ms: shape.waitMs }),
  );
}
