import { gzipSync } from 'node:zlib';

import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import { resources, tracing } from '@opentelemetry/sdk-node';

import { decodeOtlpJson, decodeOtlpProtobuf } from './decode';
import { OtlpValidationError } from './errors';

// The workspace-root otlp-transformer (the one the SDK's exporters use, with its own hand-written
// protobuf writer), not backend/node_modules' 0.57 copy whose generated code the decoder itself uses:
// the bytes under test must come from an independent encoder.
const { JsonTraceSerializer, ProtobufTraceSerializer } = require(
  require.resolve('@opentelemetry/otlp-transformer', { paths: [require.resolve('@opentelemetry/sdk-node')] })
) as Record<
  'JsonTraceSerializer' | 'ProtobufTraceSerializer',
  { serializeRequest(spans: unknown): Uint8Array | undefined }
>;

/** Real ReadableSpans from the OpenTelemetry JS SDK: a server span with a db child, one error. */
function sdkSpans() {
  const exporter = new tracing.InMemorySpanExporter();
  const provider = new tracing.BasicTracerProvider({
    resource: resources.resourceFromAttributes({ 'service.name': 'cart', 'service.instance.id': 'cart-1' }),
    spanProcessors: [new tracing.SimpleSpanProcessor(exporter)],
  });
  const tracer = provider.getTracer('decode-test');
  const server = tracer.startSpan('GET /api/cart', {
    kind: SpanKind.SERVER,
    // 19-digit nanosecond epoch: a double cannot hold it exactly (2^53 ≈ 9.007e15).
    startTime: [1763800000, 123456789],
    attributes: {
      'http.request.method': 'GET',
      'http.route': '/api/cart',
      'http.response.status_code': 500,
      big: 9007199254740993,
      tags: ['a', 'b'],
      flag: true,
      ratio: 0.25,
    },
  });
  const api = require('@opentelemetry/api') as typeof import('@opentelemetry/api');
  const ctx = api.trace.setSpan(api.context.active(), server);
  const db = tracer.startSpan(
    'SELECT cart',
    { kind: SpanKind.CLIENT, startTime: [1763800000, 200000001], attributes: { 'db.system.name': 'postgresql' } },
    ctx
  );
  db.end([1763800000, 300000002]);
  server.recordException(new TypeError('cart exploded'), [1763800000, 400000000]);
  server.setStatus({ code: SpanStatusCode.ERROR, message: 'boom' });
  server.end([1763800000, 987654321]);
  return exporter.getFinishedSpans();
}

describe('decodeOtlpProtobuf on bytes from the real OTel serializer', () => {
  const readable = sdkSpans();
  const bytes = ProtobufTraceSerializer.serializeRequest(readable)!;

  it('converts every span with lowercase hex ids and exact nanosecond times', () => {
    const spans = decodeOtlpProtobuf(bytes);
    expect(spans).toHaveLength(2);
    const server = spans.find((s) => s.kind === 'server')!;
    const db = spans.find((s) => s.kind === 'client')!;
    const sdkServer = readable.find((s) => s.name === 'GET /api/cart')!;
    expect(server.traceId).toBe(sdkServer.spanContext().traceId);
    expect(server.spanId).toBe(sdkServer.spanContext().spanId);
    expect(server.traceId).toMatch(/^[0-9a-f]{32}$/);
    expect(server.startTimeUnixNano).toBe('1763800000123456789');
    expect(server.durationNano).toBe('864197532');
    expect(db.parentSpanId).toBe(server.spanId);
    expect(db.startTimeUnixNano).toBe('1763800000200000001');
    expect(db.durationNano).toBe('100000001');
    expect(server.parentSpanId).toBeUndefined();
  });

  it('keeps resource, attributes of every AnyValue type, status and exception events', () => {
    const server = decodeOtlpProtobuf(bytes).find((s) => s.kind === 'server')!;
    expect(server.service).toBe('cart');
    expect(server.resource['service.instance.id']).toBe('cart-1');
    expect(server.attributes).toMatchObject({
      'http.request.method': 'GET',
      'http.response.status_code': 500,
      // Beyond 2^53 an int64 attribute stays a decimal string, so nothing rounds it further.
      big: '9007199254740992',
      tags: ['a', 'b'],
      flag: true,
      ratio: 0.25,
    });
    expect(server.status).toBe('error');
    expect(server.statusMessage).toBe('boom');
    expect(server.events).toEqual([
      expect.objectContaining({
        name: 'exception',
        timeUnixNano: '1763800000400000000',
        attributes: expect.objectContaining({ 'exception.type': 'TypeError', 'exception.message': 'cart exploded' }),
      }),
    ]);
  });

  it('agrees with the JSON encoding of the same spans', () => {
    const json = Buffer.from(JsonTraceSerializer.serializeRequest(readable)!).toString('utf8');
    expect(decodeOtlpJson(json)).toEqual(decodeOtlpProtobuf(bytes));
  });

  it('rejects bytes that are not an ExportTraceServiceRequest', () => {
    expect(() => decodeOtlpProtobuf(Buffer.from('this is not protobuf at all, just text'))).toThrow(
      OtlpValidationError
    );
    expect(() => decodeOtlpProtobuf(gzipSync(bytes))).toThrow(/protobuf|bytes|traceId/);
  });

  it('accepts an empty request', () => {
    expect(decodeOtlpProtobuf(new Uint8Array(0))).toEqual([]);
  });
});

const validSpan = {
  traceId: '5B8EFFF798038103D269B633813FC60C',
  spanId: 'EEE19B7EC3C1B174',
  name: 'GET /x',
  kind: 2,
  startTimeUnixNano: '1763800000123456789',
  endTimeUnixNano: '1763800000223456789',
};

function request(span: Record<string, unknown>, resourceAttributes: unknown[] = []) {
  return JSON.stringify({
    resourceSpans: [
      {
        resource: { attributes: resourceAttributes },
        scopeSpans: [{ scope: { name: 's' }, spans: [validSpan, span] }],
      },
    ],
  });
}

describe('decodeOtlpJson', () => {
  it('accepts int64 as numbers or strings, enum names, kvlists, bytes, and ignores unknown fields', () => {
    const [, span] = decodeOtlpJson(
      request(
        {
          ...validSpan,
          spanId: '0000000000000001',
          parentSpanId: 'eee19b7ec3c1b174',
          kind: 'SPAN_KIND_CLIENT',
          startTimeUnixNano: 1763800000000,
          endTimeUnixNano: '1763800000500',
          somethingFromTheFuture: { x: 1 },
          status: { code: 'STATUS_CODE_OK' },
          attributes: [
            { key: 'i', value: { intValue: '-9223372036854775808' } },
            { key: 'small', value: { intValue: 42 } },
            { key: 'kv', value: { kvlistValue: { values: [{ key: 'a', value: { stringValue: 'b' } }] } } },
            { key: 'raw', value: { bytesValue: 'AQID' } },
            { key: 'nan', value: { doubleValue: 'NaN' } },
            { key: 'empty', value: {} },
          ],
        },
        [{ key: 'service.name', value: { stringValue: 'shop' } }]
      )
    );
    expect(span).toMatchObject({
      traceId: '5b8efff798038103d269b633813fc60c',
      spanId: '0000000000000001',
      parentSpanId: 'eee19b7ec3c1b174',
      kind: 'client',
      status: 'ok',
      service: 'shop',
      startTimeUnixNano: '1763800000000',
      durationNano: '500',
      attributes: { i: '-9223372036854775808', small: 42, kv: { a: 'b' }, raw: 'AQID', nan: 'NaN', empty: null },
    });
  });

  it('names unknown_service when the resource has no service.name', () => {
    expect(decodeOtlpJson(request(validSpan))[0].service).toBe('unknown_service');
  });

  const bad: Array<[string, string, string]> = [
    ['not JSON', '{"resourceSpans": [', 'body is not JSON'],
    ['not an object', '[1,2]', 'must be an object'],
    [
      'spans not an array',
      '{"resourceSpans":[{"scopeSpans":[{"spans":{}}]}]}',
      'resourceSpans[0].scopeSpans[0].spans: must be an array',
    ],
    ['bad trace id', request({ ...validSpan, traceId: 'xyz' }), 'spans[1].traceId: must be 32 hex digits'],
    ['zero trace id', request({ ...validSpan, traceId: '0'.repeat(32) }), 'spans[1].traceId: must not be all zeros'],
    ['missing trace id', request({ ...validSpan, traceId: undefined }), 'spans[1].traceId: required'],
    ['short span id', request({ ...validSpan, spanId: 'abcd' }), 'spans[1].spanId: must be 16 hex digits'],
    ['bad parent', request({ ...validSpan, parentSpanId: 'zz' }), 'spans[1].parentSpanId'],
    ['start not a number', request({ ...validSpan, startTimeUnixNano: 'abc' }), 'spans[1].startTimeUnixNano'],
    ['start missing', request({ ...validSpan, startTimeUnixNano: undefined }), 'spans[1].startTimeUnixNano: required'],
    ['end before start', request({ ...validSpan, endTimeUnixNano: '1' }), 'spans[1].endTimeUnixNano: 1 is before'],
    [
      'inexact JSON number',
      request({ ...validSpan, startTimeUnixNano: 1763800000123456789 }),
      'spans[1].startTimeUnixNano: 1763800000123456800 is not an exact integer',
    ],
    ['negative time', request({ ...validSpan, startTimeUnixNano: '-5' }), 'outside the unsigned 64-bit range'],
    ['unknown kind', request({ ...validSpan, kind: 9 }), 'spans[1].kind: must be an integer 0..5'],
    ['bad status', request({ ...validSpan, status: { code: 'bogus' } }), 'spans[1].status.code'],
    [
      'attribute key',
      request({ ...validSpan, attributes: [{ key: 5 }] }),
      'spans[1].attributes[0].key: must be a string',
    ],
    [
      'attribute value',
      request({ ...validSpan, attributes: [{ key: 'k', value: { boolValue: 'yes' } }] }),
      'spans[1].attributes[0].value.boolValue: must be a boolean',
    ],
    [
      'nested array value',
      request({ ...validSpan, attributes: [{ key: 'k', value: { arrayValue: { values: [{ intValue: 'x' }] } } }] }),
      'attributes[0].value.arrayValue.values[0].intValue',
    ],
    [
      'event time',
      request({ ...validSpan, events: [{ name: 'e', timeUnixNano: 'soon' }] }),
      'spans[1].events[0].timeUnixNano',
    ],
  ];

  it.each(bad)('rejects %s with a message naming the path', (_name, body, message) => {
    expect(() => decodeOtlpJson(body)).toThrow(OtlpValidationError);
    expect(() => decodeOtlpJson(body)).toThrow(message);
  });
});
