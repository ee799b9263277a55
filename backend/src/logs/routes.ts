import { API_PATHS, DEFAULT_LOG_LIMIT, type LogQuery, type LogsResponse, MAX_LOG_LIMIT } from '@osprey/model';
import type { FastifyInstance } from 'fastify';

import { otlpSignalRoute } from '../ingest/otlp/signal-route';
import type { IngestRouteOptions } from '../ingest/outcome';
import { HttpError } from '../server/errors';
import { convertLogsRequest } from './convert';

/** Query string of `GET /api/v1/logs` (model LogQuery). */
const LOG_QUERY_SCHEMA = {
  type: 'object',
  required: ['from', 'to'],
  properties: {
    from: { type: 'number' },
    to: { type: 'number' },
    service: { type: 'string', minLength: 1 },
    instance: { type: 'string', minLength: 1 },
    traceId: { type: 'string', pattern: '^[0-9a-fA-F]{32}$' },
    spanId: { type: 'string', pattern: '^[0-9a-fA-F]{16}$' },
    minSeverity: { type: 'integer', minimum: 0, maximum: 24 },
    search: { type: 'string', minLength: 1, maxLength: 500 },
    limit: { type: 'integer', minimum: 1, maximum: MAX_LOG_LIMIT },
  },
} as const;

/**
 * OTLP logs: `POST /v1/logs` (protobuf or JSON, gzip) validated whole and answered 200 only once
 * durable (in the ingest log, as spans); `GET /api/v1/logs` the records of a time range, newest first, by service, instance,
 * trace, span, severity or text.
 */
export async function logsRoutes(app: FastifyInstance, options: IngestRouteOptions): Promise<void> {
  const { store } = options;
  await otlpSignalRoute(app, options, 'logs', convertLogsRequest, (logRecords) => ({
    rows: { logRecords },
    partialSuccess: {},
  }));

  app.get<{ Querystring: LogQuery }>(
    API_PATHS.logs,
    { config: { scope: 'read' }, schema: { querystring: LOG_QUERY_SCHEMA } },
    async (request): Promise<LogsResponse> => {
      const q = request.query;
      if (q.from > q.to) {
        throw new HttpError(400, 'bad_request', `from (${q.from}) is after to (${q.to})`);
      }
      return store.otel.logRecords({
        ...q,
        traceId: q.traceId?.toLowerCase(),
        spanId: q.spanId?.toLowerCase(),
        limit: q.limit ?? DEFAULT_LOG_LIMIT,
      });
    }
  );
}
