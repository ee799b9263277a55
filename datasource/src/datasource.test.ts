import { createDataFrame, type DataSourceInstanceSettings, type ScopedVars } from '@grafana/data';
import { DEFAULT_TRANSACTION_LIMIT } from '@osprey/model';

import { lastValueFrom } from 'rxjs';

import { describeFetchError, OspreyDataSource, transactionParams } from './datasource';
import { threadDumpListToFrame } from './jvm/frames';
import type { OspreyOptions, OspreyQuery } from './types';

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

describe('annotations', () => {
  const ds = new OspreyDataSource({
    id: 1,
    uid: 'osprey',
    type: 'osprey-apm-datasource',
    name: 'Osprey',
    url: '/api/datasources/proxy/uid/osprey',
    jsonData: {},
    access: 'proxy',
    readOnly: false,
    meta: { id: 'osprey-apm-datasource' },
  } as DataSourceInstanceSettings<OspreyOptions>);

  it('defaults to a thread-dump list query', () => {
    expect(ds.annotations?.getDefaultQuery?.()).toEqual({ queryType: 'threadDumps' });
  });

  it('turns the list frame into dump and deadlock events, ignoring other frames', async () => {
    const summary = (deadlockedThreads: number) => ({
      total: 7,
      byState: { RUNNABLE: 2, BLOCKED: 3, WAITING: 1, TIMED_WAITING: 1, NEW: 0, TERMINATED: 0 },
      daemon: 1,
      virtual: 0,
      deadlockedThreads,
    });
    const list = threadDumpListToFrame('Anno', [
      { id: 'd2', service: 'shop', instance: 'i1', takenAt: 20, receivedAt: 21, format: 'text', summary: summary(3) },
      { id: 'd1', service: 'shop', instance: 'i1', takenAt: 10, receivedAt: 11, format: 'json', summary: summary(0) },
    ]);
    const other = createDataFrame({ name: 'transactions', fields: [] });
    const events = await lastValueFrom(ds.annotations!.processEvents!({} as never, [other, list])!);
    expect(events?.map((e) => [e.time, e.tags?.[0], e.title])).toEqual([
      [20, 'threaddump', 'Thread dump shop/i1'],
      [20, 'deadlock', 'Deadlock in shop/i1'],
      [10, 'threaddump', 'Thread dump shop/i1'],
    ]);
  });
});
