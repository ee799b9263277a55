import { compareErrorTypes, type ErrorType, type ErrorTypesQuery } from '@osprey/model';

import { errorTypeKey, messageTemplate } from '../derive/error-template';

/**
 * The stores' part of errors by type is SQL over raw transactions grouped by the message as
 * recorded; folding messages into templates happens here, once for both engines, because the
 * template rules (derive/error-template.ts) are not SQL.
 */

/** The error transactions of one (service, endpoint, type, message) in one step of the window. */
export interface ErrorMessageRow {
  service: string;
  endpoint: string;
  errorType: string;
  message: string;
  /** Start of the step, epoch ms. */
  time: number;
  count: number;
  firstSeen: number;
  lastSeen: number;
  /** The trace of the newest of them. */
  traceId: string;
}

/** The earliest stored error of one (service, type, message) before the window. */
export interface EarlierMessageRow {
  service: string;
  errorType: string;
  message: string;
  firstSeen: number;
}

type Row = Record<string, unknown>;

/**
 * A row of the stores' window query, columns service, endpoint, exception, message, time, n,
 * first_seen, last_seen (epoch ms) and example (the newest trace id).
 */
export function messageRow(row: Row): ErrorMessageRow {
  return {
    ...earlierRow(row),
    endpoint: String(row.endpoint),
    time: Number(row.time),
    count: Number(row.n),
    lastSeen: Number(row.last_seen),
    traceId: String(row.example),
  };
}

/** A row of the stores' query before the window: service, exception, message, first_seen. */
export function earlierRow(row: Row): EarlierMessageRow {
  return {
    service: String(row.service),
    errorType: String(row.exception),
    message: String(row.message),
    firstSeen: Number(row.first_seen),
  };
}

/** What a store's errors-by-type read is given: the route's query with its defaults applied. */
export type ErrorTypesRead = ErrorTypesQuery & { step: number; limit: number };

/** The default step: the whole minutes that give at most 60 steps over the window. */
export function defaultErrorStep(from: number, to: number): number {
  return Math.max(1, Math.ceil((to - from) / 60 / 60_000)) * 60_000;
}

/** The top `limit` error types of the window's rows; a type is new when no earlier row has its template. */
export function errorTypes(
  rows: readonly ErrorMessageRow[],
  earlier: readonly EarlierMessageRow[],
  limit: number
): ErrorType[] {
  const firstBefore = new Map<string, number>();
  for (const row of earlier) {
    const key = errorTypeKey(row.service, row.errorType, messageTemplate(row.message));
    firstBefore.set(key, Math.min(firstBefore.get(key) ?? Infinity, row.firstSeen));
  }
  const groups = new Map<string, { type: ErrorType; endpoints: Set<string>; counts: Map<number, number> }>();
  for (const row of rows) {
    const template = messageTemplate(row.message);
    const key = errorTypeKey(row.service, row.errorType, template);
    let group = groups.get(key);
    if (group === undefined) {
      const type: ErrorType = {
        key,
        service: row.service,
        errorType: row.errorType,
        template,
        message: row.message,
        count: 0,
        firstSeen: row.firstSeen,
        lastSeen: row.lastSeen,
        isNew: !firstBefore.has(key),
        endpoints: [],
        exampleTraceId: row.traceId,
        counts: [],
      };
      group = { type, endpoints: new Set(), counts: new Map() };
      groups.set(key, group);
    }
    const { type } = group;
    type.count += row.count;
    type.firstSeen = Math.min(type.firstSeen, row.firstSeen);
    if (row.lastSeen > type.lastSeen || (row.lastSeen === type.lastSeen && row.traceId < type.exampleTraceId)) {
      type.lastSeen = row.lastSeen;
      type.message = row.message;
      type.exampleTraceId = row.traceId;
    }
    group.endpoints.add(row.endpoint);
    group.counts.set(row.time, (group.counts.get(row.time) ?? 0) + row.count);
  }
  const answer = [...groups.values()].map(({ type, endpoints, counts }) => ({
    ...type,
    firstSeen: Math.min(type.firstSeen, firstBefore.get(type.key) ?? Infinity),
    endpoints: [...endpoints].sort(),
    counts: [...counts.entries()].sort(([a], [b]) => a - b).map(([time, count]) => ({ time, count })),
  }));
  return answer.sort(compareErrorTypes).slice(0, limit);
}
