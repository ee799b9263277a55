/** Real OpenTelemetry SDK traffic for datasource tests: a small shop of two services and a database. */
import { execFileSync } from 'node:child_process';
import path from 'node:path';

const REPO_ROOT = path.resolve(__dirname, '..', '..');

export interface ShopTraces {
  ok: string;
  failed: string;
}

/**
 * The instrumented shop, as its own process (the OTLP exporter's transport uses dynamic import(),
 * which jest's module runtime cannot run): frontend calls orders, orders queries PostgreSQL; the
 * `fail` request ends in an exception. Prints the trace ids.
 */
const SENDER = `
const { context, trace, SpanKind, SpanStatusCode } = require('@opentelemetry/api');
const { resources, tracing } = require('@opentelemetry/sdk-node');
const { OTLPTraceExporter } = require('@opentelemetry/exporter-trace-otlp-proto');
const { OSPREY_URL: url, OSPREY_TOKEN: token, ROUND: round } = process.env;

const exporter = new OTLPTraceExporter({ url: url + '/v1/traces', headers: { Authorization: 'Bearer ' + token } });
const processor = new tracing.BatchSpanProcessor(exporter, { scheduledDelayMillis: 60000 });
const provider = (service) => new tracing.BasicTracerProvider({
  resource: resources.resourceFromAttributes({ 'service.name': service, 'service.instance.id': service + '-1' }),
  spanProcessors: [processor],
});
const frontend = provider('frontend').getTracer('ds-live');
const orders = provider('orders').getTracer('ds-live');

function request(route, fail, user) {
  const server = frontend.startSpan('GET ' + route, { kind: SpanKind.SERVER,
    attributes: { 'http.request.method': 'GET', 'http.route': route, 'enduser.id': user } });
  const call = frontend.startSpan('GET', { kind: SpanKind.CLIENT, attributes: { 'http.request.method': 'GET', 'server.address': 'orders' } },
    trace.setSpan(context.active(), server));
  frontend.startSpan('SELECT sessions', { kind: SpanKind.CLIENT, attributes: {
    'db.system.name': 'postgresql', 'db.namespace': 'shop', 'db.query.text': 'SELECT user_id FROM sessions WHERE token = $1' } },
    trace.setSpan(context.active(), server)).end();
  const handler = orders.startSpan('GET /api/orders', { kind: SpanKind.SERVER,
    attributes: { 'http.request.method': 'GET', 'http.route': '/api/orders' } }, trace.setSpan(context.active(), call));
  orders.startSpan('SELECT orders', { kind: SpanKind.CLIENT, attributes: {
    'db.system.name': 'postgresql', 'db.namespace': 'shop', 'db.query.text': 'SELECT id, total FROM orders WHERE user_id = $1' } },
    trace.setSpan(context.active(), handler)).end();
  if (fail) {
    handler.recordException(new Error('connection pool exhausted'));
    handler.setStatus({ code: SpanStatusCode.ERROR, message: 'connection pool exhausted' });
    handler.setAttribute('http.response.status_code', 500);
  } else {
    handler.setAttribute('http.response.status_code', 200);
  }
  handler.end();
  call.end();
  server.setAttribute('http.response.status_code', fail ? 502 : 200);
  if (fail) server.setStatus({ code: SpanStatusCode.ERROR });
  server.end();
  return server.spanContext().traceId;
}

(async () => {
  const ok = request('/checkout', false, 'u-' + round);
  const failed = request('/pay', true, 'u-' + round);
  await processor.forceFlush();
  console.log(JSON.stringify({ ok, failed }));
})().catch((err) => { console.error(err); process.exit(1); });
`;

/** Sends one round (an ok and a failed request, user `u-<round>`); returns once the backend has acknowledged it. */
export function sendShopTraffic(backendUrl: string, ingestToken: string, round: number): ShopTraces {
  const out = execFileSync(process.execPath, ['-e', SENDER], {
    cwd: REPO_ROOT,
    env: { ...process.env, OSPREY_URL: backendUrl, OSPREY_TOKEN: ingestToken, ROUND: String(round) },
    encoding: 'utf8',
    timeout: 30_000,
  });
  return JSON.parse(out.trim().split('\n').pop()!) as ShopTraces;
}
