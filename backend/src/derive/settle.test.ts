import { SpanKind } from '@opentelemetry/api';
import type { Span } from '@osprey/model';

import { bucketOf } from '../stats/latency-buckets';
import { type Call, sdkTrace, T0 } from '../testing/sdk-trace';
import { callFailed, callTarget, edgeRollups } from './servicemap';
import { leanSpan, settle } from './settle';
import { childrenIndex, deriveTransactions, spanKey } from './transactions';

const shop: Call = {
  service: 'gateway',
  name: 'GET /order',
  kind: SpanKind.SERVER,
  startMs: 0,
  endMs: 200,
  attributes: { 'http.method': 'GET', 'http.route': '/order', 'http.status_code': 200 },
  children: [
    {
      service: 'gateway',
      name: 'call orders',
      kind: SpanKind.CLIENT,
      startMs: 1,
      endMs: 101,
      attributes: {
        'http.method': 'GET',
        'http.url': 'http://127.0.0.1:4001/create',
        'net.peer.name': '127.0.0.1',
        'net.peer.port': 4001,
        'http.status_code': 200,
      },
      children: [
        {
          service: 'orders',
          name: 'GET /create',
          kind: SpanKind.SERVER,
          startMs: 2,
          endMs: 100,
          children: [
            {
              service: 'orders',
              name: 'handler',
              kind: SpanKind.INTERNAL,
              startMs: 3,
              endMs: 99,
              children: [
                {
                  service: 'orders',
                  name: 'SELECT orders',
                  kind: SpanKind.CLIENT,
                  startMs: 4,
                  endMs: 14,
                  attributes: { 'db.system': 'duckdb', 'db.name': 'orders' },
                },
                {
                  service: 'orders',
                  name: 'INSERT orders',
                  kind: SpanKind.CLIENT,
                  startMs: 15,
                  endMs: 35,
                  attributes: { 'db.system': 'duckdb', 'db.name': 'orders' },
                  error: true,
                },
                {
                  service: 'orders',
                  name: 'call stock',
                  kind: SpanKind.CLIENT,
                  startMs: 40,
                  endMs: 90,
                  attributes: { 'http.request.method': 'GET', 'http.response.status_code': 503 },
                  children: [
                    {
                      service: 'stock',
                      name: 'GET /reserve',
                      kind: SpanKind.SERVER,
                      startMs: 41,
                      endMs: 89,
                      attributes: { 'http.response.status_code': 503 },
                      error: true,
                      children: [
                        {
                          service: 'stock',
                          name: 'SELECT stock',
                          kind: SpanKind.CLIENT,
                          startMs: 42,
                          endMs: 44,
                          attributes: { 'db.system.name': 'postgresql', 'db.namespace': 'stock' },
                        },
                      ],
                    },
                  ],
                },
              ],
            },
          ],
        },
      ],
    },
    {
      service: 'gateway',
      name: 'call rates',
      kind: SpanKind.CLIENT,
      startMs: 110,
      endMs: 120,
      attributes: {
        'http.url': 'http://127.0.0.1:4999/rates',
        'net.peer.name': '127.0.0.1',
        'net.peer.port': 4999,
        'http.status_code': 200,
      },
    },
    {
      service: 'gateway',
      name: 'call api',
      kind: SpanKind.CLIENT,
      startMs: 120,
      endMs: 130,
      attributes: { 'server.address': 'api.example.com', 'server.port': 443, 'http.response.status_code': 502 },
    },
    {
      service: 'gateway',
      name: 'call pay',
      kind: SpanKind.CLIENT,
      startMs: 130,
      endMs: 140,
      attributes: { 'url.full': 'https://pay.example.com/charge', 'http.response.status_code': 404 },
    },
    {
      service: 'gateway',
      name: 'call ledger',
      kind: SpanKind.CLIENT,
      startMs: 140,
      endMs: 150,
      attributes: { 'peer.service': 'ledger' },
    },
    {
      service: 'gateway',
      name: 'GET cache',
      kind: SpanKind.CLIENT,
      startMs: 150,
      endMs: 151,
      attributes: { 'db.system': 'redis', 'server.address': 'cache.local' },
    },
    { service: 'gateway', name: 'anonymous call', kind: SpanKind.CLIENT, startMs: 151, endMs: 152 },
    { service: 'gateway', name: 'render', kind: SpanKind.INTERNAL, startMs: 152, endMs: 160 },
    {
      service: 'gateway',
      name: 'publish order',
      kind: SpanKind.PRODUCER,
      startMs: 160,
      endMs: 161,
      attributes: { 'messaging.system': 'kafka' },
      children: [{ service: 'stock', name: 'process order', kind: SpanKind.CONSUMER, startMs: 170, endMs: 180 }],
    },
  ],
};

const spans = sdkTrace(shop);
const byName = (name: string) => spans.find((span) => span.name === name)!;

describe('callTarget on SDK spans', () => {
  const children = childrenIndex(spans);

  it.each([
    ['call orders', { id: 'orders', type: 'service', name: 'orders' }],
    ['call stock', { id: 'stock', type: 'service', name: 'stock' }],
    ['publish order', { id: 'stock', type: 'service', name: 'stock' }],
    ['SELECT orders', { id: 'db:duckdb:orders', type: 'database', name: 'orders', dbSystem: 'duckdb' }],
    ['SELECT stock', { id: 'db:postgresql:stock', type: 'database', name: 'stock', dbSystem: 'postgresql' }],
    ['GET cache', { id: 'db:redis:cache.local', type: 'database', name: 'cache.local', dbSystem: 'redis' }],
    ['call rates', { id: 'ext:127.0.0.1:4999', type: 'external', name: '127.0.0.1:4999' }],
    ['call api', { id: 'ext:api.example.com:443', type: 'external', name: 'api.example.com:443' }],
    ['call pay', { id: 'ext:pay.example.com', type: 'external', name: 'pay.example.com' }],
    ['call ledger', { id: 'ext:ledger', type: 'external', name: 'ledger' }],
    ['anonymous call', undefined],
    ['render', undefined],
    ['GET /order', undefined],
    ['process order', undefined],
  ])('%s → %j', (name, target) => {
    expect(callTarget(byName(name), children)).toEqual(target);
  });

  it('takes an instrumented callee over the address the client span names', () => {
    // "call orders" carries net.peer.name/port too: the server child makes it a service edge.
    expect(byName('call orders').attributes['net.peer.name']).toBe('127.0.0.1');
    expect(callTarget(byName('call orders'), childrenIndex(spans))?.type).toBe('service');
    // Without the callee's spans (not instrumented, or not arrived) the same span is an external.
    const callerOnly = spans.filter((span) => span.service === 'gateway');
    expect(callTarget(byName('call orders'), childrenIndex(callerOnly))).toEqual({
      id: 'ext:127.0.0.1:4001',
      type: 'external',
      name: '127.0.0.1:4001',
    });
  });
});

describe('callFailed', () => {
  it.each([
    ['call orders', false],
    ['INSERT orders', true],
    ['call stock', true],
    ['call api', true],
    ['call pay', false],
    ['call rates', false],
  ])('%s → %s', (name, failed) => {
    expect(callFailed(byName(name))).toBe(failed);
  });
});

describe('edgeRollups', () => {
  it('counts calls and errors per minute, edge and latency bucket', () => {
    const rollups = edgeRollups(spans, childrenIndex(spans));
    const minute = Math.floor((T0 * 1000) / 60_000) * 60_000;
    const summary = rollups
      .map((r) => [r.source, r.target.id, r.calls, r.errors, r.bucket, r.minute - minute])
      .sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));
    expect(summary).toEqual(
      [
        ['gateway', 'orders', 1, 0, bucketOf(100), 0],
        ['gateway', 'ext:127.0.0.1:4999', 1, 0, bucketOf(10), 0],
        ['gateway', 'ext:api.example.com:443', 1, 1, bucketOf(10), 0],
        ['gateway', 'ext:pay.example.com', 1, 0, bucketOf(10), 0],
        ['gateway', 'ext:ledger', 1, 0, bucketOf(10), 0],
        ['gateway', 'db:redis:cache.local', 1, 0, bucketOf(1), 0],
        ['gateway', 'stock', 1, 0, bucketOf(1), 0],
        ['orders', 'db:duckdb:orders', 1, 0, bucketOf(10), 0],
        ['orders', 'db:duckdb:orders', 1, 1, bucketOf(20), 0],
        ['orders', 'stock', 1, 1, bucketOf(50), 0],
        ['stock', 'db:postgresql:stock', 1, 0, bucketOf(2), 0],
      ].sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)))
    );
  });

  it('merges calls of one edge, minute and bucket into one row', () => {
    const calls = [byName('SELECT orders'), { ...byName('SELECT orders'), spanId: 'ffffffffffffffff' }];
    expect(edgeRollups(calls, childrenIndex(spans))).toEqual([
      expect.objectContaining({ source: 'orders', calls: 2, errors: 0, bucket: bucketOf(10) }),
    ]);
  });
});

describe('settle', () => {
  const figures = (settled: ReturnType<typeof settle>) =>
    Object.fromEntries(
      settled.transactions.map((tx) => [
        spans.find((span) => span.spanId === tx.spanId)!.name,
        [tx.sqlCount, tx.sqlTime, tx.apiCallCount, tx.apiCallTime],
      ])
    );

  it('recomputes every entry span from all spans of the trace, not crossing into nested entries', () => {
    expect(figures(settle(spans, new Set()))).toEqual({
      // gateway: orders, rates, api, pay, ledger and the anonymous call are api calls; redis is sql.
      'GET /order': [1, 1, 6, 100 + 10 + 10 + 10 + 10 + 1],
      'GET /create': [2, 30, 1, 50],
      'GET /reserve': [1, 2, 0, 0],
      'process order': [0, 0, 0, 0],
    });
  });

  it('gives the same figures when the children reached the backend in batches before their entry', () => {
    const entries = new Set(['GET /order', 'GET /create', 'GET /reserve', 'process order']);
    const early = spans.filter((span) => !entries.has(span.name));
    const late = spans.filter((span) => entries.has(span.name));
    // Per batch the entries see none of their children...
    expect(deriveTransactions(late).map((tx) => tx.sqlCount + tx.apiCallCount)).toEqual([0, 0, 0, 0]);
    expect(deriveTransactions(early)).toEqual([]);
    // ...once settled over everything stored they see all of them.
    expect(figures(settle([...late, ...early], new Set()))).toEqual(figures(settle(spans, new Set())));
  });

  it('rolls up only the fresh spans, so a trace settled twice counts each call once', () => {
    const fresh = new Set([spanKey(byName('call stock').traceId, byName('call stock').spanId)]);
    const { edges } = settle(spans, fresh);
    expect(edges).toEqual([
      expect.objectContaining({
        source: 'orders',
        target: expect.objectContaining({ id: 'stock' }),
        calls: 1,
        errors: 1,
      }),
    ]);
    const all = new Set(spans.map((span) => spanKey(span.traceId, span.spanId)));
    expect(settle(spans, all).edges.reduce((sum, edge) => sum + edge.calls, 0)).toBe(11);
  });
});

describe('leanSpan', () => {
  it.each<[string, Span['attributes'], Span['attributes']]>([
    [
      'keeps what settling reads',
      { 'db.system': 'duckdb', 'server.port': 5432 },
      { 'db.system': 'duckdb', 'server.port': 5432 },
    ],
    ['drops what it does not', { 'http.route': '/x', 'enduser.id': 'u', 'thread.name': 't' }, {}],
    ['NaN as JSON gives it back: null', { 'net.peer.port': Number.NaN }, { 'net.peer.port': null }],
    ['Infinity too', { 'http.status_code': Number.POSITIVE_INFINITY }, { 'http.status_code': null }],
    ['an empty string stays', { 'server.address': '' }, { 'server.address': '' }],
    [
      'arrays and booleans as stored',
      { 'db.name': ['a', 1], 'peer.service': true },
      { 'db.name': ['a', 1], 'peer.service': true },
    ],
  ])('%s', (_name, attributes, lean) => {
    expect(leanSpan({ ...spans[0], attributes }).attributes).toEqual(lean);
    // The store's JSON column gives back the same values.
    expect(leanSpan({ ...spans[0], attributes }).attributes).toEqual(
      JSON.parse(JSON.stringify(Object.fromEntries(Object.entries(lean))))
    );
  });

  it('settles to the same transactions and edges as the whole spans', () => {
    const keys = new Set(spans.map((span) => spanKey(span.traceId, span.spanId)));
    expect(settle(spans.map(leanSpan), 'all')).toEqual(settle(spans, keys));
    expect(settle(spans.map(leanSpan), 'all').edges.length).toBe(11);
  });
});
