import { dateTime, type DataQueryRequest } from '@grafana/data';

import { boxRequest } from './fetch';
import { BOX_FETCH_LIMIT } from './types';

const request = {
  requestId: 'q1',
  targets: [
    { refId: 'A', hide: true },
    { refId: 'B', queryType: 'xlog', service: 'shop', mode: 'auto', live: true, datasource: { uid: 'osprey' } },
  ],
  range: { from: dateTime(0), to: dateTime(10_000), raw: { from: 'now-1h', to: 'now' } },
} as unknown as DataQueryRequest;

describe('boxRequest', () => {
  it.each([
    [
      { from: 1000.4, to: 2000.2, low: 10.5, high: 99.2 },
      { minElapsed: 10, maxElapsed: 100 },
    ],
    [{ from: 1000, to: 2000, low: -Infinity, high: Infinity }, {}],
  ])('narrows the panel query to box %p', (box, bounds) => {
    const r = boxRequest(request, box);
    expect(r.range.from.valueOf()).toBe(Math.floor(box.from));
    expect(r.range.to.valueOf()).toBe(Math.ceil(box.to));
    expect(r.targets).toEqual([
      {
        refId: 'box',
        queryType: 'xlog',
        service: 'shop',
        datasource: { uid: 'osprey' },
        mode: 'rows',
        columns: 'all',
        live: false,
        limit: BOX_FETCH_LIMIT,
        ...bounds,
      },
    ]);
  });
});
