/** The capacity query through query() against the fake backend. */
import type { DataFrame } from '@grafana/data';
import { CAPACITY_FRAME, type CapacityResponse } from '@osprey/model';

import { answer, queryRequest, RANGE, testDataSource } from './testing/query-request';

const row = (service: string, measured?: number) => ({
  service,
  instance: `${service}-1`,
  requests: 1200,
  throughput: 20,
  meanResponseMs: 250,
  concurrency: 5,
  ...(measured === undefined ? {} : { measuredConcurrency: measured }),
  maxThroughput: 200,
  utilisationPercent: 10,
});

it('capacity: one row per instance of each chosen service, the limit passed on', async () => {
  const { ds, backend } = testDataSource({ service: ['cart', 'shop'] });
  backend.on('/api/v1/health/capacity', (request) => ({
    json: {
      from: RANGE.from,
      to: RANGE.to,
      concurrencyLimit: 50,
      instances: [row(request.params.service, request.params.service === 'shop' ? 5 : undefined)],
    } satisfies CapacityResponse,
  }));
  const [frame] = (
    await answer(ds, queryRequest([{ queryType: 'capacity', service: '$service', concurrencyLimit: 50 }]))
  ).data as DataFrame[];
  expect(backend.requests.map((r) => [r.params.service, r.params.concurrencyLimit])).toEqual([
    ['cart', '50'],
    ['shop', '50'],
  ]);
  expect(frame.name).toBe(CAPACITY_FRAME);
  const fields = Object.fromEntries(frame.fields.map((f) => [f.name, f.values]));
  expect(fields).toMatchObject({
    service: ['cart', 'shop'],
    concurrency: [5, 5],
    measuredConcurrency: [null, 5],
    maxThroughput: [200, 200],
  });
});
