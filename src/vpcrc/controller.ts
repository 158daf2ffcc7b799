/**
 * The VPC resource controller's branch ENI provider (aws/amazon-vpc-resource-controller-k8s pkg/provider/branch): a
 * cluster-wide component beside every node's ipamd. Once a node with ENABLE_POD_ENI is Ready (and labelled by
 * ipamd), it creates and attaches the node's trunk ENI and advertises `vpc.amazonaws.com/pod-eni`; for every bound
 * pod that matches a SecurityGroupPolicy it creates a branch ENI and associates it with the trunk; a deleted pod's
 * branch ENI waits out the cooldown in the trunk's delete queue before it is deleted. Every EC2 call goes through
 * the controller's work queue and workers, its client-side rate limit and the account's buckets.
 */
import { Priority, type Simulation } from '../engine/sim.js';
import { sample } from '../engine/distribution.js';
import type { Rng, Streams } from '../engine/random.js';
import type { Ec2, EniRecord, Ec2ApiName, Ec2Result } from '../aws/ec2.js';
import { INSUFFICIENT_ADDRESSES, type Ec2Client } from '../aws/ec2-client.js';
import type { Subnet } from '../aws/subnet.js';
import type { PodAddress } from '../ipam/cni.js';
import type { BranchCni } from '../kubelet/branch-cni.js';
import type { Kubelet } from '../kubelet/kubelet.js';
import type { NodeRuntime } from '../kubelet/node.js';
import { PodState, type Pod } from '../kubelet/pod.js';
import { effectiveCooldownMs, type VpcrcParams } from './params.js';
import { ClientRateLimiter } from './rate-limit.js';
import { Trunk, TrunkState, type BranchEni } from './trunk.js';
import { WorkQueue, type Job } from './work-queue.js';

/** The identity the controller's EC2 calls carry in the event log and the SDK's retry state. */
export const CONTROLLER = 'vpc-resource-controller';
/** EC2's error for a call about an instance that no longer exists. */
const INSTANCE_GONE = 'InvalidInstanceID.NotFound';
/** trunk.go ErrCurrentlyAtMaxCapacity: used branches plus the delete queue at the type's limit. */
const AT_CAPACITY = 'ErrCurrentlyAtMaxCapacity';

/** What the controller knows of a node when it registers. */
export interface ControllerNode {
  readonly runtime: NodeRuntime;
  readonly ec2: Ec2Client;
  readonly instanceType: string;
  /** ENABLE_POD_ENI on the node's ipamd, and ipamd kept the trunk's ENI slot: ipamd labels it for a trunk. */
  readonly labelled: boolean;
}

/** Facts for the report. */
export interface VpcrcStats {
  /** The controller's own EC2 calls by API (every attempt that reached EC2), and their error codes. */
  calls: Map<Ec2ApiName, number>;
  errors: Map<string, number>;
  /** Branch ENIs created and associated, deleted after cooldown, and creations refused for capacity. */
  branchesCreated: number;
  branchesDeleted: number;
  atCapacity: number;
  /** Branch-ENI pods started: first CNI ADD to start, and creation to start (ms). */
  addToStart: number[];
  createToStart: number[];
  /** Branch-ENI pods pending for a node: most at once and the time integral (ms x pods). */
  pendingPeak: number;
  pendingIntegral: number;
}

export class VpcResourceController implements BranchCni {
  readonly queue: WorkQueue;
  readonly user: ClientRateLimiter;
  readonly instance: ClientRateLimiter;
  /** Every node that got a trunk record (labelled and trunk-capable), in registration order. */
  readonly trunks: Trunk[] = [];
  private readonly byNode = new Map<string, Trunk>();
  private readonly clients = new Map<string, Ec2Client>();
  private readonly rng: Rng;
  private readonly cooldownMs: number;
  readonly stats: VpcrcStats = {
    calls: new Map(),
    errors: new Map(),
    branchesCreated: 0,
    branchesDeleted: 0,
    atCapacity: 0,
    addToStart: [],
    createToStart: [],
    pendingPeak: 0,
    pendingIntegral: 0,
  };
  /** Branch ENIs that exist in EC2 right now (created, not yet deleted). */
  private readonly live = new Set<BranchEni>();
  private pendingLast = 0;
  private pendingLevel = 0;

  constructor(
    private readonly sim: Simulation,
    readonly params: VpcrcParams,
    private readonly ec2: Ec2,
    private readonly kubelet: Kubelet,
    streams: Streams,
    private readonly limitOf: (type: string) => number,
  ) {
    this.queue = new WorkQueue(sim, params);
    this.user = new ClientRateLimiter(params.userQps, params.userBurst);
    this.instance = new ClientRateLimiter(params.instanceQps, params.instanceBurst);
    this.rng = streams.stream('vpcrc/latency');
    this.cooldownMs = effectiveCooldownMs(params.cooldownMs);
    ec2.addControllerBuckets();
    kubelet.branchCni = this;
    kubelet.scheduler.onBranchPending = (n) => {
      const now = this.sim.now;
      this.stats.pendingIntegral += this.pendingLevel * (now - this.pendingLast);
      this.pendingLast = now;
      this.pendingLevel = n;
      if (n > this.stats.pendingPeak) this.stats.pendingPeak = n;
    };
  }

  /** Mean branch-ENI pods pending over [0, now]. */
  meanPending(now: number): number {
    const total = this.stats.pendingIntegral + this.pendingLevel * (now - this.pendingLast);
    return now > 0 ? total / now : 0;
  }

  /** The trunk record of a node, if it has one. */
  trunk(node: string): Trunk | undefined {
    return this.byNode.get(node);
  }

  /**
   * A node is Ready. If ipamd labelled it (ENABLE_POD_ENI, trunk slot kept) and its type can take a trunk, the node
   * reconciler queues the trunk's init job (InitResources) after the watch delay.
   */
  nodeReady(n: ControllerNode): void {
    const limit = this.limitOf(n.instanceType);
    if (!n.labelled || limit <= 0) return;
    const trunk = new Trunk(n.runtime, limit);
    trunk.readyAt = this.sim.now;
    this.trunks.push(trunk);
    this.byNode.set(n.runtime.name, trunk);
    this.clients.set(n.runtime.name, n.ec2);
    const job: Job = { key: `init:${n.runtime.name}`, unlimited: true, run: (done) => this.initTrunk(trunk, done) };
    this.queue.submitAfter(job, sample(this.params.watchDelay, this.rng));
  }

  /** A node is drained (DeInitResources): after NodeDeleteRequeueRequestDelay its branch ENIs are all deleted. */
  nodeDrained(name: string): void {
    const trunk = this.byNode.get(name);
    if (!trunk) return;
    trunk.state = TrunkState.Gone;
    trunk.node.branchCapacity = 0;
    this.queue.submitAfter(
      { key: `delete-node:${name}`, unlimited: true, run: (done) => this.deleteAll(trunk, done) },
      this.params.nodeDeleteDelayMs,
    );
  }

  // ---- kubelet's door ----

  addNetwork(pod: Pod): PodAddress | undefined {
    const node = pod.node as NodeRuntime;
    const trunk = this.byNode.get(node.name);
    const eni = trunk?.byPod.get(pod.id);
    if (eni?.annotated) {
      const now = this.sim.now;
      this.stats.addToStart.push(now - pod.firstAddAt);
      this.stats.createToStart.push(now - pod.createdAt);
      return eni;
    }
    // The pod watch queues the create job when the pod is bound; the job is queued again while the pod is still
    // without a branch ENI (a dropped job comes back on the pod's next update, here its next CNI ADD).
    if (trunk && !eni) {
      const key = `create:${pod.id}`;
      if (!this.queue.has(key)) this.queue.submit({ key, run: (done) => this.createBranch(trunk, pod, pod.id, done) });
    }
    return undefined;
  }

  podDeleted(pod: Pod): void {
    const trunk = this.byNode.get((pod.node as NodeRuntime).name);
    const eni = trunk?.byPod.get(pod.id);
    if (!trunk || !eni) return;
    // PushBranchENIsToCoolDownQueue.
    trunk.byPod.delete(pod.id);
    trunk.deleteQueue.push(eni, this.sim.now);
  }

  // ---- EC2 through the controller's clients ----

  /** One call: the client's rate limit, then the account's buckets and the SDK (Ec2.request). */
  private call<T>(
    limiter: ClientRateLimiter,
    api: Ec2ApiName,
    effect: () => Ec2Result<T>,
    done: (r: Ec2Result<T>) => void,
  ): void {
    const go = (): void =>
      this.ec2.request(api, CONTROLLER, this.rng, effect, (r) => {
        this.bump(this.stats.calls, api);
        if (!r.ok) this.bump(this.stats.errors, r.code);
        done(r);
      });
    const wait = limiter.reserve(this.sim.now);
    if (wait > 0) this.sim.after(wait, Priority.ec2, go, undefined);
    else go();
  }

  private bump<K>(m: Map<K, number>, k: K): void {
    m.set(k, (m.get(k) ?? 0) + 1);
  }

  private fail(subnet: Subnet, code: string): Ec2Result<never> {
    subnet.noteError(code, this.sim.now);
    return { ok: false, code };
  }

  // ---- jobs ----

  /** InitTrunk: CreateNetworkInterface (InterfaceType=trunk) and AttachNetworkInterface, then UpdateResourceCapacity. */
  private initTrunk(trunk: Trunk, done: (ok: boolean) => void): void {
    if (trunk.state !== TrunkState.Pending) return done(true);
    const client = this.clients.get(trunk.node.name) as Ec2Client;
    const attach = (rec: EniRecord): void =>
      this.call(
        this.user,
        'AttachNetworkInterface',
        () => {
          if (trunk.state === TrunkState.Gone) return { ok: false, code: INSTANCE_GONE };
          rec.attached = true;
          rec.visibleAt = this.sim.now;
          return { ok: true, value: null };
        },
        (r) => {
          if (!r.ok) {
            trunk.initFailures++;
            return done(trunk.state === TrunkState.Gone);
          }
          trunk.state = TrunkState.Ready;
          trunk.attachedAt = this.sim.now;
          trunk.node.branchCapacity = trunk.limit;
          this.kubelet.scheduler.refresh(trunk.node);
          this.queue.submitAfter(this.deleteQueueJob(trunk), this.params.deleteQueuePeriodMs);
          done(true);
        },
      );
    if (trunk.eni) return attach(trunk.eni);
    this.call(
      this.user,
      'CreateNetworkInterface',
      () => {
        if (trunk.state === TrunkState.Gone) return { ok: false, code: INSTANCE_GONE };
        const ips = client.subnet.allocateAddresses(1);
        if (!ips) return this.fail(client.subnet, INSUFFICIENT_ADDRESSES);
        const used = new Set(client.enis.map((e) => e.deviceIndex));
        let index = 1;
        while (used.has(index)) index++;
        const rec: EniRecord = {
          id: this.ec2.nextEniId(),
          node: trunk.node.name,
          subnet: client.subnet,
          primaryIp: ips[0],
          secondaries: [],
          prefixes: [],
          deviceIndex: index,
          attached: false,
          visibleAt: Infinity,
          tagged: true, // trunk ENIs are never tagged by ipamd (ipamd.go:530)
        };
        client.enis.push(rec);
        this.ec2.observer.enis(trunk.node.name, 1, this.sim.now);
        return { ok: true, value: rec };
      },
      (r) => {
        if (!r.ok) {
          trunk.initFailures++;
          return done(trunk.state === TrunkState.Gone);
        }
        trunk.eni = r.value;
        attach(r.value);
      },
    );
  }

  /** CreateAndAssociateBranchENIs for one pod: CreateNetworkInterface, AssociateTrunkInterface, then the annotation. */
  private createBranch(trunk: Trunk, pod: Pod, podId: number, done: (ok: boolean) => void): void {
    const alive = (): boolean => pod.id === podId && pod.state !== PodState.Deleted && trunk.state !== TrunkState.Gone;
    if (!alive() || trunk.byPod.has(podId)) return done(true);
    if (trunk.state !== TrunkState.Ready || !trunk.canCreateMore()) {
      if (trunk.state === TrunkState.Ready) {
        this.stats.atCapacity++;
        this.bump(this.stats.errors, AT_CAPACITY);
      }
      return done(false);
    }
    trunk.inFlight++;
    trunk.notePeak();
    const subnet = (this.clients.get(trunk.node.name) as Ec2Client).subnet;
    this.call(
      this.user,
      'CreateNetworkInterface',
      () => {
        const ips = subnet.allocateAddresses(1);
        if (!ips) return this.fail(subnet, INSUFFICIENT_ADDRESSES);
        const eni: BranchEni = {
          eni: { id: this.ec2.nextEniId() },
          ip: ips[0],
          prefix: null,
          node: trunk.node.name,
          subnet,
          podId,
          associated: false,
          annotated: false,
          deletedAt: -1,
          deleted: false,
        };
        this.live.add(eni);
        return { ok: true, value: eni };
      },
      (r) => {
        if (!r.ok) {
          trunk.inFlight--;
          return done(false);
        }
        const eni = r.value;
        this.call(
          this.instance,
          'AssociateTrunkInterface',
          () => {
            if (trunk.state === TrunkState.Gone) return { ok: false, code: INSTANCE_GONE };
            eni.associated = true;
            return { ok: true, value: null };
          },
          (a) => {
            trunk.inFlight--;
            if (!a.ok || !alive()) {
              // A failed association, or the pod went meanwhile: the ENI goes to the delete queue (front, no stamp
              // when it failed: deleted by the next pass; stamped when its pod was deleted).
              if (a.ok) trunk.deleteQueue.push(eni, this.sim.now);
              else trunk.deleteQueue.pushFront(eni);
              return done(a.ok);
            }
            trunk.byPod.set(podId, eni);
            this.stats.branchesCreated++;
            this.sim.after(
              sample(this.params.annotateDelay, this.rng),
              Priority.ec2,
              () => {
                eni.annotated = true;
              },
              undefined,
            );
            done(true);
          },
        );
      },
    );
  }

  /** ProcessDeleteQueue, every deleteQueuePeriodMs while the trunk is in the cache. */
  private deleteQueueJob(trunk: Trunk): Job {
    return {
      key: `delete-queue:${trunk.node.name}`,
      run: (done) => {
        if (trunk.state === TrunkState.Gone) return done(true);
        const cooled = trunk.deleteQueue.takeCooled(this.sim.now, this.cooldownMs);
        this.deleteEnis(trunk, cooled, true, () => {
          this.queue.submitAfter(this.deleteQueueJob(trunk), this.params.deleteQueuePeriodMs);
          done(true);
        });
      },
    };
  }

  /** DeleteAllBranchENIs: every branch ENI of a removed node, in use or cooling. */
  private deleteAll(trunk: Trunk, done: (ok: boolean) => void): void {
    const all = [...trunk.byPod.values(), ...trunk.deleteQueue.takeAll()];
    trunk.byPod.clear();
    this.deleteEnis(trunk, all, false, () => done(true));
  }

  /**
   * deleteENI, one after another: DisassociateTrunkInterface (when associated and the trunk is still there), then
   * DeleteNetworkInterface, whose completion returns the address to the subnet. A failed delete goes back to the
   * front of the queue (the retry count of MaxDeleteRetries = 3 in trunk.go is not modelled: deletes only fail when
   * throttled past the SDK's retries).
   */
  private deleteEnis(trunk: Trunk, enis: BranchEni[], disassociate: boolean, done: () => void): void {
    let i = 0;
    const next = (): void => {
      if (i >= enis.length) return done();
      const eni = enis[i++];
      const del = (): void =>
        this.call(
          this.user,
          'DeleteNetworkInterface',
          () => {
            eni.deleted = true;
            this.live.delete(eni);
            eni.subnet.releaseAddresses([eni.ip]);
            return { ok: true, value: null };
          },
          (r) => {
            if (r.ok) this.stats.branchesDeleted++;
            else trunk.deleteQueue.pushFront(eni);
            next();
          },
        );
      if (disassociate && eni.associated)
        this.call(
          this.user,
          'DisassociateTrunkInterface',
          () => {
            eni.associated = false;
            return { ok: true, value: null };
          },
          () => del(),
        );
      else del();
    };
    next();
  }

  /** Every branch ENI that exists in EC2 (being created, in use, cooling or being deleted), for the invariants. */
  branchEnis(): BranchEni[] {
    return [...this.live];
  }
}
