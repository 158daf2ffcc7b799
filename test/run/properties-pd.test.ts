/**
 * The properties of properties.test.ts extended to prefix delegation and real subnets: random subnets (sizes,
 * other tenants, reservations), PD on and off (and on a type that ignores it), subnet discovery, custom networking
 * and the trunk ENI reservation. Checked after every event: no address in two places cluster-wide, prefixes
 * aligned and inside their subnet, reserved addresses never used, subnet free count = size - reserved - used.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { Cluster } from '../../src/run/cluster.js';
import { buildReport } from '../../src/run/report.js';
import { checkInvariants, expectDeterministic, expectLazyEqualsEveryTick, scenarioFrom } from '../helpers.js';
import { fcParams } from '../fc.js';

const TYPES = ['m5.large', 't3.small', 'c5.4xlarge', 't2.micro', 'm6i.xlarge'];

const subnetA = fc.record({
  length: fc.integer({ min: 22, max: 25 }),
  tenants: fc.oneof(
    fc.constant(''),
    fc
      .record({ share: fc.integer({ min: 1, max: 40 }), pattern: fc.constantFrom('scattered', 'contiguous') })
      .map((t) => `, inUse: { addresses: ${t.share}PCT, pattern: ${t.pattern} }`),
    fc.constant(', inUse: { ranges: ["10.0.0.20-10.0.0.70", "10.0.0.96/28"] }'),
  ),
  reservations: fc.constantFrom(
    '',
    ', reservations: [{ cidr: 10.0.0.64/27, type: prefix }]',
    ', reservations: [{ cidr: 10.0.0.32/28, type: explicit }]',
  ),
});

/** ipamd env, weighted towards PD prefix-target mode (the mode with the most new code paths). */
const env = fc
  .record({
    mode: fc.constantFrom('pd-prefix', 'pd-prefix', 'pd-ip', 'sip-eni', 'sip-ip'),
    WARM_PREFIX_TARGET: fc.integer({ min: 0, max: 2 }),
    WARM_IP_TARGET: fc.integer({ min: 0, max: 20 }),
    MINIMUM_IP_TARGET: fc.integer({ min: 0, max: 40 }),
    ENABLE_SUBNET_DISCOVERY: fc.boolean(),
    AWS_VPC_K8S_CNI_CUSTOM_NETWORK_CFG: fc.boolean(),
    ENABLE_POD_ENI: fc.boolean(),
    IP_COOLDOWN_PERIOD: fc.constantFrom(0, 30),
  })
  .map(({ mode, ...e }) => ({
    ...e,
    ENABLE_PREFIX_DELEGATION: mode.startsWith('pd'),
    WARM_IP_TARGET: mode.endsWith('-ip') ? Math.max(1, e.WARM_IP_TARGET) : 0,
    MINIMUM_IP_TARGET: mode.endsWith('-ip') ? e.MINIMUM_IP_TARGET : 0,
  }));

const scenarioArb = fc.record({
  a: subnetA,
  bTagged: fc.constantFrom('"1"', '"0"', 'none'),
  type: fc.constantFrom(...TYPES),
  count: fc.integer({ min: 1, max: 3 }),
  env,
  placement: fc.constantFrom('random', 'first-fit'),
  pods: fc.integer({ min: 5, max: 60 }),
  rate: fc.integer({ min: 1, max: 30 }),
  seed: fc.integer({ min: 0, max: 1e6 }),
  minutes: fc.integer({ min: 5, max: 20 }),
});

type S = typeof scenarioArb extends fc.Arbitrary<infer T> ? T : never;

function yamlOf(s: S): string {
  const size = 2 ** (32 - s.a.length);
  const tenants = s.a.tenants.replace(/(\d+)PCT/, (_, p) => String(Math.floor(((size - 40) * Number(p)) / 100)));
  const e = s.env;
  const envText = Object.entries(e)
    .map(([k, v]) => `${k}: ${v}`)
    .join(', ');
  const tags = s.bTagged === 'none' ? '' : `, tags: { kubernetes.io/role/cni: ${s.bTagged} }`;
  const eniConfig = e.AWS_VPC_K8S_CNI_CUSTOM_NETWORK_CFG ? ', eniConfig: { subnet: b }' : '';
  return `
seed: ${s.seed}
duration: ${s.minutes}m
subnets:
  - { name: a, cidr: 10.0.0.0/${s.a.length}${tenants}${s.a.reservations} }
  - { name: b, cidr: 10.1.0.0/24${tags} }
nodeGroups: [{ name: g, instanceType: ${s.type}, count: ${s.count}, maxPods: 110, subnet: a${eniConfig} }]
ipamd: { ${envText} }
workload:
  - burst: { at: 20s, pods: ${s.pods}, lifetime: { exponential: 4m } }
  - poisson: { from: 1m, to: ${s.minutes - 1}m, ratePerMinute: ${s.rate}, lifetime: { exponential: 2m } }
model: { ipamd: { placement: ${s.placement} } }
`;
}

describe('prefix delegation and subnets: invariants over random scenarios', () => {
  it('hold after every event', () => {
    fc.assert(
      fc.property(scenarioArb, (s) => {
        const c = new Cluster(scenarioFrom(yamlOf(s)));
        c.sim.afterEvent = () => checkInvariants(c);
        c.run();
        checkInvariants(c);
      }),
      fcParams(30),
    );
  });

  it('the lazy loop gives exactly the report of a loop that runs every 5 s', () => {
    fc.assert(
      fc.property(scenarioArb, (s) => {
        expectLazyEqualsEveryTick(scenarioFrom(yamlOf(s)));
      }),
      fcParams(30),
    );
  });

  it('give a byte-identical report for the same seed, scattered tenants included', () => {
    fc.assert(
      fc.property(scenarioArb, (s) => {
        expectDeterministic(scenarioFrom(yamlOf(s)));
      }),
      fcParams(10),
    );
  });

  it('report totals agree with the final state: attached = secondaries + 16 x prefixes', () => {
    let sawPrefixes = false;
    fc.assert(
      fc.property(scenarioArb, (s) => {
        const c = new Cluster(scenarioFrom(yamlOf(s)));
        c.run();
        const r = buildReport(c);
        const attached = r.nodes.reduce((a, n) => a + n.enis.reduce((b, e) => b + e.ips + 16 * e.prefixes, 0), 0);
        expect(r.ips.attachedEnd).toBe(attached);
        expect(r.pods.neverStartedSubnetFull).toBeLessThanOrEqual(r.pods.neverStarted);
        for (const sn of r.subnets) {
          expect(sn.freeAddresses.min).toBeLessThanOrEqual(Math.min(sn.freeAddresses.start, sn.freeAddresses.end));
          expect(sn.freeBlocks.min).toBeLessThanOrEqual(Math.min(sn.freeBlocks.start, sn.freeBlocks.end));
          expect(sn.firstErrorMs === null).toBe(Object.keys(sn.errors).length === 0);
        }
        if (r.nodes.some((n) => n.enis.some((e) => e.prefixes > 0))) sawPrefixes = true;
        // A type that ignores PD never holds a prefix.
        if (s.type === 't2.micro') expect(r.nodes.every((n) => n.enis.every((e) => e.prefixes === 0))).toBe(true);
      }),
      fcParams(25),
    );
    expect(sawPrefixes).toBe(true);
  });
});
