/**
 * The ingest paths of the real `osprey serve` process: spans from the real OpenTelemetry Zipkin
 * exporter, native transactions, active snapshots with the equalizer flags, and hostile bodies that
 * must leave the process alive and the store unchanged.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';

import type { ActiveResponse, Span, Transaction, TransactionsResponse } from '@osprey/model';

import { type Backend, buildBackend, killAll, makeTrace, otlpProtobuf, startBackend, TOKENS } from './osprey-cli';

jest.setTimeout(120_000);

describe('osprey serve ingest paths (real process)', () => {
  let dataDir: string;
  let backend: Backend;

  beforeAll(async () => {
    buildBackend();
    dataDir = mkdtempSync(path.join(tmpdir(), 'osprey-ingest-it-'));
    backend = await startBackend(dataDir, ['--active-slow-ms', '1000', '--active-very-slow-ms', '2000']);
  });

  afterAll(() => {
    killAll();
    rmSync(dataDir, { recursive: true, force: true });
  });

  async function get<T>(pathAndQuery: string): Promise<T> {
    const res = await fetch(`${backend.url}${pathAndQuery}`, {
      headers: { authorization: `Bearer ${TOKENS.OSPREY_READ_TOKEN}` },
    });
    expect(res.status).toBe(200);
    return (await res.json()) as T;
  }

  async function post(url: string, body: string | Uint8Array, contentType = 'application/json', gzip = false) {
    const res = await fetch(`${backend.url}${url}`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${TOKENS.OSPREY_INGEST_TOKEN}`,
        'content-type': contentType,
        ...(gzip ? { 'content-encoding': 'gzip' } : {}),
      },
      body: typeof body === 'string' ? body : new Uint8Array(body),
    });
    const text = await res.text();
    return { status: res.status, body: text === '' ? undefined : JSON.parse(text) };
  }

  const window = () => `/api/v1/transactions?from=${Date.now() - 3_600_000}&to=${Date.now() + 3_600_000}`;
  const transactions = async (extra = '') => (await get<TransactionsResponse>(window() + extra)).transactions;

  it('stores what the OpenTelemetry Zipkin exporter sends and derives the transaction', async () => {
    const { context, trace, SpanKind, SpanStatusCode } = require('@opentelemetry/api');
    const { ZipkinExporter } = require('@opentelemetry/exporter-zipkin');
    const { resources, tracing } = require('@opentelemetry/sdk-node');
    const exporter = new ZipkinExporter({
      url: `${backend.url}/api/v2/spans`,
      headers: { Authorization: `Bearer ${TOKENS.OSPREY_INGEST_TOKEN}` },
    });
    const provider = new tracing.BasicTracerProvider({
      resource: resources.resourceFromAttributes({ 'service.name': 'inventory', 'service.instance.id': 'inv-2' }),
      spanProcessors: [new tracing.BatchSpanProcessor(exporter, { scheduledDelayMillis: 60_000 })],
    });
    const tracer = provider.getTracer('it');
    const server = tracer.startSpan('GET /stock', {
      kind: SpanKind.SERVER,
      attributes: { 'http.request.method': 'GET', 'http.route': '/stock', 'http.response.status_code': 503 },
    });
    const ctx = trace.setSpan(context.active(), server);
    tracer.startSpan('SELECT stock', { kind: SpanKind.CLIENT, attributes: { 'db.system.name': 'mysql' } }, ctx).end();
    tracer.startSpan('GET', { kind: SpanKind.CLIENT, attributes: { 'server.address': 'warehouse' } }, ctx).end();
    server.setStatus({ code: SpanStatusCode.ERROR, message: 'warehouse down' });
    server.end();
    await provider.forceFlush();
    await provider.shutdown();
    const traceId = server.spanContext().traceId as string;

    const stored = await get<{ spans: Span[] }>(`/api/v1/traces/${traceId}`);
    expect(stored.spans.map((s) => `${s.service}:${s.kind}:${s.name}`).sort()).toEqual([
      'inventory:client:GET',
      'inventory:client:SELECT stock',
      'inventory:server:GET /stock',
    ]);
    expect(await transactions('&service=inventory')).toEqual([
      expect.objectContaining({
        traceId,
        instance: 'inv-2',
        endpoint: 'GET /stock',
        status: 'error',
        httpStatus: 503,
        errorMessage: 'warehouse down',
        sqlCount: 1,
        apiCallCount: 1,
      }),
    ]);
  });

  it('stores a gzipped native transaction batch as sent', async () => {
    const tx: Transaction = {
      endTime: Date.now(),
      elapsed: 1234.5,
      service: 'legacy-erp',
      instance: 'erp-1',
      endpoint: 'ORDER.SUBMIT',
      status: 'ok',
      traceId: '0af7651916cd43dd8448eb211c80319c',
      spanId: 'b7ad6b7169203331',
      sqlCount: 12,
      sqlTime: 800.25,
      apiCallCount: 0,
      apiCallTime: 0,
      kind: 'app',
      threadName: 'worker-3',
    };
    expect(await post('/api/v1/transactions', gzipSync(JSON.stringify([tx])), 'application/json', true)).toEqual({
      status: 200,
      body: { spans: 0, transactions: 1 },
    });
    expect(await transactions('&service=legacy-erp')).toEqual([tx]);
  });

  it('buckets active requests with the thresholds given on the command line', async () => {
    const snapshot = {
      service: 'legacy-erp',
      instance: 'erp-1',
      takenAt: Date.now(),
      requests: [
        { endpoint: 'ORDER.SUBMIT', elapsed: 500 },
        { endpoint: 'ORDER.SUBMIT', elapsed: 1500 },
        { endpoint: 'REPORT.RUN', elapsed: 25_000, threadName: 'worker-9' },
      ],
    };
    expect((await post('/api/v1/active', JSON.stringify(snapshot))).status).toBe(204);
    expect(await get<ActiveResponse>('/api/v1/active?service=legacy-erp')).toEqual({
      thresholds: { slow: 1000, verySlow: 2000 },
      instances: [{ ...snapshot, source: 'snapshot', buckets: { fast: 1, slow: 1, verySlow: 1, unknownAge: 0 } }],
    });
  });

  it('refuses hostile bodies with 4xx, stays up and stores nothing of them', async () => {
    const before = await transactions();
    const valid = otlpProtobuf(makeTrace('hostile', 3));
    const deep = '['.repeat(10_000) + ']'.repeat(10_000);
    const answers = [
      await post('/v1/traces', Buffer.from('this is not protobuf at all'), 'application/x-protobuf'),
      await post('/v1/traces', valid.subarray(0, Math.floor(valid.length / 2)), 'application/x-protobuf'),
      await post('/v1/traces', '{"resourceSpans": [{"scopeSpans": 5}]}'),
      await post('/api/v2/spans', deep),
      await post('/api/v2/spans', '[{"traceId":"xyz","id":"1","timestamp":1}]'),
      await post('/api/v1/transactions', '[{"endTime": 18446744073709551616}]'),
      await post('/api/v1/active', '{"service": {"$gt": ""}}'),
      await post('/api/v1/transactions', gzipSync(Buffer.alloc(17 * 1024 * 1024, 0x5b)), 'application/json', true),
    ];
    expect(answers.map((a) => a.status)).toEqual([400, 400, 400, 400, 400, 400, 400, 413]);
    expect(answers.map((a) => a.body.message)).toEqual([
      expect.stringContaining('body is not a protobuf ExportTraceServiceRequest'),
      expect.stringContaining('body is not a protobuf ExportTraceServiceRequest'),
      'resourceSpans[0].scopeSpans: must be an array, got number 5',
      'spans[0]: must be an object, got an array',
      'spans[0].traceId: not hex: "xyz"',
      'transactions[0].endTime: must be <= 8640000000000000, got 18446744073709552000',
      'service: must be a string, got an object',
      `gunzipped body exceeds ${16 * 1024 * 1024} bytes (--max-body-bytes)`,
    ]);
    expect(backend.child.exitCode).toBeNull();
    expect((await fetch(`${backend.url}/health`)).status).toBe(200);
    expect(await transactions()).toEqual(before);
    expect((await get<{ services: string[] }>('/api/v1/services')).services).not.toContain('hostile');
  });
});
