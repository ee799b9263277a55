/** The checks and checkRuns queries through query() against the fake backend. */
import type { DataFrame } from '@grafana/data';
import { CHECK_FRAMES, type CheckRun, type ChecksResponse } from '@osprey/model';

import { answer, queryRequest, RANGE, testDataSource } from './testing/query-request';

const byName = (frame: DataFrame) => Object.fromEntries(frame.fields.map((f) => [f.name, f.values]));

const run = (check: string, startedAt: number, up: boolean, extra: Partial<CheckRun> = {}): CheckRun => ({
  check,
  kind: 'http',
  url: `http://${check}/`,
  location: 'osprey-1',
  startedAt,
  durationMs: 10,
  up,
  phases: { connect: 1, firstByte: 8 },
  ...(up ? { httpStatus: 200 } : { failure: 'refused', message: `connection refused by ${check}` }),
  ...extra,
});

const definition = (name: string) => ({
  name,
  kind: 'http' as const,
  url: `http://${name}/`,
  method: 'GET',
  intervalMs: 30_000,
  timeoutMs: 10_000,
});

const t = RANGE.from;
const RUNS: CheckRun[] = [
  run('shop', t + 3000, false),
  run('cart', t + 2000, true),
  run('shop', t + 1000, true),
  run('shop', t, true),
];
const CHECKS: ChecksResponse = {
  checks: [
    { definition: definition('cart'), lastRun: RUNS[1] },
    { definition: definition('new') },
    { definition: definition('shop'), lastRun: RUNS[0] },
  ],
};

it('checks: one row per check with its newest run and the uptime of the range', async () => {
  const { ds, backend } = testDataSource();
  backend.on('/api/v1/checks', { json: CHECKS });
  backend.on('/api/v1/check-runs', { json: { runs: RUNS } });
  const [frame] = (await answer(ds, queryRequest([{ queryType: 'checks' }]))).data as DataFrame[];
  expect(backend.requests.find((r) => r.path === '/api/v1/check-runs')!.params).toEqual({
    from: String(RANGE.from),
    to: String(RANGE.to),
    limit: '10000',
  });
  expect(frame.name).toBe(CHECK_FRAMES.status);
  expect(byName(frame)).toMatchObject({
    check: ['cart', 'new', 'shop'],
    up: [1, null, 0],
    failure: [null, null, 'refused'],
    message: [null, null, 'connection refused by shop'],
    uptimePercent: [100, null, 200 / 3],
    runs: [1, 0, 3],
    firstByteMs: [8, null, 8],
  });
});

it('checks of one check: the variable-chosen name is the only row and the runs asked for', async () => {
  const { ds, backend } = testDataSource();
  backend.on('/api/v1/checks', { json: CHECKS });
  backend.on('/api/v1/check-runs', { json: { runs: RUNS.filter((r) => r.check === 'shop') } });
  const [frame] = (await answer(ds, queryRequest([{ queryType: 'checks', check: 'shop' }]))).data as DataFrame[];
  expect(backend.requests.find((r) => r.path === '/api/v1/check-runs')!.params.check).toBe('shop');
  expect(byName(frame).check).toEqual(['shop']);
});

it('checkRuns: one frame per check, oldest first, up as 1/0 named by the check', async () => {
  const { ds, backend } = testDataSource();
  backend.on('/api/v1/check-runs', { json: { runs: RUNS } });
  const frames = (await answer(ds, queryRequest([{ queryType: 'checkRuns' }]))).data as DataFrame[];
  expect(frames.map((f) => [f.name, byName(f).time, byName(f).up, f.fields[1].config.displayNameFromDS])).toEqual([
    [`${CHECK_FRAMES.runs} cart`, [t + 2000], [1], 'cart'],
    [`${CHECK_FRAMES.runs} shop`, [t, t + 1000, t + 3000], [1, 1, 0], 'shop'],
  ]);
});

it('a refused check-runs call fails the query with the backend message', async () => {
  const { ds, backend } = testDataSource();
  backend.on('/api/v1/check-runs', {
    status: 400,
    json: { error: 'bad_request', message: 'query parameter "from": must not be after "to"' },
  });
  const res = await answer(ds, queryRequest([{ queryType: 'checkRuns' }]));
  expect(res.errors?.[0].message).toContain('must not be after');
});

it('checks with a multi-value check variable: the chosen checks only, "All" none left out', async () => {
  const { ds, backend } = testDataSource({ check: ['cart', 'new'] });
  backend.on('/api/v1/checks', { json: CHECKS });
  backend.on('/api/v1/check-runs', { json: { runs: RUNS } });
  const [frame] = (await answer(ds, queryRequest([{ queryType: 'checks', check: '$check' }]))).data as DataFrame[];
  expect(backend.requests.find((r) => r.path === '/api/v1/check-runs')!.params.check).toBeUndefined();
  expect(byName(frame)).toMatchObject({ check: ['cart', 'new'], runs: [1, 0] });
});

it('checkRuns with the check variable on "All": every check', async () => {
  const { ds, backend } = testDataSource({ check: { all: ['cart', 'shop'], allValue: '' } });
  backend.on('/api/v1/check-runs', { json: { runs: RUNS } });
  const frames = (await answer(ds, queryRequest([{ queryType: 'checkRuns', check: '$check' }]))).data as DataFrame[];
  expect(backend.requests[0].params.check).toBeUndefined();
  expect(frames).toHaveLength(2);
});
