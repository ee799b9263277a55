import { SpanKind } from '@opentelemetry/api';
import type { LogRecord, ProfileStep, Span } from '@osprey/model';

import { type Call, sdkTrace, T0 } from '../testing/sdk-trace';
import { profileEntry, transactionProfile } from './profile';

/**
 * A checkout made by the real SDK: gateway's own work (a validation span, a PostgreSQL query, a
 * failed one, a Redis GET under a render span) around a call to payments, whose server span and
 * query are payments' own transaction.
 */
const checkout: Call = {
  service: 'gateway',
  name: 'POST /checkout',
  kind: SpanKind.SERVER,
  startMs: 0,
  endMs: 200,
  attributes: { 'http.request.method': 'POST', 'http.route': '/checkout' },
  children: [
    { service: 'gateway', name: 'validate', kind: SpanKind.INTERNAL, startMs: 1, endMs: 5 },
    {
      service: 'gateway',
      name: 'SELECT shop',
      kind: SpanKind.CLIENT,
      startMs: 5,
      endMs: 25,
      attributes: { 'db.system': 'postgresql', 'db.query.text': 'SELECT * FROM carts WHERE id = 42' },
    },
    {
      service: 'gateway',
      name: 'POST',
      kind: SpanKind.CLIENT,
      startMs: 30,
      endMs: 130,
      attributes: {
        'http.request.method': 'POST',
        'url.full': 'http://payments:8080/pay',
        'server.address': 'payments',
        'server.port': 8080,
        'http.response.status_code': 502,
      },
      children: [
        {
          service: 'payments',
          name: 'POST /pay',
          kind: SpanKind.SERVER,
          startMs: 31,
          endMs: 129,
          children: [
            {
              service: 'payments',
              name: 'INSERT shop.payments',
              kind: SpanKind.CLIENT,
              startMs: 40,
              endMs: 60,
              attributes: { 'db.system': 'mysql', 'db.statement': "INSERT INTO payments VALUES (7, 'card')" },
            },
          ],
        },
      ],
    },
    {
      service: 'gateway',
      name: 'UPDATE shop',
      kind: SpanKind.CLIENT,
      startMs: 140,
      endMs: 150,
      error: true,
      attributes: { 'db.system': 'postgresql', 'db.statement': 'UPDATE carts SET state = 3 WHERE id IN (1, 2, 3)' },
    },
    {
      service: 'gateway',
      name: 'render',
      kind: SpanKind.INTERNAL,
      startMs: 150,
      endMs: 190,
      children: [
        {
          service: 'gateway',
          name: 'GET',
          kind: SpanKind.CLIENT,
          startMs: 151,
          endMs: 152.5,
          attributes: { 'db.system': 'redis', 'db.operation': 'GET' },
        },
        {
          service: 'gateway',
          name: 'grpc.Stock/Reserve',
          kind: SpanKind.CLIENT,
          startMs: 153,
          endMs: 160,
          attributes: { 'rpc.system': 'grpc', 'rpc.service': 'Stock', 'rpc.method': 'Reserve' },
        },
      ],
    },
  ],
};

const spans = sdkTrace(checkout);
const byName = (name: string) => spans.find((s) => s.name === name)!;
const startMs = T0 * 1000;

function log(span: Span, atMs: number, severityNumber: number, body: string, traceId = span.traceId): LogRecord {
  return {
    id: `${span.spanId}-${atMs}`,
    time: startMs + atMs,
    service: span.service,
    instance: `${span.service}-1`,
    severityNumber,
    severityText: '',
    body,
    attributes: {},
    traceId,
    spanId: span.spanId,
  };
}

const logs = [
  log(byName('POST /checkout'), 2, 9, 'checkout started'),
  log(byName('render'), 170, 17, 'template missing'),
  log(byName('POST /pay'), 50, 9, 'payments: not in the gateway profile'),
  log(byName('render'), 171, 9, 'another trace', 'f'.repeat(32)),
];

type Row = Pick<ProfileStep, 'kind' | 'offset' | 'depth' | 'name' | 'error'> & Partial<ProfileStep>;

const strip = (steps: ProfileStep[]) => steps.map(({ spanId, ...rest }) => (void spanId, rest));

describe('transactionProfile', () => {
  it.each<[string, string | undefined, Row[]]>([
    [
      "the trace's first entry: gateway's own steps, not payments'",
      undefined,
      [
        { kind: 'span', offset: 1, duration: 4, depth: 1, name: 'validate', error: false },
        { kind: 'log', offset: 2, depth: 1, name: 'checkout started', error: false, severity: 'info' },
        {
          kind: 'sql',
          offset: 5,
          duration: 20,
          depth: 1,
          name: 'SELECT shop',
          error: false,
          statement: 'SELECT * FROM carts WHERE id = 42',
          normalized: 'SELECT * FROM carts WHERE id = ?',
          target: 'postgresql',
        },
        { kind: 'api', offset: 30, duration: 100, depth: 1, name: 'POST', error: true, target: 'payments:8080' },
        {
          kind: 'sql',
          offset: 140,
          duration: 10,
          depth: 1,
          name: 'UPDATE shop',
          error: true,
          statement: 'UPDATE carts SET state = 3 WHERE id IN (1, 2, 3)',
          normalized: 'UPDATE carts SET state = ? WHERE id IN (?)',
          target: 'postgresql',
        },
        { kind: 'span', offset: 150, duration: 40, depth: 1, name: 'render', error: false },
        {
          kind: 'sql',
          offset: 151,
          duration: 1.5,
          depth: 2,
          name: 'GET',
          error: false,
          normalized: 'GET',
          target: 'redis',
        },
        {
          kind: 'api',
          offset: 153,
          duration: 7,
          depth: 2,
          name: 'grpc.Stock/Reserve',
          error: false,
          target: 'Stock/Reserve',
        },
        { kind: 'log', offset: 170, depth: 2, name: 'template missing', error: true, severity: 'error' },
      ],
    ],
    [
      "payments' transaction, asked for by its span id",
      byName('POST /pay').spanId,
      [
        {
          kind: 'sql',
          offset: 9,
          duration: 20,
          depth: 1,
          name: 'INSERT shop.payments',
          error: false,
          statement: "INSERT INTO payments VALUES (7, 'card')",
          normalized: 'INSERT INTO payments VALUES (?, ?)',
          target: 'mysql',
        },
        {
          kind: 'log',
          offset: 19,
          depth: 1,
          name: 'payments: not in the gateway profile',
          error: false,
          severity: 'info',
        },
      ],
    ],
  ])('%s', (_, spanId, steps) => {
    const entry = profileEntry(spans, spanId)!;
    const profile = transactionProfile(entry, spans, logs);
    expect(strip(profile.steps)).toEqual(steps);
    expect(profile.steps.every((s) => spans.some((span) => span.spanId === s.spanId))).toBe(true);
  });

  it("heads the profile with its entry span's identity and time", () => {
    const profile = transactionProfile(profileEntry(spans)!, spans, []);
    expect({ ...profile, steps: profile.steps.length }).toEqual({
      traceId: spans[0].traceId,
      spanId: byName('POST /checkout').spanId,
      service: 'gateway',
      name: 'POST /checkout',
      startTime: startMs,
      elapsed: 200,
      steps: 7,
    });
  });

  it('finds no entry for a span id the trace lacks', () => {
    expect(profileEntry(spans, '00000000000000aa')).toBeUndefined();
    expect(profileEntry([])).toBeUndefined();
  });
});
