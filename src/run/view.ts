/** What the time-series probes (series.ts) and the report read of a running cluster, apart from how it is built. */
import type { Ec2 } from '../aws/ec2.js';
import type { Ec2Client } from '../aws/ec2-client.js';
import type { Subnet } from '../aws/subnet.js';
import type { Ipamd } from '../ipam/ipamd.js';
import type { Kubelet } from '../kubelet/kubelet.js';
import type { NodeRuntime } from '../kubelet/node.js';
import type { Metrics } from '../report/metrics.js';
import type { Scenario } from '../workload/scenario.js';
import type { VpcResourceController } from '../vpcrc/controller.js';

/** One node: its kubelet view, ipamd and EC2 client. */
export interface ClusterNode {
  runtime: NodeRuntime;
  ipamd: Ipamd;
  ec2: Ec2Client;
  group: string;
}

/** A running cluster, read-only: what {@link Cluster} offers its observers. */
export interface ClusterView {
  readonly scenario: Scenario;
  readonly ec2: Ec2;
  /** Every subnet, in scenario order. */
  readonly subnets: readonly Subnet[];
  readonly metrics: Metrics;
  readonly kubelet: Kubelet;
  /** Every node that ever existed, in creation order (drained ones included). */
  readonly nodes: readonly ClusterNode[];
  /** The VPC resource controller, when the scenario runs one. */
  readonly vpcrc?: VpcResourceController | undefined;
}
