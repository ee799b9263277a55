import { FieldType, type DataFrame } from '@grafana/data';
import type { RedPoint, RedResponse } from '@osprey/model';

import { redToFrames } from './red-frames';
import { answer, queryRequest, testDataSource } from './testing/query-request';

const point = (time: number, band?: Partial<RedPoint>): RedPoint => ({
  time,
  count: 60,
  rate: 1,
  errors: 3,
  errorRatio: 0.05,
  p50: 10,
  p90: 40,
  p95: 60,
  p99: 90,
  ...band,
});

const res: RedResponse = {
  step: 60_000,
  tier: 'rollup',
  series: [
    {
      service: 'shop',
      points: [
        point(0, {
          rateLower: 0.5,
          rateUpper: 1.5,
          errorRatioLower: 0,
          errorRatioUpper: 0.02,
          p95Lower: 40,
          p95Upper: 80,
        }),
        // Too little history for this hour: no band fields.
        point(60_000),
      ],
    },
  ],
};

const byName = (frame: DataFrame) => Object.fromEntries(frame.fields.map((f) => [f.name, f]));

describe('RED frames with the anomaly band', () => {
  const [frame] = redToFrames('A', res, { from: 0, to: 180_000 }, ['rate', 'errorPercent', 'p95', 'p99'], true);

  it('puts lower and upper fields beside each banded metric, none beside the others', () => {
    expect(frame.fields.map((f) => f.name)).toEqual([
      'time',
      'rate',
      'rateLower',
      'rateUpper',
      'errorPercent',
      'errorPercentLower',
      'errorPercentUpper',
      'p95',
      'p95Lower',
      'p95Upper',
      'p99',
    ]);
    expect(frame.fields.slice(1).every((f) => f.type === FieldType.number && f.labels?.service === 'shop')).toBe(true);
  });

  it('carries the band in the metric’s own unit, null where there is none (no history, idle step)', () => {
    const fields = byName(frame);
    expect(fields.rateLower.values).toEqual([0.5, null, null]);
    expect(fields.rateUpper.values).toEqual([1.5, null, null]);
    expect(fields.errorPercentUpper.values).toEqual([2, null, null]);
    expect(fields.p95Lower.values).toEqual([40, null, null]);
    expect(fields.errorPercentUpper.config.unit).toBe('percent');
  });

  it('fills the upper line down to the lower one by its display name, neither line drawn nor in the legend', () => {
    const fields = byName(frame);
    for (const metric of ['rate', 'errorPercent', 'p95']) {
      const lower = fields[`${metric}Lower`].config;
      const upper = fields[`${metric}Upper`].config;
      expect(upper.custom?.fillBelowTo).toBe(lower.displayNameFromDS);
      expect(lower.displayNameFromDS).toBe(`${fields[metric].config.displayNameFromDS} lower`);
      for (const config of [lower, upper]) {
        expect(config.custom).toMatchObject({ lineWidth: 0, hideFrom: { legend: true } });
      }
    }
  });

  it('has no band fields unless asked', () => {
    const [plain] = redToFrames('A', res, { from: 0, to: 180_000 }, ['rate', 'p95']);
    expect(plain.fields.map((f) => f.name)).toEqual(['time', 'rate', 'p95']);
  });
});

it('a RED query with redBand asks the backend for band=true and draws the band fields', async () => {
  const { ds, backend } = testDataSource();
  backend.on('/api/v1/metrics/red', { json: res });
  const got = await answer(ds, queryRequest([{ queryType: 'red', redMetrics: ['p95'], redBand: true }]));
  expect(backend.requests[0].params).toMatchObject({ band: 'true', groupBy: 'service' });
  expect((got.data as DataFrame[])[0].fields.map((f) => f.name)).toEqual(['time', 'p95', 'p95Lower', 'p95Upper']);
});
