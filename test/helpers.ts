/** Test helpers: build scenarios from inline YAML and check cluster invariants. */
import { mkdtempSync, writeFileSync as writeFile } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SweepRow } from '../src/sweep/types.js';
import { figuresOf } from '../src/sweep/rows.js';
import { parseScenarioText, validateScenario } from '../src/workload/load.js';
import type { Scenario } from '../src/workload/scenario.js';
import { runScenario, type RunReport } from '../src/index.js';
import { Cluster } from '../src/run/cluster.js';
import { PREFIX_SIZE, type Addr, type Datastore, type DsEni } from '../src/ipam/datastore.js';
import { SipPool } from '../src/ipam/sip-pool.js';
import { formatProblem } from '../src/workload/problems.js';
import { PodState } from '../src/kubelet/pod.js';

/** One record of the event log. */
export interface LogRecord {
  t: number;
  type: string;
  [k: string]: unknown;
}

/** Runs a scenario with the event log kept in memory and the invariants checked after every event. */
export function runLogged(yaml: string): { c: Cluster; log: LogRecord[] } {
  const log: LogRecord[] = [];
  const c = new Cluster(scenarioFrom(yaml), { events: { write: (r) => log.push(r as LogRecord) } });
  c.sim.afterEvent = () => checkInvariants(c);
  c.run();
  return { c, log };
}

/** Asserts that the lazy loop gives exactly the report of a loop that runs every 5 s (passes and event counts aside). */
export function expectLazyEqualsEveryTick(sc: Scenario): void {
  const strip = (r: RunReport) => JSON.stringify({ ...r, ipamd: { ...r.ipamd, passes: 0 }, engine: { events: 0 } });
  const lazy = strip(runScenario(sc, { loopMode: 'lazy' }));
  const tick = strip(runScenario(sc, { loopMode: 'every-tick' }));
  if (lazy !== tick) throw new Error('lazy and every-tick loops disagree');
}

/** Asserts that two runs of the same scenario and seed in one process give byte-identical reports. */
export function expectDeterministic(sc: Scenario): void {
  if (JSON.stringify(runScenario(sc)) !== JSON.stringify(runScenario(sc)))
    throw new Error('two runs with one seed differ');
}

/** A resolved scenario from YAML text; throws with the problems if it does not validate. */
export function scenarioFrom(yaml: string, file = 'inline.yaml'): Scenario {
  const { scenario, problems } = validateScenario(parseScenarioText(yaml, file), process.cwd());
  if (!scenario) throw new Error(problems.map(formatProblem).join('\n'));
  return scenario;
}

/**
 * Checks one free/assigned partition: the free lists hold distinct addresses of `addrs`, and the rest of `addrs`
 * (the assigned ones, returned) number `assigned`.
 */
function checkPartition(
  where: string,
  addrs: readonly Addr[],
  fresh: readonly Addr[],
  released: readonly Addr[],
  times: readonly number[],
  assigned: number,
): Addr[] {
  const freeSet = new Set([...fresh, ...released]);
  if (freeSet.size !== fresh.length + released.length) throw new Error(`${where}: an address is listed twice as free`);
  const own = new Set(addrs);
  for (const a of freeSet) if (!own.has(a)) throw new Error(`${where}: free address ${a.ip} is not one of its own`);
  const held = addrs.filter((a) => !freeSet.has(a));
  if (held.length !== assigned) throw new Error(`${where}: counts ${assigned} pods, holds ${held.length}`);
  if (times.length !== released.length) throw new Error(`${where}: ${released.length} released, ${times.length} times`);
  for (let i = 1; i < times.length; i++) {
    if (times[i - 1] > times[i]) throw new Error(`${where}: released queue out of order`);
  }
  return held;
}

/** Checks a datastore ENI against EC2's record of it; returns its addresses held by pods. */
function checkEni(where: string, ds: Datastore, e: DsEni, rec: { secondaries: number[]; prefixes: number[] }): Addr[] {
  const cidrs = ds.cidrsOn(e);
  if (!e.allocatable && cidrs > 0)
    throw new Error(`${where}: ENI ${e.id} gets no pod addresses, yet holds ${cidrs} CIDRs`);
  if (ds instanceof SipPool) {
    if (e.prefixes.length > 0) throw new Error(`${where}: SIP ENI ${e.id} holds prefixes`);
    const onEni = new Set(rec.secondaries);
    for (const a of e.addrs)
      if (!onEni.has(a.ip)) throw new Error(`${where}: ${a.ip} in the datastore but not attached to ${e.id}`);
    const [fresh, released, times] = [ds.freshOf(e), ds.releasedOf(e), ds.releaseTimes(e)];
    return checkPartition(`${where} ENI ${e.id}`, e.addrs, fresh, released, times, ds.assignedOn(e));
  }
  if (e.addrs.length > 0) throw new Error(`${where}: ENI ${e.id} mixes /32s and prefixes`);
  const out: Addr[] = [];
  let assigned = 0;
  let free = 0;
  for (const p of e.prefixes) {
    if (!rec.prefixes.includes(p.base)) throw new Error(`${where}: prefix ${p.base} not attached to ${e.id}`);
    if (p.base % PREFIX_SIZE !== 0) throw new Error(`${where}: prefix ${p.base} not aligned on ${PREFIX_SIZE}`);
    p.addrs.forEach((a, i) => {
      if (a.ip !== p.base + i) throw new Error(`${where}: prefix ${p.base} holds address ${a.ip} at ${i}`);
    });
    for (let i = 1; i < p.fresh.length; i++)
      if (p.fresh[i - 1].ip < p.fresh[i].ip) throw new Error(`${where}: fresh list not highest-first`);
    const times = Array.from(p.times.subarray(0, p.released.length));
    out.push(...checkPartition(`${where} prefix ${p.base}`, p.addrs, p.fresh, p.released, times, p.assigned));
    assigned += p.assigned;
    if (p.assigned === 0) free++;
  }
  if (assigned !== ds.assignedOn(e))
    throw new Error(`${where}: ENI ${e.id} counts ${ds.assignedOn(e)} pods, its prefixes ${assigned}`);
  if (free !== e.freePrefixes)
    throw new Error(`${where}: ENI ${e.id} counts ${e.freePrefixes} free prefixes, has ${free}`);
  return out;
}

/**
 * Checks the allocator's invariants on a cluster; throws naming the first violation.
 * - no address is held by two pods, and no address is in two places (two ENIs, an ENI and another tenant),
 *   cluster-wide;
 * - every datastore address is exactly one of assigned, free-never-used, free-released (cooling or not);
 * - per node: assigned <= total <= ENIs x addresses per ENI, and ENIs <= min(MAX_ENI, instance limit);
 * - ipamd never holds an address EC2 has not attached to that ENI;
 * - every prefix is an aligned /28 inside its ENI's subnet, every /32 too, and none uses an address AWS keeps or a
 *   reservation forbids;
 * - per subnet: free addresses = size - AWS's five - (tenants + addresses on ENIs).
 */
export function checkInvariants(c: Cluster): void {
  const podIps = new Set<number>();
  const placed = new Map<number, string>();
  const onSubnet = new Map<string, number>();
  const place = (ip: number, what: string, subnet: Cluster['subnets'][number], prefixed: boolean): void => {
    const prev = placed.get(ip);
    if (prev !== undefined) throw new Error(`at ${c.sim.now} ms: address ${ip} is both ${prev} and ${what}`);
    placed.set(ip, what);
    if (!subnet.contains(ip)) throw new Error(`${what}: ${ip} outside subnet ${subnet.name}`);
    if (prefixed ? subnet.isNeverPrefixed(ip) : subnet.isReserved(ip))
      throw new Error(`${what}: ${ip} is reserved in ${subnet.name}`);
    if (!subnet.isUsed(ip) || subnet.isTenant(ip))
      throw new Error(`${what}: ${ip} not held for an ENI by ${subnet.name}`);
    onSubnet.set(subnet.name, (onSubnet.get(subnet.name) ?? 0) + 1);
  };
  for (const n of c.nodes) {
    const ds = n.ipamd.ds;
    const where = `${n.runtime.name} at ${c.sim.now} ms`;
    // Every ENI EC2 holds, drained nodes' too until their instance terminates.
    for (const rec of n.ec2.enis) {
      place(rec.primaryIp, `${rec.id} primary`, rec.subnet, false);
      for (const ip of rec.secondaries) place(ip, `${rec.id} secondary`, rec.subnet, false);
      for (const base of rec.prefixes)
        for (let i = 0; i < PREFIX_SIZE; i++) place(base + i, `${rec.id} prefix ${base}`, rec.subnet, true);
    }
    if (n.runtime.drainedAt >= 0) {
      // Drained: no pod left; its ipamd is stopped, its ENIs go with the instance.
      if (n.runtime.pods !== 0 || c.kubelet.podsOn(n.runtime).length !== 0)
        throw new Error(`${n.runtime.name}: drained node still has pods`);
      continue;
    }
    if (ds instanceof SipPool && !ds.tablesMatch())
      throw new Error(`${where}: the datastore's tables disagree with its ENIs`);
    let total = 0;
    let assigned = 0;
    let prefixes = 0;
    let freePrefixes = 0;
    const held = new Set<Addr>();
    for (const e of ds.enis) {
      const rec = n.ec2.enis.find((r) => r.id === e.id);
      if (!rec) throw new Error(`${where}: datastore ENI ${e.id} unknown to EC2`);
      // IPv6: the datastore holds addresses of the primary ENI's /80, which EC2's IPv4 record does not list.
      const v6 = n.ipamd.config.enableIpv6;
      for (const a of checkEni(where, ds, e, v6 ? { secondaries: e.addrs.map((x) => x.ip), prefixes: [] } : rec))
        held.add(a);
      total += ds.sizeOf(e);
      assigned += ds.assignedOn(e);
      prefixes += e.prefixes.length;
      freePrefixes += e.freePrefixes;
    }
    if (total !== ds.total || assigned !== ds.assigned)
      throw new Error(`${where}: totals ${ds.total}/${ds.assigned} != ${total}/${assigned}`);
    // The addresses the datastore holds for pods are exactly those of the node's running pods, one each.
    const running = c.kubelet.podsOn(n.runtime).filter((p) => p.state === PodState.Running && !p.branch);
    for (const p of running) {
      const a = p.addr as Addr;
      if (!held.has(a))
        throw new Error(`${where}: pod ${p.name} runs on ${a.ip}, which the datastore does not hold for a pod`);
      if (podIps.has(a.ip)) throw new Error(`${where}: ${a.ip} held by two pods`);
      podIps.add(a.ip);
    }
    if (running.length !== held.size)
      throw new Error(`${where}: ${held.size} addresses held for pods, ${running.length} pods running`);
    if (prefixes !== ds.prefixCount || freePrefixes !== ds.freePrefixes) throw new Error(`${where}: prefix counts off`);
    if (!(ds.assigned <= ds.total && ds.total <= n.ipamd.maxEnis * n.ipamd.maxIpsPerEni)) {
      throw new Error(
        `${where}: assigned ${ds.assigned} <= total ${ds.total} <= ${n.ipamd.maxEnis} x ${n.ipamd.maxIpsPerEni} fails`,
      );
    }
    if (n.ec2.enis.length > n.ipamd.maxEnis)
      throw new Error(`${where}: ${n.ec2.enis.length} ENIs > cap ${n.ipamd.maxEnis}`);
    if (ds.assigned > n.runtime.pods) throw new Error(`${where}: more addresses assigned than pods bound`);
  }
  if (c.vpcrc) checkBranchEnis(c, place);
  for (const s of c.subnets) {
    const ours = onSubnet.get(s.name) ?? 0;
    if (s.freeAddresses !== s.size - s.awsReserved - ours - s.tenants) {
      throw new Error(
        `subnet ${s.name} at ${c.sim.now} ms: free ${s.freeAddresses} != ${s.size} - 5 - ${ours} - ${s.tenants}`,
      );
    }
  }
}

/**
 * The VPC resource controller's invariants: every branch ENI's address is in one place only (placed like the ENIs'),
 * no branch ENI serves two pods, a running branch-ENI pod holds its own associated and annotated branch ENI, and
 * per trunk the branch ENIs in use, cooling and being created stay within the type's limit, and the bound branch-ENI
 * pods within the advertised `vpc.amazonaws.com/pod-eni` capacity.
 */
function checkBranchEnis(
  c: Cluster,
  place: (ip: number, what: string, subnet: Cluster['subnets'][number], prefixed: boolean) => void,
): void {
  const v = c.vpcrc as NonNullable<Cluster['vpcrc']>;
  const ids = new Set<string>();
  for (const e of v.branchEnis()) {
    if (ids.has(e.eni.id)) throw new Error(`branch ENI ${e.eni.id} listed twice`);
    ids.add(e.eni.id);
    if (e.deleted) throw new Error(`branch ENI ${e.eni.id} deleted yet alive`);
    place(e.ip, `branch ${e.eni.id}`, e.subnet, false);
  }
  const byPod = new Map<number, string>();
  for (const t of v.trunks) {
    const where = `${t.node.name} at ${c.sim.now} ms`;
    if (t.held > t.limit) throw new Error(`${where}: ${t.held} branch ENIs held > limit ${t.limit}`);
    if (t.node.drainedAt < 0 && t.node.branchPods > t.node.branchCapacity)
      throw new Error(`${where}: ${t.node.branchPods} branch pods > capacity ${t.node.branchCapacity}`);
    for (const [podId, e] of t.byPod) {
      if (!ids.has(e.eni.id)) throw new Error(`${where}: pod ${podId}'s branch ENI ${e.eni.id} not in EC2`);
      if (byPod.has(podId)) throw new Error(`${where}: pod ${podId} holds two branch ENIs`);
      byPod.set(podId, e.eni.id);
    }
    for (const e of t.deleteQueue.all())
      if ([...t.byPod.values()].includes(e)) throw new Error(`${where}: ${e.eni.id} both in use and cooling`);
  }
  for (const n of c.nodes) {
    for (const p of c.kubelet.podsOn(n.runtime)) {
      if (!p.branch || p.state !== PodState.Running) continue;
      const t = v.trunk(n.runtime.name);
      const e = t?.byPod.get(p.id);
      if (!e || e !== p.addr || !e.associated || !e.annotated)
        throw new Error(`${n.runtime.name} at ${c.sim.now} ms: branch pod ${p.name} runs without its branch ENI`);
    }
  }
}

/** A small cluster with churn in WARM_IP_TARGET mode: decreases, cooldowns and kubelet retries all happen. */
export const CHURN_IP_TARGET = `
name: churn-ip-target
seed: 5
duration: 40m
ipamd: { WARM_IP_TARGET: 2, MINIMUM_IP_TARGET: 3, IP_COOLDOWN_PERIOD: 30 }
nodeGroups:
  - { name: small, instanceType: t3.medium, count: 2 }
  - { name: big, instanceType: m5.large, count: 2, ipamd: { WARM_IP_TARGET: 1 } }
workload:
  - burst: { at: 10s, pods: 30, lifetime: { exponential: 4m } }
  - burst: { at: 12m, pods: 25, lifetime: { uniform: [30s, 3m] } }
  - poisson: { from: 1m, to: 35m, ratePerMinute: 6, lifetime: { exponential: 2m } }
`;

/** The default-style scenario: WARM_ENI_TARGET mode. */
export const ENI_TARGET = `
name: eni-target
seed: 42
duration: 30m
nodeGroups:
  - { name: workers, instanceType: m5.large, count: 3 }
ipamd: { WARM_ENI_TARGET: 1 }
workload:
  - burst: { at: 0s, pods: 20, name: web }
  - burst: { at: 5m, pods: 40, lifetime: 2m, name: job }
  - poisson: { from: 1m, to: 20m, ratePerMinute: 3, lifetime: { exponential: 5m }, name: churn }
`;

/**
 * Real sweep rows: WARM_IP_TARGET x MINIMUM_IP_TARGET x seeds over a small bursty scenario, built the way
 * the sweep command builds them (figures taken from each RunReport).
 */
export function sweepRows(warm = [1, 2, 4, 8], minimum = [0, 5, 10], seeds = [1, 2]): SweepRow[] {
  const rows: SweepRow[] = [];
  let point = 0;
  for (const w of warm) {
    for (const m of minimum) {
      const s = scenarioFrom(`
name: sweep-fixture
duration: 20m
ipamd: { WARM_IP_TARGET: ${w}, MINIMUM_IP_TARGET: ${m} }
nodeGroups: [{ name: workers, instanceType: m5.large, count: 3 }]
workload:
  - burst: { at: 30s, pods: 24, lifetime: { uniform: [2m, 6m] } }
  - burst: { at: 9m, pods: 30, lifetime: 4m }
  - poisson: { from: 1m, to: 18m, ratePerMinute: 4, lifetime: { exponential: 3m } }
`);
      for (const seed of seeds) {
        const r = runScenario(s, { seed });
        rows.push({
          tool: 'warmpool-sim',
          kind: 'sweep-run',
          key: `w${w}-m${m}-s${seed}`,
          point,
          settings: { WARM_IP_TARGET: w, MINIMUM_IP_TARGET: m },
          seed,
          figures: figuresOf(r),
        });
      }
      point++;
    }
  }
  return rows;
}

/** A fresh temporary folder. */
export function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'warmpool-sim-test-'));
}

/** Writes `yaml` as a scenario file in `dir`; returns its path. */
export function scenarioFile(dir: string, yaml: string, name = 'scenario.yaml'): string {
  const p = join(dir, name);
  writeFile(p, yaml);
  return p;
}

/** Runs the CLI in-process; returns the exit code and what it printed. */
export { cli } from './cli/helpers.js';
