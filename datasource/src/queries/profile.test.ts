import type { DataFrame } from '@grafana/data';
import { PROFILE_FRAME, type TransactionProfile } from '@osprey/model';

import { answer, queryRequest, testDataSource } from '../testing/query-request';

const TRACE = '4bf92f3577b34da6a3ce929d0e0e4736';
const PATH = `/api/v1/traces/${TRACE}/profile`;

const PROFILE: TransactionProfile = {
  traceId: TRACE,
  spanId: '00f067aa0ba902b7',
  service: 'checkout',
  name: 'POST /checkout',
  startTime: 1_765_000_000_000,
  elapsed: 200,
  steps: [
    {
      kind: 'sql',
      offset: 5,
      duration: 20,
      depth: 1,
      name: 'SELECT shop',
      error: false,
      spanId: '1111111111111111',
      statement: 'SELECT * FROM carts WHERE id = 42',
      normalized: 'SELECT * FROM carts WHERE id = ?',
      target: 'postgresql',
    },
    { kind: 'span', offset: 150, duration: 40, depth: 1, name: 'render', error: false, spanId: '2222222222222222' },
    {
      kind: 'sql',
      offset: 151,
      duration: 1.5,
      depth: 2,
      name: 'GET',
      error: false,
      normalized: 'GET',
      target: 'redis',
    },
    { kind: 'log', offset: 170, depth: 2, name: 'template missing', error: true, severity: 'error' },
  ],
};

const F = PROFILE_FRAME.fields;
const values = (frame: DataFrame, name: string) => Array.from(frame.fields.find((f) => f.name === name)!.values);

describe('transaction profile', () => {
  it("asks for the trace's profile of the chosen span and answers one table of its steps, nested by indent", async () => {
    const { ds, backend } = testDataSource();
    backend.on(PATH, { json: PROFILE });
    const res = await answer(ds, queryRequest([{ queryType: 'profile', traceId: TRACE, spanId: PROFILE.spanId }]));
    expect(backend.requests.map((r) => [r.path, r.params])).toEqual([[PATH, { spanId: PROFILE.spanId }]]);
    const [frame] = res.data as DataFrame[];
    expect(frame.name).toBe(PROFILE_FRAME.name);
    expect(values(frame, F.step)).toEqual(['SELECT shop', 'render', '  GET', '  template missing']);
    expect(values(frame, F.statement)).toEqual(['SELECT * FROM carts WHERE id = 42', null, 'GET', null]);
    expect(values(frame, F.duration)).toEqual([20, 40, 1.5, null]);
    expect(values(frame, F.error)).toEqual([false, false, false, true]);
    expect(frame.fields.find((f) => f.name === F.offset)!.config.unit).toBe('ms');
  });

  it('needs a trace id, and sends no span id when none is chosen', async () => {
    const { ds, backend } = testDataSource();
    backend.on(PATH, { json: PROFILE });
    const missing = await answer(ds, queryRequest([{ queryType: 'profile' }]));
    expect(missing.error?.message).toContain('a transaction profile needs a trace id');
    await answer(ds, queryRequest([{ queryType: 'profile', traceId: TRACE }]));
    expect(backend.requests.map((r) => r.params)).toEqual([{}]);
  });
});
