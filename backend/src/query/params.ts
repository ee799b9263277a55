import {
  DEFAULT_TRANSACTION_LIMIT,
  MAX_TRANSACTION_LIMIT,
  parseColumns,
  type TransactionColumn,
  type RedGroupBy,
  type RedQuery,
  type TransactionQuery,
  type TransactionsMode,
} from '@osprey/model';

import { HttpError } from '../server/errors';

type RawQuery = Record<string, unknown>;

const KNOWN = new Set([
  'from',
  'to',
  'service',
  'instance',
  'endpoint',
  'minElapsed',
  'maxElapsed',
  'errorsOnly',
  'columns',
  'traceId',
  'userId',
  'limit',
  'mode',
  'timeBuckets',
  'elapsedBuckets',
]);

export const MAX_TIME_BUCKETS = 5000;
export const MAX_ELAPSED_BUCKETS = 500;
/** Most points one RED series may have (Prometheus' limit for a range query). */
export const MAX_RED_POINTS = 11_000;

const MODES: readonly TransactionsMode[] = ['rows', 'density', 'auto'];
const GROUP_BYS: readonly RedGroupBy[] = ['service', 'instance', 'endpoint'];

export function bad(param: string, reason: string): HttpError {
  return new HttpError(400, 'bad_request', `query parameter "${param}": ${reason}`);
}

export function single(raw: RawQuery, param: string): string | undefined {
  const value = raw[param];
  if (value === undefined) {
    return undefined;
  }
  if (typeof value !== 'string') {
    throw bad(param, 'must be given once');
  }
  return value;
}

export function number(raw: RawQuery, param: string): number | undefined {
  const value = single(raw, param);
  if (value === undefined) {
    return undefined;
  }
  const n = value.trim() === '' ? NaN : Number(value);
  if (!Number.isFinite(n)) {
    throw bad(param, `must be a number, got ${JSON.stringify(value)}`);
  }
  return n;
}

export function text(raw: RawQuery, param: string): string | undefined {
  const value = single(raw, param);
  if (value === '') {
    throw bad(param, 'must not be empty');
  }
  return value;
}

export function rejectUnknown(raw: RawQuery, known: ReadonlySet<string>): void {
  for (const param of Object.keys(raw)) {
    if (!known.has(param)) {
      throw bad(param, 'unknown parameter');
    }
  }
}

function integer(raw: RawQuery, param: string, min: number, max: number): number | undefined {
  const value = number(raw, param);
  if (value !== undefined && (!Number.isInteger(value) || value < min || value > max)) {
    throw bad(param, `must be an integer from ${min} to ${max}`);
  }
  return value;
}

function oneOf<T extends string>(raw: RawQuery, param: string, allowed: readonly T[]): T | undefined {
  const value = single(raw, param);
  if (value !== undefined && !(allowed as readonly string[]).includes(value)) {
    throw bad(param, `must be one of ${allowed.join(', ')}, got ${JSON.stringify(value)}`);
  }
  return value as T | undefined;
}

/** `from` and `to`, both required epoch ms, `to` not before `from`. */
export function timeRange(raw: RawQuery): { from: number; to: number } {
  const from = number(raw, 'from');
  const to = number(raw, 'to');
  if (from === undefined) {
    throw bad('from', 'required (epoch milliseconds)');
  }
  if (to === undefined) {
    throw bad('to', 'required (epoch milliseconds)');
  }
  if (to < from) {
    throw bad('to', `must not be before from (${from})`);
  }
  return { from, to };
}

/** Validates the query string of `GET /api/v1/transactions`; throws a 400 naming the bad parameter. */
export function parseTransactionQuery(
  raw: RawQuery
): TransactionQuery & { limit: number; columns?: TransactionColumn[] } {
  rejectUnknown(raw, KNOWN);
  const { from, to } = timeRange(raw);
  const limit = number(raw, 'limit') ?? DEFAULT_TRANSACTION_LIMIT;
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_TRANSACTION_LIMIT) {
    throw bad('limit', `must be an integer from 1 to ${MAX_TRANSACTION_LIMIT}`);
  }
  const query: TransactionQuery & { limit: number; columns?: TransactionColumn[] } = { from, to, limit };
  const columns = text(raw, 'columns');
  if (columns !== undefined) {
    const parsed = parseColumns(columns);
    if (typeof parsed === 'string') {
      throw bad('columns', parsed);
    }
    query.columns = parsed;
  }
  const service = text(raw, 'service');
  const instance = text(raw, 'instance');
  const endpoint = text(raw, 'endpoint');
  const traceId = text(raw, 'traceId');
  const userId = text(raw, 'userId');
  if (userId !== undefined) {
    query.userId = userId;
  }
  if (service !== undefined) {
    query.service = service;
  }
  if (instance !== undefined) {
    query.instance = instance;
  }
  if (endpoint !== undefined) {
    query.endpoint = endpoint;
  }
  if (traceId !== undefined) {
    if (!/^[0-9a-f]{32}$/i.test(traceId)) {
      throw bad('traceId', 'must be 32 hex digits');
    }
    query.traceId = traceId.toLowerCase();
  }
  const minElapsed = number(raw, 'minElapsed');
  if (minElapsed !== undefined) {
    if (minElapsed < 0) {
      throw bad('minElapsed', 'must be >= 0');
    }
    query.minElapsed = minElapsed;
  }
  const maxElapsed = number(raw, 'maxElapsed');
  if (maxElapsed !== undefined) {
    if (maxElapsed < (minElapsed ?? 0)) {
      throw bad('maxElapsed', `must be >= ${minElapsed ?? 0} (minElapsed or 0)`);
    }
    query.maxElapsed = maxElapsed;
  }
  const errorsOnly = single(raw, 'errorsOnly');
  if (errorsOnly !== undefined) {
    if (errorsOnly !== 'true' && errorsOnly !== 'false') {
      throw bad('errorsOnly', 'must be true or false');
    }
    query.errorsOnly = errorsOnly === 'true';
  }
  const mode = oneOf(raw, 'mode', MODES);
  const timeBuckets = integer(raw, 'timeBuckets', 1, MAX_TIME_BUCKETS);
  const elapsedBuckets = integer(raw, 'elapsedBuckets', 1, MAX_ELAPSED_BUCKETS);
  if (mode !== undefined) {
    query.mode = mode;
  }
  if ((timeBuckets !== undefined || elapsedBuckets !== undefined) && (mode ?? 'rows') === 'rows') {
    throw bad(timeBuckets !== undefined ? 'timeBuckets' : 'elapsedBuckets', 'needs mode=density or mode=auto');
  }
  if (timeBuckets !== undefined) {
    query.timeBuckets = timeBuckets;
  }
  if (elapsedBuckets !== undefined) {
    query.elapsedBuckets = elapsedBuckets;
  }
  return query;
}

const RED_KNOWN = new Set(['from', 'to', 'step', 'service', 'instance', 'endpoint', 'groupBy']);

/**
 * Validates the query string of `GET /api/v1/metrics/red`: `step` in ms (> 0, at most
 * MAX_RED_POINTS steps in the range), `groupBy` defaults to service. Throws a 400 naming the problem.
 */
export function parseRedQuery(raw: RawQuery): RedQuery {
  rejectUnknown(raw, RED_KNOWN);
  const { from, to } = timeRange(raw);
  if (to === from) {
    throw bad('to', 'must be after from');
  }
  const step = number(raw, 'step');
  if (step === undefined) {
    throw bad('step', 'required (milliseconds)');
  }
  if (!Number.isInteger(step) || step < 1) {
    throw bad('step', 'must be a whole number of milliseconds >= 1');
  }
  if ((to - from) / step > MAX_RED_POINTS) {
    throw bad('step', `too small for the range: more than ${MAX_RED_POINTS} points`);
  }
  const query: RedQuery = { from, to, step, groupBy: oneOf(raw, 'groupBy', GROUP_BYS) ?? 'service' };
  for (const param of ['service', 'instance', 'endpoint'] as const) {
    const value = text(raw, param);
    if (value !== undefined) {
      query[param] = value;
    }
  }
  return query;
}

/** `?service=` of the instances and endpoints lists: optional, not empty. */
export function parseServiceFilter(raw: RawQuery): string | undefined {
  rejectUnknown(raw, new Set(['service']));
  return text(raw, 'service');
}

/** A trace id path parameter: 32 hex digits, answered in lowercase. */
export function parseTraceId(value: string): string {
  if (!/^[0-9a-f]{32}$/i.test(value)) {
    throw new HttpError(400, 'bad_request', 'path parameter "traceId": must be 32 hex digits');
  }
  return value.toLowerCase();
}
