import { DEFAULT_TRANSACTION_LIMIT, MAX_TRANSACTION_LIMIT, type TransactionQuery } from '@osprey/model';

import { HttpError } from '../server/errors';

type RawQuery = Record<string, unknown>;

const KNOWN = new Set([
  'from',
  'to',
  'service',
  'instance',
  'endpoint',
  'minElapsed',
  'errorsOnly',
  'traceId',
  'limit',
]);

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

/** Validates the query string of `GET /api/v1/transactions`; throws a 400 naming the bad parameter. */
export function parseTransactionQuery(raw: RawQuery): TransactionQuery & { limit: number } {
  for (const param of Object.keys(raw)) {
    if (!KNOWN.has(param)) {
      throw bad(param, 'unknown parameter');
    }
  }
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
  const limit = number(raw, 'limit') ?? DEFAULT_TRANSACTION_LIMIT;
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_TRANSACTION_LIMIT) {
    throw bad('limit', `must be an integer from 1 to ${MAX_TRANSACTION_LIMIT}`);
  }
  const query: TransactionQuery & { limit: number } = { from, to, limit };
  const service = text(raw, 'service');
  const instance = text(raw, 'instance');
  const endpoint = text(raw, 'endpoint');
  const traceId = text(raw, 'traceId');
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
  const errorsOnly = single(raw, 'errorsOnly');
  if (errorsOnly !== undefined) {
    if (errorsOnly !== 'true' && errorsOnly !== 'false') {
      throw bad('errorsOnly', 'must be true or false');
    }
    query.errorsOnly = errorsOnly === 'true';
  }
  return query;
}

/** A trace id path parameter: 32 hex digits, answered in lowercase. */
export function parseTraceId(value: string): string {
  if (!/^[0-9a-f]{32}$/i.test(value)) {
    throw new HttpError(400, 'bad_request', 'path parameter "traceId": must be 32 hex digits');
  }
  return value.toLowerCase();
}
