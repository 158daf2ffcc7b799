/**
 * The one door between kubelet and ipamd: the CNI plugin's AddNetwork / DelNetwork gRPC calls (rpc_handler.go),
 * as {@link Ipamd.addNetwork} and {@link Ipamd.delNetwork}. What crosses it: the pod's address, read-only, and an
 * opaque handle ipamd gives the pod with it and takes back on release.
 */

/** A pod's address as ipamd hands it out: the /32, its ENI and, in prefix-delegation mode, its /28. */
export interface PodAddress {
  readonly ip: number;
  readonly eni: { readonly id: string };
  readonly prefix: { readonly base: number } | null;
}

/** Opaque to the pod: what ipamd needs to release the address fast. Only ipamd makes one. */
export type AddressHandle = number & { readonly __ipamdHandle: never };

/** The handle of a pod that holds no address. */
export const NO_HANDLE = -1 as AddressHandle;

/** A pod as the CNI calls see it: the address ipamd gave it and the handle that came with it. */
export interface CniPod {
  addr: PodAddress | undefined;
  ipamHandle: AddressHandle;
}
