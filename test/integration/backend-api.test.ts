/**
 * The real `osprey serve` process, fed by the real OpenTelemetry JS SDK and exporters, queried
 * over HTTP; then stopped and started again on the same data directory.
 */
import { type ChildProcess, execFileSync, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';

import type { Span, Transaction, TransactionsResponse } from '@osprey/model';

const ROOT = path.resolve(__dirname, '..', '..');
const CLI = path.join(ROOT, 'backend', 'bin', 'osprey.js');
const TOKENS = { OSPREY_INGEST_TOKEN: 'it-ingest', OSPREY_READ_TOKEN: 'it-read', OSPREY_ADMIN_TOKEN: 'it-admin' };

interface Backend {
  url: string;
  child: ChildProcess;
  /** Every JSON log line the process printed so far. */
  logs: Array<Record<string, unknown>>;
  stop(): Promise<number | null>;
}

const running = new Set<ChildProcess>();

/** Starts the CLI and resolves with the URL from its one "osprey listening" log line. */
async function startBackend(dataDir: string): Promise<Backend> {
  const child = spawn(process.execPath, [CLI, 'serve', '--port', '0', '--host', '127.0.0.1', '--data-dir', dataDir], {
    cwd: ROOT,
    env: { ...process.env, ...TOKENS, OSPREY_LOG_LEVEL: 'debug' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  running.add(child);
  let stderr = '';
  const logs: Array<Record<string, unknown>> = [];
  child.stderr!.on('data', (chunk) => (stderr += chunk));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no "osprey listening" within 20 s; stderr: ${stderr}`)), 20_000);
    child.once('exit', (code) => reject(new Error(`osprey exited with ${code}: ${stderr}`)));
    createInterface({ input: child.stdout! }).on('line', (line) => {
      const entry = JSON.parse(line) as { msg?: string; url?: string };
      logs.push(entry);
      if (entry.msg === 'osprey listening' && entry.url) {
        clearTimeout(timer);
        resolve(entry.url);
      }
    });
  });
  return {
    url,
    child,
    logs,
    stop: () =>
      new Promise((resolve) => {
        if (child.exitCode !== null) {
          resolve(child.exitCode);
          return;
        }
        child.once('exit', (code) => {
          running.delete(child);
          resolve(code);
        });
        child.kill('SIGTERM');
      }),
  };
}

/** Waits (up to 5 s) for the backend's stdout to show a log line with these fields. */
async function waitForLog(backend: Backend, fields: Record<string, unknown>): Promise<void> {
  const matches = () => backend.logs.some((entry) => Object.entries(fields).every(([k, v]) => entry[k] === v));
  for (let waited = 0; !matches() && waited < 5000; waited += 50) {
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  expect(backend.logs).toContainEqual(expect.objectContaining(fields));
}

async function get<T>(backend: Backend, pathAndQuery: string, token = TOKENS.OSPREY_READ_TOKEN): Promise<T> {
  const res = await fetch(`${backend.url}${pathAndQuery}`, { headers: { authorization: `Bearer ${token}` } });
  expect(res.status).toBe(200);
  return (await res.json()) as T;
}

function windowQuery(extra = ''): string {
  const now = Date.now();
  return `/api/v1/transactions?from=${now - 3_600_000}&to=${now + 3_600_000}${extra}`;
}

async function allTransactions(backend: Backend, extra = ''): Promise<Transaction[]> {
  return (await get<TransactionsResponse>(backend, windowQuery(extra))).transactions;
}

/**
 * The instrumented application: a separate Node process running the real OpenTelemetry JS SDK and
 * OTLP exporter (the exporter's transport uses dynamic import(), which jest's module runtime
 * cannot run, and an app is its own process anyway). It prints one JSON line with its trace ids.
 */
const SENDER = `
const { context, trace, SpanKind, SpanStatusCode } = require('@opentelemetry/api');
const { resources, tracing } = require('@opentelemetry/sdk-node');
const { OTLPTraceExporter: ProtoExporter } = require('@opentelemetry/exporter-trace-otlp-proto');
const { OTLPTraceExporter: JsonExporter } = require('@opentelemetry/exporter-trace-otlp-http');
const { OSPREY_URL: url, OSPREY_TOKEN: token, MODE: mode } = process.env;

function provider(service, processor) {
  return new tracing.BasicTracerProvider({
    resource: resources.resourceFromAttributes({ 'service.name': service, 'service.instance.id': service + '-1' }),
    spanProcessors: [processor],
  });
}

// frontend handles a request and calls cart over HTTP; cart queries its database twice, or fails.
function shopRequest(frontend, cart, route, fail) {
  const server = frontend.startSpan('GET ' + route, {
    kind: SpanKind.SERVER,
    attributes: { 'http.request.method': 'GET', 'http.route': route, 'enduser.id': 'u-7', 'client.address': '10.1.2.3' },
  });
  const call = frontend.startSpan('GET', { kind: SpanKind.CLIENT, attributes: { 'http.request.method': 'GET', 'server.address': 'cart' } },
    trace.setSpan(context.active(), server));
  const cartServer = cart.startSpan('GET /api/cart', { kind: SpanKind.SERVER, attributes: { 'http.request.method': 'GET', 'http.route': '/api/cart' } },
    trace.setSpan(context.active(), call));
  if (fail) {
    cartServer.recordException(new Error('connection pool exhausted'));
    cartServer.setStatus({ code: SpanStatusCode.ERROR, message: 'connection pool exhausted' });
    cartServer.setAttribute('http.response.status_code', 500);
  } else {
    for (const table of ['cart_items', 'prices']) {
      cart.startSpan('SELECT ' + table, { kind: SpanKind.CLIENT, attributes: { 'db.system.name': 'postgresql', 'db.query.text': 'SELECT * FROM ' + table } },
        trace.setSpan(context.active(), cartServer)).end();
    }
    cartServer.setAttribute('http.response.status_code', 200);
  }
  cartServer.end();
  call.setAttribute('http.response.status_code', fail ? 500 : 200);
  call.end();
  server.setAttribute('http.response.status_code', fail ? 502 : 200);
  if (fail) server.setStatus({ code: SpanStatusCode.ERROR });
  server.end();
  return server.spanContext().traceId;
}

async function main() {
  const headers = { Authorization: 'Bearer ' + token };
  if (mode === 'protobuf') {
    const exporter = new ProtoExporter({ url: url + '/v1/traces', headers });
    // One processor shared by both providers: like an OpenTelemetry Collector forwarding both
    // services' spans, the caller's client span and the callee's server span travel in one batch.
    const processor = new tracing.BatchSpanProcessor(exporter, { scheduledDelayMillis: 60000 });
    const frontend = provider('frontend', processor);
    const cart = provider('cart', processor);
    const okTrace = shopRequest(frontend.getTracer('it'), cart.getTracer('it'), '/checkout', false);
    const failedTrace = shopRequest(frontend.getTracer('it'), cart.getTracer('it'), '/pay', true);
    await processor.forceFlush();
    console.log(JSON.stringify({ okTrace, failedTrace }));
  } else {
    const exporter = new JsonExporter({ url: url + '/v1/traces', headers, compression: 'gzip' });
    const jobs = provider('billing', new tracing.SimpleSpanProcessor(exporter));
    const nowSeconds = Math.floor(Date.now() / 1000);
    const span = jobs.getTracer('it').startSpan('nightly-invoices', { kind: SpanKind.INTERNAL, startTime: [nowSeconds, 123456789] });
    span.end([nowSeconds, 987654321]);
    await jobs.forceFlush();
    console.log(JSON.stringify({ traceId: span.spanContext().traceId, nowSeconds }));
  }
}
main().catch((err) => { console.error(err); process.exit(1); });
`;

/** Runs the instrumented app against the backend (a failed export shows up as missing data in the assertions). */
function sendWithSdk(backend: Backend, mode: 'protobuf' | 'json', token: string): Record<string, string | number> {
  const out = execFileSync(process.execPath, ['-e', SENDER], {
    cwd: ROOT,
    env: { ...process.env, OSPREY_URL: backend.url, OSPREY_TOKEN: token, MODE: mode, OTEL_LOG_LEVEL: 'error' },
    encoding: 'utf8',
    timeout: 30_000,
  });
  return JSON.parse(out.trim().split('\n').pop()!) as Record<string, string | number>;
}

jest.setTimeout(120_000);

describe('osprey serve (real process, real OpenTelemetry SDK)', () => {
  let dataDir: string;
  let backend: Backend;

  beforeAll(async () => {
    // Build what bin/osprey.js requires (incremental: quick when dist is current).
    execFileSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-b', 'model', 'backend'], {
      cwd: ROOT,
      stdio: 'inherit',
    });
    dataDir = mkdtempSync(path.join(tmpdir(), 'osprey-it-'));
    backend = await startBackend(dataDir);
  });

  afterAll(async () => {
    for (const child of running) {
      child.kill('SIGKILL');
    }
    rmSync(dataDir, { recursive: true, force: true });
  });

  let okTrace: string;
  let failedTrace: string;

  it('stores spans of two services sent by the OTel SDK over OTLP/HTTP protobuf and derives transactions', async () => {
    const sent = sendWithSdk(backend, 'protobuf', TOKENS.OSPREY_INGEST_TOKEN);
    okTrace = String(sent.okTrace);
    failedTrace = String(sent.failedTrace);
    // One request carried both services (the debug line is logged before the 200 is sent).
    await waitForLog(backend, { msg: 'otlp batch stored', encoding: 'protobuf', spans: 8, transactions: 4 });

    expect(await get(backend, '/api/v1/services')).toEqual({ services: ['cart', 'frontend'] });
    const txs = await allTransactions(backend);
    expect(txs).toHaveLength(4);
    const find = (traceId: string, service: string) => txs.find((t) => t.traceId === traceId && t.service === service)!;

    expect(find(okTrace, 'cart')).toMatchObject({
      endpoint: 'GET /api/cart',
      instance: 'cart-1',
      status: 'ok',
      httpStatus: 200,
      parentService: 'frontend',
      sqlCount: 2,
      apiCallCount: 0,
      kind: 'web',
    });
    expect(find(okTrace, 'frontend')).toMatchObject({
      endpoint: 'GET /checkout',
      status: 'ok',
      sqlCount: 0,
      apiCallCount: 1,
      userId: 'u-7',
      clientIp: '10.1.2.3',
    });
    expect(find(okTrace, 'frontend').parentService).toBeUndefined();
    expect(find(failedTrace, 'cart')).toMatchObject({
      status: 'error',
      httpStatus: 500,
      errorType: 'Error',
      errorMessage: 'connection pool exhausted',
      sqlCount: 0,
    });
    expect(find(failedTrace, 'frontend')).toMatchObject({ status: 'error', httpStatus: 502, endpoint: 'GET /pay' });

    // Newest first, and the filters reach the store.
    const ends = txs.map((t) => t.endTime);
    expect(ends).toEqual([...ends].sort((a, b) => b - a));
    expect((await allTransactions(backend, '&errorsOnly=true')).map((t) => t.traceId)).toEqual([
      failedTrace,
      failedTrace,
    ]);
    expect(await allTransactions(backend, '&service=cart&limit=1')).toHaveLength(1);
    const truncated = await get<TransactionsResponse>(backend, windowQuery('&limit=3'));
    expect(truncated.truncated).toBe(true);

    const okSpans = (await get<{ traceId: string; spans: Span[] }>(backend, `/api/v1/traces/${okTrace}`)).spans;
    expect(okSpans.map((s) => `${s.service}:${s.kind}`).sort()).toEqual([
      'cart:client',
      'cart:client',
      'cart:server',
      'frontend:client',
      'frontend:server',
    ]);
  });

  it('accepts OTLP/JSON from the SDK JSON exporter (gzip) and keeps 19-digit nanosecond times exact', async () => {
    const before = (await allTransactions(backend)).length;
    const sent = sendWithSdk(backend, 'json', TOKENS.OSPREY_ADMIN_TOKEN);
    const traceId = String(sent.traceId);
    const nowSeconds = Number(sent.nowSeconds);
    await waitForLog(backend, { msg: 'otlp batch stored', encoding: 'json', contentEncoding: 'gzip', spans: 1 });
    const stored = (await get<{ spans: Span[] }>(backend, `/api/v1/traces/${traceId}`)).spans;
    expect(stored).toHaveLength(1);
    expect(stored[0].startTimeUnixNano).toBe(`${nowSeconds}123456789`);
    expect(stored[0].startTimeUnixNano).toHaveLength(19);
    expect(stored[0].durationNano).toBe('864197532');
    const txs = await allTransactions(backend, `&traceId=${traceId}`);
    expect(txs).toEqual([
      expect.objectContaining({
        service: 'billing',
        kind: 'background',
        endpoint: 'nightly-invoices',
        elapsed: 864.197,
      }),
    ]);
    expect((await allTransactions(backend)).length).toBe(before + 1);
  });

  it('rejects bad input with 400 and stores nothing; enforces tokens and scopes', async () => {
    const count = async () => (await allTransactions(backend)).length;
    const spansOf = async () => (await get<{ services: string[] }>(backend, '/api/v1/services')).services;
    const before = await count();
    const servicesBefore = await spansOf();
    const post = (
      body: string | Uint8Array<ArrayBuffer>,
      type: string,
      token: string | null = TOKENS.OSPREY_INGEST_TOKEN
    ) =>
      fetch(`${backend.url}/v1/traces`, {
        method: 'POST',
        headers: { 'content-type': type, ...(token ? { authorization: `Bearer ${token}` } : {}) },
        body,
      });
    const goodSpan = {
      traceId: 'a'.repeat(32),
      spanId: 'b'.repeat(16),
      name: 'x',
      kind: 2,
      startTimeUnixNano: `${Date.now()}000000`,
      endTimeUnixNano: `${Date.now()}000001`,
    };
    const withSpans = (spans: unknown) =>
      JSON.stringify({
        resourceSpans: [
          {
            resource: { attributes: [{ key: 'service.name', value: { stringValue: 'intruder' } }] },
            scopeSpans: [{ spans }],
          },
        ],
      });

    const cases: Array<[string, string | Uint8Array<ArrayBuffer>, string, string]> = [
      [
        'protobuf garbage',
        new Uint8Array([0x0a, 0xff, 0xff, 0xff, 0xff, 0x0f, 1, 2, 3]),
        'application/x-protobuf',
        'protobuf',
      ],
      ['traceId xyz', withSpans([goodSpan, { ...goodSpan, traceId: 'xyz' }]), 'application/json', 'spans[1].traceId'],
      [
        'startTimeUnixNano abc',
        withSpans([goodSpan, { ...goodSpan, startTimeUnixNano: 'abc' }]),
        'application/json',
        'spans[1].startTimeUnixNano',
      ],
      [
        'spans not an array',
        withSpans({ 0: goodSpan }),
        'application/json',
        'resourceSpans[0].scopeSpans[0].spans: must be an array',
      ],
      ['truncated JSON', withSpans([goodSpan]).slice(0, 40), 'application/json', 'not JSON'],
    ];
    for (const [name, body, type, message] of cases) {
      const res = await post(body, type);
      expect({ name, status: res.status }).toEqual({ name, status: 400 });
      const answer = (await res.json()) as { error: string; message: string };
      expect(answer.error).toBe('bad_request');
      expect(answer.message).toContain(message);
    }
    expect(await count()).toBe(before);
    expect(await spansOf()).toEqual(servicesBefore);
    expect(servicesBefore).not.toContain('intruder');

    const noToken = await post(withSpans([goodSpan]), 'application/json', null);
    expect(noToken.status).toBe(401);
    expect(noToken.headers.get('www-authenticate')).toMatch(/^Bearer/);
    expect((await post(withSpans([goodSpan]), 'application/json', TOKENS.OSPREY_READ_TOKEN)).status).toBe(403);
    const ingestReads = await fetch(`${backend.url}${windowQuery()}`, {
      headers: { authorization: `Bearer ${TOKENS.OSPREY_INGEST_TOKEN}` },
    });
    expect(ingestReads.status).toBe(403);
    expect((await fetch(`${backend.url}/api/v1/services`)).status).toBe(401);
    expect(await count()).toBe(before);

    const health = await fetch(`${backend.url}/health`);
    expect(await health.json()).toEqual({ status: 'ok', version: expect.any(String), store: 'duckdb' });
  });

  it('keeps acknowledged data across a restart on the same data directory', async () => {
    const before = await allTransactions(backend);
    const okSpans = await get<{ spans: Span[] }>(backend, `/api/v1/traces/${okTrace}`);
    expect(await backend.stop()).toBe(0);
    backend = await startBackend(dataDir);
    expect(await allTransactions(backend)).toEqual(before);
    expect(await get(backend, `/api/v1/traces/${okTrace}`)).toEqual(okSpans);
    expect((await get<{ services: string[] }>(backend, '/api/v1/services')).services).toEqual([
      'billing',
      'cart',
      'frontend',
    ]);
  });

  it('refuses bad configuration with a clear message and a non-zero exit', () => {
    const run = (args: string[], env: Record<string, string> = {}) =>
      spawnSync(process.execPath, [CLI, ...args], {
        cwd: ROOT,
        env: { PATH: process.env.PATH ?? '', ...env },
        encoding: 'utf8',
      });
    const noTokens = run(['serve', '--port', '0', '--data-dir', dataDir]);
    expect(noTokens.status).not.toBe(0);
    expect(noTokens.stderr).toContain('no tokens configured');
    const badPort = run(['serve', '--port', 'http', '--data-dir', dataDir], TOKENS);
    expect(badPort.status).not.toBe(0);
    expect(badPort.stderr).toContain('--port must be an integer');
    const unknown = run(['serve', '--colour'], TOKENS);
    expect(unknown.status).not.toBe(0);
    expect(unknown.stderr).toContain('--colour');
    const help = run(['serve', '--help']);
    expect(help.status).toBe(0);
    expect(help.stdout).toContain('OSPREY_ADMIN_TOKEN');
  });
});
