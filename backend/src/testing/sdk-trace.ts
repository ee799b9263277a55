/**
 * Traces made by the real OpenTelemetry JS SDK (one provider per service, as separate processes
 * would have), serialized by the SDK's OTLP protobuf serializer and decoded by Osprey's ingest:
 * the spans the backend really stores, for the derive tests' tables.
 */
import { context, type Span as ApiSpan, type Attributes, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { resources, tracing } from '@opentelemetry/sdk-node';
import type { Span } from '@osprey/model';

import { decodeOtlpProtobuf } from '../ingest/otlp/decode';

// The workspace-root otlp-transformer the SDK's exporters use: the spans under test travel the
// same bytes an application's exporter would send.
const { ProtobufTraceSerializer } = require(
  require.resolve('@opentelemetry/otlp-transformer', { paths: [require.resolve('@opentelemetry/sdk-node')] })
) as Record<'ProtobufTraceSerializer', { serializeRequest(spans: unknown): Uint8Array | undefined }>;

/** Seconds of the trace's start: 2025-11-22T08:26:40Z, a minute boundary plus 40 s. */
export const T0 = 1763800000;

export interface Call {
  service: string;
  name: string;
  kind: SpanKind;
  /** Offsets from T0 in ms. */
  startMs: number;
  endMs: number;
  attributes?: Attributes;
  error?: boolean;
  children?: Call[];
}

export function at(ms: number): [number, number] {
  return [T0 + Math.floor(ms / 1000), (ms % 1000) * 1_000_000];
}

/**
 * A trace of three services made by the real OpenTelemetry JS SDK (one provider per service, as
 * three processes would have), serialized by the SDK's OTLP protobuf serializer and decoded by
 * Osprey's ingest: the spans the backend really stores. Attributes are those the HTTP
 * instrumentation writes (old and stable semconv) and those of instrumented db clients.
 */
export function sdkTrace(root: Call): Span[] {
  const exporter = new tracing.InMemorySpanExporter();
  const providers = new Map<string, tracing.BasicTracerProvider>();
  const tracerOf = (service: string) => {
    let provider = providers.get(service);
    if (provider === undefined) {
      provider = new tracing.BasicTracerProvider({
        resource: resources.resourceFromAttributes({ 'service.name': service, 'service.instance.id': `${service}-1` }),
        spanProcessors: [new tracing.SimpleSpanProcessor(exporter)],
      });
      providers.set(service, provider);
    }
    return provider.getTracer('settle-test');
  };
  const start = (call: Call, parent: ApiSpan | undefined): void => {
    const ctx = parent === undefined ? context.active() : trace.setSpan(context.active(), parent);
    const span = tracerOf(call.service).startSpan(
      call.name,
      { kind: call.kind, startTime: at(call.startMs), attributes: call.attributes ?? {} },
      ctx
    );
    call.children?.forEach((child) => start(child, span));
    if (call.error) {
      span.setStatus({ code: SpanStatusCode.ERROR });
    }
    span.end(at(call.endMs));
  };
  start(root, undefined);
  return decodeOtlpProtobuf(ProtobufTraceSerializer.serializeRequest(exporter.getFinishedSpans())!);
}
