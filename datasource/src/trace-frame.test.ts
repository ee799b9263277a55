import type { Trace } from '@osprey/model';

import { nanosToMillis, traceToFrame } from './trace-frame';
import { TRACE_PANEL_FIELDS } from './panel-contracts.fixture';

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
        events: [{ name: 'exception', timeUnixNano: '1763800000002500000', attributes: { 'exception.type': 'E' } }],
        statusMessage: 'boom',
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

  it("has every field the Traces panel reads, with the types of Tempo's conversion", () => {
    const frame = traceToFrame('A', trace);
    expect(frame.fields.map((f) => [f.name, f.type])).toEqual(TRACE_PANEL_FIELDS);
  });

  it('gives Grafana trace fields with ms times and parent links', () => {
    const frame = traceToFrame('A', trace);
    expect(frame.refId).toBe('A');
    expect(frame.meta?.preferredVisualisationType).toBe('trace');
    const byName = Object.fromEntries(frame.fields.map((f) => [f.name, f.values]));
    expect(byName.spanID).toEqual(['s1', 's2']);
    expect(byName.parentSpanID).toEqual([null, 's1']);
    expect(byName.startTime).toEqual([1_763_800_000_000, 1_763_800_000_001]);
    expect(byName.duration).toEqual([25, 3]);
    expect(byName.statusCode).toEqual([2, 0]);
    expect(byName.tags[0]).toEqual([{ key: 'http.response.status_code', value: 500 }]);
    expect(byName.serviceTags).toEqual([[{ key: 'service.name', value: 'orders' }], []]);
    expect(byName.traceID).toEqual(['t1', 't1']);
    expect(byName.operationName).toEqual(['GET /orders', 'SELECT orders']);
    expect(byName.serviceName).toEqual(['orders', 'orders']);
    expect(byName.kind).toEqual(['server', 'client']);
    expect(byName.statusMessage).toEqual(['boom', null]);
  });

  it('turns span events into logs with ms timestamps and {key, value} fields', () => {
    const logs = traceToFrame('A', trace).fields.find((f) => f.name === 'logs')!.values;
    expect(logs).toEqual([
      [{ timestamp: 1_763_800_000_002.5, name: 'exception', fields: [{ key: 'exception.type', value: 'E' }] }],
      [],
    ]);
  });
});
