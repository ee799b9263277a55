/**
 * Dashboard variables and ad hoc filters: applyTemplateVariables as Grafana calls it, and what
 * query() sends for multi-value, "All" and scoped (repeated panel) values.
 */
import type { AdHocVariableFilter, DataFrame, ScopedVars } from '@grafana/data';
import {
  QUERY_TYPE_NAMES,
  queryTypeSpec,
  TEMPLATED_FIELDS,
  XLOG_DOT_COLUMNS,
  type RedResponse,
  type TemplatedField,
} from '@osprey/model';

import { MAX_FAN_OUT, MULTI_SEPARATOR } from './params';
import { arrowWindow } from './testing/arrow-window';
import { answer, queryRequest, testDataSource } from './testing/query-request';
import type { TestVariable } from './testing/template-srv';
import { transaction } from './testing/transaction';
import type { OspreyQuery } from './types';

const VARIABLES: Record<string, TestVariable> = {
  svc: ['orders', 'frontend'],
  ep: ['GET /a', 'GET /b'],
  one: 'orders',
  all: { all: ['orders', 'frontend', 'billing'] },
  star: { all: ['orders', 'frontend'], allValue: '*' },
  ids: ['t1', 't2'],
  blank: '',
};

/** The XLOG query's window requests: the filters each one sends. */
async function windowFilters(query: Partial<OspreyQuery>, extra: Parameters<typeof queryRequest>[1] = {}) {
  const { ds, backend } = testDataSource(VARIABLES);
  backend.on('/api/v1/transactions', { arrow: arrowWindow([transaction(1)], XLOG_DOT_COLUMNS) });
  const res = await answer(ds, queryRequest([query], extra));
  expect(res.errors).toBeUndefined();
  expect(res.data).toHaveLength(backend.requests.length);
  return backend.requests.map(({ params: { service, instance, endpoint } }) =>
    Object.fromEntries(Object.entries({ service, instance, endpoint }).filter(([, v]) => v !== undefined))
  );
}

describe('query() with variables', () => {
  it('a multi-value variable fans out: one request per combination of the filters', async () => {
    expect(await windowFilters({ service: '$svc', endpoint: '$ep', instance: '$one-1' })).toEqual([
      { service: 'orders', instance: 'orders-1', endpoint: 'GET /a' },
      { service: 'orders', instance: 'orders-1', endpoint: 'GET /b' },
      { service: 'frontend', instance: 'orders-1', endpoint: 'GET /a' },
      { service: 'frontend', instance: 'orders-1', endpoint: 'GET /b' },
    ]);
  });

  it.each([
    ['$all', 'All as the list of every option'],
    ['${all}', 'All, braced'],
    ['[[all]]', 'All, bracketed'],
    ['$star', 'All as a custom all value'],
  ])('%s (%s) is no filter', async (service) => {
    expect(await windowFilters({ service, endpoint: '$ep' })).toEqual([{ endpoint: 'GET /a' }, { endpoint: 'GET /b' }]);
  });

  it("a repeated panel's scoped value wins over the dashboard's selection, All included", async () => {
    const scopedVars = { all: { text: 'billing', value: 'billing' }, svc: { text: 'orders', value: 'orders' } };
    expect(await windowFilters({ service: '$all' }, { scopedVars })).toEqual([{ service: 'billing' }]);
    expect(await windowFilters({ service: '$svc' }, { scopedVars })).toEqual([{ service: 'orders' }]);
  });

  it('an ad hoc filter replaces the field, whatever its variable selects', async () => {
    const filters = [{ key: 'service', operator: '=', value: 'billing' }];
    expect(await windowFilters({ service: '$svc' }, { filters })).toEqual([{ service: 'billing' }]);
  });

  it('RED fans out the same way and merges the series', async () => {
    const { ds, backend } = testDataSource(VARIABLES);
    backend.on('/api/v1/metrics/red', (req) => ({
      json: { step: 60_000, tier: 'raw', series: [{ service: req.params.service, points: [] }] } satisfies RedResponse,
    }));
    const res = await answer(ds, queryRequest([{ queryType: 'red', service: '$svc' }]));
    expect(backend.requests.map((r) => r.params.service)).toEqual(['orders', 'frontend']);
    expect(res.data.map((f: DataFrame) => f.name)).toEqual(['orders', 'frontend']);
  });

  it('several trace ids: one trace each', async () => {
    const { ds, backend } = testDataSource(VARIABLES);
    for (const id of ['t1', 't2']) {
      backend.on(`/api/v1/traces/${id}`, { json: { traceId: id, spans: [] } });
    }
    const res = await answer(ds, queryRequest([{ queryType: 'trace', traceId: '$ids' }]));
    expect(backend.paths()).toEqual(['/api/v1/traces/t1', '/api/v1/traces/t2']);
    expect(res.data).toHaveLength(2);
  });

  it(`more than ${MAX_FAN_OUT} combinations: the query says to narrow the selection and asks nothing`, async () => {
    const { ds, backend } = testDataSource({ many: Array.from({ length: 6 }, (_, i) => `s${i}`) });
    const res = await answer(ds, queryRequest([{ service: '$many', endpoint: '$many' }]));
    expect(res.errors?.[0].message).toMatch(/36 filter combinations; Osprey queries at most 25 at once/);
    expect(backend.requests).toEqual([]);
  });

  it('listValues: instances of each selected service, merged', async () => {
    const { ds, backend } = testDataSource(VARIABLES);
    backend.on('/api/v1/instances', (req) => ({ json: { instances: [`${req.params.service}-1`, 'shared'] } }));
    expect(await ds.listValues('instances', '$svc')).toEqual(['frontend-1', 'orders-1', 'shared']);
    expect(backend.requests.map((r) => r.params)).toEqual([{ service: 'orders' }, { service: 'frontend' }]);
  });
});

describe('applyTemplateVariables', () => {
  const { ds } = testDataSource(VARIABLES);
  const apply = (query: Partial<OspreyQuery>, scopedVars: ScopedVars = {}, filters?: AdHocVariableFilter[]) =>
    ds.applyTemplateVariables({ refId: 'A', ...query } as OspreyQuery, scopedVars, filters);

  it('interpolates every text field: fan-out fields joined by MULTI_SEPARATOR, the others as Grafana formats them', () => {
    const query = {
      queryType: 'xlog',
      service: '$svc',
      instance: '$one-1',
      endpoint: '$all',
      traceId: '$ids',
      userId: '$blank',
      minElapsed: 100,
      columns: 'all',
    } as const;
    expect(apply(query)).toEqual({
      refId: 'A',
      queryType: 'xlog',
      service: `orders${MULTI_SEPARATOR}frontend`,
      instance: 'orders-1',
      traceId: '{t1,t2}',
      minElapsed: 100,
      columns: 'all',
    });
  });

  // Every query type as model's QUERY_TYPES declares it: its `multi` fields join the values, its
  // other templated fields are formatted as Grafana does by default.
  it.each(QUERY_TYPE_NAMES)('%s: a multi-value variable in each templated field it reads', (queryType) => {
    const { fields, multi } = queryTypeSpec(queryType);
    const read = TEMPLATED_FIELDS.filter((f) => fields.includes(f));
    const applied = apply({ queryType, ...Object.fromEntries(read.map((f) => [f, '$ids'])) });
    const expected = (f: TemplatedField) => (multi.includes(f) ? `t1${MULTI_SEPARATOR}t2` : '{t1,t2}');
    expect(applied).toEqual({ refId: 'A', queryType, ...Object.fromEntries(read.map((f) => [f, expected(f)])) });
  });

  it('trace ids of a trace query fan out; an exemplar link becomes one', () => {
    expect(apply({ queryType: 'trace', traceId: '$ids' }).traceId).toBe(`t1${MULTI_SEPARATOR}t2`);
    expect(apply({ query: ' $one ' } as never)).toEqual({ refId: 'A', queryType: 'trace', traceId: 'orders' });
  });

  it('scoped variables first', () => {
    expect(apply({ queryType: 'red', service: '$svc' }, { svc: { text: 'billing', value: 'billing' } }).service).toBe(
      'billing'
    );
  });

  it('ad hoc filters go into the filters the query type has; JVM queries keep the JVM they name', () => {
    const filters = [
      { key: 'service', operator: '=', value: 'billing' },
      { key: 'instance', operator: '=', value: 'billing-2' },
      { key: 'status', operator: '=', value: 'ok' },
    ];
    expect(apply({ queryType: 'xlog', service: '$svc' }, {}, filters)).toMatchObject({
      service: 'billing',
      instance: 'billing-2',
    });
    expect(apply({ queryType: 'active', service: '$one' }, {}, filters)).toEqual({
      refId: 'A',
      queryType: 'active',
      service: 'billing',
    });
    expect(apply({ queryType: 'threadDump', service: '$one', instance: 'orders-1' }, {}, filters)).toEqual({
      refId: 'A',
      queryType: 'threadDump',
      service: 'orders',
      instance: 'orders-1',
    });
    expect(() => apply({ queryType: 'xlog' }, {}, [{ key: 'host', operator: '=', value: 'x' }])).toThrow(
      'Ad hoc filter "host" is unknown to Osprey'
    );
  });

  it('a type this version does not know is read as XLOG', () => {
    expect(apply({ queryType: 'flamegraph' as never, service: '$svc' })).toEqual({
      refId: 'A',
      queryType: 'xlog',
      service: `orders${MULTI_SEPARATOR}frontend`,
    });
  });

  it('interpolateVariablesInQueries: the same, each query carrying this datasource', () => {
    expect(ds.interpolateVariablesInQueries([{ refId: 'A', queryType: 'endpoints', service: '$one' }], {})).toEqual([
      {
        refId: 'A',
        queryType: 'endpoints',
        service: 'orders',
        datasource: { uid: 'osprey', type: 'osprey-apm-datasource' },
      },
    ]);
  });
});
