import { DEFAULT_APDEX_T_MS, type RedGroupBy, type RedPoint, type RedQuery, type RedSeries } from '@osprey/model';

import { apdexScore, TOLERATING_FACTOR } from '../derive/apdex';
import { bucketOf } from '../stats/latency-buckets';

/** Columns a RED series is keyed by, for each groupBy. */
export const GROUP_COLUMNS: Record<RedGroupBy, Array<'service' | 'instance' | 'endpoint'>> = {
  service: ['service'],
  instance: ['service', 'instance'],
  endpoint: ['service', 'endpoint'],
};

export type Row = Record<string, unknown>;

/** A row's series, as the JSON of its group columns' values. */
export function seriesKey(row: Row, columns: readonly string[]): string {
  return JSON.stringify(columns.map((column) => String(row[column])));
}

/** Collects (series key row, point) pairs into series sorted by their key, points by time. */
export function toSeries(
  points: ReadonlyArray<[Row, RedPoint]>,
  columns: ReadonlyArray<'service' | 'instance' | 'endpoint'>
): RedSeries[] {
  const series = new Map<string, RedSeries>();
  for (const [row, point] of points) {
    const key = seriesKey(row, columns);
    let entry = series.get(key);
    if (entry === undefined) {
      entry = { service: String(row.service), points: [] };
      for (const column of columns.slice(1)) {
        entry[column] = String(row[column]);
      }
      series.set(key, entry);
    }
    entry.points.push(point);
  }
  return [...series.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([, entry]) => ({ ...entry, points: entry.points.sort((a, b) => a.time - b.time) }));
}

/**
 * One step of a series: `n` transactions with `errors` of them failed, p50/p90/p95/p99 in ms, and
 * with an Apdex T the satisfied and tolerating ones of them.
 */
export function redPoint(
  time: number,
  step: number,
  n: number,
  errors: number,
  p: [number, number, number, number],
  apdex?: { satisfied: number; tolerating: number }
): RedPoint {
  const point: RedPoint = {
    time,
    count: n,
    rate: n / (step / 1000),
    errors,
    errorRatio: n === 0 ? 0 : errors / n,
    p50: p[0],
    p90: p[1],
    p95: p[2],
    p99: p[3],
  };
  if (apdex !== undefined) {
    point.apdex = apdexScore(apdex.satisfied, apdex.tolerating, n);
  }
  return point;
}

/**
 * What the RED queries count for an Apdex: T and 4T (ms, raw tier) and the latency buckets holding
 * them (rollup tier). Without a T they count at the default, and the points leave the Apdex out.
 */
export function apdexBounds(query: RedQuery): { t: number; t4: number; bucket: number; bucket4: number } {
  const t = query.apdexT ?? DEFAULT_APDEX_T_MS;
  return { t, t4: TOLERATING_FACTOR * t, bucket: bucketOf(t), bucket4: bucketOf(TOLERATING_FACTOR * t) };
}

/** The point of a raw-tier row: columns time, n, errors, p50, p90, p99, satisfied, tolerating. */
export function rawRedPoint(row: Row, query: RedQuery): RedPoint {
  const percentiles: [number, number, number, number] = [
    Number(row.p50),
    Number(row.p90),
    Number(row.p95),
    Number(row.p99),
  ];
  return redPoint(
    Number(row.time),
    query.step,
    Number(row.n),
    Number(row.errors),
    percentiles,
    apdexCounts(query, row)
  );
}

/** The row's satisfied and tolerating counts when the query asked for an Apdex. */
export function apdexCounts(query: RedQuery, row: Row): { satisfied: number; tolerating: number } | undefined {
  return query.apdexT === undefined
    ? undefined
    : { satisfied: Number(row.satisfied), tolerating: Number(row.tolerating) };
}
