import {
  API_PATHS,
  DEFAULT_ERROR_TYPES_LIMIT,
  ErrorTypesQuerySchema,
  ErrorTypesResponseSchema,
  MAX_ERROR_TYPES_STEPS,
} from '@osprey/model';
import type { FastifyInstance } from 'fastify';

import { bad } from '../query/params';
import { statisticsRoute } from '../query/statistics-window';
import type { Store } from '../store/store';
import { defaultErrorStep } from './answer';

/**
 * `GET /api/v1/statistics/errors`: the error transactions of a window grouped by service, exception
 * type and message template, with counts per step, first and last seen, the endpoints and an
 * example trace. From raw transactions, so the window reaches back as far as they are kept.
 * Needs the read scope.
 */
export async function errorTypesRoutes(fastify: FastifyInstance, options: { store: Store }): Promise<void> {
  const schemas = { querystring: ErrorTypesQuerySchema, response: ErrorTypesResponseSchema };
  statisticsRoute(fastify, API_PATHS.errorTypes, schemas, async (query) => {
    const step = query.step ?? defaultErrorStep(query.from, query.to);
    if ((query.to - query.from) / step > MAX_ERROR_TYPES_STEPS) {
      throw bad('step', `gives more than ${MAX_ERROR_TYPES_STEPS} steps over the window; make it larger`);
    }
    return options.store.errorTypes({ ...query, step, limit: query.limit ?? DEFAULT_ERROR_TYPES_LIMIT });
  });
}
