/**
 * The shipped manifest pasted as is (issue #14 item 3): every aws-node variable of config/master/aws-k8s-cni.yaml
 * (v1.23.1) and of the EKS add-on's configuration is accepted, the DaemonSet's env list form works as well as a
 * map, and validate lists the variables that size nothing once, as info.
 */
import { describe, expect, it } from 'vitest';
import { parseIpamdEnv } from '../../src/ipam/config.js';
import { parseScenarioText, validateScenario } from '../../src/workload/load.js';
import { formatProblem } from '../../src/workload/problems.js';
import { cli } from '../cli/helpers.js';
import { scenarioFrom } from '../helpers.js';

/** The aws-node container's env names in config/master/aws-k8s-cni.yaml at b52188387f2e, in its order. */
const MANIFEST = [
  'ADDITIONAL_ENI_TAGS',
  'AWS_VPC_CNI_NODE_PORT_SUPPORT',
  'AWS_VPC_ENI_MTU',
  'AWS_VPC_K8S_CNI_CUSTOM_NETWORK_CFG',
  'AWS_VPC_K8S_CNI_EXTERNALSNAT',
  'AWS_VPC_K8S_CNI_LOGLEVEL',
  'AWS_VPC_K8S_CNI_LOG_FILE',
  'AWS_VPC_K8S_CNI_RANDOMIZESNAT',
  'AWS_VPC_K8S_CNI_VETHPREFIX',
  'AWS_VPC_K8S_PLUGIN_LOG_FILE',
  'AWS_VPC_K8S_PLUGIN_LOG_LEVEL',
  'DISABLE_INTROSPECTION',
  'DISABLE_METRICS',
  'DISABLE_NETWORK_RESOURCE_PROVISIONING',
  'ENABLE_IMDS_ONLY_MODE',
  'ENABLE_IPv4',
  'ENABLE_IPv6',
  'ENABLE_MULTI_NIC',
  'ENABLE_POD_ENI',
  'ENABLE_PREFIX_DELEGATION',
  'ENABLE_SUBNET_DISCOVERY',
  'NETWORK_POLICY_ENFORCING_MODE',
  'VPC_CNI_VERSION',
  'WARM_ENI_TARGET',
  'WARM_PREFIX_TARGET',
  'MY_NODE_NAME',
  'MY_POD_NAME',
];

/** Further variables the EKS add-on's configuration schema offers. */
const ADDON = [
  'ANNOTATE_POD_IP',
  'AWS_EXTERNAL_SERVICE_CIDRS',
  'AWS_MANAGE_ENIS_NON_SCHEDULABLE',
  'AWS_VPC_K8S_CNI_CONFIGURE_RPFILTER',
  'AWS_VPC_K8S_CNI_EXCLUDE_SNAT_CIDRS',
  'CLUSTER_ENDPOINT',
  'DISABLE_LEAKED_ENI_CLEANUP',
  'DISABLE_POD_V6',
  'DISABLE_TCP_EARLY_DEMUX',
  'ENABLE_BANDWIDTH_PLUGIN',
  'ENABLE_NFTABLES',
  'ENABLE_V4_EGRESS',
  'ENABLE_V6_EGRESS',
  'ENI_CONFIG_ANNOTATION_DEF',
  'ENI_CONFIG_LABEL_DEF',
  'INTROSPECTION_BIND_ADDRESS',
  'IP_COOLDOWN_PERIOD',
  'MAX_ENI',
  'MINIMUM_IP_TARGET',
  'POD_SECURITY_GROUP_ENFORCING_MODE',
  'WARM_IP_TARGET',
];

const problemsOf = (yaml: string): string[] =>
  validateScenario(parseScenarioText(yaml, 'm.yaml'), process.cwd()).problems.map(formatProblem);

describe('the shipped manifest, pasted as is', () => {
  it('every variable of the manifest and of the add-on is known (no error, whatever its manifest value)', () => {
    for (const name of [...MANIFEST, ...ADDON]) {
      const errors = parseIpamdEnv({ [name]: '' }).issues.filter((i) => i.severity === 'error');
      expect(errors, name).toEqual([]);
    }
  });

  it('the DaemonSet env list is read like a map, at the top and in a node group', () => {
    const s = scenarioFrom(`duration: 1m
ipamd:
  - name: WARM_IP_TARGET
    value: "3"
  - name: AWS_VPC_K8S_CNI_VETHPREFIX
    value: eni
  - name: MY_NODE_NAME
    valueFrom: { fieldRef: { fieldPath: spec.nodeName } }
nodeGroups:
  - { name: a, instanceType: m5.large, count: 1 }
  - name: b
    instanceType: m5.large
    count: 1
    ipamd:
      - name: WARM_IP_TARGET
        value: 7
      - name: MINIMUM_IP_TARGET
        value: "12"
`);
    expect(s.nodeGroups[0].config.warmIpTarget).toBe(3);
    expect(s.nodeGroups[1].config).toMatchObject({ warmIpTarget: 7, minimumIpTarget: 12 });
  });

  it('list items are located: an unknown name at its name, a bad value at its value, valueFrom of a setting warned', () => {
    const out = problemsOf(`duration: 1m
nodeGroups: [{ name: a, instanceType: m5.large, count: 1 }]
ipamd:
  - name: WARM_IP_TARGETS
    value: "3"
  - name: WARM_ENI_TARGET
    value: lots
  - name: MINIMUM_IP_TARGET
    valueFrom: { configMapKeyRef: { name: cfg, key: min } }
`);
    expect(out).toEqual([
      'm.yaml:4:11: error: ipamd[0].name: unknown ipamd variable "WARM_IP_TARGETS"; did you mean WARM_IP_TARGET?',
      'm.yaml:7:12: warning: ipamd[1].value: ipamd reads "lots" as 1 (negative or non-integer values mean 1)',
      "m.yaml:9:16: warning: ipamd[2].valueFrom: MINIMUM_IP_TARGET is set from valueFrom, which a scenario cannot resolve; write its value instead (ipamd's default is used)",
    ]);
  });

  it('ENABLE_IMDS_ONLY_MODE implies DISABLE_NETWORK_RESOURCE_PROVISIONING (disableENIProvisioning), in any order', () => {
    const cfg = (env: Record<string, string>) => parseIpamdEnv(env).config.disableNetworkResourceProvisioning;
    expect(cfg({ ENABLE_IMDS_ONLY_MODE: 'true', DISABLE_NETWORK_RESOURCE_PROVISIONING: 'false' })).toBe(true);
    expect(cfg({ DISABLE_NETWORK_RESOURCE_PROVISIONING: 'false', ENABLE_IMDS_ONLY_MODE: 'true' })).toBe(true);
    expect(cfg({ ENABLE_IMDS_ONLY_MODE: 'false' })).toBe(false);
  });

  it('validate accepts scenarios/shipped-manifest.yaml and lists what has no effect once, as info', async () => {
    const r = await cli(['validate', 'scenarios/shipped-manifest.yaml']);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    const lines = r.stdout.split('\n');
    expect(lines[0]).toBe('scenarios/shipped-manifest.yaml: ok');
    const info = lines.filter((l) => l.includes('no effect in this model'));
    expect(info).toHaveLength(1);
    for (const name of [
      'AWS_VPC_K8S_CNI_VETHPREFIX',
      'VPC_CNI_VERSION',
      'NETWORK_POLICY_ENFORCING_MODE',
      'MY_NODE_NAME',
    ])
      expect(info[0]).toContain(name);
    for (const name of ['WARM_ENI_TARGET', 'ENABLE_IMDS_ONLY_MODE', 'ENABLE_PREFIX_DELEGATION'])
      expect(info[0]).not.toContain(` ${name}`);
  });
});
