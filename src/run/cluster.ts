/**
 * Assembles one simulated cluster from a scenario: the simulation, the account's EC2, every node's ipamd, the
 * kubelet and scheduler, the workload generators and the metrics collector. Nodes join (boot delay, nodeInit,
 * Ready) and leave (drain, terminate) as the workload's `scale` items say.
 */
import { Priority, Simulation } from '../engine/sim.js';
import { Streams } from '../engine/random.js';
import { sample } from '../engine/distribution.js';
import { Ec2 } from '../aws/ec2.js';
import { Ec2Client } from '../aws/ec2-client.js';
import { Subnet } from '../aws/subnet.js';
import { Ipamd } from '../ipam/ipamd.js';
import type { IpamdParams } from '../ipam/params.js';
import { CiliumPolicy } from '../ipam/cilium.js';
import { AzureBatchPolicy } from '../ipam/azure-batch.js';
import { TerwayPoolPolicy } from '../ipam/terway-pool.js';
import { IdleReleasePolicy } from '../ipam/idle-release.js';
import { IpamdPolicy } from '../ipam/ipamd-policy.js';
import { CiliumOperator } from '../ipam/cilium-operator.js';
import { Kubelet } from '../kubelet/kubelet.js';
import { NodeRuntime } from '../kubelet/node.js';
import { branchEniLimit } from '../aws/branch-eni.js';
import { VpcResourceController } from '../vpcrc/controller.js';
import { installWorkload, type NodeScaler, type WorkloadStats } from '../workload/generators.js';
import type { NodeActionSpec, NodeGroupSpec, Scenario, ZonePlacement } from '../workload/scenario.js';
import { CordonReleasePolicy } from '../ipam/cordon-release.js';
import { Metrics, type EventSink } from '../report/metrics.js';
import { TimeSeriesRecorder, autoSampleEvery } from '../report/timeseries.js';
import { clusterProbes } from './series.js';
import type { ClusterNode, ClusterView } from './view.js';
import type { AutoscaledCluster } from './autoscaler/autoscaler.js';
import { createAutoscaler } from './autoscaler/create.js';

export type { ClusterNode } from './view.js';

/** Options of one run. */
export interface RunOptions {
  /** Root seed; overrides the scenario's seed. Default: the scenario's seed, else 1. */
  seed?: number;
  /** Event log sink (one record per pod, node, ipamd and EC2 event). */
  events?: EventSink;
  /** Overrides the ipamd loop mode (tests compare 'lazy' with 'every-tick'). */
  loopMode?: 'lazy' | 'every-tick';
  /**
   * Internal: take the straightforward way instead of each shortcut that large clusters need (e.g. scanning the
   * cluster's cooling releases for every address a decrease returns). Same report and event log; tests compare
   * the two (test/run/shortcuts.test.ts).
   */
  straightforward?: boolean;
  /** Records time series (see src/run/series.ts); sampling never changes the report. */
  timeseries?: {
    /** Sampling interval (ms). Default: {@link autoSampleEvery} of the duration. */
    everyMs?: number;
    /** Most nodes for which per-node series are kept (default 16); larger clusters get per-group spreads. */
    nodeLimit?: number;
  };
}

/** A cluster ready to run. */
export class Cluster implements NodeScaler, ClusterView, AutoscaledCluster {
  readonly sim = new Simulation();
  readonly seed: number;
  readonly streams: Streams;
  readonly ec2: Ec2;
  /** Every subnet, in scenario order. */
  readonly subnets: Subnet[];
  readonly metrics: Metrics;
  readonly kubelet: Kubelet;
  /** Every node that ever existed, in creation order (drained ones included). */
  readonly nodes: ClusterNode[] = [];
  readonly workloadStats: WorkloadStats;
  private readonly ipamdParams: IpamdParams;
  /** Live (not drained) nodes per group, in creation order. */
  private readonly live = new Map<string, ClusterNode[]>();
  /** Next node number per group: names are never reused. */
  private readonly nextIndex = new Map<string, number>();
  private readonly lifecycleRng;
  /** The VPC resource controller (trunk and branch ENIs), when the scenario runs one. */
  readonly vpcrc: VpcResourceController | undefined;
  /** The time series recorder, when {@link RunOptions.timeseries} asked for one. */
  readonly timeseries: TimeSeriesRecorder | undefined;
  /** Cilium's operator, when a node group runs the cilium-eni allocator. */
  readonly ciliumOperator: CiliumOperator | undefined;
  /** Each cilium-eni group's policy. */
  private readonly ciliumPolicies = new Map<string, CiliumPolicy>();

  constructor(
    readonly scenario: Scenario,
    opts: RunOptions = {},
  ) {
    this.seed = opts.seed ?? scenario.seed ?? 1;
    this.streams = new Streams(this.seed);
    this.lifecycleRng = this.streams.stream('nodes/lifecycle');
    this.metrics = new Metrics(scenario.nodeGroups.map((g) => g.name));
    this.metrics.sink = opts.events;
    this.metrics.straightforward = opts.straightforward === true;
    this.subnets = scenario.subnets.map((spec) => new Subnet(spec, this.streams.stream(`subnet/${spec.name}/in-use`)));
    this.ec2 = new Ec2(this.sim, scenario.model.ec2, this.subnets, this.metrics, this.streams);
    this.kubelet = new Kubelet(this.sim, scenario.model.kubelet, this.streams, this.metrics);
    this.ipamdParams = { ...scenario.model.ipamd, ...(opts.loopMode ? { loopMode: opts.loopMode } : {}) };
    const vp = scenario.vpcResourceController;
    this.vpcrc = vp
      ? new VpcResourceController(this.sim, vp, this.ec2, this.kubelet, this.streams, branchEniLimit)
      : undefined;
    const op = scenario.ciliumOperator;
    this.ciliumOperator = op ? new CiliumOperator(this.sim, op) : undefined;
    if (op)
      for (const g of scenario.nodeGroups)
        if (g.cilium) this.ciliumPolicies.set(g.name, new CiliumPolicy(g.cilium, op));
    for (const g of scenario.nodeGroups) {
      this.live.set(g.name, []);
      this.nextIndex.set(g.name, 0);
      for (let k = 0; k < g.count; k++) this.addNode(g).ipamd.start();
    }
    this.workloadStats = installWorkload(
      this.sim,
      this.kubelet,
      scenario.workload,
      this.streams,
      scenario.durationMs,
      this,
    );
    for (const g of scenario.nodeGroups) createAutoscaler(this, g)?.start();
    const ts = opts.timeseries;
    this.timeseries = ts
      ? new TimeSeriesRecorder(
          this.sim,
          clusterProbes(this, ts.nodeLimit),
          ts.everyMs ?? autoSampleEvery(scenario.durationMs),
          scenario.durationMs,
        )
      : undefined;
  }

  private addNode(g: NodeGroupSpec): ClusterNode {
    const k = this.nextIndex.get(g.name) as number;
    this.nextIndex.set(g.name, k + 1);
    const name = `${g.name}-${k}`;
    const groupIndex = this.scenario.nodeGroups.indexOf(g);
    const index = this.nodes.length;
    const zone = this.zoneFor(g);
    const client = Ec2Client.open(this.ec2, name, this.streams, this.subnet(zone.subnet));
    const network =
      zone.eniConfigSubnet !== undefined
        ? { eniConfigSubnet: this.subnet(zone.eniConfigSubnet) }
        : zone.eniConfig !== undefined
          ? { missingEniConfig: zone.eniConfig }
          : {};
    const central = this.centralFor(g, name, client);
    const ipamd = new Ipamd({
      sim: this.sim,
      node: name,
      nodeIndex: index,
      instance: g.instance,
      maxPods: g.maxPods,
      config: g.config,
      params: this.ipamdParams,
      ec2: client,
      streams: this.streams,
      observer: this.metrics,
      // Called after nodeInit, long after `runtime` below is set.
      onReady: () => {
        this.kubelet.nodeReady(runtime);
        if (this.vpcrc) this.trunkFor(index);
      },
      network,
      ...central,
    });
    const runtime = new NodeRuntime(name, index, g.name, g.maxPods, ipamd, groupIndex);
    runtime.joinedAt = this.sim.now;
    runtime.podCapacity = g.podsPerNode;
    this.metrics.registerNode(name, groupIndex);
    this.kubelet.addNode(runtime);
    const node = { runtime, ipamd, ec2: client, group: g.name };
    this.nodes.push(node);
    (this.live.get(g.name) as ClusterNode[]).push(node);
    return node;
  }

  /**
   * The zone a new node of `g` goes to: the one with the fewest live nodes of the group relative to its weight, the
   * first listed on a tie (an Auto Scaling group's zone balancing; with equal weights, round-robin).
   */
  private zoneFor(g: NodeGroupSpec): ZonePlacement {
    if (g.zones.length === 1) return g.zones[0];
    const live = this.live.get(g.name) as ClusterNode[];
    let best = g.zones[0];
    let bestShare = Infinity;
    for (const z of g.zones) {
      let n = 0;
      for (const node of live) if (node.ec2.subnet.availabilityZone === z.zone) n++;
      const share = n / z.weight;
      if (share < bestShare) {
        best = z;
        bestShare = share;
      }
    }
    return best;
  }

  /** The node is Ready (ipamd labelled it when ENABLE_POD_ENI kept the trunk's slot): the controller's node watch. */
  private trunkFor(index: number): void {
    const n = this.nodes[index];
    const g = this.scenario.nodeGroups[n.runtime.groupIndex];
    (this.vpcrc as VpcResourceController).nodeReady({
      runtime: n.runtime,
      ec2: n.ec2,
      instanceType: g.instance.name,
      labelled: n.ipamd.eniCap < n.ipamd.maxEnis,
    });
  }

  /**
   * Another allocator than ipamd: its policy, the central decider and the node's configuration under it (Cilium's
   * agent hands a freed address out again at once and works with secondary IPs), with the operator's rate limit in
   * front of the node's EC2 calls. Nothing for ipamd.
   */
  private centralFor(g: NodeGroupSpec, name: string, client: Ec2Client) {
    if (g.azure) return { policy: new AzureBatchPolicy(g.azure) };
    if (g.allocator === 'ipamd-cordon-release')
      return { policy: new CordonReleasePolicy(g.config, this.ipamdParams.timers) };
    // Terway's pool counts addresses: secondary IPs (prefix delegation off), its reclaim jitter from the node's stream.
    if (g.terway)
      return {
        policy: new TerwayPoolPolicy(g.terway, this.streams.stream(`ipam/${name}/terway-reclaim`)),
        config: { ...g.config, enablePrefixDelegation: false },
      };
    if (g.idleRelease)
      return {
        policy: new IdleReleasePolicy(
          g.idleRelease,
          new IpamdPolicy(g.config, this.ipamdParams.timers),
          g.config.warmIpTarget > 0,
        ),
      };
    const policy = this.ciliumPolicies.get(g.name);
    const op = this.ciliumOperator;
    if (!policy || !op) return {};
    op.register(name, policy);
    client.gate = op.gate;
    const config = { ...g.config, enablePrefixDelegation: false, ipCooldownMs: 0, enableSubnetDiscovery: false };
    return { policy, central: op, config };
  }

  /** Scales a node group to `count` live nodes: new nodes boot after the boot delay; removed ones drain. */
  scaleTo(group: string, count: number, reschedule: boolean): void {
    const g = this.scenario.nodeGroups.find((x) => x.name === group) as NodeGroupSpec;
    const live = this.live.get(group) as ClusterNode[];
    const now = this.sim.now;
    this.metrics.sink?.write({ t: now, type: 'node', event: 'scale', group, from: live.length, to: count });
    while (live.length < count) {
      const node = this.addNode(g);
      const boot = sample(this.scenario.model.nodes.bootDelay, this.lifecycleRng);
      node.runtime.joinedAt = now + boot;
      this.sim.after(
        boot,
        Priority.workload,
        () => {
          this.metrics.sink?.write({ t: this.sim.now, type: 'node', event: 'joined', node: node.runtime.name });
          node.ipamd.start();
        },
        undefined,
      );
    }
    while (live.length > count) this.removeNode(live.pop() as ClusterNode, reschedule);
  }

  /** Drains a node (its pods deleted or rescheduled), stops ipamd, and terminates the instance after a delay. */
  private removeNode(node: ClusterNode, reschedule: boolean): void {
    this.metrics.sink?.write({ t: this.sim.now, type: 'node', event: 'drained', node: node.runtime.name });
    node.ipamd.stop();
    this.kubelet.drainNode(node.runtime, reschedule);
    this.vpcrc?.nodeDrained(node.runtime.name);
    const delay = sample(this.scenario.model.nodes.terminateDelay, this.lifecycleRng);
    this.sim.after(
      delay,
      Priority.workload,
      () => {
        node.ec2.terminateInstance();
        this.metrics.sink?.write({ t: this.sim.now, type: 'node', event: 'terminated', node: node.runtime.name });
      },
      undefined,
    );
  }

  /** Named nodes of a cordon or drain that were not live when it ran (the report warns). */
  nodeActionMisses = 0;

  /**
   * A `cordon`, `drain` or `uncordon` item: the nodes it names, or a group's live nodes oldest first among those the
   * action still applies to (cordon: not cordoned; drain: not drained since its last cordon; uncordon: cordoned),
   * all of them or `count` of them or `fraction` of the group's live nodes (rounded up).
   */
  nodeAction(item: NodeActionSpec): void {
    const applies = (n: ClusterNode): boolean => {
      const rt = n.runtime;
      if (item.action === 'uncordon') return rt.unschedulable;
      if (item.action === 'cordon') return !rt.unschedulable;
      return !(rt.unschedulable && rt.evictedAt >= rt.cordonedAt);
    };
    let targets: ClusterNode[];
    if (item.nodes) {
      targets = [];
      for (const name of item.nodes) {
        const n = this.nodes.find((x) => x.runtime.name === name);
        if (!n || !(this.live.get(n.group) as ClusterNode[]).includes(n)) this.nodeActionMisses++;
        else if (applies(n)) targets.push(n);
      }
    } else {
      const live = this.live.get(item.nodeGroup as string) as ClusterNode[];
      const most =
        item.count ?? (item.fraction !== undefined ? Math.ceil(item.fraction * live.length - 1e-9) : live.length);
      targets = live.filter(applies).slice(0, most);
    }
    for (const n of targets) {
      if (item.action === 'uncordon') this.uncordon(n);
      else {
        this.cordon(n);
        if (item.action === 'drain') this.drain(n, item.terminateAfterMs);
      }
    }
  }

  /**
   * kubectl cordon: the scheduler places no new pod on the node, and ipamd sees the
   * `node.kubernetes.io/unschedulable:NoSchedule` taint the node lifecycle controller adds for spec.unschedulable.
   */
  private cordon(n: ClusterNode): void {
    if (n.runtime.unschedulable) return;
    this.kubelet.cordon(n.runtime);
    n.ipamd.setUnschedulable(true);
    this.metrics.nodeCordoned(n.runtime.name, n.ec2.attachedAddresses(), n.ipamd.ds.assigned, this.sim.now);
  }

  private uncordon(n: ClusterNode): void {
    this.kubelet.uncordon(n.runtime);
    n.ipamd.setUnschedulable(false);
    this.metrics.nodeUncordoned(n.runtime.name, n.ec2.attachedAddresses(), n.ipamd.ds.assigned, this.sim.now);
  }

  /**
   * kubectl drain after the cordon: the node's pods are evicted (kubelet.evictPods); with `terminateAfterMs` the
   * node then leaves its group as a scale-in removes a node (removeNode), that long after.
   */
  private drain(n: ClusterNode, terminateAfterMs: number | undefined): void {
    this.metrics.sink?.write({ t: this.sim.now, type: 'node', event: 'drain', node: n.runtime.name });
    this.kubelet.evictPods(n.runtime);
    if (terminateAfterMs === undefined) return;
    this.sim.after(
      terminateAfterMs,
      Priority.workload,
      () => {
        const live = this.live.get(n.group) as ClusterNode[];
        const k = live.indexOf(n);
        if (k < 0) return;
        live.splice(k, 1);
        this.removeNode(n, true);
      },
      undefined,
    );
  }

  /** Pods waiting that a node of `group` could take: its own queue, and '*' for the first autoscaled group with room. */
  pendingFor(group: string): number {
    const s = this.kubelet.scheduler;
    const first = this.scenario.nodeGroups.find(
      (g) => g.autoscaler && (this.live.get(g.name) as ClusterNode[]).length < g.autoscaler.maxNodes,
    );
    return s.pendingIn(`group:${group}`) + (first?.name === group ? s.pendingIn('*') : 0);
  }

  /** Whether no pod on the node is pinned to it by name (an autoscaler may then move them). */
  podsMovable(node: ClusterNode): boolean {
    return this.kubelet.podsOn(node.runtime).every((p) => !p.constraint.startsWith('node:'));
  }

  /** An autoscaler adds `n` nodes to a group. */
  addNodes(group: string, n: number, by: string): void {
    this.metrics.sink?.write({ t: this.sim.now, type: 'node', event: 'autoscale', group, by, add: n });
    this.scaleTo(group, (this.live.get(group) as ClusterNode[]).length + n, true);
  }

  /** An autoscaler removes these nodes of a group (drained with their pods rescheduled, then terminated). */
  removeNodes(group: string, nodes: readonly ClusterNode[], by: string): void {
    const live = this.live.get(group) as ClusterNode[];
    const names = nodes.map((n) => n.runtime.name);
    this.metrics.sink?.write({ t: this.sim.now, type: 'node', event: 'autoscale', group, by, remove: names });
    for (const n of nodes) {
      const k = live.indexOf(n);
      if (k < 0) continue;
      live.splice(k, 1);
      this.removeNode(n, true);
    }
  }

  private subnet(name: string): Subnet {
    return this.subnets.find((x) => x.name === name) as Subnet;
  }

  /** Live nodes of a group (for tests). */
  liveNodes(group: string): readonly ClusterNode[] {
    return this.live.get(group) ?? [];
  }

  /** Runs to the scenario's end. */
  run(): void {
    this.sim.run(this.scenario.durationMs);
  }
}
