import { createDataFrame, FieldType, type DataFrame } from '@grafana/data';
import type { AttributeValue, Span, Trace } from '@osprey/model';

/** Epoch nanoseconds (decimal string) → epoch milliseconds, keeping microseconds. */
export function nanosToMillis(nanos: string): number {
  const n = BigInt(nanos);
  return Number(n / 1000n) / 1000;
}

const toTags = (attrs: Record<string, AttributeValue>) => Object.entries(attrs).map(([key, value]) => ({ key, value }));

/** OTel status as the number Tempo's conversion gives the Traces panel: 0 unset, 1 ok, 2 error. */
const STATUS_CODE = { unset: 0, ok: 1, error: 2 } as const;

/**
 * A trace in the shape Grafana's Traces panel reads, with the names and types of Tempo's OTLP
 * conversion: times in ms, tags as {key, value} lists, span events as logs.
 */
export function traceToFrame(refId: string, trace: Trace): DataFrame {
  const column = <T>(f: (s: Span) => T) => trace.spans.map(f);
  return createDataFrame({
    refId,
    name: `trace ${trace.traceId}`,
    meta: { preferredVisualisationType: 'trace', custom: { traceFormat: 'otlp' } },
    fields: [
      { name: 'traceID', type: FieldType.string, values: column((s) => s.traceId) },
      { name: 'spanID', type: FieldType.string, values: column((s) => s.spanId) },
      { name: 'parentSpanID', type: FieldType.string, values: column((s) => s.parentSpanId ?? null) },
      { name: 'operationName', type: FieldType.string, values: column((s) => s.name) },
      { name: 'serviceName', type: FieldType.string, values: column((s) => s.service) },
      { name: 'kind', type: FieldType.string, values: column((s) => s.kind) },
      { name: 'statusCode', type: FieldType.number, values: column((s) => STATUS_CODE[s.status]) },
      { name: 'statusMessage', type: FieldType.string, values: column((s) => s.statusMessage ?? null) },
      { name: 'serviceTags', type: FieldType.other, values: column((s) => toTags(s.resource)) },
      { name: 'startTime', type: FieldType.number, values: column((s) => nanosToMillis(s.startTimeUnixNano)) },
      { name: 'duration', type: FieldType.number, values: column((s) => nanosToMillis(s.durationNano)) },
      {
        name: 'logs',
        type: FieldType.other,
        values: column((s) =>
          s.events.map((e) => ({
            timestamp: nanosToMillis(e.timeUnixNano),
            name: e.name,
            fields: toTags(e.attributes),
          }))
        ),
      },
      { name: 'tags', type: FieldType.other, values: column((s) => toTags(s.attributes)) },
    ],
  });
}
