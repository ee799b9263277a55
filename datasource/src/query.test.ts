/**
 * OspreyDataSource.query() for every query type against a fake backend: the requests it sends
 * (paths, query strings, headers) and the frames it makes of the answers.
 */
import { FieldType, LoadingState, type DataFrame } from '@grafana/data';
import {
  ARROW_STREAM_MEDIA_TYPE,
  DEFAULT_TRANSACTION_LIMIT,
  TRANSACTION_COLUMN_NAMES,
  XLOG_DOT_COLUMNS,
  type ActiveResponse,
  type RedResponse,
  type ServiceMapResponse,
  type Trace,
  type TransactionsResponse,
} from '@osprey/model';
import { lastValueFrom, take, toArray } from 'rxjs';

import { LIVE_OVERLAP_MS, LIVE_POLL_MS } from './live';
import { TRACE_PANEL_FIELDS } from './panel-contracts.fixture';
import { arrowWindow } from './testing/arrow-window';
import { answer, answers, queryRequest, RANGE, testDataSource } from './testing/query-request';
import { transaction } from './testing/transaction';
import { textAt } from './window-frame';

const WINDOW = '/api/v1/transactions';
const from = String(RANGE.from);
const to = String(RANGE.to);

/** Each field's values by name, enum fields as their text (what a table shows). */
const byName = (frame: DataFrame) =>
  Object.fromEntries(
    frame.fields.map((f) => [
      f.name,
      Array.from({ length: frame.length }, (_, i) => (f.type === FieldType.enum ? textAt(f, i) : f.values[i])),
    ])
  );
const types = (frame: DataFrame) => frame.fields.map((f) => [f.name, f.type]);

describe('XLOG', () => {
  const rows = [
    transaction(RANGE.from + 1000),
    transaction(RANGE.from + 2000, { service: 'frontend', status: 'error', elapsed: 900 }),
  ];

  it('dots: the four columns the panel draws, asked for as Arrow', async () => {
    const { ds, backend } = testDataSource();
    backend.on(WINDOW, { arrow: arrowWindow(rows, XLOG_DOT_COLUMNS) });
    const res = await answer(ds, queryRequest([{ queryType: 'xlog' }]));
    expect(backend.requests).toEqual([
      {
        method: 'GET',
        path: WINDOW,
        params: { from, to, limit: String(DEFAULT_TRANSACTION_LIMIT), columns: 'endTime,elapsed,service,status' },
        headers: { Accept: ARROW_STREAM_MEDIA_TYPE },
      },
    ]);
    expect(res).toMatchObject({ key: 'A', state: LoadingState.Done });
    const [frame] = res.data as DataFrame[];
    expect(frame).toMatchObject({
      refId: 'A',
      name: 'transactions',
      meta: { custom: { matched: 2, truncated: false } },
    });
    expect(types(frame)).toEqual([
      ['endTime', FieldType.time],
      ['elapsed', FieldType.number],
      ['service', FieldType.enum],
      ['status', FieldType.enum],
    ]);
    expect(byName(frame)).toEqual({
      endTime: [RANGE.from + 1000, RANGE.from + 2000],
      elapsed: [120, 900],
      service: ['orders', 'frontend'],
      status: ['ok', 'error'],
    });
  });

  it('all columns: every Transaction field, the query filters in the query string, trace ids linking to Explore', async () => {
    const { ds, backend } = testDataSource();
    backend.on(WINDOW, { arrow: arrowWindow(rows, TRANSACTION_COLUMN_NAMES, { matched: 7, truncated: true }) });
    const query = { columns: 'all', minElapsed: 100, errorsOnly: true, userId: ' u-7 ', limit: 2 } as const;
    const [frame] = (await answer(ds, queryRequest([query]))).data as DataFrame[];
    expect(backend.requests[0].params).toEqual({
      from,
      to,
      minElapsed: '100',
      errorsOnly: 'true',
      userId: 'u-7',
      limit: '2',
    });
    expect(frame.fields.map((f) => f.name)).toEqual(TRANSACTION_COLUMN_NAMES);
    expect(frame.meta?.custom).toEqual({ matched: 7, truncated: true });
    expect(byName(frame).traceId).toEqual(rows.map((r) => r.traceId));
    const link = frame.fields.find((f) => f.name === 'traceId')!.config.links![0];
    expect(link.internal).toMatchObject({
      datasourceUid: 'osprey',
      query: { queryType: 'trace', traceId: '${__value.raw}' },
    });
  });

  it('density: mode auto over the limit answers the JSON grid, one density frame', async () => {
    const { ds, backend } = testDataSource();
    const grid: TransactionsResponse = {
      transactions: [],
      truncated: true,
      density: {
        from: RANGE.from,
        to: RANGE.to,
        timeStep: 60_000,
        elapsedEdges: [0, 10, 100, 1000],
        cells: [{ t: 2, e: 1, count: 40, errors: 3 }],
        total: 40,
      },
    };
    backend.on(WINDOW, { json: grid });
    const res = await answer(ds, queryRequest([{ mode: 'auto', limit: 10 }]));
    expect(backend.requests[0]).toMatchObject({
      params: { mode: 'auto', limit: '10' },
      headers: { Accept: ARROW_STREAM_MEDIA_TYPE },
    });
    const [frame] = res.data as DataFrame[];
    expect(frame.name).toBe('transactions-density');
    expect(frame.meta?.custom).toEqual({
      density: true,
      timeStep: 60_000,
      elapsedEdges: [0, 10, 100, 1000],
      total: 40,
    });
    expect(byName(frame)).toEqual({
      time: [RANGE.from + 120_000],
      timeEnd: [RANGE.from + 180_000],
      elapsedLow: [10],
      elapsedHigh: [100],
      count: [40],
      errors: [3],
    });
  });

  it('ad hoc filters: service goes to the backend, status = ok drops the error rows', async () => {
    const { ds, backend } = testDataSource();
    backend.on(WINDOW, { arrow: arrowWindow(rows, XLOG_DOT_COLUMNS) });
    const filters = [
      { key: 'service', operator: '=', value: 'orders' },
      { key: 'status', operator: '=', value: 'ok' },
    ];
    const [frame] = (await answer(ds, queryRequest([{ service: 'frontend' }], { filters }))).data as DataFrame[];
    expect(backend.requests[0].params.service).toBe('orders');
    expect(byName(frame).status).toEqual(['ok']);
  });

  it('ad hoc filter status = error asks the backend for errors only', async () => {
    const { ds, backend } = testDataSource();
    backend.on(WINDOW, {
      arrow: arrowWindow(
        rows.filter((t) => t.status === 'error'),
        XLOG_DOT_COLUMNS
      ),
    });
    const filters = [{ key: 'status', operator: '=', value: 'error' }];
    const [frame] = (await answer(ds, queryRequest([{}], { filters }))).data as DataFrame[];
    expect(backend.requests[0].params.errorsOnly).toBe('true');
    expect(byName(frame).status).toEqual(['error']);
  });
});

describe('live XLOG', () => {
  beforeEach(() => jest.useFakeTimers({ now: RANGE.to }));
  afterEach(() => jest.useRealTimers());

  it('streams the range first, then what ended since the newest row less the overlap, each poll new rows only', async () => {
    const { ds, backend } = testDataSource();
    const first = [transaction(RANGE.to - 5000), transaction(RANGE.to - 1000)];
    const second = [transaction(RANGE.to - 1000), transaction(RANGE.to + 500, { service: 'frontend' })];
    let polls = 0;
    backend.on(WINDOW, () => ({ arrow: arrowWindow(polls++ === 0 ? first : second, [...XLOG_DOT_COLUMNS, 'spanId']) }));
    const done = lastValueFrom(ds.query(queryRequest([{ live: true, mode: 'density' }])).pipe(take(2), toArray()));
    await jest.advanceTimersByTimeAsync(LIVE_POLL_MS);
    const packets = await done;
    expect(backend.requests.map((r) => r.params)).toEqual([
      { from, to, limit: String(DEFAULT_TRANSACTION_LIMIT), columns: 'endTime,elapsed,service,status,spanId' },
      {
        from: String(RANGE.to - 1000 - LIVE_OVERLAP_MS),
        to: String(RANGE.to + LIVE_POLL_MS),
        limit: String(DEFAULT_TRANSACTION_LIMIT),
        columns: 'endTime,elapsed,service,status,spanId',
      },
    ]);
    expect(packets.map((p) => [p.key, p.state, p.data.length])).toEqual([
      ['A', LoadingState.Streaming, 1],
      ['A', LoadingState.Streaming, 2],
    ]);
    expect(packets[1].data.map((f: DataFrame) => byName(f).endTime)).toEqual([
      [RANGE.to - 5000, RANGE.to - 1000],
      [RANGE.to + 500],
    ]);
  });

  it('a failed poll is said in the packet and the stream goes on', async () => {
    const { ds, backend } = testDataSource();
    backend.on(WINDOW, { status: 503, json: { error: 'Service Unavailable', message: 'store is starting' } });
    const done = lastValueFrom(ds.query(queryRequest([{ live: true }])).pipe(take(2), toArray()));
    await jest.advanceTimersByTimeAsync(LIVE_POLL_MS);
    const [packet, next] = await done;
    expect(backend.requests).toHaveLength(2);
    expect(packet).toMatchObject({ key: 'A', state: LoadingState.Streaming, data: [] });
    expect(packet.errors?.[0].message).toBe('Query A: live XLOG poll failed with HTTP 503: store is starting');
    expect(next.state).toBe(LoadingState.Streaming);
  });
});

it('RED: one series frame per group on the panel step, filters and groupBy in the query string', async () => {
  const { ds, backend } = testDataSource();
  const red: RedResponse = {
    step: 60_000,
    tier: 'rollup',
    series: [
      {
        service: 'orders',
        endpoint: 'GET /orders',
        points: [
          { time: RANGE.from, count: 60, rate: 1, errors: 6, errorRatio: 0.1, p50: 10, p90: 40, p95: 60, p99: 90 },
        ],
      },
    ],
  };
  backend.on('/api/v1/metrics/red', { json: red });
  const res = await answer(
    ds,
    queryRequest([{ queryType: 'red', service: 'orders', groupBy: 'endpoint', redMetrics: ['rate', 'p99'] }], {
      intervalMs: 15_000,
    })
  );
  // 100 data points over an hour make 36 s steps, wider than the 15 s interval.
  expect(backend.requests[0].params).toEqual({ from, to, step: '36000', groupBy: 'endpoint', service: 'orders' });
  const [frame] = res.data as DataFrame[];
  expect(res.data).toHaveLength(1);
  expect(frame.name).toBe('orders GET /orders');
  expect(frame.fields.map((f) => f.name)).toEqual(['time', 'rate', 'p99']);
  expect(byName(frame).rate).toContain(1);
});

it('RED: the Apdex is asked for at the query T only when drawn; steps without requests have none', async () => {
  const { ds, backend } = testDataSource();
  const point = { count: 60, rate: 1, errors: 6, errorRatio: 0.1, p50: 10, p90: 40, p95: 60, p99: 90 };
  const red: RedResponse = {
    step: 60_000,
    tier: 'rollup',
    // The second step of the grid: the first has no requests.
    series: [
      {
        service: 'orders',
        points: [{ time: Math.floor(RANGE.from / 60_000) * 60_000 + 60_000, ...point, apdex: 0.8 }],
      },
    ],
  };
  backend.on('/api/v1/metrics/red', { json: red });
  const res = await answer(ds, queryRequest([{ queryType: 'red', redMetrics: ['apdex'], apdexT: 300 }]));
  await answer(ds, queryRequest([{ queryType: 'red', redMetrics: ['apdex'] }]));
  await answer(ds, queryRequest([{ queryType: 'red', apdexT: 300 }]));
  expect(backend.requests.map((r) => r.params.apdexT)).toEqual(['300', '500', undefined]);
  const [frame] = res.data as DataFrame[];
  expect(frame.fields.map((f) => [f.name, f.config.unit])).toEqual([
    ['time', undefined],
    ['apdex', 'none'],
  ]);
  expect(byName(frame).apdex.slice(0, 2)).toEqual([null, 0.8]);
});

describe('trace', () => {
  const trace: Trace = {
    traceId: 'abc',
    spans: [
      {
        traceId: 'abc',
        spanId: 's1',
        name: 'GET /orders',
        kind: 'server',
        startTimeUnixNano: '1763800000000000000',
        durationNano: '25000000',
        status: 'ok',
        service: 'orders',
        resource: { 'service.name': 'orders' },
        attributes: {},
        events: [],
      },
    ],
  };

  it('by id: the frame the Traces panel reads', async () => {
    const { ds, backend } = testDataSource();
    backend.on('/api/v1/traces/abc', { json: trace });
    const [frame] = (await answer(ds, queryRequest([{ queryType: 'trace', traceId: 'abc' }]))).data as DataFrame[];
    expect(backend.paths()).toEqual(['/api/v1/traces/abc']);
    expect(types(frame)).toEqual(TRACE_PANEL_FIELDS);
    expect(frame.meta?.preferredVisualisationType).toBe('trace');
  });

  it('an exemplar link ({query: traceId}, no type) opens the trace', async () => {
    const { ds, backend } = testDataSource();
    backend.on('/api/v1/traces/abc', { json: trace });
    const exemplar = { refId: 'A', query: ' abc ' } as never;
    const res = await answer(ds, { ...queryRequest([]), targets: [exemplar] });
    expect(backend.paths()).toEqual(['/api/v1/traces/abc']);
    expect(byName(res.data[0]).spanID).toEqual(['s1']);
  });

  it('without an id says so', async () => {
    const { ds, backend } = testDataSource();
    const res = await answer(ds, queryRequest([{ queryType: 'trace' }]));
    expect(backend.requests).toEqual([]);
    expect(res.errors?.[0].message).toBe('Query A: the Osprey request failed: a trace query needs a trace id');
  });
});

it('service map: node and edge frames of the range, focused on the chosen service, Apdex at the asked T', async () => {
  const { ds, backend } = testDataSource();
  const node = (id: string) => ({ id, type: 'service' as const, name: id, transactions: 10, errors: 0, p95: 5 });
  const edge = (source: string, target: string) => ({
    id: `${source}->${target}`,
    source,
    target,
    ...{ calls: 10, errors: 0, rate: 1, p50: 1, p95: 2, p99: 3 },
  });
  const map: ServiceMapResponse = {
    from: RANGE.from,
    to: RANGE.to,
    apdexT: 500,
    nodes: [node('frontend'), node('orders'), node('billing'), node('mail')],
    edges: [edge('frontend', 'orders'), edge('orders', 'billing'), edge('billing', 'mail')],
  };
  backend.on('/api/v1/servicemap', { json: map });
  const res = await answer(ds, queryRequest([{ queryType: 'serviceMap', service: 'orders' }]));
  expect(backend.requests[0].params).toEqual({ from, to });
  const [nodes, edges] = res.data as DataFrame[];
  expect([nodes.name, edges.name]).toEqual(['nodes', 'edges']);
  expect(byName(nodes).id).toEqual(['frontend', 'orders', 'billing']);
  expect(byName(edges).id).toEqual(['frontend->orders', 'orders->billing']);
  await answer(ds, queryRequest([{ queryType: 'serviceMap', apdexT: 250 }]));
  expect(backend.requests[1].params).toEqual({ from, to, apdexT: '250' });
});

it('active: the equalizer of the service', async () => {
  const { ds, backend } = testDataSource();
  const res: ActiveResponse = {
    thresholds: { slow: 3000, verySlow: 8000 },
    instances: [
      {
        service: 'orders',
        instance: 'orders-1',
        takenAt: RANGE.to,
        requests: [{ endpoint: 'GET /orders', elapsed: 9000 }],
        source: 'inferred',
        buckets: { fast: 0, slow: 0, verySlow: 1, unknownAge: 0 },
      },
    ],
  };
  backend.on('/api/v1/active', { json: res });
  const [frame] = (await answer(ds, queryRequest([{ queryType: 'active', service: 'orders' }]))).data as DataFrame[];
  expect(backend.requests[0].params).toEqual({ service: 'orders' });
  expect(frame.name).toBe('active');
  expect(byName(frame)).toMatchObject({ instance: ['orders-1'], source: ['inferred'], verySlow: [1] });
});

it('services, instances and endpoints: sorted one-column lists, of the chosen service', async () => {
  const { ds, backend } = testDataSource();
  backend.on('/api/v1/services', { json: { services: ['orders', 'frontend'] } });
  backend.on('/api/v1/instances', { json: { instances: ['orders-2', 'orders-1'] } });
  backend.on('/api/v1/endpoints', { json: { endpoints: ['POST /orders', 'GET /orders'] } });
  const all = await answers(
    ds,
    queryRequest([{ queryType: 'services' }, { queryType: 'instances', service: 'orders' }, { queryType: 'endpoints' }])
  );
  expect(backend.requests.map((r) => [r.path, r.params])).toEqual([
    ['/api/v1/services', {}],
    ['/api/v1/instances', { service: 'orders' }],
    ['/api/v1/endpoints', {}],
  ]);
  expect([...all].map(([key, p]) => [key, byName(p.data[0])])).toEqual([
    ['A', { service: ['frontend', 'orders'] }],
    ['B', { instance: ['orders-1', 'orders-2'] }],
    ['C', { endpoint: ['GET /orders', 'POST /orders'] }],
  ]);
});

it('a refused query answers its own error; the others answer as usual', async () => {
  const { ds, backend } = testDataSource();
  backend.on('/api/v1/services', { json: { services: ['orders'] } });
  backend.on('/api/v1/metrics/red', { status: 401, json: { error: 'Unauthorized', message: 'unknown token' } });
  const all = await answers(ds, queryRequest([{ queryType: 'red' }, { queryType: 'services' }]));
  expect(all.get('A')).toMatchObject({ state: LoadingState.Error, data: [] });
  expect(all.get('A')!.errors?.[0].message).toMatch(/^Query A: the Osprey request was refused \(401\).*unknown token$/);
  expect(all.get('B')).toMatchObject({
    state: LoadingState.Done,
    data: [expect.objectContaining({ name: 'services' })],
  });
  expect(all.get('B')!.errors).toBeUndefined();
});
