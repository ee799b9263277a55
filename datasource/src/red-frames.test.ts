import { FieldType } from '@grafana/data';
import type { RedResponse } from '@osprey/model';

import { fillSteps, redToFrames } from './red-frames';

const values = (frame: { fields: Array<{ name: string; values: unknown[] }> }) =>
  Object.fromEntries(frame.fields.map((f) => [f.name, f.values]));

describe('fillSteps', () => {
  const point = (time: number, count = 1) => ({
    time,
    count,
    rate: count,
    errors: 1,
    errorRatio: 1 / count,
    p50: 5,
    p90: 9,
    p95: 10,
    p99: 12,
  });
  it.each([
    ['fills idle steps with 0 rate, 0 % errors and no latency', [point(2000)], 1000, 4000, 1000, [1000, 2000, 3000]],
    ['keeps points off the step grid as they are', [point(1500)], 1000, 4000, 1000, [1500]],
    ['starts at the step containing from', [point(60_000)], 90_000, 180_000, 60_000, [60_000, 120_000]],
  ])('%s', (_name, points, from, to, step, times) => {
    const rows = fillSteps({ service: 's', points }, from, to, step);
    expect(rows.map((r) => r.time)).toEqual(times);
  });

  it('idle steps say "nothing happened", not "unknown" for rate and errors', () => {
    const rows = fillSteps({ service: 's', points: [point(2000, 4)] }, 1000, 3000, 1000);
    expect(rows).toEqual([
      { time: 1000, rate: 0, errorPercent: 0, p50: null, p90: null, p95: null, p99: null, apdex: null },
      { time: 2000, rate: 4, errorPercent: 25, p50: 5, p90: 9, p95: 10, p99: 12, apdex: null },
    ]);
  });
});

describe('redToFrames', () => {
  const res: RedResponse = {
    step: 60_000,
    tier: 'rollup',
    series: [
      {
        service: 'orders',
        endpoint: 'GET /orders',
        points: [{ time: 0, count: 120, rate: 2, errors: 6, errorRatio: 0.05, p50: 10, p90: 40, p95: 60, p99: 90 }],
      },
      {
        service: 'orders',
        endpoint: 'POST /orders',
        points: [{ time: 60_000, count: 60, rate: 1, errors: 0, errorRatio: 0, p50: 20, p90: 50, p95: 60, p99: 70 }],
      },
    ],
  };
  const frames = redToFrames('R', res, { from: 0, to: 120_000 });

  it('gives one time-series frame per group, labelled with the group', () => {
    expect(frames.map((f) => f.name)).toEqual(['orders GET /orders', 'orders POST /orders']);
    expect(frames[0].refId).toBe('R');
    expect(frames[0].fields.map((f) => [f.name, f.type, f.labels])).toEqual([
      ['time', FieldType.time, undefined],
      ...['rate', 'errorPercent', 'p50', 'p90', 'p99'].map((n) => [
        n,
        FieldType.number,
        { service: 'orders', endpoint: 'GET /orders' },
      ]),
    ]);
  });

  it('converts the error ratio to percent and fills idle steps on the step grid', () => {
    expect(values(frames[0])).toEqual({
      time: [0, 60_000],
      rate: [2, 0],
      errorPercent: [5, 0],
      p50: [10, null],
      p90: [40, null],
      p99: [90, null],
    });
  });

  it('sets units, legend names and the step for Grafana', () => {
    const config = Object.fromEntries(frames[1].fields.map((f) => [f.name, f.config]));
    expect(config.time.interval).toBe(60_000);
    expect(config.rate).toEqual({ unit: 'reqps', displayNameFromDS: 'rate orders POST /orders' });
    expect(config.errorPercent.unit).toBe('percent');
    expect(config.p99).toEqual({ unit: 'ms', displayNameFromDS: 'p99 orders POST /orders' });
    expect(frames[1].meta?.custom).toEqual({ step: 60_000, tier: 'rollup' });
  });

  it('keeps only the chosen metrics', () => {
    const [only] = redToFrames('R', res, { from: 0, to: 120_000 }, ['errorPercent', 'p99']);
    expect(only.fields.map((f) => f.name)).toEqual(['time', 'errorPercent', 'p99']);
  });

  it('gives no frames for no series', () => {
    expect(redToFrames('R', { ...res, series: [] }, { from: 0, to: 1 })).toEqual([]);
  });
});
