import { edgeLabel, fitLabel, formatMs, formatPercent, formatRate } from './format';
import { healthOf } from './health';
import { nodeUrl } from './links';
import { DEFAULT_OPTIONS } from './types';

it.each([
  [0.123, '0.12/s'],
  [12.34, '12.3/s'],
  [1234.5, '1235/s'],
])('formatRate(%s) = %s', (v, s) => expect(formatRate(v)).toBe(s));

it.each([
  [0, '0%'],
  [0.0004, '<0.1%'],
  [0.0123, '1.2%'],
  [0.25, '25%'],
])('formatPercent(%s) = %s', (v, s) => expect(formatPercent(v)).toBe(s));

it.each([
  [1.25, '1.3 ms'],
  [120.4, '120 ms'],
  [1530, '1.5 s'],
  [12_500, '13 s'],
])('formatMs(%s) = %s', (v, s) => expect(formatMs(v)).toBe(s));

it.each([
  [{ rate: 2, errorRatio: 0.05, p95: 30 }, '2.00/s · 5.0% err · p95 30 ms'],
  [{ rate: 2 }, '2.00/s'],
  [{}, ''],
])('edgeLabel(%j) = %s', (e, s) => expect(edgeLabel(e)).toBe(s));

it.each([
  ['short', 10, 'short'],
  ['exactly-10', 10, 'exactly-10'],
  ['much-too-long', 8, 'much-to…'],
])('fitLabel(%s, %d) = %s', (text, max, s) => expect(fitLabel(text, max)).toBe(s));

describe('healthOf with the default thresholds (1 % amber, 5 % red)', () => {
  it.each([
    [undefined, undefined, 0, 'unknown'],
    [0, undefined, 0, 'ok'],
    [0.0099, undefined, 0, 'ok'],
    [0.01, undefined, 0, 'warn'],
    [0.049, undefined, 0, 'warn'],
    [0.05, undefined, 0, 'crit'],
    [0.25, 10, 0, 'crit'],
    [0, 900, 0, 'ok'],
    [0, 900, 500, 'warn'],
    [0.3, 900, 500, 'crit'],
    [undefined, 100, 500, 'ok'],
  ])('error ratio %s, p95 %s, p95 threshold %s → %s', (ratio, p95, p95WarnMs, health) => {
    expect(healthOf(ratio, p95, { ...DEFAULT_OPTIONS, p95WarnMs })).toBe(health);
  });
});

describe('nodeUrl', () => {
  const node = { id: 'db:redis:cache', name: 'shop api', kind: 'database' as const };
  it.each([
    ['/d/osprey-service?var-service=${name}', '/d/osprey-service?var-service=shop%20api'],
    ['/explore?id=${id}&t=${type}&x=${__from}', '/explore?id=db%3Aredis%3Acache&t=database&x=${__from}'],
    ['  ', undefined],
  ])('%s → %s', (template, url) => expect(nodeUrl(template, node)).toBe(url));
});
