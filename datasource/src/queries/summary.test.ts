import { FieldType, type DataFrame } from '@grafana/data';
import { SUMMARY_FRAME, type SummaryResponse, type SummaryRow } from '@osprey/model';

import type { RecordedRequest } from '@osprey/plugin-kit/testing';
import { answer, queryRequest, RANGE, testDataSource } from '../testing/query-request';

const PATH = '/api/v1/statistics/summary';

function row(service: string, endpoint: string, count: number): SummaryRow {
  return {
    service,
    endpoint,
    count,
    errors: 1,
    errorRate: 1 / count,
    avgElapsed: 120,
    p95: 480,
    maxElapsed: 900,
    avgSqlCount: 2,
    avgSqlTime: 14,
    avgApiCallCount: 1,
    users: 3,
    satisfied: count - 1,
    tolerating: 1,
    apdex: (count - 0.5) / count,
  };
}

const reply = (summaries: SummaryRow[]) => (r: RecordedRequest) => ({
  json: {
    from: RANGE.from,
    to: RANGE.to,
    groupBy: r.params.groupBy,
    apdexT: Number(r.params.apdexT ?? 500),
    sort: 'count',
    summaries,
  } as SummaryResponse,
});

const field = (frame: DataFrame, name: string) => frame.fields.find((f) => f.name === name)!;

describe('endpoint summary', () => {
  it('asks for the summary by endpoint at the query Apdex T; the endpoint links to its XLOG', async () => {
    const { ds, backend } = testDataSource();
    backend.on(PATH, reply([row('cart', 'GET /cart', 20), row('cart', 'POST /cart', 4)]));
    const res = await answer(ds, queryRequest([{ queryType: 'summary', service: 'cart', apdexT: 250, limit: 10 }]));
    expect(backend.requests.map((r) => [r.path, r.params])).toEqual([
      [
        PATH,
        {
          from: String(RANGE.from),
          to: String(RANGE.to),
          groupBy: 'endpoint',
          apdexT: '250',
          limit: '10',
          service: 'cart',
        },
      ],
    ]);
    const [frame] = res.data as DataFrame[];
    expect(frame.name).toBe(SUMMARY_FRAME.name);
    expect(frame.fields.map((f) => [f.name, f.type, f.config.unit])).toEqual([
      ['service', FieldType.string, undefined],
      ['endpoint', FieldType.string, undefined],
      ['count', FieldType.number, undefined],
      ['errorRate', FieldType.number, 'percentunit'],
      ['avgElapsed', FieldType.number, 'ms'],
      ['p95', FieldType.number, 'ms'],
      ['maxElapsed', FieldType.number, 'ms'],
      ['avgSqlCount', FieldType.number, undefined],
      ['avgSqlTime', FieldType.number, 'ms'],
      ['avgApiCallCount', FieldType.number, undefined],
      ['users', FieldType.number, undefined],
      ['apdex', FieldType.number, undefined],
    ]);
    expect(field(frame, 'endpoint').values).toEqual(['GET /cart', 'POST /cart']);
    expect(field(frame, 'apdex').values).toEqual([19.5 / 20, 3.5 / 4]);
    expect(field(frame, 'service').config.links).toBeUndefined();
    expect(field(frame, 'endpoint').config.links).toEqual([
      {
        title: 'Transactions (XLOG)',
        url: '/d/osprey-transactions?var-service=${__data.fields.service}&var-endpoint=${__data.fields.endpoint:percentencode}&${__url_time_range}',
      },
    ]);
  });

  it('by service, the service links to its XLOG narrowed to the chosen endpoint', async () => {
    const { ds, backend } = testDataSource();
    backend.on(PATH, reply([{ ...row('cart', 'x', 5), endpoint: undefined }]));
    const res = await answer(ds, queryRequest([{ queryType: 'summary', groupBy: 'service', endpoint: 'GET /cart' }]));
    expect(backend.requests[0].params).toMatchObject({ groupBy: 'service', endpoint: 'GET /cart', limit: '100' });
    const [frame] = res.data as DataFrame[];
    expect(frame.fields.map((f) => f.name).slice(0, 2)).toEqual(['service', 'count']);
    expect(field(frame, 'service').config.links![0].url).toBe(
      '/d/osprey-transactions?var-service=${__data.fields.service}&var-endpoint=GET%20%2Fcart&${__url_time_range}'
    );
  });

  it('merges several services into one table, most requests first, cut at the limit', async () => {
    const { ds, backend } = testDataSource({ svc: ['cart', 'payment'] });
    backend.on(PATH, (r) =>
      r.params.service === 'cart'
        ? reply([row('cart', 'GET /cart', 9), row('cart', 'GET /x', 1)])(r)
        : reply([row('payment', 'POST /pay', 12)])(r)
    );
    const res = await answer(ds, queryRequest([{ queryType: 'summary', service: '$svc', limit: 2 }]));
    const [frame] = res.data as DataFrame[];
    expect(field(frame, 'endpoint').values).toEqual(['POST /pay', 'GET /cart']);
  });
});
