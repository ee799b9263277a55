import {
  DEFAULT_TRANSACTION_LIMIT,
  parseColumns,
  type RedQuery,
  type RedQuerySchema,
  type Static,
  type TransactionColumn,
  type TransactionQuery,
  type TransactionQueryStringSchema,
} from '@osprey/model';

import { HttpError } from '../server/errors';

/**
 * What the route schemas (`@osprey/model`) cannot say: relations between parameters and the
 * parsing of `columns=`. Each check throws a 400 naming the parameter.
 */

/** Most points one RED series may have (Prometheus' limit for a range query). */
export const MAX_RED_POINTS = 11_000;

export function bad(param: string, reason: string): HttpError {
  return new HttpError(400, 'bad_request', `query parameter "${param}": ${reason}`);
}

/** `to` not before `from`. */
export function checkTimeRange(query: { from: number; to: number }): void {
  if (query.to < query.from) {
    throw bad('to', `must not be before from (${query.from})`);
  }
}

/** `GET /api/v1/transactions`: the schema-checked query string → the store's query and the columns. */
export function parseTransactionQuery(
  raw: Static<typeof TransactionQueryStringSchema>
): TransactionQuery & { limit: number; columns?: TransactionColumn[] } {
  checkTimeRange(raw);
  const { columns, traceId, ...rest } = raw;
  const query: TransactionQuery & { limit: number; columns?: TransactionColumn[] } = {
    ...rest,
    limit: raw.limit ?? DEFAULT_TRANSACTION_LIMIT,
  };
  if (columns !== undefined) {
    const parsed = parseColumns(columns);
    if (typeof parsed === 'string') {
      throw bad('columns', parsed);
    }
    query.columns = parsed;
  }
  if (traceId !== undefined) {
    query.traceId = traceId.toLowerCase();
  }
  if (raw.maxElapsed !== undefined && raw.maxElapsed < (raw.minElapsed ?? 0)) {
    throw bad('maxElapsed', `must be >= ${raw.minElapsed ?? 0} (minElapsed or 0)`);
  }
  const buckets =
    raw.timeBuckets !== undefined ? 'timeBuckets' : raw.elapsedBuckets !== undefined ? 'elapsedBuckets' : undefined;
  if (buckets !== undefined && (raw.mode ?? 'rows') === 'rows') {
    throw bad(buckets, 'needs mode=density or mode=auto');
  }
  return query;
}

/**
 * `GET /api/v1/metrics/red`: a non-empty range and at most MAX_RED_POINTS steps in it; `groupBy`
 * defaults to service.
 */
export function parseRedQuery(raw: Static<typeof RedQuerySchema>): RedQuery {
  checkTimeRange(raw);
  if (raw.to === raw.from) {
    throw bad('to', 'must be after from');
  }
  if ((raw.to - raw.from) / raw.step > MAX_RED_POINTS) {
    throw bad('step', `too small for the range: more than ${MAX_RED_POINTS} points`);
  }
  return { ...raw, groupBy: raw.groupBy ?? 'service' };
}
