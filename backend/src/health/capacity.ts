import type { ActiveInstance, CapacityRow } from '@osprey/model';

import type { InstanceThroughput } from '../store/store';

/**
 * Little's law per instance over a window of `seconds`: L = λ × W with λ = requests / seconds and
 * W the mean response time; the most it can serve at `limit` in flight is limit / W. The measured
 * concurrency beside it is what the equalizer holds for that instance (every bucket, whichever
 * source saw it), when it holds the instance.
 */
export function capacityRows(
  throughput: readonly InstanceThroughput[],
  equalizer: readonly ActiveInstance[],
  seconds: number,
  limit: number
): CapacityRow[] {
  const measured = new Map(
    equalizer.map(({ service, instance, buckets }) => [
      `${service}\u0000${instance}`,
      buckets.fast + buckets.slow + buckets.verySlow + buckets.unknownAge,
    ])
  );
  return throughput.map((row) => {
    const lambda = row.requests / seconds;
    const w = row.meanElapsedMs / 1000;
    const maxThroughput = w > 0 ? limit / w : null;
    const inFlight = measured.get(`${row.service}\u0000${row.instance}`);
    return {
      service: row.service,
      instance: row.instance,
      requests: row.requests,
      throughput: lambda,
      meanResponseMs: row.meanElapsedMs,
      concurrency: lambda * w,
      ...(inFlight === undefined ? {} : { measuredConcurrency: inFlight }),
      maxThroughput,
      utilisationPercent: maxThroughput === null ? null : (100 * lambda) / maxThroughput,
    };
  });
}
