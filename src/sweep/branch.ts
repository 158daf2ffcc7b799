/**
 * Figures of security groups for pods in sweep rows: which there are, which are latencies, and their summary over a
 * settings combination's runs.
 */
import type { BranchFigureName, Interval, SweepRow } from './types.js';

/** Security-groups-for-pods figures, compared when both runs of every pair had the VPC resource controller. */
export const BRANCH_FIGURES: readonly BranchFigureName[] = [
  'branchP50',
  'branchP99',
  'branchCapacityWaits',
  'trunkAttachP50',
  'trunkAttachMax',
  'controllerEc2Calls',
];

/** Branch figures that are latencies (ms). */
export const BRANCH_LATENCIES: readonly BranchFigureName[] = [
  'branchP50',
  'branchP99',
  'trunkAttachP50',
  'trunkAttachMax',
];

/**
 * Each branch figure of a group's runs reduced by `reduce` (an interval or a plain mean), when every run had the VPC
 * resource controller; else undefined.
 */
export function branchSummary(
  group: readonly SweepRow[],
  reduce: (values: number[]) => Interval,
): Record<BranchFigureName, Interval> | undefined {
  const all = group.flatMap((r) => (r.figures.branch ? [r.figures.branch] : []));
  if (all.length === 0 || all.length !== group.length) return undefined;
  return Object.fromEntries(BRANCH_FIGURES.map((f) => [f, reduce(all.map((b) => b[f]))])) as Record<
    BranchFigureName,
    Interval
  >;
}
