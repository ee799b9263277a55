import { FieldType } from '@grafana/data';
import { XLOG_DOT_COLUMNS, type Transaction } from '@osprey/model';

import { concatFrames } from './concat-frames';
import { arrowWindow } from './testing/arrow-window';
import { keepRows, textAt, windowToFrame } from './window-frame';

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
const rows = [
  tx({}),
  tx({ status: 'error', httpStatus: undefined, elapsed: 900, service: 'payments', endTime: 1_763_800_000_200 }),
  tx({ service: 'orders', endTime: 1_763_800_000_300, elapsed: 7 }),
];
const text = (frame: ReturnType<typeof windowToFrame>, name: string) => {
  const field = frame.fields.find((f) => f.name === name);
  return Array.from({ length: frame.length }, (_, i) => textAt(field, i));
};

describe('windowToFrame', () => {
  const dots = windowToFrame('A', arrowWindow(rows, XLOG_DOT_COLUMNS, { matched: 10, truncated: true }), ds);

  it('keeps the columns asked for, times and numbers as typed arrays, strings as enums', () => {
    expect(dots.fields.map((f) => [f.name, f.type])).toEqual([
      ['endTime', FieldType.time],
      ['elapsed', FieldType.number],
      ['service', FieldType.enum],
      ['status', FieldType.enum],
    ]);
    const [endTime, elapsed, , status] = dots.fields;
    expect(endTime.values).toBeInstanceOf(Float64Array);
    expect(elapsed.values).toBeInstanceOf(Float32Array);
    expect(status.values).toBeInstanceOf(Int8Array);
    expect(Array.from(endTime.values)).toEqual([1_763_800_000_123.5, 1_763_800_000_200, 1_763_800_000_300]);
    expect(Array.from(elapsed.values)).toEqual([42.25, 900, 7]);
    expect(text(dots, 'status')).toEqual(['ok', 'error', 'ok']);
    expect(text(dots, 'service')).toEqual(['orders', 'payments', 'orders']);
    expect(elapsed.config.unit).toBe('ms');
  });

  it('carries matched and truncated as frame meta', () => {
    expect(dots.meta?.custom).toEqual({ matched: 10, truncated: true });
    expect(dots.name).toBe('transactions');
    expect(dots.refId).toBe('A');
  });

  it('joins the codes of several record batches, whatever their dictionaries', () => {
    const frame = windowToFrame('A', arrowWindow(rows, XLOG_DOT_COLUMNS, { batches: 3 }), ds);
    expect(frame.length).toBe(3);
    expect(text(frame, 'service')).toEqual(['orders', 'payments', 'orders']);
    expect(Array.from(frame.fields[0].values)).toEqual(rows.map((t) => t.endTime));
  });

  it('reads every field, nulls as nulls, and links trace ids to Explore', () => {
    const all = windowToFrame('A', arrowWindow(rows), ds);
    const httpStatus = all.fields.find((f) => f.name === 'httpStatus')!;
    expect(Array.from(httpStatus.values)).toEqual([200, null, 200]);
    expect(text(all, 'traceId')).toEqual(rows.map((t) => t.traceId));
    expect(text(all, 'kind')).toEqual(['web', 'web', 'web']);
    const link = all.fields.find((f) => f.name === 'traceId')!.config.links![0];
    expect(link.internal).toMatchObject({
      datasourceUid: 'osprey-uid',
      query: { queryType: 'trace', traceId: '${__value.raw}' },
    });
  });

  it('reads an empty answer', () => {
    const empty = windowToFrame('B', arrowWindow([], XLOG_DOT_COLUMNS), ds);
    expect(empty.length).toBe(0);
    expect(empty.fields.map((f) => f.name)).toEqual([...XLOG_DOT_COLUMNS]);
  });
});

describe('keepRows and concatFrames', () => {
  const a = windowToFrame('A', arrowWindow(rows, XLOG_DOT_COLUMNS), ds);
  const b = windowToFrame('A', arrowWindow([tx({ service: 'stock', status: 'error' })], XLOG_DOT_COLUMNS), ds);

  it('keeps typed columns typed when narrowing', () => {
    const status = a.fields.find((f) => f.name === 'status');
    const ok = keepRows(a, (i) => textAt(status, i) === 'ok');
    expect(ok.length).toBe(2);
    expect(ok.fields[0].values).toBeInstanceOf(Float64Array);
    expect(text(ok, 'service')).toEqual(['orders', 'orders']);
  });

  it('joins frames with different dictionaries into one', () => {
    const joined = concatFrames([a, b]);
    expect(joined.length).toBe(4);
    expect(text(joined, 'service')).toEqual(['orders', 'payments', 'orders', 'stock']);
    expect(text(joined, 'status')).toEqual(['ok', 'error', 'ok', 'error']);
    expect(joined.fields[1].values).toBeInstanceOf(Float32Array);
  });
});
