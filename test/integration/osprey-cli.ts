/**
 * Starting and killing the real `osprey serve` process for the ingest integration tests.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import path from 'node:path';
import { createInterface } from 'node:readline';

/** A finished span of the OpenTelemetry SDK (sdk-node's 2.x line; the hoisted sdk-trace-base types are 1.x). */
export interface SdkSpan {
  spanContext(): { traceId: string; spanId: string };
}

export const ROOT = path.resolve(__dirname, '..', '..');
/** The built `osprey` CLI (buildBackend makes what it requires). */
export const CLI = path.join(ROOT, 'backend', 'bin', 'osprey.js');
export const TOKENS = {
  OSPREY_INGEST_TOKEN: 'it-ingest',
  OSPREY_READ_TOKEN: 'it-read',
  OSPREY_ADMIN_TOKEN: 'it-admin',
};

export interface Backend {
  url: string;
  child: ChildProcess;
  /** Resolves with the exit code, or the signal name when killed. */
  exited: Promise<number | string | null>;
}

const running = new Set<ChildProcess>();

/** Builds what bin/osprey.js requires (incremental: quick when dist is current). */
export function buildBackend(): void {
  execFileSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-b', 'model', 'backend'], {
    cwd: ROOT,
    stdio: 'inherit',
  });
}

/** Starts the CLI on `dataDir` and resolves with the URL from its "osprey listening" log line. */
export async function startBackend(dataDir: string, args: string[] = []): Promise<Backend> {
  const child = spawn(
    process.execPath,
    [CLI, 'serve', '--port', '0', '--host', '127.0.0.1', '--data-dir', dataDir, ...args],
    { cwd: ROOT, env: { ...process.env, ...TOKENS, OSPREY_LOG_LEVEL: 'info' }, stdio: ['ignore', 'pipe', 'pipe'] }
  );
  running.add(child);
  const exited = new Promise<number | string | null>((resolve) =>
    child.once('exit', (code, signal) => {
      running.delete(child);
      resolve(signal ?? code);
    })
  );
  let output = '';
  child.stderr!.on('data', (chunk) => (output += chunk));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no "osprey listening" within 20 s: ${output}`)), 20_000);
    void exited.then((code) => reject(new Error(`osprey exited with ${code}: ${output}`)));
    createInterface({ input: child.stdout! }).on('line', (line) => {
      output += `${line}\n`;
      const entry = JSON.parse(line) as { msg?: string; url?: string };
      if (entry.msg === 'osprey listening' && entry.url) {
        clearTimeout(timer);
        resolve(entry.url);
      }
    });
  });
  return { url, child, exited };
}

/** `kill -9`: no shutdown hook runs, DuckDB must recover from its WAL on the next start. */
export async function killHard(backend: Backend): Promise<void> {
  backend.child.kill('SIGKILL');
  await backend.exited;
}

export function killAll(): void {
  for (const child of running) {
    child.kill('SIGKILL');
  }
}

/** Spans made by the real OpenTelemetry SDK: one trace per call, an HTTP server span and its db calls. */
export function makeTrace(service: string, dbCalls: number): SdkSpan[] {
  const { context, trace, SpanKind } = require('@opentelemetry/api');
  const { resources, tracing } = require('@opentelemetry/sdk-node');

  const exporter = new tracing.InMemorySpanExporter();
  const provider = new tracing.BasicTracerProvider({
    resource: resources.resourceFromAttributes({ 'service.name': service, 'service.instance.id': `${service}-1` }),
    spanProcessors: [new tracing.SimpleSpanProcessor(exporter)],
  });
  const tracer = provider.getTracer('durability');
  const server = tracer.startSpan('GET /orders', {
    kind: SpanKind.SERVER,
    attributes: { 'http.request.method': 'GET', 'http.route': '/orders' },
  });
  for (let i = 0; i < dbCalls; i++) {
    tracer
      .startSpan(
        `SELECT ${i}`,
        { kind: SpanKind.CLIENT, attributes: { 'db.system.name': 'postgresql' } },
        trace.setSpan(context.active(), server)
      )
      .end();
  }
  server.end();
  return exporter.getFinishedSpans() as SdkSpan[];
}

/** OTLP/HTTP protobuf bytes, serialised by the OpenTelemetry JS serializer the exporters use. */
export function otlpProtobuf(spans: SdkSpan[]): Uint8Array {
  const { ProtobufTraceSerializer } = require('@opentelemetry/otlp-transformer');
  return ProtobufTraceSerializer.serializeRequest(spans) as Uint8Array;
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A JSON call of `backend` with the read token; a non-2xx answer throws with its status and body. */
export function readApi(backend: () => Backend) {
  return async <T>(url: string, init: RequestInit = {}): Promise<T> => {
    const res = await fetch(`${backend().url}${url}`, {
      ...init,
      headers: { authorization: `Bearer ${TOKENS.OSPREY_READ_TOKEN}`, 'content-type': 'application/json' },
    });
    if (!res.ok) {
      throw new Error(`${url}: ${res.status} ${await res.text()}`);
    }
    return (await res.json()) as T;
  };
}

/** POSTs one OTLP batch; the status, or 0 when the connection failed (backend down). */
export async function postOtlp(url: string, body: Uint8Array): Promise<{ status: number; retryAfter: string | null }> {
  try {
    const res = await fetch(`${url}/v1/traces`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-protobuf', authorization: `Bearer ${TOKENS.OSPREY_INGEST_TOKEN}` },
      body: new Uint8Array(body),
    });
    await res.arrayBuffer();
    return { status: res.status, retryAfter: res.headers.get('retry-after') };
  } catch {
    return { status: 0, retryAfter: null };
  }
}

/** Runs `check` on every trace, 16 at a time: the read API answers them in parallel without a flood. */
export async function forEachTrace(traceIds: string[], check: (traceId: string) => Promise<void>): Promise<void> {
  for (let i = 0; i < traceIds.length; i += 16) {
    await Promise.all(traceIds.slice(i, i + 16).map(check));
  }
}

/** Every stored span id of a trace (`traceId/spanId`), via the read API. */
export async function storedSpans(url: string, traceId: string): Promise<string[]> {
  const res = await fetch(`${url}/api/v1/traces/${traceId}`, {
    headers: { authorization: `Bearer ${TOKENS.OSPREY_READ_TOKEN}` },
  });
  if (res.status === 404) {
    return [];
  }
  if (res.status !== 200) {
    throw new Error(`GET trace ${traceId}: ${res.status} ${await res.text()}`);
  }
  const body = (await res.json()) as { spans: Array<{ traceId: string; spanId: string }> };
  return body.spans.map((s) => `${s.traceId}/${s.spanId}`);
}
