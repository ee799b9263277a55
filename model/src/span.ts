/** A span with OpenTelemetry semantics, ids as lowercase hex. */
export interface Span {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind: SpanKind;
  /** Start, epoch nanoseconds as a decimal string: 64-bit values do not fit a JS number. */
  startTimeUnixNano: string;
  /** Duration in nanoseconds as a decimal string. */
  durationNano: string;
  status: SpanStatus;
  statusMessage?: string;
  service: string;
  resource: Attributes;
  attributes: Attributes;
  events: SpanEvent[];
}

export type SpanKind = 'unspecified' | 'internal' | 'server' | 'client' | 'producer' | 'consumer';
export type SpanStatus = 'unset' | 'ok' | 'error';
export type AttributeValue = string | number | boolean | AttributeValue[] | { [key: string]: AttributeValue } | null;
export type Attributes = Record<string, AttributeValue>;

export interface SpanEvent {
  name: string;
  timeUnixNano: string;
  attributes: Attributes;
}

export interface Trace {
  traceId: string;
  spans: Span[];
}
