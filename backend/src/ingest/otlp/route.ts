import { API_PATHS, OtlpExportResponseSchema, type Span } from '@osprey/model';
import type { FastifyInstance } from 'fastify';

import { deriveTransactions } from '../../derive/transactions';
import { HttpError } from '../../server/errors';
import { answers, RAW_BODY } from '../../server/schema';
import type { Store } from '../../store/store';
import { inflate, rawBodies } from '../body';
import type { IngestObserver } from '../observer';
import { reportOutcomes } from '../outcome';
import { decodeOtlpJson, decodeOtlpProtobuf } from './decode';
import { OtlpValidationError } from './errors';

/**
 * `POST /v1/traces`: OTLP/HTTP protobuf or JSON. The batch is validated whole (400 naming the first
 * bad field, nothing stored) and answered 200 only after the store committed it; 503 with
 * Retry-After when the writer queue is full (OTLP exporters retry on it).
 */
export async function otlpRoutes(
  app: FastifyInstance,
  options: { store: Store; maxBodyBytes: number; observer: IngestObserver }
) {
  const { store, maxBodyBytes } = options;
  rawBodies(app, ['application/x-protobuf', 'application/json']);
  const commit = reportOutcomes(app, 'otlp', options.observer);

  const schema = {
    body: { ...RAW_BODY, description: 'an OTLP ExportTraceServiceRequest, protobuf or JSON, gzip allowed' },
    response: answers(OtlpExportResponseSchema),
  };
  app.post(API_PATHS.otlpTraces, { config: { scope: 'ingest' }, schema }, async (request) => {
    const body = inflate(request, request.body as Buffer, maxBodyBytes);
    const isJson = (request.headers['content-type'] ?? '').toLowerCase().startsWith('application/json');
    let spans: Span[];
    try {
      spans = isJson ? decodeOtlpJson(body.toString('utf8')) : decodeOtlpProtobuf(body);
    } catch (err) {
      if (err instanceof OtlpValidationError) {
        throw new HttpError(400, 'bad_request', err.message);
      }
      throw err;
    }
    const transactions = deriveTransactions(spans);
    await commit(request, spans.length, transactions, () => store.insertBatch(spans, transactions));
    request.log.debug(
      {
        spans: spans.length,
        transactions: transactions.length,
        encoding: isJson ? 'json' : 'protobuf',
        contentEncoding: request.headers['content-encoding'] ?? 'identity',
      },
      'otlp batch stored'
    );
    return { partialSuccess: {} };
  });
}
