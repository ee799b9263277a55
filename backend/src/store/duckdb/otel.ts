import type { DuckDBAppender, DuckDBConnection, DuckDBValue } from '@duckdb/node-api';
import type {
  LogQuery,
  LogRecord,
  LogsResponse,
  MetricPoint,
  MetricSeriesQuery,
  MetricSeriesResponse,
} from '@osprey/model';

import { appendNullable, appendRows } from './append';
import { metricSeriesAnswer, type MetricPointRow, rowToLogRecord } from '../otel-answers';

/**
 * OTLP metric points and log records, one row each. Times are epoch ms as DOUBLE (the sub-ms
 * fraction kept): the tables are read by time range and dropped by age, never joined with spans.
 */
export const OTEL_SCHEMA = [
  `CREATE TABLE IF NOT EXISTS otel_metric_points (
    service VARCHAR NOT NULL,
    instance VARCHAR NOT NULL,
    name VARCHAR NOT NULL,
    unit VARCHAR NOT NULL,
    kind VARCHAR NOT NULL,
    time_ms DOUBLE NOT NULL,
    start_ms DOUBLE,
    temporality VARCHAR NOT NULL,
    monotonic BOOLEAN,
    attributes JSON NOT NULL,
    value DOUBLE,
    count DOUBLE,
    sum DOUBLE,
    min DOUBLE,
    max DOUBLE,
    buckets JSON
  )`,
  `CREATE TABLE IF NOT EXISTS log_records (
    id VARCHAR NOT NULL,
    time_ms DOUBLE NOT NULL,
    service VARCHAR NOT NULL,
    instance VARCHAR NOT NULL,
    severity_number INTEGER NOT NULL,
    severity_text VARCHAR NOT NULL,
    body VARCHAR NOT NULL,
    attributes JSON NOT NULL,
    trace_id VARCHAR,
    span_id VARCHAR
  )`,
];

function appendDouble(a: DuckDBAppender, value: number | undefined): void {
  if (value === undefined) {
    a.appendNull();
  } else {
    a.appendDouble(value);
  }
}

/** Appends the points inside the writer's open transaction. */
export function insertMetricPoints(writer: DuckDBConnection, points: readonly MetricPoint[]): Promise<void> {
  return appendRows(writer, 'otel_metric_points', points, (a, p) => {
    a.appendVarchar(p.service);
    a.appendVarchar(p.instance);
    a.appendVarchar(p.name);
    a.appendVarchar(p.unit);
    a.appendVarchar(p.kind);
    a.appendDouble(p.time);
    appendDouble(a, p.startTime);
    a.appendVarchar(p.temporality);
    if (p.monotonic === undefined) {
      a.appendNull();
    } else {
      a.appendBoolean(p.monotonic);
    }
    a.appendVarchar(JSON.stringify(p.attributes));
    appendDouble(a, p.value);
    appendDouble(a, p.count);
    appendDouble(a, p.sum);
    appendDouble(a, p.min);
    appendDouble(a, p.max);
    appendNullable(a, p.buckets === undefined ? undefined : JSON.stringify(p.buckets));
  });
}

export async function metricSeries(
  reader: DuckDBConnection,
  query: MetricSeriesQuery & { limit: number }
): Promise<MetricSeriesResponse> {
  const values: Record<string, DuckDBValue> = { from: query.from, to: query.to, limit: query.limit + 1 };
  const names = query.names.map((name, i) => {
    values[`name${i}`] = name;
    return `$name${i}`;
  });
  let where = `time_ms >= $from AND time_ms <= $to AND name IN (${names.join(', ')})`;
  for (const key of ['service', 'instance'] as const) {
    if (query[key] !== undefined) {
      where += ` AND ${key} = $${key}`;
      values[key] = query[key];
    }
  }
  const result = await reader.runAndReadAll(
    `SELECT name, unit, kind, service, instance, attributes::VARCHAR AS attributes, time_ms AS time, value, count, sum
     FROM otel_metric_points WHERE ${where} ORDER BY time_ms DESC LIMIT $limit`,
    values
  );
  return metricSeriesAnswer(result.getRowObjectsJS() as unknown as MetricPointRow[], query.limit);
}

export async function metricNames(reader: DuckDBConnection, service?: string): Promise<string[]> {
  const result = await reader.runAndReadAll(
    `SELECT DISTINCT name FROM otel_metric_points ${service === undefined ? '' : 'WHERE service = $service'} ORDER BY name`,
    service === undefined ? {} : { service }
  );
  return result.getRowObjectsJS().map((row) => String(row.name));
}

export function insertLogRecords(writer: DuckDBConnection, records: readonly LogRecord[]): Promise<void> {
  return appendRows(writer, 'log_records', records, (a, r) => {
    a.appendVarchar(r.id);
    a.appendDouble(r.time);
    a.appendVarchar(r.service);
    a.appendVarchar(r.instance);
    a.appendInteger(r.severityNumber);
    a.appendVarchar(r.severityText);
    a.appendVarchar(r.body);
    a.appendVarchar(JSON.stringify(r.attributes));
    appendNullable(a, r.traceId);
    appendNullable(a, r.spanId);
  });
}

export async function logRecords(reader: DuckDBConnection, query: LogQuery & { limit: number }): Promise<LogsResponse> {
  const values: Record<string, DuckDBValue> = { from: query.from, to: query.to, limit: query.limit + 1 };
  let where = 'time_ms >= $from AND time_ms <= $to';
  const equal = { service: 'service', instance: 'instance', traceId: 'trace_id', spanId: 'span_id' } as const;
  for (const [key, column] of Object.entries(equal) as Array<[keyof typeof equal, string]>) {
    if (query[key] !== undefined) {
      where += ` AND ${column} = $${key}`;
      values[key] = query[key];
    }
  }
  if (query.minSeverity !== undefined) {
    where += ' AND severity_number >= $minSeverity';
    values.minSeverity = query.minSeverity;
  }
  if (query.search !== undefined) {
    where += ' AND contains(lower(body), lower($search))';
    values.search = query.search;
  }
  const result = await reader.runAndReadAll(
    `SELECT id, time_ms, service, instance, severity_number, severity_text, body, attributes::VARCHAR AS attributes,
       trace_id, span_id
     FROM log_records WHERE ${where} ORDER BY time_ms DESC, id LIMIT $limit`,
    values
  );
  const rows = result.getRowObjectsJS();
  return { logs: rows.slice(0, query.limit).map(rowToLogRecord), truncated: rows.length > query.limit };
}
