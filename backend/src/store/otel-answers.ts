import type { Attributes, LogRecord, MetricKind, MetricSeries, MetricSeriesResponse } from '@osprey/model';

/** A stored point as both engines read it back for a series answer. */
export interface MetricPointRow {
  name: string;
  unit: string;
  kind: MetricKind;
  service: string;
  instance: string;
  /** The attributes' JSON as stored: one text per attribute set, so it keys the series. */
  attributes: string;
  time: number;
  value: number | null;
  count: number | null;
  sum: number | null;
}

/**
 * Rows newest first, at most `limit` + 1 (the extra one only tells that the limit cut) → series
 * by (metric, resource, attribute set), points oldest first. A histogram point's value is its mean
 * (sum / count): of a cumulative histogram, the mean since the series started.
 */
export function metricSeriesAnswer(rows: readonly MetricPointRow[], limit: number): MetricSeriesResponse {
  const series = new Map<string, MetricSeries>();
  for (const row of rows.slice(0, limit)) {
    const key = JSON.stringify([row.name, row.service, row.instance, row.attributes]);
    let entry = series.get(key);
    if (entry === undefined) {
      entry = {
        name: row.name,
        unit: row.unit,
        kind: row.kind,
        service: row.service,
        instance: row.instance,
        attributes: JSON.parse(row.attributes) as Attributes,
        points: [],
      };
      series.set(key, entry);
    }
    if (row.kind === 'gauge' || row.kind === 'sum') {
      entry.points.push({ time: row.time, value: row.value ?? 0 });
    } else {
      const count = row.count ?? 0;
      entry.points.push({ time: row.time, value: count > 0 && row.sum !== null ? row.sum / count : 0, count });
    }
  }
  const answer = [...series.values()].sort(
    (a, b) =>
      a.name.localeCompare(b.name) ||
      a.service.localeCompare(b.service) ||
      a.instance.localeCompare(b.instance) ||
      JSON.stringify(a.attributes).localeCompare(JSON.stringify(b.attributes))
  );
  for (const s of answer) {
    s.points.reverse();
  }
  return { series: answer, truncated: rows.length > limit };
}

/** A row of either engine (the same column names) → the model record. */
export function rowToLogRecord(row: Record<string, unknown>): LogRecord {
  const record: LogRecord = {
    id: String(row.id),
    time: Number(row.time_ms),
    service: String(row.service),
    instance: String(row.instance),
    severityNumber: Number(row.severity_number),
    severityText: String(row.severity_text),
    body: String(row.body),
    attributes: JSON.parse(String(row.attributes)) as LogRecord['attributes'],
  };
  if (row.trace_id !== null && row.trace_id !== undefined) {
    record.traceId = String(row.trace_id);
  }
  if (row.span_id !== null && row.span_id !== undefined) {
    record.spanId = String(row.span_id);
  }
  return record;
}
