/** IP_COOLDOWN_PERIOD: the one search for which released addresses may be handed out again (data_store.go). */

/**
 * How many of the `n` release times `times[from .. from + n)`, in ascending order, are at or before `limit`
 * (now - cooldown): the released addresses whose cooldown has ended. Both pools keep their release times so (the
 * SIP pool in its per-node table, the PD pool per prefix) and check first whether the newest has cooled, the common
 * case, before searching.
 */
export function cooledCount(times: Float64Array, from: number, n: number, limit: number): number {
  let lo = 0;
  let hi = n;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (times[from + mid] <= limit) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
