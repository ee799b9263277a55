/**
 * OTLP bodies made by the real OpenTelemetry JS SDK (sdk-metrics, sdk-logs) and its own
 * serializers: the workspace-root otlp-transformer, whose hand-written protobuf writer is
 * independent of the generated decoder the backend reads with (backend/node_modules' 0.57 copy).
 */
import { api, logs, metrics, resources } from '@opentelemetry/sdk-node';

interface Serializer {
  serializeRequest(data: unknown): Uint8Array | undefined;
}

export const transformer = require(
  require.resolve('@opentelemetry/otlp-transformer', { paths: [require.resolve('@opentelemetry/sdk-node')] })
) as Record<
  | 'ProtobufMetricsSerializer'
  | 'JsonMetricsSerializer'
  | 'ProtobufLogsSerializer'
  | 'JsonLogsSerializer'
  | 'ProtobufTraceSerializer',
  Serializer
>;

export const RESOURCE = { 'service.name': 'checkout', 'service.instance.id': 'checkout-1' };

/** A reader the test collects from by hand. */
export class CollectingReader extends metrics.MetricReader {
  protected async onForceFlush(): Promise<void> {}
  protected async onShutdown(): Promise<void> {}
}

/**
 * One collection of each kind Osprey stores: a monotonic sum, an up-down sum, a gauge, an
 * explicit-bounds histogram and an exponential histogram, as protobuf and JSON export bodies.
 */
export async function sdkMetricsBodies(): Promise<{ protobuf: Uint8Array; json: Uint8Array }> {
  const reader = new CollectingReader();
  const provider = new metrics.MeterProvider({
    resource: resources.resourceFromAttributes(RESOURCE),
    readers: [reader],
    views: [
      {
        instrumentName: 'http.server.request.body.size',
        aggregation: { type: metrics.AggregationType.EXPONENTIAL_HISTOGRAM },
      },
    ],
  });
  const meter = provider.getMeter('osprey-test');
  meter.createCounter('orders.placed').add(3, { region: 'eu' });
  meter.createUpDownCounter('cart.items').add(-2);
  meter.createObservableGauge('v8js.memory.heap.used', { unit: 'By' }).addCallback((result) => {
    result.observe(12_345_678, { 'v8js.heap.space.name': 'old_space' });
  });
  const duration = meter.createHistogram('http.server.request.duration', { unit: 's' });
  for (const seconds of [0.004, 0.02, 0.3]) {
    duration.record(seconds, { 'http.route': '/pay' });
  }
  const size = meter.createHistogram('http.server.request.body.size', { unit: 'By' });
  for (const bytes of [100, 200, 4000]) {
    size.record(bytes);
  }
  const { resourceMetrics, errors } = await reader.collect();
  if (errors.length > 0) {
    throw errors[0];
  }
  await provider.shutdown();
  return {
    protobuf: transformer.ProtobufMetricsSerializer.serializeRequest(resourceMetrics)!,
    json: transformer.JsonMetricsSerializer.serializeRequest(resourceMetrics)!,
  };
}

/** Log records through the SDK's logger: one inside a span context, one error without it. */
export function sdkLogBodies(traceId: string, spanId: string): { protobuf: Uint8Array; json: Uint8Array } {
  const exporter = new logs.InMemoryLogRecordExporter();
  const provider = new logs.LoggerProvider({
    resource: resources.resourceFromAttributes(RESOURCE),
    processors: [new logs.SimpleLogRecordProcessor({ exporter })],
  });
  const logger = provider.getLogger('osprey-test');
  const context = api.trace.setSpanContext(api.context.active(), {
    traceId,
    spanId,
    traceFlags: api.TraceFlags.SAMPLED,
  });
  logger.emit({
    body: 'payment accepted',
    severityNumber: 9,
    attributes: { 'order.id': 42 },
    context,
  });
  logger.emit({ body: { reason: 'card declined', code: 51 }, severityNumber: 17, severityText: 'ERROR' });
  const records = exporter.getFinishedLogRecords();
  return {
    protobuf: transformer.ProtobufLogsSerializer.serializeRequest(records)!,
    json: transformer.JsonLogsSerializer.serializeRequest(records)!,
  };
}
