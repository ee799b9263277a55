import { createDataFrame, FieldType } from '@grafana/data';

import { paintDots, STATUS_PAINT } from './paint';
import { seriesColumns } from './points';

const cols = seriesColumns([
  createDataFrame({
    fields: [
      { name: 'endTime', type: FieldType.time, values: [1, 2, 3, 4, 5] },
      { name: 'elapsed', type: FieldType.number, values: [10, 5000, 20, 9000, 3000] },
      { name: 'service', type: FieldType.string, values: ['a', 'b', 'a', 'a', 'c'] },
      { name: 'status', type: FieldType.string, values: ['ok', 'ok', 'error', 'error', 'ok'] },
    ],
  }),
])!;

describe('paintDots', () => {
  const { ok, slow, error } = STATUS_PAINT;
  it.each([
    [3000, [ok, slow, error, error, slow], [1, 2, 2]],
    [6000, [ok, ok, error, error, ok], [3, 0, 2]],
    [0, [ok, ok, error, error, ok], [3, 0, 2]],
  ])('status colouring with slow threshold %p', (threshold, paint, counts) => {
    const p = paintDots(cols, 'status', threshold);
    expect(Array.from(p.index)).toEqual(paint);
    expect(p.entries.map((e) => e.key)).toEqual(['ok', 'slow', 'error']);
    expect(p.entries.map((e) => e.count)).toEqual(counts);
  });

  it('service colouring: one paint per service, errors above them all', () => {
    const p = paintDots(cols, 'service', 3000);
    expect(Array.from(p.index)).toEqual([1, 2, 4, 4, 3]);
    expect(p.entries).toEqual([
      { key: 'service:a', label: 'a', count: 1 },
      { key: 'service:b', label: 'b', count: 1 },
      { key: 'service:c', label: 'c', count: 1 },
      { key: 'error', label: 'error', count: 2 },
    ]);
  });
});
