import type { MetricSeries, Span, SpanKind } from '@osprey/model';

import { ACTIVE_REQUESTS_METRIC, firstSourcePerInstance, inferredInFlight, metricInFlight } from './inflight';

const T = 'a'.repeat(32);
const U = 'b'.repeat(32);
const T0_MS = 1_763_800_000_000;

/** A span of trace `traceId` as ingest decodes it, starting `startMs` after T0_MS. */
function span(traceId: string, id: string, parent: string | undefined, kind: SpanKind, service: string, startMs = 0) {
  const s: Span = {
    traceId,
    spanId: id.padStart(16, '0'),
    name: `${service} ${kind} ${id}`,
    kind,
    startTimeUnixNano: String(BigInt(T0_MS + startMs) * BigInt(1_000_000)),
    durationNano: '1000000',
    status: 'unset',
    service,
    resource: { 'service.name': service, 'service.instance.id': `${service}-1` },
    attributes: {},
    events: [],
  };
  return parent === undefined ? s : { ...s, parentSpanId: parent.padStart(16, '0') };
}

describe('inferredInFlight', () => {
  const complete = [
    span(T, '1', undefined, 'server', 'gateway'),
    span(T, '2', '1', 'client', 'gateway', 1),
    span(T, '3', '2', 'server', 'orders', 2),
    span(T, '4', '3', 'client', 'orders', 3),
  ];
  it.each<[string, Span[], Array<[string, string, string, number]>]>([
    ['nothing arrived', [], []],
    ['a whole trace: nothing in flight', complete, []],
    // The gateway's SERVER span is still running: its call (and the orders request it made) ended.
    ['the entry span missing', complete.slice(1), [[T, 'gateway', 'gateway client 2', 1]]],
    // Orders' handler still runs its second query; gateway is waiting on orders.
    [
      'two services waiting, one of them on two running spans',
      [
        span(T, '5', '9', 'client', 'orders', 40),
        span(T, '4', '8', 'client', 'orders', 30),
        span(T, '6', '2', 'internal', 'gateway', 5),
      ],
      [
        [T, 'orders', 'orders client 4', 30],
        [T, 'gateway', 'gateway internal 6', 5],
      ],
    ],
    // An entry span whose parent is elsewhere starts a request of its own: orders ended, nothing missing.
    ['an entry span with its caller not arrived', [span(T, '3', '2', 'server', 'orders', 2)], []],
    ['a root client span (a job calling out)', [span(U, '1', undefined, 'client', 'batch')], []],
    [
      'two traces apart',
      [span(T, '2', '1', 'client', 'gateway', 1), span(U, '7', '6', 'producer', 'gateway', 9)],
      [
        [T, 'gateway', 'gateway client 2', 1],
        [U, 'gateway', 'gateway producer 7', 9],
      ],
    ],
  ])('%s', (_, spans, expected) => {
    expect(inferredInFlight(spans).map((r) => [r.traceId, r.service, r.endpoint, r.startedBy - T0_MS])).toEqual(
      expected
    );
    expect(inferredInFlight(spans).every((r) => r.instance === `${r.service}-1`)).toBe(true);
  });
});

describe('metricInFlight', () => {
  const series = (instance: string, attributes: MetricSeries['attributes'], points: Array<[number, number]>) => ({
    name: ACTIVE_REQUESTS_METRIC,
    unit: '{request}',
    kind: 'sum' as const,
    service: 'shop',
    instance,
    attributes,
    points: points.map(([time, value]) => ({ time, value })),
  });
  const now = 1_000_000;
  it.each<[string, MetricSeries[], Array<[string, number, number]>]>([
    ['none', [], []],
    [
      'attribute sets of an instance summed, newest point each',
      [
        series('s-1', { 'http.request.method': 'GET' }, [
          [now - 2000, 5],
          [now - 1000, 3],
        ]),
        series('s-1', { 'http.request.method': 'POST' }, [[now - 1500, 2]]),
        series('s-2', { 'http.request.method': 'GET' }, [[now - 500, 0]]),
      ],
      [
        ['s-1', now - 1000, 5],
        ['s-2', now - 500, 0],
      ],
    ],
    ['stale past the window', [series('s-1', {}, [[now - 30_001, 4]])], []],
    // Exported every 60 s: fresh for two intervals, though older than the 30 s window.
    [
      'fresh for two of its own export intervals',
      [
        series('s-1', {}, [
          [now - 150_000, 1],
          [now - 90_000, 2],
        ]),
      ],
      [['s-1', now - 90_000, 2]],
    ],
    ['a negative count (a restart mid-request) is none', [series('s-1', {}, [[now, -1]])], [['s-1', now, 0]]],
    ['another metric', [{ ...series('s-1', {}, [[now, 7]]), name: 'http.client.active_requests' }], []],
  ])('%s', (_, input, expected) => {
    expect(metricInFlight(input, now, 30_000).map((m) => [m.instance, m.takenAt, m.count])).toEqual(expected);
  });
});

describe('firstSourcePerInstance', () => {
  it('keeps the first list that has an instance, sorted', () => {
    const of = (service: string, instance: string, source: string) => ({ service, instance, source });
    expect(
      firstSourcePerInstance([
        [of('b', '1', 'snapshot')],
        [of('b', '1', 'metric'), of('a', '2', 'metric')],
        [of('a', '1', 'inferred'), of('a', '2', 'inferred')],
      ])
    ).toEqual([of('a', '1', 'inferred'), of('a', '2', 'metric'), of('b', '1', 'snapshot')]);
  });
});
