/**
 * Log-scale latency buckets shared by the RED rollups, the service-map edges and their percentile
 * queries. Bucket i holds durations in (upper(i-1), upper(i)] with upper(i) = 0.01 ms · 2^(i/4):
 * each bucket is ~19% wider than the one before, so a percentile read from it is off by at most
 * that much, whatever the scale — the trade InfluxDB/Prometheus histograms make too, with no
 * per-service tuning. 108 buckets reach past 1,000 s; longer durations land in the last one.
 */
export const BUCKET_COUNT = 108;
const MIN_MS = 0.01;
const STEPS_PER_DOUBLING = 4;

/** Upper bound (ms) of bucket `index`. */
export function bucketUpperMs(index: number): number {
  return MIN_MS * 2 ** (index / STEPS_PER_DOUBLING);
}

/** The bucket a duration (ms) falls in. */
export function bucketOf(elapsedMs: number): number {
  if (!(elapsedMs > MIN_MS)) {
    return 0;
  }
  const index = Math.ceil(STEPS_PER_DOUBLING * Math.log2(elapsedMs / MIN_MS) - 1e-9);
  return Math.min(index, BUCKET_COUNT - 1);
}

/**
 * The `q` quantile (0..1) of a histogram given as (bucket, count) pairs in any order: the upper
 * bound of the bucket holding the rank-⌈q·n⌉ duration. NaN when the histogram is empty.
 */
export function quantileMs(buckets: ReadonlyArray<readonly [bucket: number, count: number]>, q: number): number {
  const sorted = [...buckets].filter(([, count]) => count > 0).sort((a, b) => a[0] - b[0]);
  const total = sorted.reduce((sum, [, count]) => sum + count, 0);
  if (total === 0) {
    return NaN;
  }
  const rank = Math.max(1, Math.ceil(q * total));
  let seen = 0;
  for (const [bucket, count] of sorted) {
    seen += count;
    if (seen >= rank) {
      return bucketUpperMs(bucket);
    }
  }
  return bucketUpperMs(sorted[sorted.length - 1][0]);
}
