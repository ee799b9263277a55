import { API_PATHS, IngestResponseSchema } from '@osprey/model';
import type { FastifyInstance } from 'fastify';

import { deriveTransactions } from '../../derive/transactions';
import { answers, RAW_BODY } from '../../server/schema';
import { decodeJsonBody, rawBodies } from '../body';
import { requestPayload } from '../log-payload';
import { type IngestRouteOptions, reportOutcomes } from '../outcome';
import { DURABLE_SUMMARY } from '../writer';
import { convertZipkinSpans } from './convert';

/**
 * `POST /api/v2/spans`: Zipkin v2 JSON, gzip allowed. Validated whole (400 naming the first bad span
 * field, nothing stored); 202 like a Zipkin server, but only once the batch is durable.
 */
export async function zipkinRoutes(app: FastifyInstance, options: IngestRouteOptions): Promise<void> {
  const { writer, maxBodyBytes } = options;
  rawBodies(app, ['application/json']);
  const commit = reportOutcomes(app, 'zipkin', options.observer);

  const schema = {
    summary: DURABLE_SUMMARY,
    body: { ...RAW_BODY, description: 'a JSON array of Zipkin v2 spans, gzip allowed' },
    response: answers(IngestResponseSchema, 202),
  };
  app.post(API_PATHS.zipkinSpans, { config: { scope: 'ingest' }, schema }, async (request, reply) => {
    const spans = decodeJsonBody(request, maxBodyBytes, convertZipkinSpans);
    const transactions = deriveTransactions(spans);
    await commit(request, spans.length, transactions, () =>
      writer.write({ spans, transactions, payload: () => requestPayload('zipkin', request) })
    );
    request.log.debug({ spans: spans.length, transactions: transactions.length }, 'zipkin batch stored');
    reply.status(202);
    return { spans: spans.length, transactions: transactions.length };
  });
}
