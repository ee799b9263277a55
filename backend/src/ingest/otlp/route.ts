import { API_PATHS, OtlpExportResponseSchema } from '@osprey/model';
import type { FastifyInstance } from 'fastify';

import { deriveTransactions } from '../../derive/transactions';
import { answers, RAW_BODY } from '../../server/schema';
import { rawBodies } from '../body';
import { otlpFormat, requestPayload } from '../log-payload';
import { type IngestRouteOptions, reportOutcomes } from '../outcome';
import { DURABLE_SUMMARY } from '../writer';
import { convertExportRequest } from './convert';
import { decodeOtlpRequest, sendOtlpResponse } from './request';
import { readExportTraceRequest } from './trace-reader';

/**
 * `POST /v1/traces`: OTLP/HTTP protobuf (read straight from the bytes by trace-reader.ts) or JSON
 * (parsed, then converted). The batch is validated whole (400 naming the first bad field, nothing
 * stored) and answered 200 only once it is durable (in the ingest log, or committed by the store
 * without one); 503 with Retry-After when the backlog is full (OTLP exporters retry on it).
 */
export async function otlpRoutes(app: FastifyInstance, options: IngestRouteOptions) {
  const { writer, maxBodyBytes } = options;
  rawBodies(app, ['application/x-protobuf', 'application/json']);
  const commit = reportOutcomes(app, 'otlp', options.observer);

  const schema = {
    summary: DURABLE_SUMMARY,
    body: { ...RAW_BODY, description: 'an OTLP ExportTraceServiceRequest, protobuf or JSON, gzip allowed' },
    response: answers(OtlpExportResponseSchema),
  };
  app.post(API_PATHS.otlpTraces, { config: { scope: 'ingest' }, schema }, async (request, reply) => {
    const { items: spans, encoding } = decodeOtlpRequest(
      request,
      maxBodyBytes,
      'traces',
      convertExportRequest,
      readExportTraceRequest
    );
    const transactions = deriveTransactions(spans);
    await commit(request, spans.length, transactions, () =>
      writer.write({ spans, transactions, payload: () => requestPayload(otlpFormat('traces', encoding), request) })
    );
    request.log.debug(
      {
        spans: spans.length,
        transactions: transactions.length,
        encoding,
        contentEncoding: request.headers['content-encoding'] ?? 'identity',
      },
      'otlp batch stored'
    );
    return sendOtlpResponse(reply, 'traces', encoding, { partialSuccess: {} });
  });
}
