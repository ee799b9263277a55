import type { Span, Transaction } from '@osprey/model';

import { deriveTransactions } from './transactions';

const TRACE = '4bf92f3577b34da6a3ce929d0e0e4736';
const T0 = BigInt('1763800000000000000');
const MS = BigInt(1_000_000);

let nextId = 1;
function id(): string {
  return (nextId++).toString(16).padStart(16, '0');
}

/** A span as the OTLP decoder produces it; times in ms after T0. */
function span(fields: Partial<Span> & { service: string; startMs: number; durationMs: number }): Span {
  const { startMs, durationMs, service, ...rest } = fields;
  return {
    traceId: TRACE,
    spanId: id(),
    name: 'op',
    kind: 'internal',
    startTimeUnixNano: (T0 + BigInt(startMs) * MS).toString(),
    durationNano: (BigInt(durationMs) * MS).toString(),
    status: 'unset',
    service,
    resource: { 'service.name': service, 'service.instance.id': `${service}-1` },
    attributes: {},
    events: [],
    ...rest,
  };
}

function child(parent: Span, fields: Parameters<typeof span>[0]): Span {
  return span({ traceId: parent.traceId, parentSpanId: parent.spanId, ...fields });
}

/** frontend GET /checkout → (http client) → cart GET /api/cart → 2 db queries + 1 http call. */
function shopTrace() {
  const frontend = span({
    service: 'frontend',
    kind: 'server',
    name: 'GET /checkout',
    startMs: 0,
    durationMs: 120,
    attributes: {
      'http.request.method': 'GET',
      'http.route': '/checkout',
      'http.response.status_code': 200,
      'enduser.id': 'u-42',
      'client.address': '10.0.0.7',
    },
  });
  const render = child(frontend, {
    service: 'frontend',
    kind: 'internal',
    name: 'render',
    startMs: 1,
    durationMs: 100,
  });
  const callCart = child(render, {
    service: 'frontend',
    kind: 'client',
    name: 'GET',
    startMs: 2,
    durationMs: 80,
    attributes: { 'http.request.method': 'GET', 'server.address': 'cart' },
  });
  const cart = child(callCart, {
    service: 'cart',
    kind: 'server',
    name: 'GET',
    startMs: 5,
    durationMs: 70,
    attributes: { 'http.request.method': 'GET', 'http.route': '/api/cart', 'http.response.status_code': 503 },
    resource: { 'service.name': 'cart', 'host.name': 'cart-host' },
  });
  const q1 = child(cart, {
    service: 'cart',
    kind: 'client',
    name: 'SELECT items',
    startMs: 6,
    durationMs: 10,
    attributes: { 'db.system.name': 'postgresql' },
  });
  const q2 = child(cart, {
    service: 'cart',
    kind: 'client',
    name: 'SELECT prices',
    startMs: 20,
    durationMs: 5,
    attributes: { 'db.system': 'mysql' },
  });
  const pricing = child(cart, {
    service: 'cart',
    kind: 'client',
    name: 'POST',
    startMs: 30,
    durationMs: 30,
    attributes: { 'http.request.method': 'POST' },
  });
  return { frontend, render, callCart, cart, q1, q2, pricing };
}

function byService(transactions: Transaction[], service: string): Transaction {
  const found = transactions.filter((t) => t.service === service);
  expect(found).toHaveLength(1);
  return found[0];
}

describe('deriveTransactions', () => {
  it('makes one transaction per entry span with sql/api figures from same-service descendants', () => {
    const t = shopTrace();
    const txs = deriveTransactions(Object.values(t));
    expect(txs).toHaveLength(2);

    expect(byService(txs, 'frontend')).toEqual({
      endTime: 1763800000120,
      elapsed: 120,
      service: 'frontend',
      instance: 'frontend-1',
      endpoint: 'GET /checkout',
      status: 'ok',
      httpStatus: 200,
      traceId: TRACE,
      spanId: t.frontend.spanId,
      userId: 'u-42',
      clientIp: '10.0.0.7',
      // The call to cart counts; cart's own db queries belong to cart's transaction.
      sqlCount: 0,
      sqlTime: 0,
      apiCallCount: 1,
      apiCallTime: 80,
      kind: 'web',
    });

    expect(byService(txs, 'cart')).toEqual({
      endTime: 1763800000075,
      elapsed: 70,
      service: 'cart',
      instance: 'cart-host',
      endpoint: 'GET /api/cart',
      status: 'error',
      httpStatus: 503,
      traceId: TRACE,
      spanId: t.cart.spanId,
      parentService: 'frontend',
      sqlCount: 2,
      sqlTime: 15,
      apiCallCount: 1,
      apiCallTime: 30,
      kind: 'web',
    });
  });

  it('does not depend on span order in the batch', () => {
    const spans = Object.values(shopTrace());
    const forward = deriveTransactions(spans);
    const backward = deriveTransactions([...spans].reverse());
    expect(backward).toEqual(expect.arrayContaining(forward));
  });

  const cases: Array<[string, Partial<Span>, Partial<Transaction>]> = [
    ['CONSUMER is async', { kind: 'consumer', parentSpanId: 'aaaaaaaaaaaaaaaa' }, { kind: 'async' }],
    [
      'root INTERNAL is background',
      { kind: 'internal', name: 'nightly-job' },
      { kind: 'background', endpoint: 'nightly-job' },
    ],
    ['root CLIENT is app', { kind: 'client', name: 'poll' }, { kind: 'app' }],
    [
      'method prefixes a route',
      { kind: 'server', attributes: { 'http.method': 'POST', 'http.route': '/orders' } },
      { endpoint: 'POST /orders' },
    ],
    [
      'span name already carrying the method is kept',
      { kind: 'server', name: 'GET /health', attributes: { 'http.request.method': 'GET' } },
      { endpoint: 'GET /health' },
    ],
    [
      'method prefixes a bare span name',
      { kind: 'server', name: 'list-orders', attributes: { 'http.request.method': 'GET' } },
      { endpoint: 'GET list-orders' },
    ],
    [
      'old http.status_code >= 500 is an error',
      { kind: 'server', attributes: { 'http.status_code': 502 } },
      { status: 'error', httpStatus: 502 },
    ],
    [
      '4xx alone is not an error',
      { kind: 'server', attributes: { 'http.response.status_code': 404 } },
      { status: 'ok', httpStatus: 404 },
    ],
    [
      'status ERROR with exception event',
      {
        kind: 'server',
        status: 'error',
        statusMessage: 'status says',
        events: [
          {
            name: 'exception',
            timeUnixNano: '1763800000000000001',
            attributes: { 'exception.type': 'java.sql.SQLException', 'exception.message': 'deadlock detected' },
          },
        ],
      },
      { status: 'error', errorType: 'java.sql.SQLException', errorMessage: 'deadlock detected' },
    ],
    [
      'error.type wins, status message fills in',
      { kind: 'server', status: 'error', statusMessage: 'upstream timeout', attributes: { 'error.type': 'timeout' } },
      { status: 'error', errorType: 'timeout', errorMessage: 'upstream timeout' },
    ],
    [
      'instance falls back to k8s.pod.name then unknown',
      { kind: 'server', resource: { 'k8s.pod.name': 'cart-7d9f' } },
      { instance: 'cart-7d9f' },
    ],
    ['no instance attributes', { kind: 'server', resource: {} }, { instance: 'unknown' }],
    ['http.client_ip', { kind: 'server', attributes: { 'http.client_ip': '1.2.3.4' } }, { clientIp: '1.2.3.4' }],
    ['net.peer.ip', { kind: 'server', attributes: { 'net.peer.ip': '5.6.7.8' } }, { clientIp: '5.6.7.8' }],
  ];

  it.each(cases)('%s', (_name, fields, expected) => {
    const txs = deriveTransactions([span({ service: 'svc', startMs: 0, durationMs: 1, ...fields })]);
    expect(txs).toHaveLength(1);
    expect(txs[0]).toMatchObject(expected);
  });

  it('ignores non-entry spans whose parent is elsewhere', () => {
    expect(
      deriveTransactions([
        span({ service: 'svc', kind: 'client', parentSpanId: 'bbbbbbbbbbbbbbbb', startMs: 0, durationMs: 1 }),
        span({ service: 'svc', kind: 'internal', parentSpanId: 'cccccccccccccccc', startMs: 0, durationMs: 1 }),
      ])
    ).toEqual([]);
  });

  it('stops at a nested entry span of the same service', () => {
    const outer = span({ service: 'svc', kind: 'server', startMs: 0, durationMs: 50 });
    const selfCall = child(outer, { service: 'svc', kind: 'client', startMs: 1, durationMs: 40 });
    const inner = child(selfCall, { service: 'svc', kind: 'server', startMs: 2, durationMs: 30 });
    const query = child(inner, {
      service: 'svc',
      kind: 'client',
      startMs: 3,
      durationMs: 10,
      attributes: { 'db.system.name': 'sqlite' },
    });
    const txs = deriveTransactions([outer, selfCall, inner, query]);
    const outerTx = txs.find((t) => t.spanId === outer.spanId)!;
    const innerTx = txs.find((t) => t.spanId === inner.spanId)!;
    expect(outerTx).toMatchObject({ apiCallCount: 1, sqlCount: 0 });
    expect(innerTx).toMatchObject({ apiCallCount: 0, sqlCount: 1, sqlTime: 10 });
    // Same service calling itself has no other-service parent.
    expect(innerTx.parentService).toBeUndefined();
  });

  it('sums sql time without floating-point drift', () => {
    const entry = span({ service: 'svc', kind: 'server', startMs: 0, durationMs: 50 });
    const queries = ['100000', '200000'].map((durationNano) =>
      child(entry, {
        service: 'svc',
        kind: 'client',
        startMs: 1,
        durationMs: 0,
        durationNano,
        attributes: { 'db.system': 'h2' },
      })
    );
    expect(deriveTransactions([entry, ...queries])[0]).toMatchObject({ sqlCount: 2, sqlTime: 0.3 }); // 0.1 + 0.2 in floats is 0.30000000000000004;
  });

  it('keeps sub-millisecond precision in endTime and elapsed', () => {
    const s = span({ service: 'svc', kind: 'server', startMs: 0, durationMs: 0 });
    s.startTimeUnixNano = '1763800000123456789';
    s.durationNano = '1500250';
    const [tx] = deriveTransactions([s]);
    expect(tx.elapsed).toBe(1.5);
    expect(tx.endTime).toBe(1763800000124.957);
  });
});
