import { FieldType } from '@grafana/data';
import type { Trace, Transaction } from '@osprey/model';

import { nanosToMillis, traceToFrame, transactionsToFrame } from './frames';

const tx = (over: Partial<Transaction>): Transaction => ({
  endTime: 1_763_800_000_123.5,
  elapsed: 42.25,
  service: 'orders',
  instance: 'orders-1',
  endpoint: 'GET /orders',
  status: 'ok',
  httpStatus: 200,
  traceId: '0af7651916cd43dd8448eb211c80319c',
  spanId: 'b7ad6b7169203331',
  sqlCount: 2,
  sqlTime: 10,
  apiCallCount: 1,
  apiCallTime: 20,
  kind: 'web',
  ...over,
});

const ds = { uid: 'osprey-uid', type: 'osprey-apm-datasource' };

describe('transactionsToFrame', () => {
  const rows = [tx({}), tx({ status: 'error', httpStatus: undefined, elapsed: 900, service: 'payments' })];
  const frame = transactionsToFrame('A', rows, ds);

  it('has the contract fields in order with their types', () => {
    expect(frame.fields.map((f) => [f.name, f.type])).toEqual([
      ['endTime', FieldType.time],
      ['elapsed', FieldType.number],
      ['service', FieldType.string],
      ['instance', FieldType.string],
      ['endpoint', FieldType.string],
      ['status', FieldType.string],
      ['httpStatus', FieldType.number],
      ['traceId', FieldType.string],
      ['spanId', FieldType.string],
      ['sqlCount', FieldType.number],
      ['sqlTime', FieldType.number],
      ['apiCallCount', FieldType.number],
      ['apiCallTime', FieldType.number],
    ]);
  });

  it('keeps refId, row values and leaves the visualisation to the user', () => {
    expect(frame.refId).toBe('A');
    expect(frame.length).toBe(2);
    expect(frame.meta?.preferredVisualisationType).toBeUndefined();
    const byName = Object.fromEntries(frame.fields.map((f) => [f.name, f.values]));
    expect(byName.endTime).toEqual([1_763_800_000_123.5, 1_763_800_000_123.5]);
    expect(byName.elapsed).toEqual([42.25, 900]);
    expect(byName.status).toEqual(['ok', 'error']);
    expect(byName.service).toEqual(['orders', 'payments']);
    expect(byName.httpStatus).toEqual([200, null]);
  });

  it('marks times in ms', () => {
    const units = Object.fromEntries(frame.fields.map((f) => [f.name, f.config.unit]));
    expect(units).toMatchObject({ elapsed: 'ms', sqlTime: 'ms', apiCallTime: 'ms' });
  });

  it('links each trace id to a trace query on the same datasource', () => {
    const link = frame.fields.find((f) => f.name === 'traceId')!.config.links![0];
    expect(link.internal).toMatchObject({
      datasourceUid: 'osprey-uid',
      query: { queryType: 'trace', traceId: '${__value.raw}' },
    });
  });

  it('builds an empty frame with the same fields for no transactions', () => {
    const empty = transactionsToFrame('B', [], ds);
    expect(empty.length).toBe(0);
    expect(empty.fields).toHaveLength(13);
  });
});

describe('nanosToMillis', () => {
  it.each([
    ['1763800000123456789', 1_763_800_000_123.456],
    ['1500000', 1.5],
    ['999', 0],
  ])('%p ns → %p ms', (ns, ms) => {
    expect(nanosToMillis(ns)).toBe(ms);
  });
});

describe('traceToFrame', () => {
  const trace: Trace = {
    traceId: 't1',
    spans: [
      {
        traceId: 't1',
        spanId: 's1',
        name: 'GET /orders',
        kind: 'server',
        startTimeUnixNano: '1763800000000000000',
        durationNano: '25000000',
        status: 'error',
        service: 'orders',
        resource: { 'service.name': 'orders' },
        attributes: { 'http.response.status_code': 500 },
        events: [],
      },
      {
        traceId: 't1',
        spanId: 's2',
        parentSpanId: 's1',
        name: 'SELECT orders',
        kind: 'client',
        startTimeUnixNano: '1763800000001000000',
        durationNano: '3000000',
        status: 'unset',
        service: 'orders',
        resource: {},
        attributes: {},
        events: [],
      },
    ],
  };

  it('gives Grafana trace fields with ms times and parent links', () => {
    const frame = traceToFrame('A', trace);
    expect(frame.meta?.preferredVisualisationType).toBe('trace');
    const byName = Object.fromEntries(frame.fields.map((f) => [f.name, f.values]));
    expect(byName.spanID).toEqual(['s1', 's2']);
    expect(byName.parentSpanID).toEqual([null, 's1']);
    expect(byName.startTime).toEqual([1_763_800_000_000, 1_763_800_000_001]);
    expect(byName.duration).toEqual([25, 3]);
    expect(byName.statusCode).toEqual([2, 0]);
    expect(byName.tags[0]).toEqual([{ key: 'http.response.status_code', value: 500 }]);
  });
});
