import { type Static, Type } from '@sinclair/typebox';

import { EpochMs, NonEmpty, Strict, StringEnum } from './schema';

/**
 * Service level objectives: declared in the backend's config file (`slos:`), their error budget
 * read from the RED rollups (`GET /api/v1/slos`), their burn-rate alerts run by Prometheus over
 * `/metrics` (`osprey slo-rules` writes the recording rules).
 */

export const SLO_API_PATH = '/api/v1/slos';

/** availability: share of transactions not ending in error; latency: share at or under `thresholdMs`. */
export const SLO_OBJECTIVES = ['availability', 'latency'] as const;
export type SloObjective = (typeof SLO_OBJECTIVES)[number];

export const SloDefinitionSchema = Type.Object({
  /** A Prometheus label value and the key of the SLO. */
  name: NonEmpty({ description: '1-64 of letters, digits, _ . -' }),
  service: NonEmpty(),
  /** Absent: every endpoint of the service. */
  endpoint: Type.Optional(NonEmpty()),
  objective: StringEnum(SLO_OBJECTIVES),
  /** Percent of good transactions promised, e.g. 99.9. */
  target: Type.Number({ exclusiveMinimum: 0, exclusiveMaximum: 100, description: 'percent' }),
  /** The rolling window the target holds over, as written (`30d`). */
  window: NonEmpty({ description: 'a duration such as 30d or 4w' }),
  windowMs: Type.Integer({ minimum: 1 }),
  /** Latency only: a transaction taking longer is bad. One of /metrics' histogram bucket edges. */
  thresholdMs: Type.Optional(Type.Number({ exclusiveMinimum: 0 })),
});
export type SloDefinition = Static<typeof SloDefinitionSchema>;

export const SloQuerySchema = Strict({
  to: Type.Optional(EpochMs({ description: 'end of every window, epoch milliseconds; default now' })),
});

export const SloStatusSchema = Type.Object({
  definition: SloDefinitionSchema,
  /** [from, to): the window, ending at the query's `to`, read by whole rollup minutes. */
  from: Type.Number(),
  to: Type.Number(),
  /** Transactions in the window's rollups, and the good and bad ones among them. */
  total: Type.Number(),
  good: Type.Number(),
  bad: Type.Number(),
  /** good / total, percent; null without transactions. */
  sli: Type.Union([Type.Number(), Type.Null()]),
  /** Bad transactions the target allows over this window's traffic: (1 − target) × total. */
  budget: Type.Number(),
  /** 1 − bad / budget, percent: 100 untouched, 0 spent, negative overspent; null without transactions. */
  budgetRemaining: Type.Union([Type.Number(), Type.Null()]),
  /** (bad / total) / (1 − target): 1 spends the budget exactly over the window; null without transactions. */
  burnRate: Type.Union([Type.Number(), Type.Null()]),
});
export type SloStatus = Static<typeof SloStatusSchema>;

export const SlosResponseSchema = Type.Object({ slos: Type.Array(SloStatusSchema) });
export type SlosResponse = Static<typeof SlosResponseSchema>;

export type SloQuery = Static<typeof SloQuerySchema>;

/**
 * The datasource's SLO table frame (the `slos` query): one row per SLO, its budget over its own
 * window ending at the query's `to`. Its name and its fields in order (the figures before the counts
 * they come from, as a table reads), read by dashboards.
 */
export const SLO_FRAME = {
  name: 'slos',
  fields: [
    'slo',
    'service',
    'endpoint',
    'objective',
    'target',
    'window',
    'sli',
    'budgetRemaining',
    'burnRate',
    'total',
    'bad',
    'budget',
  ],
} as const;
export type SloFrameField = (typeof SLO_FRAME.fields)[number];
