import { API_PATHS, type IngestResponse } from '@osprey/model';
import type { FastifyInstance } from 'fastify';

import { decodeJsonBody, rawBodies } from '../body';
import { type IngestRouteOptions, reportOutcomes } from '../outcome';
import { parseTransactions } from './transactions';

/** `POST /api/v1/transactions`: a native agent's XLOG batch, stored whole once valid, 200 once committed. */
export async function nativeRoutes(app: FastifyInstance, options: IngestRouteOptions): Promise<void> {
  const { store, maxBodyBytes } = options;
  rawBodies(app, ['application/json']);
  const commit = reportOutcomes(app, 'native', options.observer);

  app.post(API_PATHS.transactions, { config: { scope: 'ingest' } }, async (request): Promise<IngestResponse> => {
    const transactions = decodeJsonBody(request, maxBodyBytes, parseTransactions);
    await commit(request, transactions.length, transactions, () => store.insertBatch([], transactions));
    request.log.debug({ transactions: transactions.length }, 'native transactions stored');
    return { spans: 0, transactions: transactions.length };
  });
}
