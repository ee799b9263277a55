import type { Transaction } from '@osprey/model';

import { bucketOf, quantileMs } from '../../stats/latency-buckets';
import type { Point } from './line-protocol';

export const MINUTE_MS = 60_000;

/** Per (minute, service, instance, endpoint): what the export writes as one `osprey_red` point. */
interface MinuteBucket {
  minute: number;
  service: string;
  instance: string;
  endpoint: string;
  count: number;
  errors: number;
  elapsedSum: number;
  elapsedMax: number;
  /** Latency bucket index → transactions, for p90. */
  latency: Map<number, number>;
  /** Bumped by every add; the export acknowledges the version it wrote. */
  version: number;
  sentVersion: number;
}

/** Points of changed minutes, with what to acknowledge once InfluxDB took them. */
export interface PendingPoints {
  points: Point[];
  versions: Array<[key: string, version: number]>;
}

/**
 * Per-minute RED counters by the transaction's end time. A minute stays in memory for `retainMs`
 * after it ends, so a late batch updates it; the whole minute is then written again, and InfluxDB
 * overwrites the point (same series and timestamp) instead of adding a second one. Older or
 * far-future transactions are refused (`add` returns false) so memory stays bounded.
 */
export class MinuteCounters {
  private readonly buckets = new Map<string, MinuteBucket>();

  constructor(
    readonly measurement: string,
    private readonly retainMs: number
  ) {}

  add(tx: Transaction, endpoint: string, now: number): boolean {
    const minute = Math.floor(tx.endTime / MINUTE_MS) * MINUTE_MS;
    if (!(minute + MINUTE_MS + this.retainMs > now && minute < now + this.retainMs)) {
      return false;
    }
    const key = JSON.stringify([minute, tx.service, tx.instance, endpoint]);
    let bucket = this.buckets.get(key);
    if (bucket === undefined) {
      bucket = {
        minute,
        service: tx.service,
        instance: tx.instance,
        endpoint,
        count: 0,
        errors: 0,
        elapsedSum: 0,
        elapsedMax: 0,
        latency: new Map(),
        version: 0,
        sentVersion: 0,
      };
      this.buckets.set(key, bucket);
    }
    bucket.count += 1;
    bucket.errors += tx.status === 'error' ? 1 : 0;
    bucket.elapsedSum += tx.elapsed;
    bucket.elapsedMax = Math.max(bucket.elapsedMax, tx.elapsed);
    const index = bucketOf(tx.elapsed);
    bucket.latency.set(index, (bucket.latency.get(index) ?? 0) + 1);
    bucket.version += 1;
    return true;
  }

  /** Every minute changed since it was last acknowledged, oldest first. */
  pending(): PendingPoints {
    const changed = [...this.buckets.entries()]
      .filter(([, bucket]) => bucket.version > bucket.sentVersion)
      .sort(([, a], [, b]) => a.minute - b.minute);
    return {
      points: changed.map(([, bucket]) => toPoint(this.measurement, bucket)),
      versions: changed.map(([key, bucket]) => [key, bucket.version]),
    };
  }

  /** InfluxDB took these versions; a minute changed since stays pending. */
  acknowledge(versions: PendingPoints['versions']): void {
    for (const [key, version] of versions) {
      const bucket = this.buckets.get(key);
      if (bucket !== undefined) {
        bucket.sentVersion = Math.max(bucket.sentVersion, version);
      }
    }
  }

  /** Forgets minutes past retention; returns how many of them were never written. */
  evict(now: number): number {
    let unsent = 0;
    for (const [key, bucket] of this.buckets) {
      if (bucket.minute + MINUTE_MS + this.retainMs <= now) {
        unsent += bucket.version > bucket.sentVersion ? 1 : 0;
        this.buckets.delete(key);
      }
    }
    return unsent;
  }

  get size(): number {
    return this.buckets.size;
  }
}

function toPoint(measurement: string, bucket: MinuteBucket): Point {
  return {
    measurement,
    tags: { service: bucket.service, instance: bucket.instance, endpoint: bucket.endpoint },
    fields: {
      count: { int: bucket.count },
      errors: { int: bucket.errors },
      elapsed_sum: round3(bucket.elapsedSum),
      elapsed_max: bucket.elapsedMax,
      p90: round3(quantileMs([...bucket.latency], 0.9)),
    },
    timestamp: bucket.minute,
  };
}

/** Microsecond precision: float sums would otherwise print 0.30000000000000004-style noise. */
function round3(ms: number): number {
  return Math.round(ms * 1000) / 1000;
}
