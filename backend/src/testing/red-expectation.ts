import type { RedGroupBy, RedPoint, RedQuery, RedSeries, Transaction } from '@osprey/model';

import { bucketOf, quantileMs } from '../stats/latency-buckets';

const MINUTE_MS = 60_000;

/**
 * What a RED answer must be, computed in plain TypeScript from the transactions themselves (no
 * SQL): the reference the store's answers are checked against. `raw`: exact rank-⌈q·n⌉ latencies
 * of transactions ending in [from, to); `rollup`: whole minutes from the one holding `from`, with
 * latency-bucket quantiles.
 */
export function expectedRed(transactions: Transaction[], query: RedQuery, tier: 'raw' | 'rollup'): RedSeries[] {
  const columns: Record<RedGroupBy, Array<'service' | 'instance' | 'endpoint'>> = {
    service: ['service'],
    instance: ['service', 'instance'],
    endpoint: ['service', 'endpoint'],
  };
  const lo = tier === 'raw' ? query.from : Math.floor(query.from / MINUTE_MS) * MINUTE_MS;
  const groups = new Map<string, Map<number, Transaction[]>>();
  for (const tx of transactions) {
    const at = tier === 'raw' ? tx.endTime : Math.floor(tx.endTime / MINUTE_MS) * MINUTE_MS;
    if (at < lo || at >= query.to) {
      continue;
    }
    if ((['service', 'instance', 'endpoint'] as const).some((f) => query[f] !== undefined && query[f] !== tx[f])) {
      continue;
    }
    const key = JSON.stringify(columns[query.groupBy].map((c) => tx[c]));
    const time = Math.floor(at / query.step) * query.step;
    const steps = groups.get(key) ?? new Map<number, Transaction[]>();
    groups.set(key, steps);
    const bucket = steps.get(time) ?? [];
    bucket.push(tx);
    steps.set(time, bucket);
  }
  return [...groups.keys()].sort().map((key) => {
    const values = JSON.parse(key) as string[];
    const series: RedSeries = { service: values[0], points: [] };
    columns[query.groupBy].slice(1).forEach((c, i) => (series[c] = values[i + 1]));
    series.points = [...groups.get(key)!.entries()]
      .sort(([a], [b]) => a - b)
      .map(([time, txs]): RedPoint => {
        const n = txs.length;
        const errors = txs.filter((tx) => tx.status === 'error').length;
        let quantile: (q: number) => number;
        if (tier === 'raw') {
          const sorted = txs.map((tx) => tx.elapsed).sort((a, b) => a - b);
          quantile = (q) => sorted[Math.max(1, Math.ceil(q * n)) - 1];
        } else {
          const counts = new Map<number, number>();
          txs.forEach((tx) => counts.set(bucketOf(tx.elapsed), (counts.get(bucketOf(tx.elapsed)) ?? 0) + 1));
          quantile = (q) => quantileMs([...counts.entries()], q);
        }
        const point: RedPoint = {
          time,
          count: n,
          rate: n / (query.step / 1000),
          errors,
          errorRatio: errors / n,
          p50: quantile(0.5),
          p90: quantile(0.9),
          p95: quantile(0.95),
          p99: quantile(0.99),
        };
        if (query.apdexT !== undefined) {
          const t = query.apdexT;
          // The rollup tier knows a request's latency bucket only: satisfied up to T's bucket.
          const within = (tx: Transaction, limit: number) =>
            tier === 'raw' ? tx.elapsed <= limit : bucketOf(tx.elapsed) <= bucketOf(limit);
          const satisfied = txs.filter((tx) => within(tx, t)).length;
          const tolerating = txs.filter((tx) => !within(tx, t) && within(tx, 4 * t)).length;
          point.apdex = (satisfied + tolerating / 2) / n;
        }
        return point;
      });
    return series;
  });
}
