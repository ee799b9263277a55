/**
 * The two OTLP signals in-flight requests are inferred from, made by the real OpenTelemetry JS SDK
 * and serialised by its own otlp-transformer (the bytes an app's exporters send).
 */
import { api, metrics, resources, tracing } from '@opentelemetry/sdk-node';

import { CollectingReader, transformer } from './otel-sdk';

const resourceOf = (service: string, instance: string) =>
  resources.resourceFromAttributes({ 'service.name': service, 'service.instance.id': instance });

/**
 * One collection of `http.server.active_requests` as an app records it (the semantic conventions'
 * UpDownCounter: +1 when a request starts, -1 when it ends), one attribute set per method.
 */
export async function sdkActiveRequestsBody(
  service: string,
  instance: string,
  byMethod: Record<string, { started: number; ended: number }>
): Promise<Uint8Array> {
  const reader = new CollectingReader();
  const provider = new metrics.MeterProvider({ resource: resourceOf(service, instance), readers: [reader] });
  const counter = provider.getMeter('osprey-test').createUpDownCounter('http.server.active_requests', {
    unit: '{request}',
  });
  for (const [method, { started, ended }] of Object.entries(byMethod)) {
    const attributes = {
      'http.request.method': method,
      'url.scheme': 'http',
      'server.address': '127.0.0.1',
      'server.port': 8080,
    };
    for (let i = 0; i < started; i++) {
      counter.add(1, attributes);
    }
    for (let i = 0; i < ended; i++) {
      counter.add(-1, attributes);
    }
  }
  const { resourceMetrics, errors } = await reader.collect();
  if (errors.length > 0) {
    throw errors[0];
  }
  await provider.shutdown();
  return transformer.ProtobufMetricsSerializer.serializeRequest(resourceMetrics)!;
}

/**
 * A request still running: its SERVER span started, a CLIENT call made and ended, the SERVER span
 * not ended, so the exporter sends the call alone. Returns the export body, the trace id and the
 * call's start (epoch ms).
 */
export function sdkRunningRequest(
  service: string,
  instance: string,
  startedMsAgo: number
): { body: Uint8Array; traceId: string; callStart: number } {
  const exporter = new tracing.InMemorySpanExporter();
  const provider = new tracing.BasicTracerProvider({
    resource: resourceOf(service, instance),
    spanProcessors: [new tracing.SimpleSpanProcessor(exporter)],
  });
  const tracer = provider.getTracer('osprey-test');
  const now = Date.now();
  const server = tracer.startSpan('GET /report', { kind: api.SpanKind.SERVER, startTime: now - startedMsAgo });
  const callStart = now - startedMsAgo + 5;
  tracer
    .startSpan(
      'SELECT report',
      { kind: api.SpanKind.CLIENT, startTime: callStart, attributes: { 'db.system.name': 'postgresql' } },
      api.trace.setSpan(api.context.active(), server)
    )
    .end(callStart + 20);
  const body = transformer.ProtobufTraceSerializer.serializeRequest(exporter.getFinishedSpans())!;
  return { body, traceId: server.spanContext().traceId, callStart };
}
