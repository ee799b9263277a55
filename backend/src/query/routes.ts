import { API_PATHS, type ServicesResponse, type Trace, type TransactionsResponse } from '@osprey/model';
import type { FastifyInstance } from 'fastify';

import { HttpError } from '../server/errors';
import type { Store } from '../store/store';
import { parseTraceId, parseTransactionQuery } from './params';

/** Read API: services, the XLOG transaction window, one trace. Needs the read scope. */
export async function queryRoutes(app: FastifyInstance, options: { store: Store }): Promise<void> {
  const { store } = options;

  app.get(API_PATHS.services, { config: { scope: 'read' } }, async (): Promise<ServicesResponse> => {
    return { services: await store.services() };
  });

  app.get(API_PATHS.transactions, { config: { scope: 'read' } }, async (request): Promise<TransactionsResponse> => {
    return store.transactions(parseTransactionQuery(request.query as Record<string, unknown>));
  });

  app.get<{ Params: { traceId: string } }>(
    `${API_PATHS.traces}/:traceId`,
    { config: { scope: 'read' } },
    async (request): Promise<Trace> => {
      const traceId = parseTraceId(request.params.traceId);
      const spans = await store.trace(traceId);
      if (spans.length === 0) {
        throw new HttpError(404, 'not_found', `no spans stored for trace ${traceId}`);
      }
      return { traceId, spans };
    }
  );
}
