import type { ScopedVars } from '@grafana/data';
import { DEFAULT_TRANSACTION_LIMIT } from '@osprey/model';

import { describeFetchError, transactionParams } from './datasource';
import type { OspreyQuery } from './types';

// Stands in for Grafana's template service: `$service` is a dashboard variable, `$all` one set to All ('').
const variables: Record<string, string> = { $service: 'orders', $all: '', $ep: 'GET /orders' };
const interpolate = (v: string, scoped?: ScopedVars) =>
  v.replace(/\$\w+/g, (name) => String(scoped?.[name.slice(1)]?.value ?? variables[name] ?? name));

const q = (over: Partial<OspreyQuery>): OspreyQuery => ({ refId: 'A', queryType: 'xlog', ...over });

describe('transactionParams', () => {
  it.each([
    ['no filters', q({}), { limit: String(DEFAULT_TRANSACTION_LIMIT) }],
    ['a variable service', q({ service: '$service' }), { service: 'orders' }],
    ['an "All" variable drops the filter', q({ service: '$all' }), {}],
    ['endpoint variable', q({ endpoint: '$ep' }), { endpoint: 'GET /orders' }],
    ['min elapsed', q({ minElapsed: 250 }), { minElapsed: '250' }],
    ['zero min elapsed is no filter', q({ minElapsed: 0 }), {}],
    ['errors only', q({ errorsOnly: true }), { errorsOnly: 'true' }],
    ['errors only off', q({ errorsOnly: false }), {}],
    ['explicit limit', q({ limit: 50 }), { limit: '50' }],
  ])('%s', (_name, query, expected) => {
    const params = transactionParams(query, 1000, 2000, interpolate);
    expect(params).toMatchObject({ from: '1000', to: '2000', ...expected });
    const filters = ['service', 'endpoint', 'minElapsed', 'errorsOnly'];
    for (const key of filters.filter((k) => !(k in expected))) {
      expect(params).not.toHaveProperty(key);
    }
  });

  it('prefers panel-scoped variables (repeat panels)', () => {
    const scoped: ScopedVars = { service: { text: 'payments', value: 'payments' } };
    expect(transactionParams(q({ service: '$service' }), 0, 1, interpolate, scoped).service).toBe('payments');
  });
});

describe('describeFetchError', () => {
  const fetchError = (status: number, message?: string) => ({ status, data: message ? { message } : {}, config: {} });
  it.each([
    [fetchError(401, 'unknown token'), /401.*token is missing or unknown.*unknown token/],
    [fetchError(403), /403.*read scope/],
    [fetchError(502), /unreachable.*Check the URL/],
    [fetchError(500, 'boom'), /HTTP 500: boom/],
    [new Error('socket hang up'), /failed: socket hang up/],
  ])('%p → %p', (err, pattern) => {
    expect(describeFetchError(err, 'Health check')).toMatch(pattern);
  });
});
