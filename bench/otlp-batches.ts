/**
 * Bench transactions as the OpenTelemetry JS SDK records them (entry SERVER span with a database
 * CLIENT child and an HTTP CLIENT child, per-instance resource), encoded with the SDK's own OTLP
 * protobuf serializer into export requests.
 */
import { context, type Span as ApiSpan, SpanKind, SpanStatusCode, trace, type Tracer } from '@opentelemetry/api';
import { ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
import { resources, tracing } from '@opentelemetry/sdk-node';

import type { BenchTransaction } from './workload';

export interface OtlpBatch {
  body: Uint8Array<ArrayBuffer>;
  spans: number;
  transactions: number;
}

/** One tracer per service instance, all recording into one in-memory exporter. */
export class ShopRecorder {
  private readonly exporter = new tracing.InMemorySpanExporter();
  private readonly tracers = new Map<string, Tracer>();

  private tracer(tx: BenchTransaction): Tracer {
    let tracer = this.tracers.get(tx.instance);
    if (!tracer) {
      const provider = new tracing.BasicTracerProvider({
        resource: resources.resourceFromAttributes({
          'service.name': tx.service,
          'service.instance.id': tx.instance,
          'service.version': '1.4.2',
          'host.name': `${tx.instance}.prod.internal`,
          'telemetry.sdk.language': 'nodejs',
          'telemetry.sdk.name': 'opentelemetry',
          'telemetry.sdk.version': '2.12.0',
          'process.runtime.name': 'nodejs',
          'deployment.environment.name': 'production',
        }),
        spanProcessors: [new tracing.SimpleSpanProcessor(this.exporter)],
      });
      tracer = provider.getTracer('@opentelemetry/instrumentation-http', '0.223.0');
      this.tracers.set(tx.instance, tracer);
    }
    return tracer;
  }

  /** Records one transaction's three spans; returns its trace id. */
  record(tx: BenchTransaction): string {
    const tracer = this.tracer(tx);
    const start = tx.endTime - tx.elapsed;
    const [method, route] = tx.endpoint.split(' ');
    const server = tracer.startSpan(tx.endpoint, {
      kind: SpanKind.SERVER,
      startTime: start,
      attributes: {
        'http.request.method': method,
        'http.route': route,
        'url.path': route.replace('{id}', '1042'),
        'url.scheme': 'http',
        'server.port': 8080,
        'client.address': '10.20.30.40',
        'user_agent.original': 'Mozilla/5.0 (X11; Linux x86_64) Chrome/131.0',
        'enduser.id': 'user-1042',
      },
    });
    const parent = trace.setSpan(context.active(), server);
    const child = (name: string, from: number, ms: number, attributes: Record<string, string | number>): ApiSpan => {
      const span = tracer.startSpan(name, { kind: SpanKind.CLIENT, startTime: from, attributes }, parent);
      span.end(from + ms);
      return span;
    };
    child('SELECT shop.items', start + tx.elapsed * 0.1, tx.sqlTime, {
      'db.system.name': 'postgresql',
      'db.namespace': 'shop',
      'db.operation.name': 'SELECT',
      'db.query.text': 'SELECT id, name, price FROM items WHERE id = $1',
      'server.address': 'pg-primary.prod.internal',
      'server.port': 5432,
    });
    const call = child('GET', start + tx.elapsed * 0.5, tx.apiCallTime, {
      'http.request.method': 'GET',
      'url.full': 'http://pricing.prod.internal:8080/api/prices/1042',
      'server.address': 'pricing.prod.internal',
      'server.port': 8080,
      'http.response.status_code': tx.error ? 503 : 200,
    });
    if (tx.error) {
      call.setStatus({ code: SpanStatusCode.ERROR });
      server.setStatus({ code: SpanStatusCode.ERROR, message: 'upstream pricing unavailable' });
    }
    server.setAttribute('http.response.status_code', tx.httpStatus);
    server.end(tx.endTime);
    return server.spanContext().traceId;
  }

  /** Everything recorded since the last call, as one ExportTraceServiceRequest. */
  take(transactions: number): OtlpBatch {
    const spans = this.exporter.getFinishedSpans();
    this.exporter.reset();
    const body = ProtobufTraceSerializer.serializeRequest(spans);
    if (!body) {
      throw new Error('ProtobufTraceSerializer returned nothing');
    }
    // A copy on its own ArrayBuffer is what fetch's BodyInit type accepts.
    return { body: new Uint8Array(body), spans: spans.length, transactions };
  }
}
