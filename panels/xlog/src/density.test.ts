import { createDataFrame, FieldType } from '@grafana/data';

import { cellAlpha, cellsInBox, densityCells } from './density';

const frame = createDataFrame({
  meta: { custom: { density: true } },
  fields: [
    { name: 'time', type: FieldType.time, values: [0, 0, 1000] },
    { name: 'timeEnd', type: FieldType.time, values: [1000, 1000, 2000] },
    { name: 'elapsedLow', type: FieldType.number, values: [1, 10, 1] },
    { name: 'elapsedHigh', type: FieldType.number, values: [10, 100, 10] },
    { name: 'count', type: FieldType.number, values: [50, 3, 20] },
    { name: 'errors', type: FieldType.number, values: [0, 2, 1] },
  ],
});

describe('densityCells', () => {
  it('reads the agreed fields and totals them', () => {
    const cells = densityCells([frame])!;
    expect(cells.count).toBe(3);
    expect(Array.from(cells.high)).toEqual([10, 100, 10]);
    expect({ max: cells.max, total: cells.total, totalErrors: cells.totalErrors }).toEqual({
      max: 50,
      total: 73,
      totalErrors: 3,
    });
  });

  it.each([
    ['no density frame', [createDataFrame({ fields: [{ name: 'time', type: FieldType.time, values: [1] }] })]],
    [
      'a density frame missing a field',
      [
        createDataFrame({
          meta: { custom: { density: true } },
          fields: [{ name: 'time', type: FieldType.time, values: [] }],
        }),
      ],
    ],
  ])('is undefined with %s', (_case, series) => {
    expect(densityCells(series)).toBeUndefined();
  });
});

describe('cellsInBox', () => {
  const cells = densityCells([frame])!;
  it.each([
    ['everything', { from: 0, to: 2000, low: -Infinity, high: Infinity }, { cells: 3, transactions: 73, errors: 3 }],
    [
      'the first second, slow half',
      { from: 100, to: 900, low: 20, high: 50 },
      { cells: 1, transactions: 3, errors: 2 },
    ],
    ['the second second', { from: 1500, to: 1600, low: 0, high: 1000 }, { cells: 1, transactions: 20, errors: 1 }],
    ['nothing', { from: 3000, to: 4000, low: 0, high: 1000 }, { cells: 0, transactions: 0, errors: 0 }],
  ])('%s', (_case, box, want) => {
    expect(cellsInBox(cells, box)).toEqual(want);
  });
});

describe('cellAlpha', () => {
  it.each([
    [0, 100, 0],
    [100, 100, 1],
    [1, 100, 0.2 + (0.8 * Math.log(2)) / Math.log(101)],
  ])('count %p of max %p → %p', (count, max, alpha) => {
    expect(cellAlpha(count, max)).toBeCloseTo(alpha, 9);
  });
});
