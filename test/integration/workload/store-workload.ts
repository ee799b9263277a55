/**
 * A fixed multi-service workload for the store conformance and two-shard tests, made by the real
 * OpenTelemetry SDK (one tracer provider per service, W3C parent context passed between them) and
 * serialised by its OTLP protobuf serializer. Times are explicit, so durations and latency buckets
 * vary the same way on every run; each service's spans come in several batches, callees first, as
 * separately exporting services send them, so settling has to join spans across batches.
 *
 *   frontend GET /checkout → cart GET /cart (2 postgresql queries; every 7th request's second fails)
 *                          → payment POST /pay (1 postgresql query; every 5th fails: 500, no query, an
 *                            exception CardDeclined or AcquirerTimeout with the order in its message)
 *   frontend GET /browse   → catalog GET /items (1 mysql query)
 *
 * The queries carry literals that differ per request, so `sql` (the truth of SQL statistics) has
 * one entry per statement shape, its normalised text written out by hand.
 */
import { otlpProtobuf, type SdkSpan } from '../osprey-cli';

export const SERVICES = ['cart', 'catalog', 'frontend', 'payment'] as const;
export type ServiceName = (typeof SERVICES)[number];

export interface Workload {
  /** OTLP protobuf batches in sending order, each of one service. */
  batches: Array<{ service: ServiceName; body: Uint8Array }>;
  traceIds: string[];
  /** Transactions (entry spans) and client calls with a target in the whole workload. */
  transactions: number;
  calls: number;
  from: number;
  to: number;
  /** Per normalised statement: its calls' durations (ms) and failures. */
  sql: SqlTruth[];
  /** Every failed transaction: its exception and the message template errors by type should give. */
  errors: ErrorTruth[];
  /** The frontend's transactions (the root spans), in sending order. */
  requests: RequestTruth[];
}

export interface RequestTruth {
  endpoint: 'GET /checkout' | 'GET /browse';
  elapsed: number;
  failed: boolean;
  userId: string;
}

export interface ErrorTruth {
  service: ServiceName;
  endpoint: string;
  errorType: string;
  template: string;
  traceId: string;
  endTime: number;
}

export interface SqlTruth {
  service: ServiceName;
  endpoint: string;
  dbSystem: string;
  dbName: string;
  statement: string;
  durations: number[];
  errors: number;
}

const REQUESTS = 40;
const CHUNKS = 4;

export function makeWorkload(start = Date.now() - 120_000): Workload {
  const { context, trace, SpanKind, SpanStatusCode } = require('@opentelemetry/api');
  const { resources, tracing } = require('@opentelemetry/sdk-node');
  const exporters = new Map<ServiceName, { getFinishedSpans(): SdkSpan[] }>();
  const tracers = new Map<ServiceName, ReturnType<typeof trace.getTracer>>();
  for (const service of SERVICES) {
    const exporter = new tracing.InMemorySpanExporter();
    const provider = new tracing.BasicTracerProvider({
      resource: resources.resourceFromAttributes({ 'service.name': service, 'service.instance.id': `${service}-1` }),
      spanProcessors: [new tracing.SimpleSpanProcessor(exporter)],
    });
    exporters.set(service, exporter);
    tracers.set(service, provider.getTracer('store-workload'));
  }
  const tracer = (service: ServiceName) => tracers.get(service)!;
  const under = (span: unknown) => trace.setSpan(context.active(), span);

  let transactions = 0;
  let calls = 0;
  const traceIds: string[] = [];
  /** A client span to another service and that service's server span, `ms` long, starting at `t`. */
  const remote = (
    from: ServiceName,
    to: ServiceName,
    parent: unknown,
    method: string,
    route: string,
    t: number,
    ms: number,
    body: (server: {
      setAttribute(k: string, v: unknown): void;
      setStatus(s: unknown): void;
      recordException(e: { name: string; message: string }, time: number): void;
    }) => boolean
  ): boolean => {
    const client = tracer(from).startSpan(
      method,
      { kind: SpanKind.CLIENT, startTime: t, attributes: { 'http.request.method': method, 'server.address': to } },
      under(parent)
    );
    const server = tracer(to).startSpan(
      `${method} ${route}`,
      {
        kind: SpanKind.SERVER,
        startTime: t + 1,
        attributes: { 'http.request.method': method, 'http.route': route },
      },
      under(client)
    );
    const ok = body(server);
    server.setAttribute('http.response.status_code', ok ? 200 : 500);
    if (!ok) {
      server.setStatus({ code: SpanStatusCode.ERROR, message: 'card declined' });
    }
    server.end(t + ms - 1);
    client.setAttribute('http.response.status_code', ok ? 200 : 500);
    client.end(t + ms);
    transactions += 1;
    calls += 1;
    return ok;
  };
  const sql = new Map<string, SqlTruth>();
  const errors: ErrorTruth[] = [];
  const requests: RequestTruth[] = [];
  /** A db client span sending `text`, whose normalised form is `statement`. */
  const db = (
    service: ServiceName,
    endpoint: string,
    parent: unknown,
    system: string,
    table: string,
    t: number,
    ms: number,
    [text, statement]: [string, string],
    failed = false
  ) => {
    const span = tracer(service).startSpan(
      `SELECT ${table}`,
      {
        kind: SpanKind.CLIENT,
        startTime: t,
        attributes: { 'db.system.name': system, 'db.namespace': table, 'db.query.text': text },
      },
      under(parent)
    );
    if (failed) {
      span.setStatus({ code: SpanStatusCode.ERROR, message: 'deadlock detected' });
    }
    span.end(t + ms);
    calls += 1;
    const id = JSON.stringify([service, statement]);
    const truth = sql.get(id) ?? {
      service,
      endpoint,
      dbSystem: system,
      dbName: table,
      statement,
      durations: [],
      errors: 0,
    };
    truth.durations.push(ms);
    truth.errors += failed ? 1 : 0;
    sql.set(id, truth);
  };

  for (let i = 0; i < REQUESTS; i++) {
    const t = start + i * 1500;
    const ms = 20 + ((i * 37) % 180);
    const checkout = i % 3 !== 2;
    const root = tracer('frontend').startSpan(checkout ? 'GET /checkout' : 'GET /browse', {
      kind: SpanKind.SERVER,
      startTime: t,
      attributes: {
        'http.request.method': 'GET',
        'http.route': checkout ? '/checkout' : '/browse',
        'enduser.id': `u-${i % 7}`,
      },
    });
    transactions += 1;
    let ok = true;
    if (checkout) {
      remote('frontend', 'cart', root, 'GET', '/cart', t + 2, ms / 3, (server) => {
        db('cart', 'GET /cart', server, 'postgresql', 'cart_items', t + 4, ms / 10, [
          `SELECT * FROM cart_items WHERE cart_id = ${i}`,
          'SELECT * FROM cart_items WHERE cart_id = ?',
        ]);
        const skus = Array.from({ length: 1 + (i % 4) }, (_, k) => `'sku-${i}-${k}'`).join(', ');
        db(
          'cart',
          'GET /cart',
          server,
          'postgresql',
          'prices',
          t + 5 + ms / 10,
          ms / 12,
          [`select price\n  from prices where sku in (${skus})`, 'SELECT price FROM prices WHERE sku IN (?)'],
          i % 7 === 6
        );
        return true;
      });
      const payAt = t + 3 + ms / 3;
      ok = remote('frontend', 'payment', root, 'POST', '/pay', payAt, ms / 2, (server) => {
        if (i % 5 === 4) {
          const [name, message, template] =
            i % 10 === 4
              ? ['CardDeclined', `card declined for order ${1000 + i}`, 'card declined for order <n>']
              : ['AcquirerTimeout', `acquirer timeout after ${ms * 10}ms`, 'acquirer timeout after <n>ms'];
          server.recordException({ name, message }, payAt + 2);
          const traceId = root.spanContext().traceId;
          errors.push({
            service: 'payment',
            endpoint: 'POST /pay',
            errorType: name,
            template,
            traceId,
            endTime: payAt + ms / 2 - 1,
          });
          return false;
        }
        db('payment', 'POST /pay', server, 'postgresql', 'payments', t + 6 + ms / 3, ms / 8, [
          `/* pay */ INSERT INTO payments (order_id, amount) VALUES (${i}, ${ms}.50)`,
          'INSERT INTO payments (order_id, amount) VALUES (?, ?)',
        ]);
        return true;
      });
    } else {
      remote('frontend', 'catalog', root, 'GET', '/items', t + 2, ms / 2, (server) => {
        db('catalog', 'GET /items', server, 'mysql', 'items', t + 3, ms / 5, [
          `SELECT * FROM \`items\` WHERE category = "c${i % 3}" LIMIT 20`,
          'SELECT * FROM `items` WHERE category = ? LIMIT ?',
        ]);
        return true;
      });
    }
    root.setAttribute('http.response.status_code', ok ? 200 : 502);
    if (!ok) {
      root.setStatus({ code: SpanStatusCode.ERROR });
      const traceId = root.spanContext().traceId;
      errors.push({
        service: 'frontend',
        endpoint: 'GET /checkout',
        errorType: '',
        template: '',
        traceId,
        endTime: t + ms + 5,
      });
    }
    root.end(t + ms + 5);
    requests.push({
      endpoint: checkout ? 'GET /checkout' : 'GET /browse',
      elapsed: ms + 5,
      failed: !ok,
      userId: `u-${i % 7}`,
    });
    traceIds.push(root.spanContext().traceId);
  }

  const batches: Workload['batches'] = [];
  for (let chunk = 0; chunk < CHUNKS; chunk++) {
    for (const service of ['payment', 'cart', 'catalog', 'frontend'] as const) {
      const spans = exporters.get(service)!.getFinishedSpans();
      const size = Math.ceil(spans.length / CHUNKS);
      const part = spans.slice(chunk * size, (chunk + 1) * size);
      if (part.length > 0) {
        batches.push({ service, body: otlpProtobuf(part) });
      }
    }
  }
  return {
    batches,
    traceIds,
    transactions,
    calls,
    from: start - 60_000,
    to: start + REQUESTS * 1500 + 60_000,
    sql: [...sql.values()],
    errors,
    requests,
  };
}
