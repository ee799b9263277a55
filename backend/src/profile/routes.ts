import {
  API_PATHS,
  MAX_LOG_LIMIT,
  ProfileQuerySchema,
  TraceParamsSchema,
  TransactionProfileSchema,
} from '@osprey/model';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';

import { profileEntry, transactionProfile } from '../derive/profile';
import { nanosToMillis } from '../derive/transactions';
import { HttpError } from '../server/errors';
import { answers } from '../server/schema';
import type { Store } from '../store/store';

/** Logs are looked up this far around the transaction: an exporter's clock may differ from the tracer's. */
const LOG_SLACK_MS = 60_000;

/**
 * `GET /api/v1/traces/{traceId}/profile`: one transaction's steps inside its service (derive/profile.ts),
 * with the log records written in them. 404 when the trace or the asked entry span is not stored.
 */
export async function profileRoutes(fastify: FastifyInstance, options: { store: Store }) {
  const { store } = options;
  fastify.withTypeProvider<TypeBoxTypeProvider>().get(
    `${API_PATHS.traces}/:traceId/profile`,
    {
      config: { scope: 'read' },
      schema: {
        params: TraceParamsSchema,
        querystring: ProfileQuerySchema,
        response: answers(TransactionProfileSchema),
      },
    },
    async (request) => {
      const traceId = request.params.traceId.toLowerCase();
      const spans = await store.trace(traceId);
      if (spans.length === 0) {
        throw new HttpError(404, 'not_found', `no spans stored for trace ${traceId}`);
      }
      const entry = profileEntry(spans, request.query.spanId);
      if (!entry) {
        throw new HttpError(404, 'not_found', `trace ${traceId} has no span ${request.query.spanId?.toLowerCase()}`);
      }
      const start = nanosToMillis(BigInt(entry.startTimeUnixNano));
      const end = start + nanosToMillis(BigInt(entry.durationNano));
      const { logs } = await store.otel.logRecords({
        from: start - LOG_SLACK_MS,
        to: end + LOG_SLACK_MS,
        traceId,
        limit: MAX_LOG_LIMIT,
      });
      return transactionProfile(entry, spans, logs);
    }
  );
}
