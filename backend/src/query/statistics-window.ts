import type { Static, TSchema } from '@osprey/model';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';

import { answers } from '../server/schema';
import { bad, checkTimeRange } from './params';

/** Widest window one statistics request over raw transactions may cover: 90 days, as SQL statistics. */
export const MAX_STATISTICS_WINDOW_MS = 90 * 24 * 3_600_000;

interface Window {
  from: number;
  to: number;
}

/** `to` not before `from`, and the window at most MAX_STATISTICS_WINDOW_MS. */
export function checkStatisticsWindow(query: Window): void {
  checkTimeRange(query);
  if (query.to - query.from > MAX_STATISTICS_WINDOW_MS) {
    throw bad('to', 'the window must not exceed 90 days');
  }
}

/**
 * `GET path`, a statistics read over raw transactions needing the read scope: the query checked
 * against `querystring`, then its window (checkStatisticsWindow), then answered by `answer`.
 */
export function statisticsRoute<Q extends TSchema, R extends TSchema>(
  fastify: FastifyInstance,
  path: string,
  schemas: { querystring: Q; response: R },
  answer: (query: Static<Q> & Window) => Promise<Static<R>>
): void {
  fastify
    .withTypeProvider<TypeBoxTypeProvider>()
    .get(
      path,
      { config: { scope: 'read' }, schema: { querystring: schemas.querystring, response: answers(schemas.response) } },
      async (request) => {
        const query = request.query as Static<Q> & Window;
        checkStatisticsWindow(query);
        return answer(query);
      }
    );
}
