/**
 * Assembles one simulated cluster from a scenario: the simulation, the account's EC2, every node's ipamd, the
 * kubelet and scheduler, the workload generators and the metrics collector.
 */
import { Simulation } from '../engine/sim.js';
import { Streams } from '../engine/random.js';
import { Ec2, Ec2Client } from '../aws/ec2.js';
import { Subnet } from '../aws/subnet.js';
import { Ipamd } from '../ipam/ipamd.js';
import { Kubelet } from '../kubelet/kubelet.js';
import { NodeRuntime } from '../kubelet/node.js';
import { installWorkload, type WorkloadStats } from '../workload/generators.js';
import type { Scenario } from '../workload/scenario.js';
import { Metrics, type EventSink } from '../report/metrics.js';

/** Options of one run. */
export interface RunOptions {
  /** Root seed; overrides the scenario's seed. Default: the scenario's seed, else 1. */
  seed?: number;
  /** Event log sink (one record per pod, ipamd and EC2 event). */
  events?: EventSink;
  /** Overrides the ipamd loop mode (tests compare 'lazy' with 'every-tick'). */
  loopMode?: 'lazy' | 'every-tick';
}

/** One node: its kubelet view, ipamd and EC2 client. */
export interface ClusterNode {
  runtime: NodeRuntime;
  ipamd: Ipamd;
  ec2: Ec2Client;
  group: string;
}

/** A cluster ready to run. */
export class Cluster {
  readonly sim = new Simulation();
  readonly seed: number;
  readonly streams: Streams;
  readonly ec2: Ec2;
  /** Every subnet, in scenario order. */
  readonly subnets: Subnet[];
  readonly metrics: Metrics;
  readonly kubelet: Kubelet;
  readonly nodes: ClusterNode[] = [];
  readonly workloadStats: WorkloadStats;

  constructor(
    readonly scenario: Scenario,
    opts: RunOptions = {},
  ) {
    this.seed = opts.seed ?? scenario.seed ?? 1;
    this.streams = new Streams(this.seed);
    const names = scenario.nodeGroups.map((g) => ({
      name: g.name,
      nodes: Array.from({ length: g.count }, (_, k) => `${g.name}-${k}`),
    }));
    this.metrics = new Metrics(names);
    this.metrics.sink = opts.events;
    this.subnets = scenario.subnets.map((spec) => new Subnet(spec, this.streams.stream(`subnet/${spec.name}/in-use`)));
    const subnet = (name: string): Subnet => this.subnets.find((x) => x.name === name) as Subnet;
    this.ec2 = new Ec2(this.sim, scenario.model.ec2, this.subnets, this.metrics);
    this.kubelet = new Kubelet(this.sim, scenario.model.kubelet, this.streams, this.metrics);
    const ipamdParams = { ...scenario.model.ipamd, ...(opts.loopMode ? { loopMode: opts.loopMode } : {}) };
    const allNames = names.flatMap((g) => g.nodes).sort();
    const rank = new Map(allNames.map((n, i) => [n, i]));
    let index = 0;
    for (const [groupIndex, g] of scenario.nodeGroups.entries()) {
      for (let k = 0; k < g.count; k++) {
        const name = `${g.name}-${k}`;
        const client = this.ec2.client(name, this.streams, subnet(g.subnet));
        let runtime: NodeRuntime | undefined;
        const network = g.eniConfigSubnet !== undefined ? { eniConfigSubnet: subnet(g.eniConfigSubnet) } : {};
        const ipamd = new Ipamd(this.sim, name, index, g.instance, g.maxPods, g.config, ipamdParams, client, this.streams, this.metrics, () =>
          this.kubelet.nodeReady(runtime as NodeRuntime),
        network);
        runtime = new NodeRuntime(name, index, g.name, rank.get(name) as number, g.maxPods, ipamd, groupIndex);
        this.kubelet.addNode(runtime);
        this.nodes.push({ runtime, ipamd, ec2: client, group: g.name });
        index++;
      }
    }
    for (const n of this.nodes) n.ipamd.start();
    this.workloadStats = installWorkload(this.sim, this.kubelet, scenario.workload, this.streams, scenario.durationMs);
  }

  /** Runs to the scenario's end. */
  run(): void {
    this.sim.run(this.scenario.durationMs);
  }
}
