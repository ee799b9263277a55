import { type Static, Type } from '@sinclair/typebox';

import { Filter, RED_GROUP_BYS, Time } from './api';
import { ApdexT, Count, Strict, StringEnum } from './schema';

/**
 * Service / endpoint summary (`GET /api/v1/statistics/summary`, Scouter's service summary): per
 * group, from raw transactions: count, error rate, elapsed avg / p95 / max, SQL and API call
 * averages, distinct users and the Apdex at a chosen T.
 */

export const DEFAULT_APDEX_T_MS = 500;
export const DEFAULT_SUMMARY_LIMIT = 100;
export const MAX_SUMMARY_LIMIT = 1000;

/** What a summary list is ordered by: the largest first, Apdex the worst (smallest) first. */
export const SUMMARY_SORTS = ['count', 'errorRate', 'avgElapsed', 'p95', 'maxElapsed', 'apdex'] as const;
export type SummarySort = (typeof SUMMARY_SORTS)[number];

export const SummaryQuerySchema = Strict({
  from: Time(),
  to: Time(),
  service: Filter('service name'),
  instance: Filter('instance name'),
  endpoint: Filter('endpoint name'),
  groupBy: Type.Optional(StringEnum(RED_GROUP_BYS, { default: 'endpoint' })),
  /** Apdex threshold: satisfied at most T, tolerating at most 4T. */
  apdexT: Type.Optional(ApdexT()),
  sort: Type.Optional(StringEnum(SUMMARY_SORTS)),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: MAX_SUMMARY_LIMIT })),
});
export type SummaryQuery = Static<typeof SummaryQuerySchema>;

/** One group over the window. Times in ms. */
export const SummaryRowSchema = Type.Object({
  service: Type.String(),
  /** With groupBy instance. */
  instance: Type.Optional(Type.String()),
  /** With groupBy endpoint. */
  endpoint: Type.Optional(Type.String()),
  count: Count(),
  errors: Count(),
  /** errors / count, 0..1. */
  errorRate: Type.Number(),
  avgElapsed: Type.Number(),
  /** The elapsed at rank ⌈0.95·count⌉, exact. */
  p95: Type.Number(),
  maxElapsed: Type.Number(),
  avgSqlCount: Type.Number(),
  avgSqlTime: Type.Number(),
  avgApiCallCount: Type.Number(),
  /** Distinct user ids, exact. */
  users: Count(),
  /** Requests at most T, and over T but at most 4T. */
  satisfied: Count(),
  tolerating: Count(),
  /** (satisfied + tolerating / 2) / count, 0..1. */
  apdex: Type.Number(),
});
export type SummaryRow = Static<typeof SummaryRowSchema>;

export const SummaryResponseSchema = Type.Object({
  from: Type.Number(),
  to: Type.Number(),
  groupBy: StringEnum(RED_GROUP_BYS),
  /** The Apdex T used, ms. */
  apdexT: Type.Number(),
  sort: StringEnum(SUMMARY_SORTS),
  summaries: Type.Array(SummaryRowSchema),
});
export type SummaryResponse = Static<typeof SummaryResponseSchema>;

const groupKey = (row: SummaryRow) => `${row.service}\u0000${row.instance ?? ''}\u0000${row.endpoint ?? ''}`;

/** `sort` order (Apdex ascending, the others descending), ties by group: both stores' and the datasource's. */
export function compareSummaries(sort: SummarySort): (a: SummaryRow, b: SummaryRow) => number {
  const sign = sort === 'apdex' ? -1 : 1;
  return (a, b) => sign * (b[sort] - a[sort]) || (groupKey(a) < groupKey(b) ? -1 : groupKey(a) > groupKey(b) ? 1 : 0);
}

export type SummaryGroupBy = (typeof RED_GROUP_BYS)[number];

/** The datasource's summary table frame: its name and field names, read by dashboards. */
export const SUMMARY_FRAME = {
  name: 'summary',
  fields: {
    service: 'service',
    instance: 'instance',
    endpoint: 'endpoint',
    count: 'count',
    errorRate: 'errorRate',
    avgElapsed: 'avgElapsed',
    p95: 'p95',
    maxElapsed: 'maxElapsed',
    avgSqlCount: 'avgSqlCount',
    avgSqlTime: 'avgSqlTime',
    avgApiCallCount: 'avgApiCallCount',
    users: 'users',
    apdex: 'apdex',
  },
} as const;
