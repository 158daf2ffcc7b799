// The scenario of `npm run bench -- --scale` (scripts/bench.mjs, run by scripts/bench-run.mjs): one row of the
// issue #18 table. `nodes` m5.large nodes for `hours` simulated hours, 1.5 pod arrivals a minute per node with a
// 10-minute exponential lifetime, one seed, in one of three ipamd modes.

const TABLE = {
  eni: { title: 'WARM_ENI_TARGET=1', ipamd: '{ WARM_ENI_TARGET: 1 }' },
  ip: { title: 'WARM_IP_TARGET=5, MINIMUM_IP_TARGET=10', ipamd: '{ WARM_IP_TARGET: 5, MINIMUM_IP_TARGET: 10 }' },
  pd: { title: 'prefix delegation', ipamd: '{ ENABLE_PREFIX_DELEGATION: true, WARM_PREFIX_TARGET: 1 }' },
};

/**
 * The modes: the table's three (eni, ip, pd), and each of them with EC2 throttling switched off (`ip-unthrottled`
 * and so on; not in the default table), to compare a throttled cluster with the same cluster unthrottled.
 */
export const SCALE_MODES = {
  ...TABLE,
  ...Object.fromEntries(
    Object.entries(TABLE).map(([k, m]) => [`${k}-unthrottled`, { ...m, title: `${m.title}, no throttling` }]),
  ),
};

/** The modes of the table when none are named. */
export const DEFAULT_MODES = Object.keys(TABLE);

/** The scenario's YAML text for `nodes` nodes in `mode` (a key of SCALE_MODES) over `hours` hours. */
export function scaleScenario(nodes, mode, hours) {
  return `
name: bench-scale-${mode}-${nodes}
seed: 1
duration: ${hours}h
nodeGroups:
  - { name: workers, instanceType: m5.large, count: ${nodes} }
ipamd: ${SCALE_MODES[mode].ipamd}
${mode.endsWith('-unthrottled') ? 'model: { ec2: { throttle: none } }' : ''}
workload:
  - poisson: { from: 0s, to: ${hours}h, ratePerMinute: ${nodes * 1.5}, lifetime: { exponential: 10m } }
`;
}
