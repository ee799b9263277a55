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

type Meter = ReturnType<InstanceType<typeof metrics.MeterProvider>['getMeter']>;
type Logger = ReturnType<InstanceType<typeof logs.LoggerProvider>['getLogger']>;

/** What `record` made with a meter, collected once, as the SDK's protobuf and JSON export bodies. */
async function collectMetrics(
  record: (meter: Meter) => void,
  options: { resource?: Record<string, string>; views?: metrics.ViewOptions[] } = {}
): Promise<{ protobuf: Uint8Array; json: Uint8Array }> {
  const reader = new CollectingReader();
  const provider = new metrics.MeterProvider({
    resource: resources.resourceFromAttributes(options.resource ?? RESOURCE),
    readers: [reader],
    views: options.views,
  });
  record(provider.getMeter('osprey-test'));
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

/** What `emit` logged, as the SDK's protobuf and JSON export bodies. */
function collectLogs(
  emit: (logger: Logger) => void,
  resource: Record<string, string> = RESOURCE
): { protobuf: Uint8Array; json: Uint8Array } {
  const exporter = new logs.InMemoryLogRecordExporter();
  const provider = new logs.LoggerProvider({
    resource: resources.resourceFromAttributes(resource),
    processors: [new logs.SimpleLogRecordProcessor({ exporter })],
  });
  emit(provider.getLogger('osprey-test'));
  const records = exporter.getFinishedLogRecords();
  return {
    protobuf: transformer.ProtobufLogsSerializer.serializeRequest(records)!,
    json: transformer.JsonLogsSerializer.serializeRequest(records)!,
  };
}

/**
 * One collection of each kind Osprey stores: a monotonic sum, an up-down sum, a gauge, an
 * explicit-bounds histogram and an exponential histogram, as protobuf and JSON export bodies.
 */
export function sdkMetricsBodies(): Promise<{ protobuf: Uint8Array; json: Uint8Array }> {
  const views = [
    {
      instrumentName: 'http.server.request.body.size',
      aggregation: { type: metrics.AggregationType.EXPONENTIAL_HISTOGRAM },
    },
  ];
  return collectMetrics((meter) => recordEveryKind(meter), { views });
}

function recordEveryKind(meter: Meter): void {
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
}

/** Log records through the SDK's logger: one inside a span context, one error without it. */
export function sdkLogBodies(traceId: string, spanId: string): { protobuf: Uint8Array; json: Uint8Array } {
  return collectLogs((logger) => {
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
  });
}

/** The gauge `name` observed once per attribute set, as the SDK's protobuf export body. */
export async function sdkGaugeBody(
  name: string,
  points: ReadonlyArray<{ value: number; attributes: api.Attributes }>,
  resource: Record<string, string> = RESOURCE
): Promise<Uint8Array> {
  const bodies = await collectMetrics(
    (meter) =>
      meter.createObservableGauge(name).addCallback((result) => {
        points.forEach((point) => result.observe(point.value, point.attributes));
      }),
    { resource }
  );
  return bodies.protobuf;
}

/** One info record per body, through the SDK's logger, as its protobuf export body. */
export function sdkLogsBody(
  records: ReadonlyArray<{ body: string; attributes?: api.Attributes }>,
  resource: Record<string, string> = RESOURCE
): Uint8Array {
  return collectLogs((logger) => records.forEach((r) => logger.emit({ severityNumber: 9, ...r })), resource).protobuf;
}
