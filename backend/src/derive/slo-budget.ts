import type { SloDefinition, SloStatus } from '@osprey/model';

import { bucketUpperMs } from '../stats/latency-buckets';
import type { EndpointBucket } from '../store/store';

/**
 * An SLO's error budget over its window from the RED rollups' (service, endpoint, latency bucket)
 * sums of that window. Availability counts a transaction bad when it ended in error; latency when
 * its bucket's upper bound is over the threshold, so a transaction in the bucket that straddles the
 * threshold counts bad: the rollup figure errs strict by at most one bucket (~19 %), never lenient.
 */
export function sloStatus(
  definition: SloDefinition,
  buckets: readonly EndpointBucket[],
  window: { from: number; to: number }
): SloStatus {
  let total = 0;
  let bad = 0;
  for (const row of buckets) {
    if (
      row.service !== definition.service ||
      (definition.endpoint !== undefined && row.endpoint !== definition.endpoint)
    ) {
      continue;
    }
    total += row.count;
    if (definition.objective === 'availability') {
      bad += row.errors;
    } else if (bucketUpperMs(row.bucket) > definition.thresholdMs!) {
      bad += row.count;
    }
  }
  const allowed = 1 - definition.target / 100;
  const budget = allowed * total;
  const some = total > 0;
  return {
    definition,
    from: window.from,
    to: window.to,
    total,
    good: total - bad,
    bad,
    sli: some ? (100 * (total - bad)) / total : null,
    budget,
    budgetRemaining: some ? 100 * (1 - bad / budget) : null,
    burnRate: some ? bad / total / allowed : null,
  };
}
