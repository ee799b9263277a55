import type { Attributes } from './span';

/** One OTLP log record of one resource (service + instance). */
export interface LogRecord {
  /** Content hash of the record: the same record sent twice (an exporter's retry) has the same id. */
  id: string;
  /** Epoch ms of `timeUnixNano`, or of `observedTimeUnixNano` when the record has no time. */
  time: number;
  service: string;
  instance: string;
  /** OTLP SeverityNumber 0 (unspecified) … 24 (FATAL4). */
  severityNumber: number;
  /** As sent, or derived from severityNumber (`info`, `error`, …) when absent. */
  severityText: string;
  /** A string body as it is; any other body as JSON. */
  body: string;
  attributes: Attributes;
  traceId?: string;
  spanId?: string;
}

/** Query string of `GET /api/v1/logs`; times are epoch ms. */
export interface LogQuery {
  from: number;
  to: number;
  service?: string;
  instance?: string;
  traceId?: string;
  spanId?: string;
  /** Only records at least this severe (SeverityNumber, e.g. 17 = ERROR). */
  minSeverity?: number;
  /** Only records whose body contains this text (case-insensitive). */
  search?: string;
  limit?: number;
}

export interface LogsResponse {
  /** Newest first. */
  logs: LogRecord[];
  truncated: boolean;
}

export const DEFAULT_LOG_LIMIT = 1000;
export const MAX_LOG_LIMIT = 50_000;

/**
 * Fields of the logs frame, the names Grafana's logs data plane reads (as Loki's and Tempo's
 * datasources emit): with `meta.type: 'log-lines'` the Logs panel and Explore show it.
 */
export const LOG_FRAME_FIELDS = {
  timestamp: 'timestamp',
  body: 'body',
  severity: 'severity',
  id: 'id',
  labels: 'labels',
  traceId: 'traceId',
  spanId: 'spanId',
} as const;

/** SeverityNumber → the level word Grafana colours by (OTLP data model ranges of four). */
export function severityLevel(severityNumber: number): string {
  if (severityNumber <= 0) {
    return 'unknown';
  }
  const levels = ['trace', 'debug', 'info', 'warn', 'error', 'fatal'];
  return levels[Math.min(5, Math.floor((severityNumber - 1) / 4))];
}
