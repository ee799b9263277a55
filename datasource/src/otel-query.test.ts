/**
 * OspreyDataSource.query() for the OTLP query types against a fake backend: the requests sent
 * (paths, query strings) and the frames made of the answers — time series for metrics and runtime
 * series, a Grafana logs frame (log-lines) whose trace ids link to the trace.
 */
import { FieldType, type DataFrame } from '@grafana/data';
import { LOG_FRAME_FIELDS, RUNTIME_SERIES, type LogsResponse, type MetricSeriesResponse } from '@osprey/model';

import { answer, queryRequest, RANGE, testDataSource } from './testing/query-request';

const from = String(RANGE.from);
const to = String(RANGE.to);
const TRACE = '4bf92f3577b34da6a3ce929d0e0e4736';

const series: MetricSeriesResponse = {
  truncated: false,
  series: [
    {
      name: 'v8js.memory.heap.used',
      unit: 'By',
      kind: 'gauge',
      service: 'cart',
      instance: 'cart-1',
      attributes: { 'v8js.heap.space.name': 'old_space' },
      points: [
        { time: RANGE.from + 1000, value: 10 },
        { time: RANGE.from + 2000, value: 12 },
      ],
    },
  ],
};

it('runtime: asks for the semantic-convention names of the series, one time-series frame per series', async () => {
  const { ds, backend } = testDataSource();
  backend.on('/api/v1/otel-metrics', { json: series });
  const res = await answer(ds, queryRequest([{ queryType: 'runtime', runtimeSeries: 'heap', service: 'cart' }]));
  expect(backend.requests.map((r) => [r.path, r.params])).toEqual([
    ['/api/v1/otel-metrics', { from, to, service: 'cart', name: RUNTIME_SERIES.heap.join(',') }],
  ]);
  const [frame] = res.data as DataFrame[];
  expect(frame.name).toBe('v8js.memory.heap.used');
  expect(frame.fields.map((f) => [f.name, f.type])).toEqual([
    ['time', FieldType.time],
    ['v8js.memory.heap.used', FieldType.number],
  ]);
  expect(frame.fields[1].values).toEqual([10, 12]);
  expect(frame.fields[1].labels).toEqual({ service: 'cart', instance: 'cart-1', 'v8js.heap.space.name': 'old_space' });
  expect(frame.fields[1].config.unit).toBe('bytes');
});

it('otelMetrics: any metric by name; no names asks nothing', async () => {
  const { ds, backend } = testDataSource();
  backend.on('/api/v1/otel-metrics', { json: series });
  await answer(ds, queryRequest([{ queryType: 'otelMetrics', metricNames: ' a.b , c ' }]));
  expect(backend.requests.map((r) => r.params.name)).toEqual(['a.b,c']);
  const empty = await answer(ds, queryRequest([{ queryType: 'otelMetrics' }]));
  expect(backend.requests).toHaveLength(1);
  expect(empty.data).toEqual([]);
});

it('logs: a Grafana logs frame of the records, filters in the query string, trace ids linking to the trace', async () => {
  const { ds, backend } = testDataSource();
  const logs: LogsResponse = {
    truncated: false,
    logs: [
      {
        id: 'a1',
        time: RANGE.from + 5,
        service: 'cart',
        instance: 'cart-1',
        severityNumber: 17,
        severityText: 'ERROR',
        body: 'card declined',
        attributes: { code: 51 },
        traceId: TRACE,
        spanId: '00f067aa0ba902b7',
      },
    ],
  };
  backend.on('/api/v1/logs', { json: logs });
  const res = await answer(
    ds,
    queryRequest([{ queryType: 'logs', traceId: TRACE, search: 'card', minSeverity: 17, limit: 50 }])
  );
  expect(backend.requests[0].params).toEqual({
    from,
    to,
    traceId: TRACE,
    search: 'card',
    minSeverity: '17',
    limit: '50',
  });
  const [frame] = res.data as DataFrame[];
  expect(frame.meta).toMatchObject({ type: 'log-lines', preferredVisualisationType: 'logs' });
  const F = LOG_FRAME_FIELDS;
  expect(frame.fields.map((f) => [f.name, f.type])).toEqual([
    [F.timestamp, FieldType.time],
    [F.body, FieldType.string],
    [F.severity, FieldType.string],
    [F.id, FieldType.string],
    [F.labels, FieldType.other],
    [F.traceId, FieldType.string],
    [F.spanId, FieldType.string],
  ]);
  const values = Object.fromEntries(frame.fields.map((f) => [f.name, f.values[0]]));
  expect(values).toMatchObject({ body: 'card declined', severity: 'error', labels: { service: 'cart', code: '51' } });
  const link = frame.fields.find((f) => f.name === F.traceId)!.config.links![0];
  expect(link.internal?.query).toMatchObject({ queryType: 'trace', traceId: '${__value.raw}' });
});
