import type {
  LogQuery,
  LogRecord,
  LogsResponse,
  MetricPoint,
  MetricSeriesQuery,
  MetricSeriesResponse,
} from '@osprey/model';

import { metricSeriesAnswer, type MetricPointRow, rowToLogRecord } from '../otel-answers';
import type { ClickHouseConnection } from './connection';
import { num, str, strList } from './sql';

/**
 * OTLP metric points and log records: each batch is one insert, so one block, written whole or not
 * at all. A batch an exporter resends after a lost answer is stored twice, as on DuckDB; log
 * records keep their content id (logs/convert.ts), so a reader can tell the copies.
 */
export function insertMetricPoints(connection: ClickHouseConnection, points: readonly MetricPoint[]): Promise<void> {
  return connection.insert(
    'otel_metric_points',
    points.map((p) => ({
      service: p.service,
      instance: p.instance,
      name: p.name,
      unit: p.unit,
      kind: p.kind,
      time_ms: p.time,
      start_ms: p.startTime ?? null,
      temporality: p.temporality,
      monotonic: p.monotonic === undefined ? null : p.monotonic ? 1 : 0,
      attributes: JSON.stringify(p.attributes),
      value: p.value ?? null,
      count: p.count ?? null,
      sum: p.sum ?? null,
      min: p.min ?? null,
      max: p.max ?? null,
      buckets: p.buckets === undefined ? null : JSON.stringify(p.buckets),
    }))
  );
}

export async function metricSeries(
  connection: ClickHouseConnection,
  query: MetricSeriesQuery & { limit: number }
): Promise<MetricSeriesResponse> {
  const where = [
    `time_ms >= ${num(query.from)}`,
    `time_ms <= ${num(query.to)}`,
    `name IN ${strList(query.names)}`,
    ...(query.service === undefined ? [] : [`service = ${str(query.service)}`]),
    ...(query.instance === undefined ? [] : [`instance = ${str(query.instance)}`]),
  ];
  const rows = await connection.rows(
    `SELECT name, unit, kind, service, instance, attributes, time_ms AS time, value, count, sum
     FROM otel_metric_points WHERE ${where.join(' AND ')}
     ORDER BY time_ms DESC LIMIT ${num(query.limit + 1)}`
  );
  return metricSeriesAnswer(rows as unknown as MetricPointRow[], query.limit);
}

export async function metricNames(connection: ClickHouseConnection, service?: string): Promise<string[]> {
  const rows = await connection.rows(
    `SELECT DISTINCT name FROM otel_metric_points ${service === undefined ? '' : `WHERE service = ${str(service)}`}
     ORDER BY name`
  );
  return rows.map((row) => String(row.name));
}

export function insertLogRecords(connection: ClickHouseConnection, records: readonly LogRecord[]): Promise<void> {
  return connection.insert(
    'log_records',
    records.map((r) => ({
      id: r.id,
      time_ms: r.time,
      service: r.service,
      instance: r.instance,
      severity_number: r.severityNumber,
      severity_text: r.severityText,
      body: r.body,
      attributes: JSON.stringify(r.attributes),
      trace_id: r.traceId ?? null,
      span_id: r.spanId ?? null,
    }))
  );
}

export async function logRecords(
  connection: ClickHouseConnection,
  query: LogQuery & { limit: number }
): Promise<LogsResponse> {
  const where = [`time_ms >= ${num(query.from)}`, `time_ms <= ${num(query.to)}`];
  const equal = { service: 'service', instance: 'instance', traceId: 'trace_id', spanId: 'span_id' } as const;
  for (const [key, column] of Object.entries(equal) as Array<[keyof typeof equal, string]>) {
    const value = query[key];
    if (value !== undefined) {
      where.push(`${column} = ${str(value)}`);
    }
  }
  if (query.minSeverity !== undefined) {
    where.push(`severity_number >= ${num(query.minSeverity)}`);
  }
  if (query.search !== undefined) {
    where.push(`positionCaseInsensitiveUTF8(body, ${str(query.search)}) > 0`);
  }
  const rows = await connection.rows(
    `SELECT id, time_ms, service, instance, severity_number, severity_text, body, attributes, trace_id, span_id
     FROM log_records WHERE ${where.join(' AND ')}
     ORDER BY time_ms DESC, id LIMIT ${num(query.limit + 1)}`
  );
  return { logs: rows.slice(0, query.limit).map(rowToLogRecord), truncated: rows.length > query.limit };
}
