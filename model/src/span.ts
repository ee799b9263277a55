import { type Static, Type } from '@sinclair/typebox';

import { StringEnum } from './schema';

export type AttributeValue = string | number | boolean | AttributeValue[] | { [key: string]: AttributeValue } | null;
export type Attributes = Record<string, AttributeValue>;

const AttributesSchema = Type.Record(Type.String(), Type.Unsafe<AttributeValue>({}));

export const SPAN_KINDS = ['unspecified', 'internal', 'server', 'client', 'producer', 'consumer'] as const;
export type SpanKind = (typeof SPAN_KINDS)[number];
export const SPAN_STATUSES = ['unset', 'ok', 'error'] as const;
export type SpanStatus = (typeof SPAN_STATUSES)[number];

export const SpanEventSchema = Type.Object({
  name: Type.String(),
  timeUnixNano: Type.String(),
  attributes: AttributesSchema,
});
export type SpanEvent = Static<typeof SpanEventSchema>;

/** A span with OpenTelemetry semantics, ids as lowercase hex. */
export const SpanSchema = Type.Object({
  traceId: Type.String(),
  spanId: Type.String(),
  parentSpanId: Type.Optional(Type.String()),
  name: Type.String(),
  kind: StringEnum(SPAN_KINDS),
  /** Start, epoch nanoseconds as a decimal string: 64-bit values do not fit a JS number. */
  startTimeUnixNano: Type.String({ description: 'epoch nanoseconds, decimal' }),
  /** Duration in nanoseconds as a decimal string. */
  durationNano: Type.String({ description: 'nanoseconds, decimal' }),
  status: StringEnum(SPAN_STATUSES),
  statusMessage: Type.Optional(Type.String()),
  service: Type.String(),
  resource: AttributesSchema,
  attributes: AttributesSchema,
  events: Type.Array(SpanEventSchema),
});
export type Span = Static<typeof SpanSchema>;

export const TraceSchema = Type.Object({ traceId: Type.String(), spans: Type.Array(SpanSchema) });
export type Trace = Static<typeof TraceSchema>;

/** `GET /api/v1/traces/{traceId}` */
export const TraceParamsSchema = Type.Object({
  traceId: Type.String({ pattern: '^[0-9a-fA-F]{32}$', description: '32 hex digits' }),
});
