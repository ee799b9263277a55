import { createDataFrame, FieldType, type DataFrame } from '@grafana/data';

import { isTransactionFrame, seriesColumns } from './points';

const frame = createDataFrame({
  fields: [
    { name: 'endTime', type: FieldType.time, values: [1000, 2000, 3000, null] },
    { name: 'elapsed', type: FieldType.number, values: [12, 340, 5, 7] },
    { name: 'service', type: FieldType.string, values: ['a', 'b', 'a', 'b'] },
    { name: 'status', type: FieldType.string, values: ['ok', 'error', 'ok', 'error'] },
    { name: 'sqlTime', type: FieldType.number, values: [1, null, 2, 3] },
    { name: 'apiCallTime', type: FieldType.number, values: [0, 300, 0, 0] },
  ],
});

const later = createDataFrame({
  fields: [
    { name: 'endTime', type: FieldType.time, values: [4000, 5000] },
    { name: 'elapsed', type: FieldType.number, values: [50, 60] },
    { name: 'service', type: FieldType.string, values: ['c', 'a'] },
    { name: 'status', type: FieldType.string, values: ['error', 'ok'] },
  ],
});

const density = createDataFrame({
  meta: { custom: { density: true } },
  fields: [
    { name: 'time', type: FieldType.time, values: [0] },
    { name: 'endTime', type: FieldType.time, values: [0] },
    { name: 'elapsed', type: FieldType.number, values: [0] },
  ],
});

const list = (a: ArrayLike<number> | undefined) => Array.from(a ?? []);

describe('seriesColumns', () => {
  it('reads one frame into typed columns, skipping rows without a time', () => {
    const cols = seriesColumns([frame])!;
    expect(cols.count).toBe(3);
    expect(cols.x).toBeInstanceOf(Float64Array);
    expect(list(cols.x)).toEqual([1000, 2000, 3000]);
    expect(list(cols.elapsed)).toEqual([12, 340, 5]);
    expect(list(cols.y.sqlTime)).toEqual([1, NaN, 2]);
    expect(list(cols.y.apiCallTime)).toEqual([0, 300, 0]);
    expect(cols.y.cpuTime).toBeUndefined();
    expect(list(cols.error)).toEqual([0, 1, 0]);
    expect(cols.errorCount).toBe(1);
    expect(cols.services).toEqual(['a', 'b']);
    expect(list(cols.service)).toEqual([0, 1, 0]);
    expect(list(cols.row)).toEqual([0, 1, 2]);
  });

  it('joins appended frames with one service index, NaN where a frame lacks a y field', () => {
    const cols = seriesColumns([frame, later])!;
    expect(list(cols.x)).toEqual([1000, 2000, 3000, 4000, 5000]);
    expect(cols.services).toEqual(['a', 'b', 'c']);
    expect(list(cols.service)).toEqual([0, 1, 0, 2, 0]);
    expect(list(cols.y.sqlTime)).toEqual([1, NaN, 2, NaN, NaN]);
    expect(list(cols.frame)).toEqual([0, 0, 0, 1, 1]);
    expect(list(cols.row)).toEqual([0, 1, 2, 0, 1]);
    expect(cols.errorCount).toBe(2);
  });

  it.each([
    [5, [1000, 2000, 3000, 4000, 5000]],
    [3, [3000, 4000, 5000]],
    [2, [4000, 5000]],
    [1, [5000]],
  ])('keeps the last %p dots of a bounded live buffer', (max, xs) => {
    const cols = seriesColumns([frame, later], max)!;
    expect(list(cols.x)).toEqual(xs);
    expect(cols.count).toBe(xs.length);
    expect(cols.errorCount).toBe(list(cols.error).filter(Boolean).length);
  });

  it('reads a frame again when it grew in place (a streaming frame)', () => {
    const growing: DataFrame = {
      length: 1,
      fields: [
        { name: 'endTime', type: FieldType.time, config: {}, values: [1] },
        { name: 'elapsed', type: FieldType.number, config: {}, values: [2] },
      ],
    };
    expect(seriesColumns([growing])!.count).toBe(1);
    growing.fields[0].values.push(3);
    growing.fields[1].values.push(4);
    growing.length = 2;
    expect(list(seriesColumns([growing])!.x)).toEqual([1, 3]);
  });

  it.each([
    ['no frames', []],
    [
      'a frame without elapsed',
      [createDataFrame({ fields: [{ name: 'endTime', type: FieldType.time, values: [1] }] })],
    ],
    ['only a density frame', [density]],
  ])('is undefined with %s', (_case, series) => {
    expect(seriesColumns(series as DataFrame[])).toBeUndefined();
  });

  it('tells transaction frames from density frames', () => {
    expect([frame, density].map(isTransactionFrame)).toEqual([true, false]);
  });
});
