/**
 * The parameter-size facet: half-open ranges [from, below) of parameter counts, smallest first.
 * The web links each one to `minParams=from&maxParams=below-1` (maxParams is inclusive).
 */
export const PARAM_BUCKETS = [
  { value: '<1B', below: 1e9 },
  { value: '1B-10B', below: 1e10 },
  { value: '10B-100B', below: 1e11 },
  { value: '>100B', below: Infinity },
] as const;

/** The bucket of a parameter count; -1 for a model of unknown size (NaN), which no bucket counts. */
export function paramBucket(params: number): number {
  if (!(params >= 0)) return -1;
  let b = 0;
  while (params >= PARAM_BUCKETS[b].below) b++;
  return b;
}

/** The counts as facet values, in size order (not by count), empty buckets left out. */
export const paramBucketCounts = (counts: Uint32Array) => PARAM_BUCKETS.flatMap((b, i) => (counts[i] ? [{ value: b.value, count: counts[i] }] : []));
