import { type Static, Type } from '@sinclair/typebox';

import { Filter, Time } from './api';
import { Count, HexId, Strict } from './schema';

/**
 * Errors by type (`GET /api/v1/statistics/errors`): the error transactions of a window grouped by
 * service, exception type and message template (the message with its numbers, ids and quoted
 * values folded), from raw transactions.
 */

export const DEFAULT_ERROR_TYPES_LIMIT = 100;
export const MAX_ERROR_TYPES_LIMIT = 1000;
/** Most steps one answer's counts may have: `to - from` over `step`. */
export const MAX_ERROR_TYPES_STEPS = 1000;

export const ErrorTypesQuerySchema = Strict({
  from: Time(),
  to: Time(),
  service: Filter('service name'),
  endpoint: Filter('endpoint name'),
  /** Width of one count of `counts`; by default the whole minutes giving at most 60 steps. */
  step: Type.Optional(Type.Integer({ minimum: 1000, description: 'milliseconds' })),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: MAX_ERROR_TYPES_LIMIT })),
});
export type ErrorTypesQuery = Static<typeof ErrorTypesQuerySchema>;

export const ErrorCountSchema = Type.Object({
  /** Start of the step, epoch ms (a multiple of `step`). */
  time: Type.Number(),
  count: Count(),
});

export const ErrorTypeSchema = Type.Object({
  /** Stable hash of (service, errorType, template). */
  key: Type.String(),
  service: Type.String(),
  /** The exception type (`exception.type` / `error.type`); empty when the transaction names none. */
  errorType: Type.String(),
  /** The message with what varies folded: `<n>`, `<id>`, `<hex>`, `<uuid>`, `<time>`, `"?"`. */
  template: Type.String(),
  /** The message of the newest occurrence, as recorded. */
  message: Type.String(),
  /** Occurrences in the window. */
  count: Count(),
  /** Earliest occurrence still stored (before `from` when the type is older than the window), epoch ms. */
  firstSeen: Type.Number(),
  /** Newest occurrence in the window, epoch ms. */
  lastSeen: Type.Number(),
  /** True when no stored occurrence is older than `from`: the type is new in the window. */
  isNew: Type.Boolean(),
  /** Endpoints whose transactions failed with it in the window, sorted. */
  endpoints: Type.Array(Type.String()),
  /** The trace of the newest occurrence. */
  exampleTraceId: HexId(32),
  /** Occurrences per step; steps without any are left out. */
  counts: Type.Array(ErrorCountSchema),
});
export type ErrorType = Static<typeof ErrorTypeSchema>;

export const ErrorTypesResponseSchema = Type.Object({
  from: Type.Number(),
  to: Type.Number(),
  /** Step of `counts`, ms. */
  step: Type.Number(),
  /** Most occurrences first, then newest. */
  errorTypes: Type.Array(ErrorTypeSchema),
});
export type ErrorTypesResponse = Static<typeof ErrorTypesResponseSchema>;

/** Most occurrences first, then the newest, then by key: the order of both stores and the datasource's merge. */
export function compareErrorTypes(a: ErrorType, b: ErrorType): number {
  return b.count - a.count || b.lastSeen - a.lastSeen || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0);
}

/** The datasource's errors-by-type table frame: its name and field names, read by dashboards. */
export const ERROR_TYPES_FRAME = {
  name: 'error-types',
  fields: {
    errorType: 'errorType',
    template: 'template',
    service: 'service',
    count: 'count',
    /** Occurrences per step of the range (zero where none), one time series frame per row: a sparkline cell. */
    counts: 'counts',
    isNew: 'new',
    firstSeen: 'firstSeen',
    lastSeen: 'lastSeen',
    endpoints: 'endpoints',
    message: 'message',
    exampleTraceId: 'exampleTraceId',
    key: 'key',
  },
} as const;
