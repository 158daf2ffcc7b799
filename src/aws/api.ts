/** The names and outcomes of the EC2 calls the simulation makes, shared by the EC2 model, its client and the reports. */

/** The error code of a throttled request. */
export const THROTTLED = 'RequestLimitExceeded';

/** The EC2 APIs ipamd uses. */
export const EC2_APIS = [
  'DescribeSubnets',
  'CreateNetworkInterface',
  'DescribeInstances',
  'AttachNetworkInterface',
  'ModifyNetworkInterfaceAttribute',
  'AssignPrivateIpAddresses',
  'UnassignPrivateIpAddresses',
  'DescribeNetworkInterfaces',
  'DetachNetworkInterface',
  'DeleteNetworkInterface',
  'CreateTags',
] as const;
/**
 * The EC2 APIs only the VPC resource controller calls (branch ENIs on a trunk). Kept apart from {@link EC2_APIS} so
 * that runs without the controller list, bucket and report exactly what they did before.
 */
export const CONTROLLER_APIS = ['AssociateTrunkInterface', 'DisassociateTrunkInterface'] as const;
/** Every API a scenario's `model.ec2` can tune (latency, account bucket, other tenants' rate). */
export const ALL_EC2_APIS = [...EC2_APIS, ...CONTROLLER_APIS] as const;
export type Ec2ApiName = (typeof EC2_APIS)[number] | (typeof CONTROLLER_APIS)[number];

/** Outcome of a call: a value, or an EC2 error code (modelled failure, never an exception). */
export type Ec2Result<T> = { ok: true; value: T } | { ok: false; code: string };
