import {
  API_PATHS,
  DEFAULT_APDEX_T_MS,
  DEFAULT_SUMMARY_LIMIT,
  SummaryQuerySchema,
  SummaryResponseSchema,
} from '@osprey/model';
import type { FastifyInstance } from 'fastify';

import { statisticsRoute } from '../query/statistics-window';
import type { Store } from '../store/store';

/**
 * `GET /api/v1/statistics/summary`: per endpoint (or service, or instance) of a window: count,
 * error rate, elapsed avg / p95 / max, SQL and API call averages, distinct users and the Apdex at
 * `apdexT`. From raw transactions, so the window reaches back as far as they are kept. Needs the
 * read scope.
 */
export async function summaryRoutes(fastify: FastifyInstance, options: { store: Store }): Promise<void> {
  const schemas = { querystring: SummaryQuerySchema, response: SummaryResponseSchema };
  statisticsRoute(fastify, API_PATHS.summary, schemas, (query) =>
    options.store.summary({
      ...query,
      groupBy: query.groupBy ?? 'endpoint',
      apdexT: query.apdexT ?? DEFAULT_APDEX_T_MS,
      sort: query.sort ?? 'count',
      limit: query.limit ?? DEFAULT_SUMMARY_LIMIT,
    })
  );
}
