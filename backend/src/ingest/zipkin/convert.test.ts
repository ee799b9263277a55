import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { deriveTransactions } from '../../derive/transactions';
import { BatchValidationError } from '../validation';
import { convertZipkinSpans, microsToNanos } from './convert';

/** The body the real @opentelemetry/exporter-zipkin sent (test/fixtures/zipkin/generate.js). */
const otelBatch = JSON.parse(
  readFileSync(join(__dirname, '../../../../test/fixtures/zipkin/otel-exporter-zipkin.json'), 'utf8')
) as Array<Record<string, unknown>>;

/** The example span of Zipkin's own API documentation (zipkin-api.yaml), as Brave reports a server span. */
const braveServer = {
  id: '352bff9a74ca9ad2',
  traceId: '5af7183fb1d4cf5f',
  parentId: '6b221d5bc9e6496c',
  name: 'get /api',
  timestamp: 1556604172355737,
  duration: 1431,
  kind: 'SERVER',
  localEndpoint: { serviceName: 'backend', ipv4: '192.168.99.1', port: 3306 },
  remoteEndpoint: { ipv4: '172.19.0.2', port: 58648 },
  tags: { 'http.method': 'GET', 'http.path': '/api' },
};

describe('convertZipkinSpans: the OpenTelemetry Zipkin exporter', () => {
  const spans = convertZipkinSpans(otelBatch);

  it('keeps ids, names, kinds and the parent', () => {
    expect(spans.map((s) => [s.spanId, s.parentSpanId, s.name, s.kind])).toEqual([
      ['0000000000000002', '0000000000000001', 'SELECT cart_items', 'client'],
      ['0000000000000003', '0000000000000001', 'GET', 'client'],
      ['0000000000000004', '0000000000000001', 'render', 'internal'],
      ['0000000000000001', undefined, 'GET /api/cart', 'server'],
    ]);
    expect(new Set(spans.map((s) => s.traceId))).toEqual(new Set(['4bf92f3577b34da6a3ce929d0e0e4736']));
  });

  it('turns fractional microseconds into nanosecond strings', () => {
    // 1763800000123456.8 is the double 1763800000123456.75: the exporter's own rounding, kept to the ns.
    expect(spans[3]).toMatchObject({ startTimeUnixNano: '1763800000123456750', durationNano: '14001000' });
    expect(spans[2].events).toEqual([{ name: 'cache miss', timeUnixNano: '1763800000134457000', attributes: {} }]);
  });

  it('moves resource tags to the resource and keeps span tags as attributes', () => {
    expect(spans[3].service).toBe('cart');
    expect(spans[3].resource).toEqual({
      'service.name': 'cart',
      'service.instance.id': 'cart-1',
      'host.name': 'node-a',
    });
    expect(spans[3].attributes).toEqual({
      'http.request.method': 'GET',
      'http.route': '/api/cart',
      'http.response.status_code': 500,
      'enduser.id': 'u-7',
      'otel.status_code': 'ERROR',
      error: 'connection pool exhausted',
    });
    expect(spans[1].attributes).toMatchObject({ 'server.address': 'prices', 'server.port': 8080 });
  });

  it('maps otel.status_code and the error tag to the span status', () => {
    expect(spans.map((s) => s.status)).toEqual(['unset', 'unset', 'unset', 'error']);
    expect(spans[3].statusMessage).toBe('connection pool exhausted');
  });

  it('derives the XLOG transaction like the OTLP path does', () => {
    expect(deriveTransactions(spans)).toEqual([
      {
        endTime: 1763800000137.457,
        elapsed: 14.001,
        service: 'cart',
        instance: 'cart-1',
        endpoint: 'GET /api/cart',
        status: 'error',
        httpStatus: 500,
        errorMessage: 'connection pool exhausted',
        traceId: '4bf92f3577b34da6a3ce929d0e0e4736',
        spanId: '0000000000000001',
        userId: 'u-7',
        sqlCount: 1,
        sqlTime: 3,
        apiCallCount: 1,
        apiCallTime: 3,
        kind: 'web',
      },
    ]);
  });
});

describe('convertZipkinSpans: Zipkin-native senders', () => {
  it('converts the Zipkin API example span (64-bit trace id, endpoints)', () => {
    expect(convertZipkinSpans([braveServer])).toEqual([
      {
        traceId: '00000000000000005af7183fb1d4cf5f',
        spanId: '352bff9a74ca9ad2',
        parentSpanId: '6b221d5bc9e6496c',
        name: 'get /api',
        kind: 'server',
        startTimeUnixNano: '1556604172355737000',
        durationNano: '1431000',
        status: 'unset',
        service: 'backend',
        resource: { 'service.name': 'backend', 'service.instance.id': '192.168.99.1:3306' },
        attributes: {
          'http.method': 'GET',
          'http.path': '/api',
          'network.peer.address': '172.19.0.2',
          'network.peer.port': 58648,
          'client.address': '172.19.0.2',
          'client.port': 58648,
        },
        events: [],
      },
    ]);
  });

  it('names the remote service of a client span and marks Brave SQL spans as database calls', () => {
    const [sql] = convertZipkinSpans([
      {
        traceId: '5AF7183FB1D4CF5F',
        id: '1',
        parentId: '352bff9a74ca9ad2',
        name: 'query',
        kind: 'CLIENT',
        timestamp: 1556604172355800,
        duration: 300,
        localEndpoint: { serviceName: 'backend' },
        remoteEndpoint: { serviceName: 'mysql', ipv4: '10.0.0.9', port: 3306 },
        tags: { 'sql.query': 'select 1', error: 'true' },
        annotations: [{ timestamp: 1556604172355810, value: 'ws' }],
      },
    ]);
    expect(sql).toMatchObject({
      traceId: '00000000000000005af7183fb1d4cf5f',
      spanId: '0000000000000001',
      status: 'error',
      attributes: {
        'sql.query': 'select 1',
        'db.system': 'other_sql',
        'db.query.text': 'select 1',
        'peer.service': 'mysql',
        'server.address': '10.0.0.9',
        'server.port': 3306,
      },
      events: [{ name: 'ws', timeUnixNano: '1556604172355810000', attributes: {} }],
    });
    expect(sql.statusMessage).toBeUndefined();
  });

  it('derives a shared server span as the callee transaction whose caller is the parent service', () => {
    const base = { traceId: 'a'.repeat(32), timestamp: 1556604172000000, duration: 1000 };
    const spans = convertZipkinSpans([
      { ...base, id: '00000000000000a1', name: 'get /', kind: 'SERVER', localEndpoint: { serviceName: 'frontend' } },
      {
        ...base,
        id: '00000000000000b2',
        parentId: '00000000000000a1',
        name: 'get',
        kind: 'CLIENT',
        localEndpoint: { serviceName: 'frontend' },
      },
      {
        ...base,
        id: '00000000000000b2',
        parentId: '00000000000000a1',
        name: 'get /cart',
        kind: 'SERVER',
        shared: true,
        localEndpoint: { serviceName: 'cart' },
      },
    ]);
    const byService = Object.fromEntries(deriveTransactions(spans).map((tx) => [tx.service, tx]));
    expect(byService.cart).toMatchObject({
      spanId: '00000000000000b2',
      parentService: 'frontend',
      endpoint: 'get /cart',
    });
    expect(byService.frontend).toMatchObject({ apiCallCount: 1, apiCallTime: 1 });
  });

  it('takes absent optional fields as Zipkin defines them', () => {
    expect(convertZipkinSpans([{ traceId: '1', id: '2', timestamp: '1556604172000001' }])).toEqual([
      {
        traceId: '00000000000000000000000000000001',
        spanId: '0000000000000002',
        name: '',
        kind: 'internal',
        startTimeUnixNano: '1556604172000001000',
        durationNano: '0',
        status: 'unset',
        service: 'unknown_service',
        resource: { 'service.name': 'unknown_service' },
        attributes: {},
        events: [],
      },
    ]);
  });
});

describe('convertZipkinSpans: the whole batch is refused at the first bad value', () => {
  const good = { traceId: '5af7183fb1d4cf5f', id: '352bff9a74ca9ad2', timestamp: 1556604172355737 };
  it.each([
    [{ spans: [] }, 'spans: must be an array, got an object'],
    [[good, 'x'], 'spans[1]: must be an object, got "x"'],
    [[good, good, good, { ...good, traceId: 'xyz' }], 'spans[3].traceId: not hex: "xyz"'],
    [[{ ...good, traceId: 'a'.repeat(33) }], 'spans[0].traceId: must be 1 to 32 hex digits, got 33'],
    [[{ ...good, traceId: '0000' }], 'spans[0].traceId: must not be all zeros'],
    [[{ ...good, traceId: 42 }], 'spans[0].traceId: must be a string, got number 42'],
    [[{ ...good, id: undefined }], 'spans[0].id: must be a string, got undefined'],
    [[{ ...good, parentId: 'g0' }], 'spans[0].parentId: not hex'],
    [[{ ...good, kind: 'SERVR' }], 'spans[0].kind: must be one of CLIENT, SERVER, PRODUCER, CONSUMER, got "SERVR"'],
    [[{ ...good, timestamp: undefined }], 'spans[0].timestamp: required (epoch microseconds)'],
    [[{ ...good, timestamp: 0 }], 'spans[0].timestamp: must be > 0'],
    [[{ ...good, timestamp: -5 }], 'spans[0].timestamp: must be non-negative microseconds, got number -5'],
    [[{ ...good, timestamp: '18446744073709551616' }], 'spans[0].timestamp: 18446744073709551616 µs is outside'],
    [[{ ...good, timestamp: 1e300 }], 'spans[0].timestamp: 1e+300 is not an exact integer'],
    [[{ ...good, timestamp: '12.5e3' }], 'spans[0].timestamp: must be non-negative microseconds, got "12.5e3"'],
    [[{ ...good, duration: '18446744073709551' }], 'spans[0].duration: timestamp + duration is outside'],
    [[{ ...good, duration: true }], 'spans[0].duration: must be non-negative microseconds, got boolean true'],
    [[{ ...good, shared: 'yes' }], 'spans[0].shared: must be a boolean'],
    [[{ ...good, localEndpoint: 'svc' }], 'spans[0].localEndpoint: must be an object'],
    [[{ ...good, localEndpoint: { serviceName: 7 } }], 'spans[0].localEndpoint.serviceName: must be a string'],
    [
      [{ ...good, remoteEndpoint: { port: 70000 } }],
      'spans[0].remoteEndpoint.port: must be an integer from 0 to 65535',
    ],
    [[{ ...good, tags: ['a'] }], 'spans[0].tags: must be an object, got an array'],
    [[{ ...good, tags: { deep: [[['x']]] } }], 'spans[0].tags["deep"]: must be a string, got an array'],
    [[{ ...good, tags: { n: null } }], 'spans[0].tags["n"]: must be a string, got null'],
    [[{ ...good, annotations: [{ timestamp: 1 }] }], 'spans[0].annotations[0].value: must be a string'],
    [[{ ...good, annotations: [{ value: 'cs' }] }], 'spans[0].annotations[0].timestamp: must be non-negative'],
  ] as Array<[unknown, string]>)('%j → %s', (body, message) => {
    expect(() => convertZipkinSpans(body)).toThrow(BatchValidationError);
    expect(() => convertZipkinSpans(body)).toThrow(message);
  });
});

describe('microsToNanos', () => {
  it.each([
    [1, BigInt(1000)],
    ['9007199254740993', BigInt('9007199254740993000')],
    [1.5, BigInt(1500)],
    ['18446744073709551', BigInt('18446744073709551000')],
  ] as Array<[unknown, bigint]>)('%j µs → %s ns', (micros, nanos) => {
    expect(microsToNanos(micros, 'x')).toBe(nanos);
  });
});
