/** The SLO query through query() against the fake backend: the range's end asked for, one row per SLO. */
import type { DataFrame } from '@grafana/data';
import { SLO_FRAME, type SloStatus, type SlosResponse } from '@osprey/model';

import { answer, queryRequest, RANGE, testDataSource } from './testing/query-request';

const DAY = 86_400_000;

const status = (name: string, figures: Partial<SloStatus>, endpoint?: string): SloStatus => ({
  definition: {
    name,
    service: 'pay',
    ...(endpoint === undefined ? {} : { endpoint }),
    objective: 'availability',
    target: 99,
    window: '30d',
    windowMs: 30 * DAY,
  },
  from: RANGE.to - 30 * DAY,
  to: RANGE.to,
  total: 0,
  good: 0,
  bad: 0,
  sli: null,
  budget: 0,
  budgetRemaining: null,
  burnRate: null,
  ...figures,
});

it('slos: asks for the budgets up to the range’s end and answers one row per SLO, null without traffic', async () => {
  const { ds, backend } = testDataSource();
  const spent = { total: 1000, good: 995, bad: 5, sli: 99.5, budget: 10, budgetRemaining: 50, burnRate: 0.5 };
  backend.on('/api/v1/slos', () => ({
    json: { slos: [status('pay-up', spent, 'POST /pay'), status('idle', {})] } satisfies SlosResponse,
  }));
  const [frame] = (await answer(ds, queryRequest([{ queryType: 'slos' }]))).data as DataFrame[];
  expect(backend.requests.map((r) => r.params)).toEqual([{ to: String(RANGE.to) }]);
  expect(frame.name).toBe(SLO_FRAME.name);
  expect(frame.fields.map((f) => f.name)).toEqual(SLO_FRAME.fields);
  // Rows in SLO_FRAME.fields' order: slo … window, then sli, budgetRemaining, burnRate, total, bad, budget.
  const rows = frame.fields[0].values.map((_, i) => frame.fields.map((f) => f.values[i]));
  expect(rows).toEqual([
    ['pay-up', 'pay', 'POST /pay', 'availability', 99, '30d', 99.5, 50, 0.5, 1000, 5, 10],
    ['idle', 'pay', null, 'availability', 99, '30d', null, null, null, 0, 0, 0],
  ]);
  const unit = (name: string) => frame.fields.find((f) => f.name === name)!.config.unit;
  expect(['target', 'sli', 'budgetRemaining', 'burnRate'].map(unit)).toEqual([
    'percent',
    'percent',
    'percent',
    undefined,
  ]);
});
