import { createDataFrame, FieldType } from '@grafana/data';

import { framePoints } from './points';

const frame = createDataFrame({
  fields: [
    { name: 'endTime', type: FieldType.time, values: [1000, 2000, 3000, null] },
    { name: 'elapsed', type: FieldType.number, values: [12, 340, 5, 7] },
    { name: 'status', type: FieldType.string, values: ['ok', 'error', 'ok', 'error'] },
    { name: 'sqlTime', type: FieldType.number, values: [1, null, 2, 3] },
    { name: 'apiCallTime', type: FieldType.number, values: [0, 300, 0, 0] },
  ],
});

describe('framePoints', () => {
  it.each([
    ['elapsed' as const, [1000, 2000, 3000], [12, 340, 5], [0, 1, 0], 1],
    ['sqlTime' as const, [1000, 3000], [1, 2], [0, 0], 0],
    ['apiCallTime' as const, [1000, 2000, 3000], [0, 300, 0], [0, 1, 0], 1],
  ])('y = %p skips rows missing a value', (yField, xs, ys, errors, errorCount) => {
    const pts = framePoints(frame, yField)!;
    expect(pts.count).toBe(xs.length);
    expect(Array.from(pts.x.subarray(0, pts.count))).toEqual(xs);
    expect(Array.from(pts.y.subarray(0, pts.count))).toEqual(ys);
    expect(Array.from(pts.error.subarray(0, pts.count))).toEqual(errors);
    expect(pts.errorCount).toBe(errorCount);
  });

  it('returns typed arrays, not objects per dot', () => {
    const pts = framePoints(frame, 'elapsed')!;
    expect(pts.x).toBeInstanceOf(Float64Array);
    expect(pts.y).toBeInstanceOf(Float64Array);
    expect(pts.error).toBeInstanceOf(Uint8Array);
  });

  it('treats rows without a status field as ok', () => {
    const f = createDataFrame({
      fields: [
        { name: 'endTime', type: FieldType.time, values: [1] },
        { name: 'elapsed', type: FieldType.number, values: [2] },
      ],
    });
    expect(framePoints(f, 'elapsed')).toMatchObject({ count: 1, errorCount: 0 });
  });

  it.each([
    ['no frame', undefined],
    ['no endTime', createDataFrame({ fields: [{ name: 'elapsed', type: FieldType.number, values: [1] }] })],
    ['no y field', createDataFrame({ fields: [{ name: 'endTime', type: FieldType.time, values: [1] }] })],
  ])('is undefined with %s', (_case, f) => {
    expect(framePoints(f, 'elapsed')).toBeUndefined();
  });
});
