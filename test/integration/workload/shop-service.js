/**
 * One service of the ground-truth shop, a process of its own: the real OpenTelemetry Node SDK with
 * HTTP auto-instrumentation (server and client spans, W3C trace context between services), manual
 * db client spans, exporting OTLP protobuf or, with EXPORTER=zipkin, through the Zipkin exporter.
 * Prints {"port": n} once listening; flushes its spans and exits on SIGTERM.
 *
 * Env: SERVICE (frontend | cart | catalog | payment), EXPORTER, OSPREY_URL, OSPREY_TOKEN,
 * CART_URL / CATALOG_URL / PAYMENT_URL (frontend only).
 */
const { SpanKind, trace } = require('@opentelemetry/api');
const { OTLPTraceExporter } = require('@opentelemetry/exporter-trace-otlp-proto');
const { ZipkinExporter } = require('@opentelemetry/exporter-zipkin');
const { HttpInstrumentation } = require('@opentelemetry/instrumentation-http');
const { NodeSDK, resources, tracing } = require('@opentelemetry/sdk-node');

const { SERVICE: service, EXPORTER: exporterKind, OSPREY_URL: ospreyUrl, OSPREY_TOKEN: token } = process.env;
const headers = { Authorization: `Bearer ${token}` };
const exporter =
  exporterKind === 'zipkin'
    ? new ZipkinExporter({ url: `${ospreyUrl}/api/v2/spans`, headers, serviceName: service })
    : new OTLPTraceExporter({ url: `${ospreyUrl}/v1/traces`, headers });
const sdk = new NodeSDK({
  resource: resources.resourceFromAttributes({ 'service.name': service, 'service.instance.id': `${service}-1` }),
  spanProcessors: [new tracing.BatchSpanProcessor(exporter, { scheduledDelayMillis: 200 })],
  instrumentations: [new HttpInstrumentation()],
});
sdk.start();

// Required after sdk.start() so the instrumentation patches it.
const http = require('node:http');

const tracer = trace.getTracer('shop');

/** Frameworks set http.route on the server span; plain node:http leaves it to the app. */
function route(template) {
  trace.getActiveSpan().setAttribute('http.route', template);
}

function query(system, name, statement) {
  tracer
    .startSpan(`${statement.split(' ')[0]} ${name}`, {
      kind: SpanKind.CLIENT,
      attributes: { 'db.system': system, 'db.name': name, 'db.statement': statement, 'server.address': `${name}-db` },
    })
    .end();
}

/** An outgoing HTTP call through node:http (instrumented: a CLIENT span plus traceparent). */
function call(method, base, path) {
  return new Promise((resolve, reject) => {
    const req = http.request(new URL(path, base), { method }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode));
    });
    req.on('error', reject);
    req.end();
  });
}

const routes = {
  frontend: async (req, url) => {
    const fail = url.searchParams.get('fail') === '1';
    if (url.pathname === '/checkout') {
      route('/checkout');
      const cart = await call('GET', process.env.CART_URL, '/cart');
      const pay = await call('POST', process.env.PAYMENT_URL, fail ? '/pay?fail=1' : '/pay');
      return cart === 200 && pay === 200 ? 200 : 502;
    }
    route('/browse');
    const items = await call('GET', process.env.CATALOG_URL, fail ? '/items/broken' : '/items');
    return items === 200 ? 200 : 502;
  },
  cart: async () => {
    route('/cart');
    query('postgresql', 'shop', 'SELECT * FROM cart_items WHERE cart_id = $1');
    query('postgresql', 'shop', 'SELECT * FROM prices WHERE item_id = ANY($1)');
    return 200;
  },
  catalog: async (req, url) => {
    if (url.pathname === '/items/broken') {
      route('/items/broken');
      return 503;
    }
    route('/items');
    query('mysql', 'catalog', 'SELECT * FROM items LIMIT 20');
    return 200;
  },
  payment: async (req, url) => {
    route('/pay');
    if (url.searchParams.get('fail') === '1') {
      return 500;
    }
    query('postgresql', 'payments', 'INSERT INTO payments (order_id, amount) VALUES ($1, $2)');
    return 200;
  },
};

const server = http.createServer((req, res) => {
  const url = new URL(req.url, 'http://localhost');
  routes[service](req, url).then(
    (status) => {
      res.writeHead(status, { 'x-trace-id': trace.getActiveSpan().spanContext().traceId });
      res.end();
    },
    (err) => {
      res.writeHead(500);
      res.end(String(err));
    }
  );
});
server.listen(0, '127.0.0.1', () => console.log(JSON.stringify({ port: server.address().port })));

process.on('SIGTERM', () => {
  server.close();
  sdk.shutdown().finally(() => process.exit(0));
});
