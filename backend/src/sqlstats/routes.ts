import {
  API_PATHS,
  DEFAULT_SQL_STATISTICS_LIMIT,
  MAX_SQL_STATISTICS_LIMIT,
  SQL_STATISTICS_SORTS,
  type SqlStatisticsQuery,
  type SqlStatisticsResponse,
  type SqlStatisticsSort,
} from '@osprey/model';
import type { FastifyInstance, FastifySchemaValidationError } from 'fastify';

import { bad } from '../query/params';
import type { Store } from '../store/store';

/** Widest window one statistics request may cover: 90 days, the rollup tier's reach. */
export const MAX_SQL_STATISTICS_WINDOW_MS = 90 * 24 * 3_600_000;

const name = { type: 'string', minLength: 1 } as const;

const querystring = {
  type: 'object',
  required: ['from', 'to'],
  additionalProperties: false,
  properties: {
    from: { type: 'number' },
    to: { type: 'number' },
    service: name,
    instance: name,
    endpoint: name,
    sort: { type: 'string', enum: SQL_STATISTICS_SORTS },
    limit: { type: 'integer', minimum: 1, maximum: MAX_SQL_STATISTICS_LIMIT },
  },
} as const;

const statement = {
  type: 'object',
  required: ['key', 'service', 'dbSystem', 'dbName', 'statement', 'count', 'errors', 'totalTime', 'avgTime'],
  properties: {
    key: { type: 'string' },
    service: { type: 'string' },
    dbSystem: { type: 'string' },
    dbName: { type: 'string' },
    statement: { type: 'string' },
    count: { type: 'integer' },
    errors: { type: 'integer' },
    totalTime: { type: 'number' },
    avgTime: { type: 'number' },
    maxTime: { type: 'number' },
    p95: { type: 'number' },
    rows: { type: 'integer' },
  },
} as const;

const response = {
  200: {
    type: 'object',
    required: ['from', 'to', 'sort', 'statements'],
    properties: {
      from: { type: 'number' },
      to: { type: 'number' },
      sort: { type: 'string' },
      statements: { type: 'array', items: statement },
    },
  },
} as const;

/** The schema error as the other read routes word theirs: the parameter, then what it must be. */
function describe(error: FastifySchemaValidationError): Error {
  const param = error.instancePath.replace(/^\//, '') || String(error.params.missingProperty ?? '');
  switch (error.keyword) {
    case 'enum':
      return bad(param, `must be one of ${SQL_STATISTICS_SORTS.join(', ')}`);
    case 'minimum':
    case 'maximum':
    case 'type':
      return param === 'limit'
        ? bad(param, `must be an integer from 1 to ${MAX_SQL_STATISTICS_LIMIT}`)
        : bad(param, `must be ${String(error.params.type ?? 'a number')}`);
    case 'required':
      return bad(param, 'required (epoch milliseconds)');
    default:
      return bad(param, error.message ?? 'invalid');
  }
}

/**
 * `GET /api/v1/statistics/sql`: the top-N statements of a window by total time, count, p95 or
 * errors, from the per-minute rollups of settled traces. Needs the read scope.
 */
export async function sqlStatisticsRoutes(app: FastifyInstance, options: { store: Store }): Promise<void> {
  app.get(
    API_PATHS.sqlStatistics,
    { config: { scope: 'read' }, schema: { querystring, response }, attachValidation: true },
    async (request): Promise<SqlStatisticsResponse> => {
      if (request.validationError !== undefined) {
        throw describe(request.validationError.validation[0]);
      }
      const query = request.query as SqlStatisticsQuery;
      if (query.to < query.from) {
        throw bad('to', `must not be before from (${query.from})`);
      }
      if (query.to - query.from > MAX_SQL_STATISTICS_WINDOW_MS) {
        throw bad('to', 'the window must not exceed 90 days');
      }
      const sort: SqlStatisticsSort = query.sort ?? 'totalTime';
      return options.store.sqlStatistics({ ...query, sort, limit: query.limit ?? DEFAULT_SQL_STATISTICS_LIMIT });
    }
  );
}
