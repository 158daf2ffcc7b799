/**
 * The aws-node container environment as ipamd parses it (pkg/ipamd/ipamd.go getters).
 * Parsing follows ipamd exactly, including its silent fallbacks; every fallback also yields a warning so a
 * user learns that `WARM_IP_TARGET: "-5"` means 0 to ipamd.
 */
import { closest } from '../util/suggest.js';

/** ipamd's view of its configuration, after parsing. */
export interface IpamdConfig {
  /** WARM_ENI_TARGET (count of ENIs' worth of free addresses; SIP ENI-target mode only). */
  warmEniTarget: number;
  /** WARM_IP_TARGET (count of free addresses; 0 = unset). */
  warmIpTarget: number;
  /** MINIMUM_IP_TARGET (floor on total addresses; 0 = unset). */
  minimumIpTarget: number;
  /** WARM_PREFIX_TARGET (count of free /28 prefixes; PD mode only). */
  warmPrefixTarget: number;
  /** MAX_ENI (-1 = unset: the instance limit applies). */
  maxEni: number;
  /** IP_COOLDOWN_PERIOD in ms (0 = no cooldown). */
  ipCooldownMs: number;
  enablePrefixDelegation: boolean;
  enableSubnetDiscovery: boolean;
  /**
   * ipamd's disableENIProvisioning (ipamd.go): DISABLE_NETWORK_RESOURCE_PROVISIONING, or ENABLE_IMDS_ONLY_MODE.
   */
  disableNetworkResourceProvisioning: boolean;
  /** ENABLE_IMDS_ONLY_MODE (implies disableNetworkResourceProvisioning). */
  imdsOnlyMode: boolean;
  /** DISABLE_LEAKED_ENI_CLEANUP: no hourly leaked-ENI cleanup. */
  disableLeakedEniCleanup: boolean;
  customNetworking: boolean;
  enablePodEni: boolean;
  /**
   * ENABLE_IPv6: one /80 prefix on the primary ENI at nodeInit (assignIPv6Prefix), no warm pool and no pool loop
   * (StartNodeIPPoolManager returns at once); IPv4 warm targets are ignored. Requires prefix delegation.
   */
  enableIpv6: boolean;
  /**
   * AWS_MANAGE_ENIS_NON_SCHEDULABLE (ipamd.go:122, 2001-2004): true lets ipamd grow the pool and free ENIs on a node
   * tainted `node.kubernetes.io/unschedulable:NoSchedule` (a cordoned node); false (default) holds both off there
   * (isENIAttachmentAllowed ipamd.go:955-965, tryFreeENI ipamd.go:855-858) while address release still runs.
   */
  manageEnisNonSchedulable: boolean;
}

/** A value as written in YAML/JSON: numbers, strings and booleans are all accepted, as in a DaemonSet. */
export type EnvValue = string | number | boolean;

/** One problem found while parsing the environment. */
export interface EnvIssue {
  key: string;
  severity: 'error' | 'warning';
  message: string;
}

type Parser = (raw: string, key: string, issues: EnvIssue[]) => number | boolean;

function intOr(fallback: number, accept: (n: number) => boolean, rule: string): Parser {
  return (raw, key, issues) => {
    const s = raw.trim();
    const n = /^[+-]?\d+$/.test(s) ? Number(s) : NaN;
    if (Number.isInteger(n) && accept(n)) return n;
    issues.push({ key, severity: 'warning', message: `ipamd reads "${raw}" as ${fallback} (${rule})` });
    return fallback;
  };
}

const bool: (fallback: boolean) => Parser = (fallback) => (raw, key, issues) => {
  // Go strconv.ParseBool: 1, t, T, TRUE, true, True, 0, f, F, FALSE, false, False.
  if (/^(1|t|T|TRUE|true|True)$/.test(raw.trim())) return true;
  if (/^(0|f|F|FALSE|false|False)$/.test(raw.trim())) return false;
  issues.push({ key, severity: 'warning', message: `"${raw}" is not a boolean; ipamd uses ${fallback}` });
  return fallback;
};

interface EnvSpec {
  /** Default as a real EKS node sees it (manifest value where the DaemonSet sets one). */
  default: string;
  parse: Parser;
  apply?: (c: IpamdConfig, v: number | boolean) => void;
  /** Set when the simulator does not model this variable yet (an error if the user changes it). */
  unsupported?: string;
  /** Accepted, with no effect on addresses in this model (validate lists such variables once, as info). */
  noEffect?: boolean;
  /** False: `import` leaves it out of the scenario it writes (it sizes nothing; the import notes it as ignored). */
  imported?: boolean;
  doc: string;
}

const ignored = (doc: string): EnvSpec => ({ default: '', parse: () => 0, noEffect: true, doc });
/** Accepted so that the shipped manifest or the add-on's configuration pastes as is; sizes nothing; not imported. */
const accepted = (doc: string): EnvSpec => ({ ...ignored(doc), imported: false });

/** Every aws-node variable the simulator knows, with ipamd's parsing rule and its effect. */
export const IPAMD_ENV: Record<string, EnvSpec> = {
  WARM_ENI_TARGET: {
    default: '1',
    parse: intOr(1, (n) => n >= 0, 'negative or non-integer values mean 1'),
    apply: (c, v) => (c.warmEniTarget = v as number),
    doc: 'ENIs worth of free addresses to keep (SIP mode, when no IP target is set). ipamd.go getWarmENITarget',
  },
  WARM_IP_TARGET: {
    default: '0',
    parse: intOr(0, (n) => n >= 0, 'negative or non-integer values mean unset'),
    apply: (c, v) => (c.warmIpTarget = v as number),
    doc: 'Free addresses to keep; > 0 switches to IP-target mode. ipamd.go getWarmIPTarget',
  },
  MINIMUM_IP_TARGET: {
    default: '0',
    parse: intOr(0, (n) => n >= 0, 'negative or non-integer values mean unset'),
    apply: (c, v) => (c.minimumIpTarget = v as number),
    doc: 'Floor on total addresses; > 0 switches to IP-target mode. ipamd.go getMinimumIPTarget',
  },
  WARM_PREFIX_TARGET: {
    default: '1',
    parse: intOr(0, (n) => n >= 0, 'negative or non-integer values mean 0'),
    apply: (c, v) => (c.warmPrefixTarget = v as number),
    doc: 'Free /28 prefixes to keep in PD mode (manifest default "1"; code default 0). ipamd.go getWarmPrefixTarget',
  },
  ENABLE_PREFIX_DELEGATION: {
    default: 'false',
    parse: bool(false),
    apply: (c, v) => (c.enablePrefixDelegation = v as boolean),
    doc: 'Switch to /28 prefix mode; honoured on Nitro and bare-metal types only, others fall back to secondary IPs. ipamd.go',
  },
  MAX_ENI: {
    default: '-1',
    parse: (raw, key, issues) => {
      const s = raw.trim();
      const n = /^[+-]?\d+$/.test(s) ? Number(s) : NaN;
      if (Number.isInteger(n) && n >= 1) return n;
      if (s !== '-1')
        issues.push({
          key,
          severity: 'warning',
          message: `ipamd ignores MAX_ENI "${raw}" (values below 1 or non-integers)`,
        });
      return -1;
    },
    apply: (c, v) => (c.maxEni = v as number),
    doc: 'Cap on ENIs: min(MAX_ENI, instance limit). ipamd.go getMaxENI',
  },
  IP_COOLDOWN_PERIOD: {
    default: '30',
    parse: (raw, key, issues) => {
      const s = raw.trim();
      const n = /^[+-]?\d+$/.test(s) ? Number(s) : NaN;
      if (!Number.isInteger(n)) {
        issues.push({ key, severity: 'warning', message: `ipamd reads "${raw}" as 30 s (non-integer)` });
        return 30;
      }
      if (n < 0) issues.push({ key, severity: 'warning', message: `a negative cooldown means no cooldown to ipamd` });
      return Math.max(0, n);
    },
    apply: (c, v) => (c.ipCooldownMs = (v as number) * 1000),
    doc: 'Seconds a released pod address stays unusable (and pins its ENI). data_store.go',
  },
  ENABLE_SUBNET_DISCOVERY: {
    default: 'true',
    parse: bool(true),
    apply: (c, v) => (c.enableSubnetDiscovery = v as boolean),
    doc: 'New ENIs may use tagged subnets; adds DescribeSubnets calls to every ENI creation. ipamd.go',
  },
  DISABLE_NETWORK_RESOURCE_PROVISIONING: {
    default: 'false',
    parse: bool(false),
    apply: (c, v) => (c.disableNetworkResourceProvisioning = v as boolean),
    doc: 'true: the pool loop never grows, shrinks or frees anything.',
  },
  AWS_VPC_K8S_CNI_CUSTOM_NETWORK_CFG: {
    default: 'false',
    parse: bool(false),
    apply: (c, v) => (c.customNetworking = v as boolean),
    doc: 'Custom networking: the primary ENI carries no pod addresses; new ENIs go to the node group eniConfig subnet.',
  },
  ENABLE_POD_ENI: {
    default: 'false',
    parse: bool(false),
    apply: (c, v) => (c.enablePodEni = v as boolean),
    doc: 'Security groups for pods: one ENI slot is reserved for the trunk ENI (hasRoomForEni); branch ENIs are not modelled.',
  },
  ENABLE_IPv4: ignored('IPv4 mode (the only mode modelled).'),
  ENABLE_IPv6: {
    default: 'false',
    parse: bool(false),
    apply: (c, v) => (c.enableIpv6 = v as boolean),
    doc: 'IPv6 mode (with ENABLE_PREFIX_DELEGATION): one /80 prefix per node at start, no warm pool; pods limited by maxPods. ipamd.go assignIPv6Prefix, StartNodeIPPoolManager',
  },
  AWS_VPC_K8S_CNI_LOGLEVEL: ignored('Log level; no effect on the pool.'),
  AWS_VPC_K8S_PLUGIN_LOG_LEVEL: ignored('Log level; no effect on the pool.'),
  AWS_VPC_K8S_CNI_EXTERNALSNAT: ignored('SNAT; no effect on the pool.'),
  AWS_VPC_ENI_MTU: ignored('MTU; no effect on the pool.'),
  DISABLE_INTROSPECTION: ignored('No effect on the pool.'),
  DISABLE_METRICS: ignored('No effect on the pool.'),
  DISABLE_TCP_EARLY_DEMUX: ignored('No effect on the pool.'),
  ANNOTATE_POD_IP: ignored('No effect on the pool.'),
  ENABLE_POD_ENI_TRUNK: ignored('No effect on the pool.'),
  AWS_MANAGE_ENIS_NON_SCHEDULABLE: {
    default: 'false',
    parse: bool(false),
    apply: (c, v) => (c.manageEnisNonSchedulable = v as boolean),
    doc: 'true: ipamd attaches ENIs/addresses and frees ENIs on a cordoned node too; false (default): neither there, address release still runs. ipamd.go:855-858, 955-965',
  },
  MANAGE_UNTAGGED_ENI: ignored('The simulator creates no untagged ENIs, so this has no effect.'),
  DISABLE_LEAKED_ENI_CLEANUP: {
    default: 'false',
    parse: bool(false),
    apply: (c, v) => (c.disableLeakedEniCleanup = v as boolean),
    doc: 'true: no hourly leaked-ENI cleanup (awsutils.go:462-465); it also stops with ENABLE_IMDS_ONLY_MODE.',
  },
  ENABLE_MULTI_NIC: ignored('Only network card 0 is modelled.'),
  HTTP_TIMEOUT: ignored('No effect in the simulator (calls do not hang).'),
  ENABLE_IMDS_ONLY_MODE: {
    default: 'false',
    parse: bool(false),
    // disableENIProvisioning() (ipamd.go) is ENABLE_IMDS_ONLY_MODE || DISABLE_NETWORK_RESOURCE_PROVISIONING.
    apply: (c, v) => (c.imdsOnlyMode = v as boolean),
    doc: 'true implies DISABLE_NETWORK_RESOURCE_PROVISIONING (ipamd.go disableENIProvisioning): no EC2 calls for addresses.',
  },
  // The rest of config/master/aws-k8s-cni.yaml and of the EKS add-on's configuration: accepted, no effect here.
  ADDITIONAL_ENI_TAGS: accepted('Tags on the ENIs ipamd creates; no effect on addresses.'),
  AWS_VPC_CNI_NODE_PORT_SUPPORT: accepted('NodePort iptables rules; no effect on addresses.'),
  AWS_VPC_K8S_CNI_LOG_FILE: accepted('Log file; no effect on addresses.'),
  AWS_VPC_K8S_PLUGIN_LOG_FILE: accepted('Log file; no effect on addresses.'),
  AWS_VPC_K8S_EGRESS_V4_PLUGIN_LOG_FILE: accepted('Log file; no effect on addresses.'),
  AWS_VPC_K8S_EGRESS_V6_PLUGIN_LOG_FILE: accepted('Log file; no effect on addresses.'),
  AWS_VPC_K8S_CNI_RANDOMIZESNAT: accepted('SNAT port randomisation; no effect on addresses.'),
  AWS_VPC_K8S_CNI_EXCLUDE_SNAT_CIDRS: accepted('SNAT; no effect on addresses.'),
  AWS_VPC_K8S_CNI_CONNMARK: accepted('SNAT connmark; no effect on addresses.'),
  AWS_VPC_K8S_CNI_CONFIGURE_RPFILTER: accepted('Host rp_filter; no effect on addresses.'),
  AWS_VPC_K8S_CNI_VETHPREFIX: accepted('Host veth names; no effect on addresses.'),
  AWS_VPC_K8S_CNI_BACKING_STORE: accepted('Checkpoint file; no effect on addresses.'),
  AWS_EXTERNAL_SERVICE_CIDRS: accepted('Routing; no effect on addresses.'),
  NETWORK_POLICY_ENFORCING_MODE: accepted('Network policy agent; no effect on addresses.'),
  VPC_CNI_VERSION: accepted('Version label; no effect on addresses.'),
  CLUSTER_NAME: accepted('Tags and metrics; no effect on addresses.'),
  CLUSTER_ENDPOINT: accepted('API server endpoint; no effect on addresses.'),
  INTROSPECTION_BIND_ADDRESS: accepted('Introspection endpoint; no effect on addresses.'),
  POD_MTU: accepted('MTU; no effect on addresses.'),
  POD_SECURITY_GROUP_ENFORCING_MODE: accepted('Branch-ENI pods are not modelled; no effect on addresses.'),
  ENABLE_BANDWIDTH_PLUGIN: accepted('CNI chaining; no effect on addresses.'),
  ENABLE_NFTABLES: accepted('iptables backend; no effect on addresses.'),
  ENABLE_V4_EGRESS: accepted('Egress-only plugin; no effect on addresses.'),
  ENABLE_V6_EGRESS: accepted('Egress-only plugin; no effect on addresses.'),
  DISABLE_POD_V6: accepted('Pod IPv6 sysctls; no effect on addresses.'),
  // Read at resolution (src/workload/resolve-network.ts eniConfigName): they select each node's ENIConfig.
  ENI_CONFIG_LABEL_DEF: {
    default: '',
    parse: () => 0,
    doc: 'Node label naming the ENIConfig (default k8s.amazonaws.com/eniConfig). pkg/eniconfig/eniconfig.go:112-123',
  },
  ENI_CONFIG_ANNOTATION_DEF: {
    default: '',
    parse: () => 0,
    doc: 'Node annotation naming the ENIConfig, read before the label. pkg/eniconfig/eniconfig.go:98-109',
  },
  MY_NODE_NAME: accepted('Set by the DaemonSet from the pod spec; no effect on addresses.'),
  MY_POD_NAME: accepted('Set by the DaemonSet from the pod spec; no effect on addresses.'),
};

/**
 * The variables of `env` that the model accepts but that change nothing about addresses, sorted (validate lists
 * them once, as info).
 */
export function noEffectVars(env: Record<string, unknown>): string[] {
  return Object.keys(env)
    .filter((k) => IPAMD_ENV[k]?.noEffect === true)
    .sort();
}

/** Names of all known variables (for suggestions). */
export const KNOWN_ENV_NAMES = Object.keys(IPAMD_ENV);

/** The configuration ipamd uses when no variable is set (manifest defaults). */
export function defaultIpamdConfig(): IpamdConfig {
  return parseIpamdEnv({}).config;
}

/**
 * Parses an environment map as ipamd does. Unknown names are errors with a suggestion; values ipamd
 * would silently coerce are warnings; variables the simulator does not model yet are errors when changed
 * from their default.
 */
export function parseIpamdEnv(env: Record<string, EnvValue>): { config: IpamdConfig; issues: EnvIssue[] } {
  const c: IpamdConfig = {
    warmEniTarget: 1,
    warmIpTarget: 0,
    minimumIpTarget: 0,
    warmPrefixTarget: 1,
    maxEni: -1,
    ipCooldownMs: 30_000,
    enablePrefixDelegation: false,
    enableSubnetDiscovery: true,
    disableNetworkResourceProvisioning: false,
    imdsOnlyMode: false,
    disableLeakedEniCleanup: false,
    customNetworking: false,
    enablePodEni: false,
    enableIpv6: false,
    manageEnisNonSchedulable: false,
  };
  const issues: EnvIssue[] = [];
  for (const [key, value] of Object.entries(env)) {
    const spec = IPAMD_ENV[key];
    if (!spec) {
      const hint = closest(key, KNOWN_ENV_NAMES);
      issues.push({
        key,
        severity: 'error',
        message: `unknown ipamd variable "${key}"${hint ? `; did you mean ${hint}?` : ''}`,
      });
      continue;
    }
    const raw = String(value);
    const parsed = spec.parse(raw, key, issues);
    if (spec.unsupported && raw.trim() !== spec.default && String(parsed) !== spec.default) {
      issues.push({ key, severity: 'error', message: `${key}=${raw}: ${spec.unsupported}` });
      continue;
    }
    spec.apply?.(c, parsed);
  }
  if (c.imdsOnlyMode) c.disableNetworkResourceProvisioning = true;
  return { config: c, issues };
}

/** The pool-management mode ipamd is in (ipamd.go precedence, reference section 1.2). */
export type PoolMode = 'eni-target' | 'ip-target' | 'prefix-target';

/** Mode selection: IP targets win over WARM_ENI_TARGET and WARM_PREFIX_TARGET. */
export function poolMode(c: IpamdConfig): PoolMode {
  if (c.warmIpTarget > 0 || c.minimumIpTarget > 0) return 'ip-target';
  return c.enablePrefixDelegation ? 'prefix-target' : 'eni-target';
}
