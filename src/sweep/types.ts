/**
 * Shapes shared by sweeps, their result files and their reports. One {@link SweepRow} is one run (one settings
 * combination x one seed); it is one line of a results .jsonl file.
 */

/** Headline figures of one run, taken from its RunReport. Latencies in ms. */
export interface RunFigures {
  /** podStartLatencyMs percentiles. */
  p50: number;
  p90: number;
  p99: number;
  max: number;
  mean: number;
  /** ips.idleMean: time-weighted idle secondary addresses. */
  idleMean: number;
  /** ips.attachedPeak. */
  attachedPeak: number;
  /** ec2.total. */
  ec2Calls: number;
  /** pods.failedAddAttempts. */
  failedAddAttempts: number;
  /** pods.neverStarted. */
  neverStarted: number;
  /** pods.started. */
  started: number;
  /** Security groups for pods: present only when the run had the VPC resource controller. */
  branch?: BranchFigures;
}

/** A headline figure's name (every {@link RunFigures} field but the optional branch block). */
export type FigureName = Exclude<keyof RunFigures, 'branch'>;

/** Figures of security groups for pods, from the report's vpcResourceController section. Latencies in ms. */
export interface BranchFigures {
  /** vpcResourceController.branchPods.startLatencyMs p50 and p99 (first CNI ADD to start). */
  branchP50: number;
  branchP99: number;
  /** branchPods.pendingForBranchCapacity: pods that waited for a node only for lack of branch capacity. */
  branchCapacityWaits: number;
  /** trunkAttachMs p50 and max (node Ready to trunk attached). */
  trunkAttachP50: number;
  trunkAttachMax: number;
  /** ec2.total: the controller's own EC2 calls. */
  controllerEc2Calls: number;
}

/** A branch figure's name. */
export type BranchFigureName = keyof BranchFigures;

/** One line of a sweep results file. */
export interface SweepRow {
  /** Always "warmpool-sim" (lets the tool recognise its own files). */
  tool: 'warmpool-sim';
  kind: 'sweep-run';
  /** Stable identity of (settings, seed): used by --resume and merge to skip and de-duplicate. */
  key: string;
  /** Position of the settings combination in the grid (0-based). */
  point: number;
  /** The swept values, by the name given in --set or the grid file (e.g. "WARM_IP_TARGET", "nodeGroups[0].count"). */
  settings: Record<string, string | number | boolean>;
  seed: number;
  figures: RunFigures;
  /** Optional: the scenario the run came from (its name and a hash of its text), so that results of another scenario are not mixed in. */
  scenario?: RowScenario;
}

/** Identity of a scenario file: its `name` and the first 16 hex digits of the SHA-256 of its text. */
export interface RowScenario {
  name: string;
  sha256: string;
}

/** A 95% confidence interval around a mean. */
export interface Interval {
  mean: number;
  lo: number;
  hi: number;
}

/** Figures of one settings combination aggregated over its seeds. */
export interface SweepSummaryRow {
  point: number;
  settings: Record<string, string | number | boolean>;
  runs: number;
  p50: Interval;
  p90: Interval;
  p99: Interval;
  idleMean: Interval;
  ec2Calls: Interval;
  neverStarted: Interval;
  /**
   * On the Pareto front of the means of (p99 latency, idle addresses, EC2 calls, pods never started): no other point
   * is at least as good in all four and better in one. (Never-started pods are included so that settings which
   * leave pods without an address — and so have no latency for them — cannot look optimal.)
   */
  pareto: boolean;
  /** Branch figures over seeds, when every run of the combination had the VPC resource controller. */
  branch?: Record<BranchFigureName, Interval>;
}
