/**
 * The instrumented application: a separate Node process running the real OpenTelemetry JS SDK and
 * OTLP/HTTP protobuf exporter (its transport uses dynamic import(), which jest's module runtime
 * cannot run). Each requested transaction becomes one SERVER span of its service; the process
 * prints the trace ids, in request order, as one JSON line.
 */
import { execFileSync } from 'node:child_process';

import { ROOT } from './real-servers';

export interface SentTransaction {
  service: string;
  instance: string;
  /** Span name = endpoint. */
  name: string;
  /** Duration, ms. */
  ms: number;
  error?: boolean;
  /** Epoch ms the span ends; now when absent. */
  endTime?: number;
  /** More resource attributes of its process (k8s.*, host.name…). */
  resource?: Record<string, string>;
}

const SENDER = `
const { SpanKind, SpanStatusCode } = require('@opentelemetry/api');
const { resources, tracing } = require('@opentelemetry/sdk-node');
const { OTLPTraceExporter } = require('@opentelemetry/exporter-trace-otlp-proto');
const { OSPREY_URL: url, OSPREY_TOKEN: token, TRANSACTIONS: spec } = process.env;

async function main() {
  const exporter = new OTLPTraceExporter({ url: url + '/v1/traces', headers: { Authorization: 'Bearer ' + token } });
  const processor = new tracing.BatchSpanProcessor(exporter, { scheduledDelayMillis: 60000, maxExportBatchSize: 512 });
  const providers = new Map();
  const tracer = (service, instance, extra) => {
    const key = JSON.stringify([service, instance, extra ?? {}]);
    if (!providers.has(key)) {
      providers.set(key, new tracing.BasicTracerProvider({
        resource: resources.resourceFromAttributes({ 'service.name': service, 'service.instance.id': instance, ...extra }),
        spanProcessors: [processor],
      }));
    }
    return providers.get(key).getTracer('osprey-exports-it');
  };
  // [seconds, nanoseconds]: a plain number before the process started would be read as performance.now() time.
  const hr = (ms) => [Math.floor(ms / 1000), Math.round((ms % 1000) * 1e6)];
  const traceIds = [];
  for (const t of JSON.parse(spec)) {
    const end = t.endTime ?? Date.now();
    const span = tracer(t.service, t.instance, t.resource).startSpan(t.name, { kind: SpanKind.SERVER, startTime: hr(end - t.ms) });
    if (t.error) span.setStatus({ code: SpanStatusCode.ERROR, message: 'failed on purpose' });
    span.end(hr(end));
    traceIds.push(span.spanContext().traceId);
  }
  await processor.forceFlush();
  console.log(JSON.stringify(traceIds));
}
main().catch((err) => { console.error(err); process.exit(1); });
`;

/** Sends the transactions through the SDK and returns their trace ids (a failed export exits non-zero). */
export function sendWithSdk(ospreyUrl: string, ingestToken: string, transactions: SentTransaction[]): string[] {
  const out = execFileSync(process.execPath, ['-e', SENDER], {
    cwd: ROOT,
    env: {
      ...process.env,
      OSPREY_URL: ospreyUrl,
      OSPREY_TOKEN: ingestToken,
      TRANSACTIONS: JSON.stringify(transactions),
      OTEL_LOG_LEVEL: 'error',
    },
    encoding: 'utf8',
    timeout: 30_000,
  });
  return JSON.parse(out.trim().split('\n').pop()!) as string[];
}
