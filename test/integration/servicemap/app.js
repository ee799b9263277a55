/**
 * One service of the service-map integration workload, as its own process with the real
 * OpenTelemetry Node SDK, HTTP auto-instrumentation and the OTLP/HTTP protobuf exporter.
 *
 *   gateway GET /order ──▶ orders GET /create ──▶ stock GET /reserve
 *        │                   └─ 2 × DuckDB query        └─ 1 × DuckDB query
 *        └──▶ un-instrumented HTTP server GET /rates (EXTERNAL_URL)
 *
 * `?fail=1` makes stock answer 500, orders 500 and gateway 502. Prints {"port": n} once listening;
 * SIGTERM flushes the spans and exits.
 */
const { NodeSDK } = require('@opentelemetry/sdk-node');
const { HttpInstrumentation } = require('@opentelemetry/instrumentation-http');
const { OTLPTraceExporter } = require('@opentelemetry/exporter-trace-otlp-proto');
const { resourceFromAttributes } = require('@opentelemetry/resources');
const { BatchSpanProcessor, SimpleSpanProcessor } = require('@opentelemetry/sdk-trace-base');

const { SERVICE, OSPREY_URL, OSPREY_TOKEN, DOWNSTREAM_URL, EXTERNAL_URL, PROCESSOR } = process.env;

const exporter = new OTLPTraceExporter({
  url: `${OSPREY_URL}/v1/traces`,
  headers: { Authorization: `Bearer ${OSPREY_TOKEN}` },
});
// `simple` exports every span as it ends: a handler's db and client spans reach the backend in
// batches before its server span, the case settling exists for.
const processor =
  PROCESSOR === 'simple'
    ? new SimpleSpanProcessor(exporter)
    : new BatchSpanProcessor(exporter, { scheduledDelayMillis: 200 });
const sdk = new NodeSDK({
  resource: resourceFromAttributes({ 'service.name': SERVICE, 'service.instance.id': `${SERVICE}-${process.pid}` }),
  spanProcessors: [processor],
  instrumentations: [new HttpInstrumentation()],
});
sdk.start();

// Loaded after sdk.start(): the instrumentation patches node:http as it is required.
const http = require('node:http');
const { SpanKind, SpanStatusCode, trace } = require('@opentelemetry/api');
const { DuckDBInstance } = require('@duckdb/node-api');

const tracer = trace.getTracer('servicemap-it');

async function main() {
  const db = await DuckDBInstance.create(':memory:');

  /** A DuckDB statement in a CLIENT span with the database semantic conventions. */
  function query(sql) {
    return tracer.startActiveSpan(
      'SELECT',
      { kind: SpanKind.CLIENT, attributes: { 'db.system': 'duckdb', 'db.name': SERVICE, 'db.statement': sql } },
      async (span) => {
        const connection = await db.connect();
        try {
          return (await connection.runAndReadAll(sql)).getRowObjectsJS();
        } catch (err) {
          span.setStatus({ code: SpanStatusCode.ERROR, message: String(err) });
          throw err;
        } finally {
          connection.closeSync();
          span.end();
        }
      }
    );
  }

  function get(url) {
    return new Promise((resolve, reject) => {
      http
        .get(url, (res) => {
          res.resume();
          res.on('end', () => resolve(res.statusCode));
        })
        .on('error', reject);
    });
  }

  async function handle(url) {
    const fail = url.searchParams.get('fail') === '1';
    if (SERVICE === 'gateway' && url.pathname === '/order') {
      const orders = await get(`${DOWNSTREAM_URL}/create?fail=${fail ? 1 : 0}`);
      await get(`${EXTERNAL_URL}/rates`);
      return orders === 200 ? 200 : 502;
    }
    if (SERVICE === 'orders' && url.pathname === '/create') {
      await query('SELECT 1 AS customer');
      await query('SELECT 2 AS price');
      return (await get(`${DOWNSTREAM_URL}/reserve?fail=${fail ? 1 : 0}`)) === 200 ? 200 : 500;
    }
    if (SERVICE === 'stock' && url.pathname === '/reserve') {
      await query('SELECT 3 AS on_hand');
      return fail ? 500 : 200;
    }
    return 404;
  }

  const server = http.createServer((req, res) => {
    handle(new URL(req.url, 'http://localhost')).then(
      (status) => res.writeHead(status).end(),
      (err) => res.writeHead(500).end(String(err))
    );
  });
  server.listen(0, '127.0.0.1', () => console.log(JSON.stringify({ port: server.address().port })));
  process.on('SIGTERM', () => {
    server.close();
    sdk.shutdown().then(
      () => process.exit(0),
      (err) => {
        console.error(err);
        process.exit(1);
      }
    );
  });
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
