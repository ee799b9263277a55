import type { RedGroupBy, RedPoint, RedSeries } from '@osprey/model';

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

/** One step of a series: `n` transactions with `errors` of them failed, p50/p90/p95/p99 in ms. */
export function redPoint(
  time: number,
  step: number,
  n: number,
  errors: number,
  p: [number, number, number, number]
): RedPoint {
  return {
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
}
