/**
 * Every ingest route against a real DuckDB store over real HTTP: happy paths, bad input (400 naming
 * the problem, nothing half-stored, process alive), 413/415, 503 with Retry-After when the writer
 * queue is full, SQL-injection strings in read filters, and what the IngestObserver is told.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';

import type { Transaction } from '@osprey/model';
import type { FastifyInstance } from 'fastify';

import { buildServer } from '../server/app';
import { DuckDbStore } from '../store/duckdb/store';
import { INGEST_REJECT_STATUSES, type IngestObserver, type IngestSource } from './observer';

jest.setTimeout(30_000);

const MAX_BODY = 512 * 1024;
const NOW = Date.now();
const TRACE = '4bf92f3577b34da6a3ce929d0e0e4736';

type Call = [string, ...unknown[]];

/** Every refusal status any test in this file was answered, for the last test. */
const refusedWith = new Set<number>();

/** Remembers what the routes reported, in order. */
class RecordingObserver implements IngestObserver {
  calls: Call[] = [];
  committed(source: IngestSource, items: number, transactions: readonly unknown[]): void {
    this.calls.push(['committed', source, items, transactions.length]);
  }
  rejected(source: IngestSource, status: number, items: number): void {
    this.calls.push(['rejected', source, status, items]);
    refusedWith.add(status);
  }
}

function tx(n: number, fields: Partial<Transaction> = {}): Transaction {
  return {
    endTime: NOW - n,
    elapsed: 12.5,
    service: 'native-svc',
    instance: 'n-1',
    endpoint: 'POST /pay',
    status: 'ok',
    traceId: n.toString(16).padStart(32, 'a'),
    spanId: n.toString(16).padStart(16, 'b'),
    sqlCount: 1,
    sqlTime: 2,
    apiCallCount: 0,
    apiCallTime: 0,
    kind: 'web',
    ...fields,
  };
}

const zipkinSpan = (fields: Record<string, unknown> = {}) => ({
  traceId: TRACE,
  id: '00f067aa0ba902b7',
  name: 'get /api/items',
  kind: 'SERVER',
  timestamp: NOW * 1000,
  duration: 2500,
  localEndpoint: { serviceName: 'zipkin-svc', ipv4: '10.0.0.7' },
  tags: { 'http.method': 'GET', 'http.status_code': '200' },
  ...fields,
});

function otlpJsonSpan(span: Record<string, unknown>) {
  return {
    resourceSpans: [
      {
        resource: { attributes: [{ key: 'service.name', value: { stringValue: 'otlp-svc' } }] },
        scopeSpans: [
          {
            spans: [
              {
                traceId: 'c'.repeat(32),
                spanId: 'd'.repeat(16),
                name: 'GET /x',
                kind: 2,
                startTimeUnixNano: String(NOW * 1e6),
                endTimeUnixNano: String(NOW * 1e6 + 1e6),
                ...span,
              },
            ],
          },
        ],
      },
    ],
  };
}

/** An OTLP/JSON body whose one attribute nests `depth` arrays (as text: JSON.stringify would overflow). */
function deepOtlpJson(depth: number): string {
  const value = `${'{"arrayValue":{"values":['.repeat(depth)}{"stringValue":"bottom"}${']}}'.repeat(depth)}`;
  const body = JSON.stringify(otlpJsonSpan({ attributes: [{ key: 'deep', value: 'VALUE' }] }));
  return body.replace('"VALUE"', value);
}

const deepArrays = (depth: number) => '['.repeat(depth) + ']'.repeat(depth);

/** Protobuf by hand, so the nesting is not limited by an encoder's own recursion. */
const varint = (n: number): Buffer => {
  const bytes: number[] = [];
  while (n > 0x7f) {
    bytes.push((n & 0x7f) | 0x80);
    n >>>= 7;
  }
  bytes.push(n);
  return Buffer.from(bytes);
};
const field = (num: number, bytes: Buffer) => Buffer.concat([varint((num << 3) | 2), varint(bytes.length), bytes]);
const fixed64 = (num: number, value: bigint) => {
  const b = Buffer.alloc(9);
  b[0] = (num << 3) | 1;
  b.writeBigUInt64LE(value, 1);
  return b;
};

function deepOtlpProtobuf(depth: number): Buffer {
  let anyValue = field(1, Buffer.from('bottom'));
  for (let i = 0; i < depth; i++) {
    anyValue = field(5, field(1, anyValue)); // AnyValue.array_value { values: [anyValue] }
  }
  const span = Buffer.concat([
    field(1, Buffer.from('e'.repeat(32), 'hex')),
    field(2, Buffer.from('f'.repeat(16), 'hex')),
    field(5, Buffer.from('deep')),
    fixed64(7, BigInt(NOW) * BigInt(1e6)),
    fixed64(8, BigInt(NOW) * BigInt(1e6) + BigInt(1)),
    field(9, Buffer.concat([field(1, Buffer.from('deep')), field(2, anyValue)])),
  ]);
  return field(1, field(2, field(2, span)));
}

describe('ingest routes', () => {
  let dir: string;
  let store: DuckDbStore;
  let app: FastifyInstance;
  let base: string;
  const observer = new RecordingObserver();

  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'osprey-ingest-'));
    store = await DuckDbStore.open(dir);
    app = buildServer({ store, tokens: { ingest: 'in', read: 'rd' }, maxBodyBytes: MAX_BODY, observer });
    await app.listen({ port: 0, host: '127.0.0.1' });
    base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    await app.close();
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  beforeEach(() => {
    observer.calls = [];
  });

  async function post(url: string, body: unknown, headers: Record<string, string> = {}) {
    const payload = Buffer.isBuffer(body)
      ? new Uint8Array(body)
      : typeof body === 'string'
        ? body
        : JSON.stringify(body);
    const res = await fetch(`${base}${url}`, {
      method: 'POST',
      headers: { authorization: 'Bearer in', 'content-type': 'application/json', ...headers },
      body: payload,
    });
    const text = await res.text();
    return { status: res.status, headers: res.headers, body: text === '' ? undefined : JSON.parse(text) };
  }

  async function get(url: string) {
    const res = await fetch(`${base}${url}`, { headers: { authorization: 'Bearer rd' } });
    return { status: res.status, body: await res.json() };
  }

  /** Everything a bad batch could have left behind. */
  async function stored() {
    const window = await store.transactions({ from: 0, to: NOW + 1e9, limit: 100_000 });
    return {
      transactions: window.transactions.length,
      services: await store.services(),
      active: (await store.activeSnapshots({ receivedSince: 0 })).length,
      badTrace: (await store.trace('c'.repeat(32))).length + (await store.trace('e'.repeat(32))).length,
    };
  }

  describe('happy paths', () => {
    it('stores Zipkin spans (202 once committed) and derives their transaction', async () => {
      const res = await post('/api/v2/spans', gzipSync(JSON.stringify([zipkinSpan()])), { 'content-encoding': 'gzip' });
      expect(res).toMatchObject({ status: 202, body: { spans: 1, transactions: 1 } });
      const spans = await store.trace(TRACE);
      expect(spans).toEqual([expect.objectContaining({ spanId: '00f067aa0ba902b7', service: 'zipkin-svc' })]);
      const [derived] = (await store.transactions({ from: 0, to: NOW + 1e9, limit: 10, service: 'zipkin-svc' }))
        .transactions;
      expect(derived).toMatchObject({
        instance: '10.0.0.7',
        endpoint: 'get /api/items',
        httpStatus: 200,
        elapsed: 2.5,
      });
      expect(observer.calls).toEqual([['committed', 'zipkin', 1, 1]]);
    });

    it('stores a native transaction batch as sent', async () => {
      const batch = [tx(1), tx(2, { status: 'error', httpStatus: 503, errorType: 'Timeout', cpuTime: 4 })];
      expect(await post('/api/v1/transactions', batch)).toEqual({
        status: 200,
        headers: expect.anything(),
        body: { spans: 0, transactions: 2 },
      });
      const window = await store.transactions({ from: 0, to: NOW + 1e9, limit: 10, service: 'native-svc' });
      expect(window.transactions).toEqual(batch);
      expect(observer.calls).toEqual([['committed', 'native', 2, 2]]);
    });

    it('keeps active snapshots and answers the equalizer', async () => {
      const snapshot = {
        service: 'active-svc',
        instance: 'a-1',
        takenAt: NOW,
        requests: [
          { endpoint: 'GET /a', elapsed: 100, traceId: TRACE, threadName: 'http-1', userId: 'u' },
          { endpoint: 'GET /b', elapsed: 3000 },
          { endpoint: 'GET /c', elapsed: 7999.9 },
          { endpoint: 'GET /d', elapsed: 8000 },
        ],
      };
      expect((await post('/api/v1/active', snapshot)).status).toBe(204);
      expect(await get('/api/v1/active?service=active-svc')).toEqual({
        status: 200,
        body: {
          thresholds: { slow: 3000, verySlow: 8000 },
          instances: [{ ...snapshot, source: 'snapshot', buckets: { fast: 1, slow: 2, verySlow: 1, unknownAge: 0 } }],
        },
      });
      expect((await get('/api/v1/active?service=nobody')).body.instances).toEqual([]);
      expect(observer.calls).toEqual([['committed', 'active', 1, 0]]);
    });
  });

  describe('bad input: 4xx naming the problem, nothing stored, still serving', () => {
    const good = zipkinSpan();
    it.each([
      ['/v1/traces', 'application/x-protobuf', Buffer.from([0xff, 0xff, 0xff, 0xff, 0x0f]), 400, 'not a protobuf'],
      ['/v1/traces', 'application/x-protobuf', deepOtlpProtobuf(10).subarray(0, 40), 400, 'not a protobuf'],
      ['/v1/traces', 'application/x-protobuf', Buffer.from([0x08, 0x01]), 400, 'field 1 has wire type 0, expected 2'],
      ['/v1/traces', 'application/x-protobuf', deepOtlpProtobuf(40), 400, 'spans[0].attributes[0].value.arrayValue'],
      ['/v1/traces', 'application/json', { resourceSpans: 'x' }, 400, 'resourceSpans: must be an array'],
      [
        '/v1/traces',
        'application/json',
        otlpJsonSpan({ startTimeUnixNano: '18446744073709551616' }),
        400,
        'startTimeUnixNano: 18446744073709551616 is outside the unsigned 64-bit range',
      ],
      ['/v1/traces', 'application/json', otlpJsonSpan({ traceId: 'zz'.repeat(16) }), 400, 'traceId: must be 32 hex'],
      ['/v1/traces', 'application/json', deepOtlpJson(10_000), 400, 'nested deeper than 32 levels'],
      ['/v1/traces', 'application/x-protobuf', deepOtlpProtobuf(10_000), 400, ''],
      ['/v1/traces', 'text/plain', 'hello', 415, 'Content-Type "text/plain" is not supported by POST /v1/traces'],
      ['/api/v2/spans', 'application/json', '[{"traceId": ', 400, 'body is not JSON'],
      ['/api/v2/spans', 'application/json', { spans: [] }, 400, 'spans: must be an array, got an object'],
      [
        '/api/v2/spans',
        'application/json',
        [good, good, good, { ...good, traceId: 'not-hex' }],
        400,
        'spans[3].traceId: not hex: "not-hex"',
      ],
      [
        '/api/v2/spans',
        'application/json',
        [{ ...good, timestamp: '99999999999999999999' }],
        400,
        'spans[0].timestamp: 99999999999999999999 µs is outside',
      ],
      ['/api/v2/spans', 'application/json', deepArrays(10_000), 400, 'spans[0]: must be an object'],
      [
        '/api/v2/spans',
        'application/json',
        JSON.stringify([{ ...good, tags: { deep: 'DEEP' } }]).replace('"DEEP"', deepArrays(10_000)),
        400,
        'spans[0].tags["deep"]: must be a string',
      ],
      ['/api/v1/transactions', 'application/json', [tx(1), { ...tx(2), elapsed: '5' }], 400, 'transactions[1].elapsed'],
      ['/api/v1/transactions', 'application/json', [{ ...tx(1), traceId: 'xyz' }], 400, 'transactions[0].traceId'],
      ['/api/v1/transactions', 'application/json', [{ ...tx(1), elapsd: 1 }], 400, 'transactions[0].elapsd: unknown'],
      ['/api/v1/transactions', 'application/json', [{ ...tx(1), kind: 'web; DROP' }], 400, 'transactions[0].kind'],
      ['/api/v1/transactions', 'application/json', [{ ...tx(1), sqlCount: 1e12 }], 400, 'transactions[0].sqlCount'],
      ['/api/v1/active', 'application/json', { instance: 'a', takenAt: 1, requests: [] }, 400, 'service: must be'],
      [
        '/api/v1/active',
        'application/json',
        { service: 's', instance: 'a', takenAt: 1, requests: [{ endpoint: 'x', elapsed: -1 }] },
        400,
        'requests[0].elapsed: must be >= 0',
      ],
    ] as Array<[string, string, unknown, number, string]>)(
      'POST %s (%s) #%# → %d %s',
      async (url, contentType, body, status, message) => {
        const before = await stored();
        const res = await post(url, body, { 'content-type': contentType });
        expect(res.status).toBe(status);
        expect(res.body.message).toContain(message);
        expect(await stored()).toEqual(before);
        expect((await fetch(`${base}/health`)).status).toBe(200);
        const source = { '/v1/traces': 'otlp', '/api/v2/spans': 'zipkin', '/api/v1/transactions': 'native' }[url];
        expect(observer.calls).toEqual([['rejected', source ?? 'active', status, 0]]);
      }
    );

    const tooBig = 'x'.repeat(MAX_BODY + 1);
    const bomb = gzipSync(Buffer.alloc(MAX_BODY * 4, 0x20));
    it.each([
      ['/v1/traces', 'otlp'],
      ['/api/v2/spans', 'zipkin'],
      ['/api/v1/transactions', 'native'],
      ['/api/v1/active', 'active'],
      ['/api/v1/jvm/threaddumps?service=s&instance=i', 'jvm'],
    ])('POST %s over the body limit → 413, plain or gzipped', async (url, source) => {
      const plain = await post(url, tooBig);
      expect(plain.status).toBe(413);
      expect(plain.body).toEqual({
        error: 'payload_too_large',
        message: `request body exceeds ${MAX_BODY} bytes (--max-body-bytes)`,
      });
      const inflated = await post(url, bomb, { 'content-encoding': 'gzip' });
      expect(inflated.status).toBe(413);
      expect(inflated.body.message).toBe(`gunzipped body exceeds ${MAX_BODY} bytes (--max-body-bytes)`);
      expect(observer.calls).toEqual([
        ['rejected', source, 413, 0],
        ['rejected', source, 413, 0],
      ]);
    });

    it('reports refusals before the handler (no token, a token without the ingest scope) as rejected batches', async () => {
      const res = await fetch(`${base}/api/v2/spans`, { method: 'POST', body: '[]' });
      expect(res.status).toBe(401);
      expect((await post('/v1/traces', otlpJsonSpan({}), { authorization: 'Bearer rd' })).status).toBe(403);
      expect(observer.calls).toEqual([
        ['rejected', 'zipkin', 401, 0],
        ['rejected', 'otlp', 403, 0],
      ]);
    });

    it.each([
      ['/api/v1/transactions?from=0&to=1e15&service=', "' OR 1=1 --"],
      ['/api/v1/transactions?from=0&to=1e15&instance=', "x'); DROP TABLE spans; --"],
      ['/api/v1/transactions?from=0&to=1e15&endpoint=', '" OR ""="'],
      ['/api/v1/active?service=', "'; DELETE FROM active_snapshots; --"],
      ['/api/v1/jvm/threaddumps?service=', "' UNION SELECT * FROM spans --"],
    ])('GET %s<injection> answers an empty result and changes nothing', async (url, injection) => {
      const before = await stored();
      const res = await get(`${url}${encodeURIComponent(injection)}`);
      expect(res.status).toBe(200);
      expect(Object.values(res.body).find(Array.isArray)).toEqual([]);
      expect(await stored()).toEqual(before);
    });

    it.each([
      '/api/v1/transactions?from=0&to=1e15&traceId=%27%20OR%201%3D1',
      '/api/v1/transactions?from=0&to=1e15&minElapsed=1%20OR%201=1',
      '/api/v1/transactions?from=0%3B%20DROP%20TABLE%20spans&to=1',
      '/api/v1/active?service=x&instance=%27',
      `/api/v1/traces/${encodeURIComponent("' OR '1'='1")}`,
    ])('GET %s → 400', async (url) => {
      const res = await get(url);
      expect(res.status).toBe(400);
      expect(res.body.error).toBe('bad_request');
    });
  });
});

describe('ingest under a full writer queue', () => {
  let dir: string;
  let store: DuckDbStore;
  let app: FastifyInstance;
  const observer = new RecordingObserver();

  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'osprey-full-'));
    store = await DuckDbStore.open(dir, { maxQueuedItems: 10 });
    app = buildServer({ store, tokens: { ingest: 'in' }, observer });
    await app.listen({ port: 0, host: '127.0.0.1' });
  });

  afterAll(async () => {
    await app.close();
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('answers 503 with Retry-After and stores nothing, then takes the same batch once drained', async () => {
    const base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
    // A big batch keeps the single writer busy while the request arrives.
    const busy = store.insertBatch(
      [],
      Array.from({ length: 30_000 }, (_, i) => tx(i + 10))
    );
    const send = () =>
      fetch(`${base}/api/v1/transactions`, {
        method: 'POST',
        headers: { authorization: 'Bearer in', 'content-type': 'application/json' },
        body: JSON.stringify([tx(1), tx(2)]),
      });
    const refused = await send();
    expect(refused.status).toBe(503);
    expect(refused.headers.get('retry-after')).toBe('1');
    expect(await refused.json()).toEqual({
      error: 'unavailable',
      message: 'ingest queue is full (30000 of 10 spans/rows waiting for commit), retry later',
    });
    await busy;
    expect((await store.transactions({ from: NOW - 5, to: NOW, limit: 10 })).transactions).toEqual([]);
    const accepted = await send();
    expect(accepted.status).toBe(200);
    expect((await store.transactions({ from: NOW - 5, to: NOW, limit: 10 })).transactions).toHaveLength(2);
    expect(observer.calls).toEqual([
      ['rejected', 'native', 503, 2],
      ['committed', 'native', 2, 2],
    ]);
  });
});

describe('ingest into a store that fails', () => {
  it('answers 500 and reports the batch as rejected', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'osprey-failing-'));
    const store = await DuckDbStore.open(dir);
    await store.close();
    const observer = new RecordingObserver();
    const app = buildServer({ store, tokens: { ingest: 'in' }, observer });
    try {
      await app.listen({ port: 0, host: '127.0.0.1' });
      const res = await fetch(`http://127.0.0.1:${(app.server.address() as AddressInfo).port}/api/v1/transactions`, {
        method: 'POST',
        headers: { authorization: 'Bearer in', 'content-type': 'application/json' },
        body: JSON.stringify([tx(1)]),
      });
      expect(res.status).toBe(500);
      expect(observer.calls).toEqual([['rejected', 'native', 500, 1]]);
    } finally {
      await app.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

// Runs last: /metrics pre-registers INGEST_REJECT_STATUSES, so the list must be what the routes answer.
it('refuses batches with exactly the statuses INGEST_REJECT_STATUSES lists', () => {
  expect([...refusedWith].sort((a, b) => a - b)).toEqual([...INGEST_REJECT_STATUSES]);
});
