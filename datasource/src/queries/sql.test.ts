import { FieldType, type DataFrame } from '@grafana/data';
import { SQL_STATISTICS_FRAME, type SqlStatement, type SqlStatisticsResponse } from '@osprey/model';

import type { RecordedRequest } from '@osprey/plugin-kit/testing';
import { answer, queryRequest, RANGE, testDataSource } from '../testing/query-request';

const PATH = '/api/v1/statistics/sql';

function statement(service: string, key: string, totalTime: number, extra: Partial<SqlStatement> = {}): SqlStatement {
  return {
    key,
    service,
    dbSystem: 'postgresql',
    dbName: 'shop',
    statement: `SELECT * FROM ${service} WHERE id = ?`,
    count: 10,
    errors: 0,
    totalTime,
    avgTime: totalTime / 10,
    maxTime: totalTime / 2,
    p95: totalTime / 3,
    ...extra,
  };
}

const reply = (statements: SqlStatement[]) => (r: RecordedRequest) => ({
  json: { from: RANGE.from, to: RANGE.to, sort: r.params.sort, statements } as SqlStatisticsResponse,
});

const values = (frame: DataFrame, name: string) => frame.fields.find((f) => f.name === name)!.values;

describe('SQL statistics', () => {
  it('asks for the top-N of the range and answers one table with a link to the transactions', async () => {
    const { ds, backend } = testDataSource();
    backend.on(PATH, reply([statement('cart', 'k1', 90, { rows: 12 }), statement('cart', 'k2', 40)]));
    const res = await answer(
      ds,
      queryRequest([{ queryType: 'sqlStatistics', service: 'cart', endpoint: 'GET /cart', sqlSort: 'count', limit: 5 }])
    );
    expect(backend.requests.map((r) => [r.path, r.params])).toEqual([
      [
        PATH,
        {
          from: String(RANGE.from),
          to: String(RANGE.to),
          sort: 'count',
          limit: '5',
          service: 'cart',
          endpoint: 'GET /cart',
        },
      ],
    ]);
    const [frame] = res.data as DataFrame[];
    expect(frame.name).toBe(SQL_STATISTICS_FRAME.name);
    expect(frame.fields.map((f) => [f.name, f.type])).toEqual([
      ['statement', FieldType.string],
      ['service', FieldType.string],
      ['dbSystem', FieldType.string],
      ['dbName', FieldType.string],
      ['count', FieldType.number],
      ['errors', FieldType.number],
      ['totalTime', FieldType.number],
      ['avgTime', FieldType.number],
      ['p95', FieldType.number],
      ['maxTime', FieldType.number],
      ['rows', FieldType.number],
      ['key', FieldType.string],
    ]);
    expect(values(frame, 'key')).toEqual(['k1', 'k2']);
    expect(values(frame, 'rows')).toEqual([12, null]);
    expect(frame.fields[0].config.links).toEqual([
      {
        title: 'Transactions of this service',
        url: '/d/osprey-transactions?var-service=${__data.fields.service}&var-endpoint=GET%20%2Fcart&${__url_time_range}',
      },
    ]);
  });

  it('merges the top-N of several services into one, in the backend order, cut at the limit', async () => {
    const { ds, backend } = testDataSource({ svc: ['cart', 'payment'] });
    backend.on(PATH, (r) =>
      r.params.service === 'cart'
        ? reply([statement('cart', 'c1', 50), statement('cart', 'c2', 10)])(r)
        : reply([statement('payment', 'p1', 70), statement('payment', 'p2', 10)])(r)
    );
    const res = await answer(ds, queryRequest([{ queryType: 'sqlStatistics', service: '$svc', limit: 3 }]));
    expect(backend.requests.map((r) => [r.params.service, r.params.sort, r.params.limit])).toEqual([
      ['cart', 'totalTime', '3'],
      ['payment', 'totalTime', '3'],
    ]);
    const [frame] = res.data as DataFrame[];
    // Ties (10 ms) by key: c2 before p2, and the limit keeps three.
    expect(values(frame, 'key')).toEqual(['p1', 'c1', 'c2']);
  });

  it('shows the backend message of a refused query', async () => {
    const { ds, backend } = testDataSource();
    backend.on(PATH, {
      status: 400,
      json: { error: 'bad_request', message: 'query parameter "limit": must be an integer from 1 to 1000' },
    });
    const res = await answer(ds, queryRequest([{ queryType: 'sqlStatistics', limit: 5000 }]));
    expect(res.errors?.[0].message ?? res.error?.message).toContain('"limit": must be an integer from 1 to 1000');
  });
});
