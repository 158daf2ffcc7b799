/**
 * IPv6 (issue #14 item 6): ENABLE_IPv6 with prefix delegation as upstream (ipamd.go isConfigValid, assignIPv6Prefix,
 * StartNodeIPPoolManager): one /80 per node at start, no warm pool, IPv4 warm targets ignored with a warning, pods
 * limited by maxPods only.
 */
import { describe, expect, it } from 'vitest';
import { buildReport } from '../../src/run/report.js';
import { renderText } from '../../src/report/text.js';
import { parseScenarioText, validateScenario } from '../../src/workload/load.js';
import { formatProblem } from '../../src/workload/problems.js';
import { runLogged } from '../helpers.js';

const problemsOf = (yaml: string): string[] =>
  validateScenario(parseScenarioText(yaml, 'v6.yaml'), process.cwd()).problems.map(formatProblem);

describe('IPv6', () => {
  it('one /80 at start, no pool loop, no ENI attached: every pod up to maxPods gets an address at its first ADD', () => {
    const { c, log } = runLogged(`duration: 10m
nodeGroups: [{ name: v6, instanceType: m5.large, count: 2, maxPods: 110 }]
ipamd: { ENABLE_IPv6: true, ENABLE_PREFIX_DELEGATION: true }
workload:
  - burst: { at: 1m, pods: 250 }
  - poisson: { from: 2m, to: 9m, ratePerMinute: 20, lifetime: { exponential: 1m } }
`);
    const r = buildReport(c);
    const prefixes = log.filter((x) => x.type === 'ipamd' && x.action === 'ipv6-prefix');
    expect(prefixes).toHaveLength(2);
    // Nothing else from ipamd: no top-up, no ENI, no release, no pass.
    expect(log.filter((x) => x.type === 'ipamd' && x.action !== 'ipv6-prefix')).toEqual([]);
    expect(r.ipamd.passes).toBe(0);
    // nodeInit's DescribeAllENIs, TagENI and setupENI's subnet check, GetIPv6PrefixesFromEC2 and the first run of
    // the leaked-ENI cleanup (within 5 min of the start): nothing else.
    expect(Object.keys(r.ec2.calls)).toEqual(['DescribeSubnets', 'DescribeNetworkInterfaces', 'CreateTags']);
    expect(r.ec2.calls).toMatchObject({ DescribeSubnets: 2, DescribeNetworkInterfaces: 6, CreateTags: 2 });
    expect(r.ips.enisPeak).toBe(2);
    // 2 x (110 - 2) pod slots: the rest of the burst waits for a node, none for an address.
    expect(r.pods.failedAddAttempts).toBe(0);
    expect(r.pods.waitingForIp).toBe(0);
    expect(r.nodes.map((n) => n.podsRunning)).toEqual([108, 108]);
    expect(r.nodeGroups[0].mode).toBe('ipv6-prefix');
    expect(renderText(r)).toContain('IPv6: one /80 prefix per node at start, no warm pool; pods limited by maxPods');
  });

  it('needs prefix delegation and no custom networking, on a type that honours it (else ipamd does not start)', () => {
    expect(
      problemsOf(`duration: 1m
nodeGroups: [{ name: a, instanceType: m5.large, count: 1, maxPods: 110 }]
ipamd: { ENABLE_IPv6: true }
`),
    ).toEqual([
      'v6.yaml:2:14: error: nodeGroups[0]: ENABLE_IPv6=true needs ENABLE_PREFIX_DELEGATION=true and no custom networking (ipamd: "IPv6 is supported only in Prefix Delegation mode"); ipamd would not start',
    ]);
    expect(
      problemsOf(`duration: 1m
nodeGroups: [{ name: a, instanceType: m4.large, count: 1, maxPods: 110 }]
ipamd: { ENABLE_IPv6: true, ENABLE_PREFIX_DELEGATION: true }
`)[0],
    ).toContain(
      'error: nodeGroups[0].instanceType: m4.large is neither Nitro nor bare metal: IPv6 needs prefix delegation',
    );
  });

  it('IPv4 warm targets are ignored with one warning', () => {
    expect(
      problemsOf(`duration: 1m
nodeGroups: [{ name: a, instanceType: m5.large, count: 1, maxPods: 110 }]
ipamd: { ENABLE_IPv6: true, ENABLE_PREFIX_DELEGATION: true, WARM_IP_TARGET: 5, MINIMUM_IP_TARGET: 10 }
`),
    ).toEqual([
      'v6.yaml:2:14: warning: nodeGroups[0]: IPv6 mode has no warm pool: WARM_IP_TARGET, MINIMUM_IP_TARGET are ignored (one /80 prefix per node; pods limited by maxPods)',
    ]);
  });
});
