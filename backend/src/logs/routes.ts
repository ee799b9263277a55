import {
  API_PATHS,
  OtlpExportResponseSchema,
  DEFAULT_LOG_LIMIT,
  type LogQuery,
  type LogsResponse,
  MAX_LOG_LIMIT,
} from '@osprey/model';
import type { FastifyInstance } from 'fastify';

import { rawBodies } from '../ingest/body';
import { otlpFormat, requestPayload } from '../ingest/log-payload';
import { decodeOtlpRequest, sendOtlpResponse } from '../ingest/otlp/request';
import { type IngestRouteOptions, reportOutcomes } from '../ingest/outcome';
import { DURABLE_SUMMARY } from '../ingest/writer';
import { HttpError } from '../server/errors';
import { answers, RAW_BODY } from '../server/schema';
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
  const { store, writer, maxBodyBytes } = options;
  await app.register(async (ingest) => {
    rawBodies(ingest, ['application/x-protobuf', 'application/json']);
    const commit = reportOutcomes(ingest, 'otlp_logs', options.observer);
    const schema = {
      summary: DURABLE_SUMMARY,
      body: { ...RAW_BODY, description: 'an OTLP ExportLogsServiceRequest, protobuf or JSON, gzip allowed' },
      response: answers(OtlpExportResponseSchema),
    };
    ingest.post(API_PATHS.otlpLogs, { config: { scope: 'ingest' }, schema }, async (request, reply) => {
      const { items: records, encoding } = decodeOtlpRequest(request, maxBodyBytes, 'logs', convertLogsRequest);
      if (records.length > 0) {
        const payload = () => requestPayload(otlpFormat('logs', encoding), request);
        await commit(request, records.length, [], () => writer.write({ logRecords: records, payload }));
      }
      request.log.debug({ records: records.length, encoding }, 'otlp logs stored');
      return sendOtlpResponse(reply, 'logs', encoding, { partialSuccess: {} });
    });
  });

  app.get<{ Querystring: LogQuery }>(
    API_PATHS.logs,
    { config: { scope: 'read' }, schema: { querystring: LOG_QUERY_SCHEMA } },
    async (request): Promise<LogsResponse> => {
      const q = request.query;
      if (q.from > q.to) {
        throw new HttpError(400, 'bad_request', `from (${q.from}) is after to (${q.to})`);
      }
      return store.logRecords({
        ...q,
        traceId: q.traceId?.toLowerCase(),
        spanId: q.spanId?.toLowerCase(),
        limit: q.limit ?? DEFAULT_LOG_LIMIT,
      });
    }
  );
}
