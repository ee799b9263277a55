import { hostname } from 'node:os';

import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { NodeSDK } from '@opentelemetry/sdk-node';
import { BatchSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { ATTR_SERVICE_NAME } from '@opentelemetry/semantic-conventions';

export interface TelemetryConfig {
  service: string;
  /** Base URL of the Osprey backend (OTLP/HTTP receiver), e.g. http://127.0.0.1:4318. */
  ospreyUrl: string;
  ingestToken: string;
}

/**
 * Starts the OpenTelemetry Node SDK for one demo service. Must run before `node:http` is
 * required by application code: HttpInstrumentation patches the module as it is loaded.
 */
export function startTelemetry(config: TelemetryConfig): { sdk: NodeSDK; flush: () => Promise<void> } {
  const exporter = new OTLPTraceExporter({
    url: `${config.ospreyUrl.replace(/\/$/, '')}/v1/traces`,
    headers: { Authorization: `Bearer ${config.ingestToken}` },
  });
  // Short delay so dots appear on the XLOG about half a second after a request finishes.
  const processor = new BatchSpanProcessor(exporter, { scheduledDelayMillis: 500 });
  const sdk = new NodeSDK({
    resource: resourceFromAttributes({
      [ATTR_SERVICE_NAME]: config.service,
      // Stable string semconv names; not yet exported as constants by the stable entry point.
      'service.instance.id': `${config.service}-${process.pid}`,
      'host.name': hostname(),
    }),
    spanProcessors: [processor],
    instrumentations: [new HttpInstrumentation()],
  });
  sdk.start();
  return { sdk, flush: () => processor.forceFlush() };
}
