/**
 * The EC2 calls one node's ipamd makes, each through {@link Ec2.request}. Effects (addresses taken from or
 * returned to a subnet) are applied when a call completes; a subnet that cannot serve a request yields an EC2
 * error code, counted against the subnet, never an exception.
 */
import { sample } from '../engine/distribution.js';
import type { Rng } from '../engine/random.js';
import type { Ec2, EniRecord } from './ec2.js';
import type { Ec2ApiName, Ec2Result } from './api.js';
import type { Streams } from '../engine/random.js';
import type { Subnet } from './subnet.js';
import { PREFIX_SIZE } from './cidr.js';

/** EC2's error when a subnet has too few free addresses for a /32 request. */
export const INSUFFICIENT_ADDRESSES = 'InsufficientFreeAddressesInSubnet';
/** EC2's error when a subnet has no free aligned /28 for a prefix, whatever its free /32s. */
export const INSUFFICIENT_CIDR = 'InsufficientCidrBlocks';

/**
 * EC2's error when a request asks for more addresses or prefixes than the subnet has free ("There aren't sufficient
 * free Ipv4 addresses or prefixes"): CreateNetworkInterface and prefix requests (AWS support's statement quoted in
 * cilium/cilium#31016; ipamd logs in amazon-vpc-cni-k8s#3105). ipamd does not count it as an insufficient-address
 * error, so it starts no 120 s back-off.
 */
export const INVALID_PARAMETER = 'InvalidParameterValue';
/** EC2's error when AssignPrivateIpAddresses would put more addresses or prefixes on an ENI than its type allows. */
export const PRIVATE_IP_LIMIT = 'PrivateIpAddressLimitExceeded';

/** containsInsufficientCIDRsOrSubnetIPs (ipamd.go:368-378): the errors that start ipamd's 120 s backoff. */
export function isInsufficient(code: string): boolean {
  return code === INSUFFICIENT_ADDRESSES || code === INSUFFICIENT_CIDR;
}

/**
 * For reports: the codes the model's EC2 gives when a subnet cannot serve a request (ipamd itself only treats
 * {@link isInsufficient}'s two as insufficient-address errors).
 */
export function isSubnetFull(code: string): boolean {
  return isInsufficient(code) || code === INVALID_PARAMETER;
}

const ok = <T>(value: T): Ec2Result<T> => ({ ok: true, value });

/** The EC2 calls one node's ipamd makes. Effects are applied when each call completes. */
export class Ec2Client {
  /** The node's ENIs as EC2 knows them, in creation order. */
  readonly enis: EniRecord[] = [];

  constructor(
    readonly ec2: Ec2,
    readonly node: string,
    private readonly rng: Rng,
    /** The node's own subnet (its primary ENI's). */
    readonly subnet: Subnet,
  ) {}

  /** A client for one node in `subnet` (its primary ENI's), with its own latency stream. */
  static open(ec2: Ec2, node: string, streams: Streams, subnet: Subnet): Ec2Client {
    const client = new Ec2Client(ec2, node, streams.stream(`ec2/${node}/latency`), subnet);
    let all = Ec2Client.byNode.get(ec2);
    if (!all) Ec2Client.byNode.set(ec2, (all = new Map<string, Ec2Client>()));
    all.set(node, client);
    return client;
  }

  /**
   * A client-side rate limit in front of the account's buckets (Cilium's operator: --limit-ipam-api-qps/-burst):
   * every call waits for `gate` to let it go. None for ipamd.
   */
  gate: ((go: () => void) => void) | undefined = undefined;

  /** One EC2 call, through the {@link gate} when there is one. */
  private request<T>(
    api: Ec2ApiName,
    node: string,
    rng: Rng,
    effect: () => Ec2Result<T>,
    done: (r: Ec2Result<T>) => void,
  ): void {
    const gate = this.gate;
    if (gate === undefined) this.ec2.request(api, node, rng, effect, done);
    else gate(() => this.ec2.request(api, node, rng, effect, done));
  }

  /** An error a subnet caused: counted against the subnet as well as the call. */
  private fail(subnet: Subnet, code: string): Ec2Result<never> {
    subnet.noteError(code, this.ec2.sim.now);
    return { ok: false, code };
  }

  /** Creates the node's primary ENI at boot (part of RunInstances, not an ipamd call); undefined if the subnet is full. */
  bootPrimaryEni(): EniRecord | undefined {
    const ips = this.subnet.allocateAddresses(1);
    if (!ips) {
      this.subnet.noteError(INSUFFICIENT_ADDRESSES, this.ec2.sim.now); // RunInstances' own error
      return undefined;
    }
    const now = this.ec2.sim.now;
    const eni: EniRecord = {
      id: this.ec2.nextEniId(),
      node: this.node,
      subnet: this.subnet,
      primaryIp: ips[0],
      secondaries: [],
      prefixes: [],
      deviceIndex: 0,
      attached: true,
      visibleAt: now,
      tagged: false,
    };
    this.enis.push(eni);
    this.ec2.observer.enis(this.node, 1, now);
    return eni;
  }

  /**
   * DescribeSubnets as ipamd's subnet discovery uses it (getVpcSubnets, awsutils.go): the subnets a new ENI may
   * go to, most free addresses first (stable on scenario order). They are the node's own subnet unless tagged
   * `kubernetes.io/role/cni=0`, and the subnets of its availability zone tagged for the CNI.
   */
  describeSubnets(done: (r: Ec2Result<Subnet[]>) => void): void {
    const own = this.subnet;
    this.request(
      'DescribeSubnets',
      this.node,
      this.rng,
      () => {
        const found = this.ec2.subnets.filter((s) =>
          s === own ? s.cniTag !== 'excluded' : s.availabilityZone === own.availabilityZone && s.cniTag === 'tagged',
        );
        return ok(found.sort((a, b) => b.freeAddresses - a.freeAddresses));
      },
      done,
    );
  }

  /**
   * TerminateInstances: every ENI of the node is deleted with the instance (DeleteOnTermination); its addresses
   * and prefixes return to their subnets. Not an ipamd call, so it draws nothing from the EC2 buckets.
   */
  terminateInstance(): void {
    this.ec2.terminate(this.node);
    for (const eni of this.enis) {
      this.returnToSubnet(eni);
      eni.attached = false;
    }
    this.enis.length = 0;
    if (this.ipv6Addresses > 0) this.ec2.observer.secondaries(this.node, -this.ipv6Addresses, this.ec2.sim.now);
    this.ipv6Addresses = 0;
  }

  /** IPv6: pod addresses of the primary ENI's /80 that the datastore holds (see {@link assignIpv6Prefix}). */
  private ipv6Addresses = 0;

  /** Pod addresses attached to the node now, as the metrics' `attached` level counts them. */
  attachedAddresses(): number {
    let n = this.ipv6Addresses;
    for (const eni of this.enis) n += eni.secondaries.length + PREFIX_SIZE * eni.prefixes.length;
    return n;
  }

  /**
   * IPv6 (ipamd.go assignIPv6Prefix): GetIPv6PrefixesFromEC2 (DescribeNetworkInterfaces), then AllocIPv6Prefixes'
   * one /80 on the primary ENI, counted as the `addresses` pod addresses ipamd keeps of it. AssignIpv6Addresses is
   * not a modelled API (no latency, no bucket); IPv6 addresses take nothing from the IPv4 subnet.
   */
  assignIpv6Prefix(addresses: number, done: (r: Ec2Result<null>) => void): void {
    this.describeNetworkInterfaces((r) => {
      if (r.ok && this.ipv6Addresses === 0) {
        this.ipv6Addresses = addresses;
        this.ec2.observer.secondaries(this.node, addresses, this.ec2.sim.now);
      }
      done(r);
    });
  }

  /** A deleted ENI's primary and secondary addresses and its prefixes go back to its subnet. */
  private returnToSubnet(eni: EniRecord): void {
    const ec2 = this.ec2;
    eni.subnet.releaseAddresses([eni.primaryIp, ...eni.secondaries]);
    eni.subnet.releasePrefixes(eni.prefixes);
    ec2.observer.secondaries(this.node, -(eni.secondaries.length + PREFIX_SIZE * eni.prefixes.length), ec2.sim.now);
    ec2.observer.enis(this.node, -1, ec2.sim.now);
    eni.secondaries.length = 0;
    eni.prefixes.length = 0;
  }

  describeInstances(done: (r: Ec2Result<null>) => void): void {
    this.request('DescribeInstances', this.node, this.rng, () => ok(null), done);
  }

  /** DescribeNetworkInterfaces (named ENIs, or filtered: the leaked-ENI cleanup). Reads only. */
  describeNetworkInterfaces(done: (r: Ec2Result<null>) => void): void {
    this.request('DescribeNetworkInterfaces', this.node, this.rng, () => ok(null), done);
  }

  /** CreateTags on one ENI (TagENI, awsutils.go:1381-1413): it carries ipamd's tags from then on. */
  createTags(eni: EniRecord, done: (r: Ec2Result<null>) => void): void {
    this.request(
      'CreateTags',
      this.node,
      this.rng,
      () => {
        eni.tagged = true;
        return ok(null);
      },
      done,
    );
  }

  modifyNetworkInterfaceAttribute(done: (r: Ec2Result<null>) => void): void {
    this.request('ModifyNetworkInterfaceAttribute', this.node, this.rng, () => ok(null), done);
  }

  /**
   * CreateNetworkInterface in `subnet` with `count` secondary addresses (SecondaryPrivateIpAddressCount) or, when
   * `prefixes`, `count` /28s (Ipv4PrefixCount). All or nothing.
   */
  createNetworkInterface(
    subnet: Subnet,
    count: number,
    prefixes: boolean,
    done: (r: Ec2Result<EniRecord>) => void,
  ): void {
    const ec2 = this.ec2;
    this.request(
      'CreateNetworkInterface',
      this.node,
      this.rng,
      () => {
        // Too few free addresses for the ENI and its request: InvalidParameterValue (amazon-vpc-cni-k8s#3105's log,
        // cilium/cilium#31016); enough addresses but no free aligned /28: InsufficientCidrBlocks.
        const need = 1 + (prefixes ? PREFIX_SIZE : 1) * count;
        if (subnet.freeAddresses < need) return this.fail(subnet, INVALID_PARAMETER);
        // Prefixes first, so that the ENI's primary address does not split a free /28 the request needs.
        const blocks = prefixes ? subnet.allocatePrefixes(count) : [];
        if (!blocks) return this.fail(subnet, INSUFFICIENT_CIDR);
        const ips = subnet.allocateAddresses(prefixes ? 1 : count + 1);
        if (!ips) {
          subnet.releasePrefixes(blocks);
          return this.fail(subnet, INVALID_PARAMETER);
        }
        const eni: EniRecord = {
          id: ec2.nextEniId(),
          node: this.node,
          subnet,
          primaryIp: ips[0],
          secondaries: ips.slice(1),
          prefixes: blocks,
          deviceIndex: -1,
          attached: false,
          visibleAt: Infinity,
          tagged: true,
        };
        this.enis.push(eni);
        ec2.observer.enis(this.node, 1, ec2.sim.now);
        ec2.observer.secondaries(this.node, prefixes ? PREFIX_SIZE * count : count, ec2.sim.now);
        return ok(eni);
      },
      done,
    );
  }

  /** AttachNetworkInterface at the lowest free device index; sets the time the ENI becomes visible in IMDS. */
  attachNetworkInterface(eni: EniRecord, visibleDelayRng: Rng, done: (r: Ec2Result<EniRecord>) => void): void {
    this.request(
      'AttachNetworkInterface',
      this.node,
      this.rng,
      () => {
        const used = new Set(this.enis.filter((e) => e.attached).map((e) => e.deviceIndex));
        let idx = 0;
        while (used.has(idx)) idx++;
        eni.deviceIndex = idx;
        eni.attached = true;
        eni.visibleAt = this.ec2.sim.now + sample(this.ec2.params.eniVisibleDelay, visibleDelayRng);
        return ok(eni);
      },
      done,
    );
  }

  /**
   * AssignPrivateIpAddresses with SecondaryPrivateIpAddressCount = count: the new addresses. `slots`: the secondary
   * addresses and prefixes the ENI may hold (M - 1); more gives PrivateIpAddressLimitExceeded. A subnet with too few
   * free addresses answers InsufficientFreeAddressesInSubnet (ipamd's logs in amazon-vpc-cni-k8s#872 and PR #1773).
   */
  assignPrivateIpAddresses(
    eni: EniRecord,
    count: number,
    done: (r: Ec2Result<number[]>) => void,
    slots = Infinity,
  ): void {
    const ec2 = this.ec2;
    this.request(
      'AssignPrivateIpAddresses',
      this.node,
      this.rng,
      () => {
        if (eni.secondaries.length + eni.prefixes.length + count > slots) return { ok: false, code: PRIVATE_IP_LIMIT };
        const ips = eni.subnet.allocateAddresses(count);
        if (!ips) return this.fail(eni.subnet, INSUFFICIENT_ADDRESSES);
        eni.secondaries.push(...ips);
        ec2.observer.secondaries(this.node, count, ec2.sim.now);
        return ok(ips);
      },
      done,
    );
  }

  /**
   * AssignPrivateIpAddresses with Ipv4PrefixCount = count: the new prefixes' first addresses. Over the ENI's
   * `slots`: PrivateIpAddressLimitExceeded; fewer free addresses than the prefixes need: InvalidParameterValue;
   * enough addresses but no free aligned /28: InsufficientCidrBlocks (cilium/cilium#31016).
   */
  assignIpv4Prefixes(eni: EniRecord, count: number, done: (r: Ec2Result<number[]>) => void, slots = Infinity): void {
    const ec2 = this.ec2;
    this.request(
      'AssignPrivateIpAddresses',
      this.node,
      this.rng,
      () => {
        if (eni.secondaries.length + eni.prefixes.length + count > slots) return { ok: false, code: PRIVATE_IP_LIMIT };
        if (eni.subnet.freeAddresses < PREFIX_SIZE * count) return this.fail(eni.subnet, INVALID_PARAMETER);
        const blocks = eni.subnet.allocatePrefixes(count);
        if (!blocks) return this.fail(eni.subnet, INSUFFICIENT_CIDR);
        eni.prefixes.push(...blocks);
        ec2.observer.secondaries(this.node, PREFIX_SIZE * count, ec2.sim.now);
        return ok(blocks);
      },
      done,
    );
  }

  /** UnassignPrivateIpAddresses (PrivateIpAddresses or Ipv4Prefixes): they go back to the subnet. */
  unassignPrivateIpAddresses(
    eni: EniRecord,
    ips: readonly number[],
    prefixes: boolean,
    done: (r: Ec2Result<null>) => void,
  ): void {
    const ec2 = this.ec2;
    this.request(
      'UnassignPrivateIpAddresses',
      this.node,
      this.rng,
      () => {
        const list = prefixes ? eni.prefixes : eni.secondaries;
        const drop = new Set(ips);
        const kept = list.filter((ip) => !drop.has(ip));
        const removed = list.length - kept.length;
        list.length = 0;
        list.push(...kept);
        if (prefixes) eni.subnet.releasePrefixes(ips);
        else eni.subnet.releaseAddresses(ips);
        ec2.observer.secondaries(this.node, -(prefixes ? PREFIX_SIZE * removed : removed), ec2.sim.now);
        return ok(null);
      },
      done,
    );
  }

  detachNetworkInterface(eni: EniRecord, done: (r: Ec2Result<null>) => void): void {
    this.request(
      'DetachNetworkInterface',
      this.node,
      this.rng,
      () => {
        eni.attached = false;
        return ok(null);
      },
      done,
    );
  }

  /**
   * DeleteNetworkInterface: its primary and secondary addresses and its prefixes go back to the subnet. `owner`: the
   * client of the node the ENI was created for (another node's ipamd deletes leaked ENIs).
   */
  deleteNetworkInterface(eni: EniRecord, done: (r: Ec2Result<null>) => void, owner: Ec2Client = this): void {
    this.request(
      'DeleteNetworkInterface',
      this.node,
      this.rng,
      () => {
        const i = owner.enis.indexOf(eni);
        if (i < 0) return { ok: false, code: 'InvalidNetworkInterfaceID.NotFound' };
        owner.enis.splice(i, 1);
        owner.returnToSubnet(eni);
        this.ec2.leaked.delete(eni);
        return ok(null);
      },
      done,
    );
  }

  /** The client of each node, by node name (the leaked-ENI cleanup deletes ENIs of other nodes). */
  static readonly byNode = new WeakMap<Ec2, Map<string, Ec2Client>>();
}
