import { hostname } from 'node:os';

import { OTLPLogExporter } from '@opentelemetry/exporter-logs-otlp-proto';
import { OTLPMetricExporter } from '@opentelemetry/exporter-metrics-otlp-proto';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { HostMetrics } from '@opentelemetry/host-metrics';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { RuntimeNodeInstrumentation } from '@opentelemetry/instrumentation-runtime-node';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { logs, metrics, NodeSDK } from '@opentelemetry/sdk-node';
import { BatchSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { ATTR_SERVICE_NAME } from '@opentelemetry/semantic-conventions';
import { ActiveRequestsProcessor } from '@osprey/otel-active';

export interface TelemetryConfig {
  service: string;
  /** Base URL of the Osprey backend (OTLP/HTTP receiver), e.g. http://127.0.0.1:4318. */
  ospreyUrl: string;
  ingestToken: string;
}

/** Runtime and host metrics every few seconds, so the JVM/runtime panels fill while one watches. */
const METRIC_EXPORT_MS = 5_000;

/** An OTel logger of the logs SDK (the type of api-logs' Logger, without a second copy of api-logs). */
export type OtelLogger = ReturnType<logs.LoggerProvider['getLogger']>;

export interface Telemetry {
  sdk: NodeSDK;
  /** The service's OTel logger: records carry the active span's trace and span ids. */
  logger: OtelLogger;
  /** Exports what is still queued (spans, log records, metrics). */
  flush: () => Promise<void>;
}

/**
 * Starts the OpenTelemetry Node SDK for one demo service: traces, runtime metrics (event loop, GC,
 * heap: instrumentation-runtime-node) and host metrics (CPU, memory: host-metrics) through the
 * metrics SDK, logs through the logs SDK, all as OTLP/HTTP protobuf to Osprey, and the requests in
 * flight to the active-service equalizer (@osprey/otel-active). Must run before
 * `node:http` is required by application code: HttpInstrumentation patches the module as it loads.
 */
export function startTelemetry(config: TelemetryConfig): Telemetry {
  const base = config.ospreyUrl.replace(/\/$/, '');
  const headers = { Authorization: `Bearer ${config.ingestToken}` };
  // Short delay so dots appear on the XLOG about half a second after a request finishes.
  const spans = new BatchSpanProcessor(new OTLPTraceExporter({ url: `${base}/v1/traces`, headers }), {
    scheduledDelayMillis: 500,
  });
  const records = new logs.BatchLogRecordProcessor({
    exporter: new OTLPLogExporter({ url: `${base}/v1/logs`, headers }),
    scheduledDelayMillis: 500,
  });
  const reader = new metrics.PeriodicExportingMetricReader({
    exporter: new OTLPMetricExporter({ url: `${base}/v1/metrics`, headers }),
    exportIntervalMillis: METRIC_EXPORT_MS,
  });
  const resource = resourceFromAttributes({
    [ATTR_SERVICE_NAME]: config.service,
    // Stable string semconv names; not yet exported as constants by the stable entry point.
    'service.instance.id': `${config.service}-${process.pid}`,
    'host.name': hostname(),
  });
  // In-flight requests for the equalizer: a snapshot every second of the entry spans still open.
  const active = new ActiveRequestsProcessor({ url: base, token: config.ingestToken, intervalMs: 1_000 });
  const sdk = new NodeSDK({
    resource,
    spanProcessors: [spans, active],
    metricReaders: [reader],
    instrumentations: [new HttpInstrumentation(), new RuntimeNodeInstrumentation()],
  });
  sdk.start();
  new HostMetrics({ name: 'osprey-demo' }).start();
  // A provider of our own rather than the SDK's global one: its logger is handed to the server
  // code directly, with no second copy of api-logs to register it in.
  const loggerProvider = new logs.LoggerProvider({ resource, processors: [records] });
  return {
    sdk,
    logger: loggerProvider.getLogger('osprey-demo'),
    flush: async () => {
      await Promise.all([spans.forceFlush(), records.forceFlush(), reader.forceFlush()]);
    },
  };
}
