import { DEFAULT_TRANSACTION_LIMIT } from '@osprey/model';

import {
  adhocFilters,
  combinations,
  filterValues,
  MAX_FAN_OUT,
  MULTI_SEPARATOR,
  redStep,
  transactionParams,
} from './params';
import { interpolateQuery } from './template';
import type { OspreyQuery } from './types';

const variables: Record<string, string> = { $trace: 'abc123', $user: 'u-7', $none: '' };
const interpolate = (v: string) => v.replace(/\$\w+/g, (name) => variables[name] ?? name);
const templateSrv = {
  replace: (v = '') => interpolate(v),
  getVariables: () => [],
  containsTemplate: () => false,
  updateTimeRange: () => {},
};
const q = (over: Partial<OspreyQuery>): OspreyQuery => ({ refId: 'A', queryType: 'xlog', ...over });

describe('filterValues', () => {
  const many = (...v: string[]) => v.join(MULTI_SEPARATOR);
  it.each([
    ['empty', '', undefined],
    ['blank', '  ', undefined],
    ['one value', 'orders', ['orders']],
    ['trimmed', ' orders ', ['orders']],
    ['a multi-value selection', many('orders', 'payments'), ['orders', 'payments']],
    ['duplicates once', many('a', 'a'), ['a']],
    ['empty parts dropped', many('a', '', 'b'), ['a', 'b']],
    ['All as $__all', '$__all', undefined],
    ['All as a custom all value *', '*', undefined],
    ['All among values', many('a', '$__all'), undefined],
  ])('%s', (_name, text, expected) => {
    expect(filterValues(text)).toEqual(expected);
  });
});

describe('combinations', () => {
  it.each([
    ['no filters', {}, [{}]],
    ['undefined filters are left out', { service: undefined }, [{}]],
    ['one value', { service: ['a'] }, [{ service: 'a' }]],
    [
      'cross product',
      { service: ['a', 'b'], endpoint: ['x'], instance: undefined },
      [
        { service: 'a', endpoint: 'x' },
        { service: 'b', endpoint: 'x' },
      ],
    ],
  ])('%s', (_name, filters, expected) => {
    expect(combinations(filters)).toEqual(expected);
  });

  it('refuses more requests than MAX_FAN_OUT with a message naming the count', () => {
    const values = Array.from({ length: 6 }, (_v, i) => `v${i}`);
    expect(() => combinations({ service: values, endpoint: values })).toThrow(
      `make 36 filter combinations; Osprey queries at most ${MAX_FAN_OUT} at once`
    );
  });
});

describe('adhocFilters', () => {
  it.each([
    ['none', undefined, {}],
    ['service', [{ key: 'service', operator: '=', value: 'orders' }], { service: 'orders' }],
    [
      'all four',
      [
        { key: 'service', operator: '=', value: 's' },
        { key: 'instance', operator: '=', value: 'i' },
        { key: 'endpoint', operator: '=', value: 'GET /' },
        { key: 'status', operator: '=', value: 'error' },
      ],
      { service: 's', instance: 'i', endpoint: 'GET /', status: 'error' },
    ],
  ])('%s', (_name, filters, expected) => {
    expect(adhocFilters(filters)).toEqual(expected);
  });

  it.each([
    [{ key: 'host', operator: '=', value: 'x' }, 'Ad hoc filter "host" is unknown to Osprey'],
    [{ key: 'service', operator: '!=', value: 'x' }, 'support only "="'],
    [{ key: 'status', operator: '=', value: 'slow' }, 'status is "ok" or "error"'],
  ])('%p is refused: %s', (filter, message) => {
    expect(() => adhocFilters([filter])).toThrow(message);
  });
});

describe('transactionParams', () => {
  it.each([
    ['no filters', q({}), { limit: String(DEFAULT_TRANSACTION_LIMIT) }],
    ['min elapsed', q({ minElapsed: 250 }), { minElapsed: '250' }],
    ['zero min elapsed is no filter', q({ minElapsed: 0 }), {}],
    ['errors only', q({ errorsOnly: true }), { errorsOnly: 'true' }],
    ['errors only off', q({ errorsOnly: false }), {}],
    ['explicit limit', q({ limit: 50 }), { limit: '50' }],
    ['trace id variable', q({ traceId: '$trace' }), { traceId: 'abc123' }],
    ['user id variable', q({ userId: '$user' }), { userId: 'u-7' }],
    ['empty variable drops the filter', q({ userId: '$none' }), {}],
    ['density mode', q({ mode: 'density' }), { mode: 'density' }],
    ['auto mode', q({ mode: 'auto' }), { mode: 'auto' }],
    ['rows mode is the default and left out', q({ mode: 'rows' }), {}],
    ['live queries always fetch rows', q({ mode: 'density', live: true }), {}],
  ])('%s', (_name, query, expected) => {
    const params = transactionParams(interpolateQuery(templateSrv, query, {}), 1000.7, 2000.2);
    expect(params).toMatchObject({ from: '1000', to: '2001', ...expected });
    const optional = ['minElapsed', 'errorsOnly', 'traceId', 'userId', 'mode'];
    for (const key of optional.filter((k) => !(k in expected))) {
      expect(params).not.toHaveProperty(key);
    }
  });
});

describe('redStep', () => {
  const hour = 3_600_000;
  it.each([
    ['Grafana interval', 0, hour, 15_000, 1000, 15_000],
    ['widened to max data points', 0, hour, 1000, 100, 36_000],
    ['rounded up to whole seconds', 0, 10_000, 1500, undefined, 2000],
    ['never below a second', 0, 1000, 10, 10_000, 1000],
    ['no hints at all', 0, hour, undefined, undefined, 1000],
  ])('%s', (_name, from, to, intervalMs, maxDataPoints, step) => {
    expect(redStep(from, to, intervalMs, maxDataPoints)).toBe(step);
  });
});
