/**
 * OTLP trace export bodies for the protobuf reader's differential tests: requests recorded with the
 * real OpenTelemetry JS SDK and encoded by its own serializer (the workspace-root
 * otlp-transformer, independent of the protobufjs code today's path decodes with), hand-built ones
 * encoded by protobufjs, and raw wire pieces for what no encoder writes.
 */
import { context, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { resources, tracing } from '@opentelemetry/sdk-node';
import Long from 'long';

import { convertExportRequest } from '../ingest/otlp/convert';
import { decodeOtlpMessage } from '../ingest/otlp/decode';
import { OtlpValidationError } from '../ingest/otlp/errors';

const { ProtobufTraceSerializer } = require(
  require.resolve('@opentelemetry/otlp-transformer', { paths: [require.resolve('@opentelemetry/sdk-node')] })
) as Record<'ProtobufTraceSerializer', { serializeRequest(spans: unknown): Uint8Array | undefined }>;

// protobufjs' generated encoder, for hand-built requests (kvlists, bytes, int64 extremes, …).
const ExportTraceServiceRequest: { encode(message: object): { finish(): Uint8Array } } =
  require('@opentelemetry/otlp-transformer/build/src/generated/root').opentelemetry.proto.collector.trace.v1
    .ExportTraceServiceRequest;

export { ExportTraceServiceRequest };

/** Today's path: protobufjs decode, then convert. */
export function protobufjsPath(body: Uint8Array) {
  return convertExportRequest(decodeOtlpMessage('traces', body, false));
}

export type Outcome = { spans: unknown } | { error: string };

export function outcome(read: (body: Uint8Array) => unknown, body: Uint8Array): Outcome {
  try {
    return { spans: read(body) };
  } catch (err) {
    if (!(err instanceof OtlpValidationError)) {
      throw err;
    }
    return { error: err.message };
  }
}

/** Real SDK spans: shop transactions over several resources, with events, errors and arrays. */
export function sdkTraceRequests(): Uint8Array[] {
  const exporter = new tracing.InMemorySpanExporter();
  const tracers = ['cart', 'pricing', 'cart'].map((service, i) =>
    new tracing.BasicTracerProvider({
      resource: resources.resourceFromAttributes({
        'service.name': service,
        'service.instance.id': `${service}-${i}`,
        'host.name': `${service}-${i}.prod.internal`,
        'process.pid': 4242 + i,
      }),
      spanProcessors: [new tracing.SimpleSpanProcessor(exporter)],
    }).getTracer('@opentelemetry/instrumentation-http', '0.223.0')
  );
  const requests: Uint8Array[] = [];
  for (let batch = 0; batch < 3; batch++) {
    for (let t = 0; t < 40; t++) {
      const tracer = tracers[(batch + t) % tracers.length];
      const start = 1763800000000 + batch * 1000 + t * 7.25;
      const server = tracer.startSpan(`GET /api/items/{id}`, {
        kind: SpanKind.SERVER,
        startTime: start,
        attributes: {
          'http.request.method': 'GET',
          'http.response.status_code': t % 9 === 0 ? 500 : 200,
          'server.port': 8080,
          tags: ['a', `t${t}`],
          ratios: [0.5, t / 3],
          flag: t % 2 === 0,
          negative: -t * 1000003,
          'ünïcødé ключ': 'значение ✓',
        },
      });
      const db = tracer.startSpan(
        'SELECT shop.items',
        { kind: SpanKind.CLIENT, startTime: start + 1, attributes: { 'db.system.name': 'postgresql' } },
        trace.setSpan(context.active(), server)
      );
      db.addEvent('rows', { count: t, 'db.rows.sample': ['x', 'y'] }, start + 2);
      db.end(start + 2.5);
      if (t % 9 === 0) {
        server.recordException(new TypeError(`item ${t} exploded`), start + 3);
        server.setStatus({ code: SpanStatusCode.ERROR, message: 'boom' });
      } else if (t % 4 === 0) {
        server.setStatus({ code: SpanStatusCode.OK });
      }
      server.end(start + 4 + t);
    }
    requests.push(ProtobufTraceSerializer.serializeRequest(exporter.getFinishedSpans())!);
    exporter.reset();
  }
  return requests;
}

export const bytes = (hex: string) => Buffer.from(hex, 'hex');
export const TRACE_ID = bytes('5b8efff798038103d269b633813fc60c');
export const SPAN_ID = bytes('eee19b7ec3c1b174');

export function span(overrides: Record<string, unknown> = {}) {
  return {
    traceId: TRACE_ID,
    spanId: SPAN_ID,
    name: 'GET /x',
    kind: 2,
    startTimeUnixNano: Long.fromString('1763800000123456789', true),
    endTimeUnixNano: Long.fromString('1763800000223456789', true),
    ...overrides,
  };
}

export function encode(
  spans: object[],
  resource: object | null = { attributes: [kv('service.name', { stringValue: 'x' })] }
) {
  return ExportTraceServiceRequest.encode({ resourceSpans: [{ resource, scopeSpans: [{ spans }] }] }).finish();
}

export function kv(key: string, value: object | null) {
  return value === null ? { key } : { key, value };
}

export const deep = (levels: number): object =>
  levels === 0 ? { stringValue: 'bottom' } : { arrayValue: { values: [deep(levels - 1)] } };

/** Raw protobuf pieces, for what no encoder writes (unknown fields, groups, repeated scalars). */
export function varint(n: number): number[] {
  const out: number[] = [];
  while (n > 0x7f) {
    out.push((n & 0x7f) | 0x80);
    n = Math.floor(n / 128);
  }
  out.push(n);
  return out;
}
export const tag = (field: number, wireType: number) => varint(field * 8 + wireType);
export const len = (field: number, payload: number[] | Uint8Array) => [
  ...tag(field, 2),
  ...varint(payload.length),
  ...payload,
];
export const spanBytes = (extra: number[], base = encodeSpanOnly()) => [...base, ...extra];
export function encodeSpanOnly(): number[] {
  const body = encode([span()], null);
  // resourceSpans(1) → scopeSpans(2) → spans(2): the innermost message is what follows three headers.
  const rs = body.subarray(1 + varint(body[1]).length);
  const ss = rs.subarray(1 + varint(rs[1]).length);
  return [...ss.subarray(1 + varint(ss[1]).length)];
}
export const request = (spanMessage: number[], resourceSpansExtra: number[] = []) =>
  Uint8Array.from(len(1, [...len(2, len(2, spanMessage)), ...resourceSpansExtra]));
