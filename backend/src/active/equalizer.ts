import type { ActiveBuckets, ActiveRequest } from '@osprey/model';

export interface EqualizerThresholds {
  slow: number;
  verySlow: number;
}

/** Scouter's defaults: under 3 s is fine, from 8 s on a request is in trouble. */
export const DEFAULT_THRESHOLDS: EqualizerThresholds = { slow: 3000, verySlow: 8000 };

/** A snapshot older than this (by the time the backend received it) no longer shows what runs now. */
export const DEFAULT_ACTIVE_STALE_MS = 30_000;

/** In-flight requests counted by age into the equalizer's three bars. */
export function equalizerBuckets(requests: readonly ActiveRequest[], thresholds: EqualizerThresholds): ActiveBuckets {
  const buckets: ActiveBuckets = { fast: 0, slow: 0, verySlow: 0, unknownAge: 0 };
  for (const { elapsed } of requests) {
    if (elapsed >= thresholds.verySlow) {
      buckets.verySlow += 1;
    } else if (elapsed >= thresholds.slow) {
      buckets.slow += 1;
    } else {
      buckets.fast += 1;
    }
  }
  return buckets;
}
