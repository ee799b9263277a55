import { FieldType, isDataFrameWithValue, isTimeSeriesFrame, type DataFrame } from '@grafana/data';
import { ERROR_TYPES_FRAME, type ErrorType, type ErrorTypesResponse } from '@osprey/model';

import type { RecordedRequest } from '@osprey/plugin-kit/testing';
import { answer, queryRequest, RANGE, testDataSource } from '../testing/query-request';

const PATH = '/api/v1/statistics/errors';

function errorType(service: string, key: string, count: number, extra: Partial<ErrorType> = {}): ErrorType {
  return {
    key,
    service,
    errorType: 'NotFound',
    template: 'no product <n>',
    message: 'no product 42',
    count,
    firstSeen: RANGE.from + 1000,
    lastSeen: RANGE.from + 5000,
    isNew: false,
    endpoints: ['GET /cart', 'GET /product/:id'],
    exampleTraceId: 'ab'.repeat(16),
    counts: [{ time: RANGE.from, count }],
    ...extra,
  };
}

const reply = (errorTypes: ErrorType[]) => () => ({
  json: { from: RANGE.from, to: RANGE.to, step: 60_000, errorTypes } as ErrorTypesResponse,
});

const values = (frame: DataFrame, name: string) => frame.fields.find((f) => f.name === name)!.values;

describe('errors by type', () => {
  it('asks for the range and answers one table whose example trace opens in Explore', async () => {
    const { ds, backend } = testDataSource();
    backend.on(PATH, reply([errorType('cart', 'k1', 9), errorType('cart', 'k2', 3, { isNew: true, errorType: '' })]));
    const res = await answer(ds, queryRequest([{ queryType: 'errorTypes', service: 'cart', limit: 5 }]));
    expect(backend.requests.map((r: RecordedRequest) => [r.path, r.params])).toEqual([
      [PATH, { from: String(RANGE.from), to: String(RANGE.to), limit: '5', service: 'cart' }],
    ]);
    const [frame] = res.data as DataFrame[];
    expect(frame.name).toBe(ERROR_TYPES_FRAME.name);
    expect(frame.fields.map((f) => [f.name, f.type])).toEqual([
      ['errorType', FieldType.string],
      ['template', FieldType.string],
      ['service', FieldType.string],
      ['count', FieldType.number],
      ['counts', FieldType.frame],
      ['new', FieldType.boolean],
      ['firstSeen', FieldType.time],
      ['lastSeen', FieldType.time],
      ['endpoints', FieldType.string],
      ['message', FieldType.string],
      ['exampleTraceId', FieldType.string],
      ['key', FieldType.string],
    ]);
    expect(values(frame, 'new')).toEqual([false, true]);
    expect(values(frame, 'endpoints')).toEqual(['GET /cart, GET /product/:id', 'GET /cart, GET /product/:id']);
    const [link] = frame.fields.find((f) => f.name === 'exampleTraceId')!.config.links!;
    expect(link.title).toBe('Open trace');
    expect(link.internal?.query).toMatchObject({ queryType: 'trace', traceId: '${__value.raw}' });
  });

  it('gives each row its count over the range as a time series frame, zero where the backend has no step', async () => {
    const { ds, backend } = testDataSource();
    const step = 600_000;
    const start = Math.floor(RANGE.from / step) * step;
    const counts = [
      { time: start + step, count: 3 },
      { time: start + 4 * step, count: 2 },
    ];
    backend.on(PATH, () => ({
      json: { from: RANGE.from, to: RANGE.to, step, errorTypes: [errorType('cart', 'k1', 5, { counts })] },
    }));
    const res = await answer(ds, queryRequest([{ queryType: 'errorTypes' }]));
    const [frame] = res.data as DataFrame[];
    const [series] = values(frame, ERROR_TYPES_FRAME.fields.counts) as DataFrame[];
    // What TableNG's cell takes for a sparkline: a time series frame, its value the total shown beside it.
    expect(isTimeSeriesFrame(series)).toBe(true);
    expect(isDataFrameWithValue(series) && series.value).toBe(5);
    const [time, count] = series.fields;
    expect([time.type, count.type, time.config.interval]).toEqual([FieldType.time, FieldType.number, step]);
    // The range's seven steps of ten minutes, from the one holding `from` to the one holding `to`.
    expect(time.values).toEqual([0, 1, 2, 3, 4, 5, 6].map((k) => start + k * step));
    expect(count.values).toEqual([0, 3, 0, 0, 2, 0, 0]);
  });

  it('merges the lists of several services into one, most first, cut at the limit', async () => {
    const { ds, backend } = testDataSource({ svc: ['cart', 'payment'] });
    backend.on(PATH, (r) =>
      r.params.service === 'cart'
        ? reply([errorType('cart', 'c1', 5), errorType('cart', 'c2', 1)])()
        : reply([errorType('payment', 'p1', 7), errorType('payment', 'p2', 1)])()
    );
    const res = await answer(ds, queryRequest([{ queryType: 'errorTypes', service: '$svc', limit: 3 }]));
    expect(backend.requests.map((r) => [r.params.service, r.params.limit])).toEqual([
      ['cart', '3'],
      ['payment', '3'],
    ]);
    const [frame] = res.data as DataFrame[];
    expect(values(frame, 'key')).toEqual(['p1', 'c1', 'c2']);
  });
});
