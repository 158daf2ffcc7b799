/** Test helpers: build scenarios from inline YAML and check cluster invariants. */
import { parseScenarioText, validateScenario } from '../src/workload/load.js';
import type { Scenario } from '../src/workload/scenario.js';
import type { Cluster } from '../src/run/cluster.js';
import { formatProblem } from '../src/workload/problems.js';

/** A resolved scenario from YAML text; throws with the problems if it does not validate. */
export function scenarioFrom(yaml: string, file = 'inline.yaml'): Scenario {
  const { scenario, problems } = validateScenario(parseScenarioText(yaml, file), process.cwd());
  if (!scenario) throw new Error(problems.map(formatProblem).join('\n'));
  return scenario;
}

/**
 * Checks the allocator's invariants on a cluster; throws naming the first violation.
 * - no address is held by two pods, cluster-wide;
 * - every datastore address is exactly one of assigned, free-never-used, free-released (cooling or not);
 * - per node: assigned <= total <= ENIs x (IPs - 1), and ENIs <= min(MAX_ENI, instance limit);
 * - ipamd never holds an address EC2 has not attached to that ENI.
 */
export function checkInvariants(c: Cluster): void {
  const podIps = new Set<number>();
  let ec2Addresses = 0;
  for (const n of c.nodes) for (const e of n.ec2.enis) ec2Addresses += 1 + e.secondaries.length;
  if (ec2Addresses !== c.subnet.used) throw new Error(`at ${c.sim.now} ms: subnet has ${c.subnet.used} in use, ENIs hold ${ec2Addresses}`);
  for (const n of c.nodes) {
    const ds = n.ipamd.ds;
    if (n.runtime.drainedAt >= 0) {
      // Drained: no pod left; once terminated, EC2 holds nothing for it.
      if (n.runtime.pods !== 0 || n.runtime.boundPods.size !== 0) throw new Error(`${n.runtime.name}: drained node still has pods`);
      continue;
    }
    const where = `${n.runtime.name} at ${c.sim.now} ms`;
    let total = 0;
    let assigned = 0;
    for (const e of ds.enis) {
      total += e.addrs.length;
      assigned += e.assigned;
      const rec = n.ec2.enis.find((r) => r.id === e.id);
      if (!rec) throw new Error(`${where}: datastore ENI ${e.id} unknown to EC2`);
      const onEni = new Set(rec.secondaries);
      let podsHere = 0;
      const freeSet = new Set([...e.fresh, ...e.released]);
      if (freeSet.size !== e.fresh.length + e.released.length) throw new Error(`${where}: an address is both fresh and released`);
      for (const a of e.addrs) {
        if (!onEni.has(a.ip)) throw new Error(`${where}: ${a.ip} in the datastore but not attached to ${e.id}`);
        if (a.pod >= 0) {
          podsHere++;
          if (freeSet.has(a)) throw new Error(`${where}: ${a.ip} both assigned and free`);
          if (podIps.has(a.ip)) throw new Error(`${where}: ${a.ip} held by two pods`);
          podIps.add(a.ip);
        } else if (!freeSet.has(a)) throw new Error(`${where}: ${a.ip} neither assigned nor free`);
      }
      if (podsHere !== e.assigned) throw new Error(`${where}: ENI ${e.id} counts ${e.assigned} pods, holds ${podsHere}`);
      for (let i = 1; i < e.released.length; i++) {
        if (e.released[i - 1].releasedAt > e.released[i].releasedAt) throw new Error(`${where}: released queue out of order`);
      }
    }
    if (total !== ds.total || assigned !== ds.assigned) throw new Error(`${where}: totals ${ds.total}/${ds.assigned} != ${total}/${assigned}`);
    if (!(ds.assigned <= ds.total && ds.total <= n.ipamd.maxEnis * n.ipamd.maxIpsPerEni)) {
      throw new Error(`${where}: assigned ${ds.assigned} <= total ${ds.total} <= ${n.ipamd.maxEnis} x ${n.ipamd.maxIpsPerEni} fails`);
    }
    if (n.ec2.enis.length > n.ipamd.maxEnis) throw new Error(`${where}: ${n.ec2.enis.length} ENIs > cap ${n.ipamd.maxEnis}`);
    if (ds.assigned > n.runtime.pods) throw new Error(`${where}: more addresses assigned than pods bound`);
  }
}
