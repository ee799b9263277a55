import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';

import type { ServiceMapResponse, Span } from '@osprey/model';
import type { FastifyInstance } from 'fastify';

import { deriveTransactions } from '../derive/transactions';
import { buildServer } from '../server/app';
import { DuckDbStore } from '../store/duckdb/store';

const MINUTE = 1763800020000;

function span(spanId: string, service: string, fields: Partial<Span>): Span {
  return {
    traceId: 'dddddddddddddddddddddddddddddddd',
    spanId,
    name: 'GET /x',
    kind: 'server',
    startTimeUnixNano: (BigInt(MINUTE) * BigInt(1_000_000)).toString(),
    durationNano: '5000000',
    status: 'unset',
    service,
    resource: { 'service.name': service },
    attributes: {},
    events: [],
    ...fields,
  };
}

describe('GET /api/v1/servicemap', () => {
  let dir: string;
  let store: DuckDbStore;
  let app: FastifyInstance;
  let base: string;

  const get = (query: string, token = 'rd') =>
    fetch(`${base}/api/v1/servicemap${query}`, { headers: { authorization: `Bearer ${token}` } });

  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'osprey-servicemap-'));
    store = await DuckDbStore.open(dir, { settleMs: 0, autoSettle: false });
    app = buildServer({ store, tokens: { ingest: 'in', read: 'rd' } });
    await app.listen({ host: '127.0.0.1', port: 0 });
    base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
    const spans = [
      span('0000000000000001', 'web', {}),
      span('0000000000000002', 'web', {
        kind: 'client',
        parentSpanId: '0000000000000001',
        attributes: { 'url.full': 'https://api.example.com/v1' },
      }),
      // Apdex at T = 100 ms: 50 satisfied, 300 tolerating (≤ 4T), 900 frustrated; at 500 ms: 900 tolerating.
      ...[50, 300, 900].map((ms, i) =>
        span(`00000000000000a${i}`, 'slow', {
          traceId: `${i}`.repeat(32),
          durationNano: String(ms * 1_000_000),
        })
      ),
    ];
    await store.insertBatch(spans, deriveTransactions(spans));
    await store.settleDue(Date.now() + 1);
  });

  afterAll(async () => {
    await app.close();
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('answers the nodes and edges of the window', async () => {
    const res = await get(`?from=${MINUTE}&to=${MINUTE + 60_000}`);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({
      from: MINUTE,
      to: MINUTE + 60_000,
      nodes: [
        { id: 'ext:api.example.com', type: 'external', name: 'api.example.com', transactions: 0, errors: 0 },
        { id: 'slow', type: 'service', transactions: 3, errors: 0, apdex: (2 + 1 / 2) / 3 },
        { id: 'web', type: 'service', transactions: 1, errors: 0, p95: 5, apdex: 1 },
      ],
      edges: [{ id: 'web->ext:api.example.com', source: 'web', target: 'ext:api.example.com', calls: 1, errors: 0 }],
    });
  });

  it('gives each service its Apdex at the asked T, and none to a node without transactions', async () => {
    const answer = (await (await get(`?from=${MINUTE}&to=${MINUTE + 60_000}&apdexT=100`)).json()) as ServiceMapResponse;
    expect(answer.apdexT).toBe(100);
    expect(answer.nodes.map((n) => [n.id, n.apdex])).toEqual([
      ['ext:api.example.com', undefined],
      ['slow', (1 + 1 / 2) / 3],
      ['web', 1],
    ]);
  });

  it.each([
    ['', 400, '"from": required'],
    ['?from=10&to=1', 400, '"to": must not be before from'],
    ['?from=0&to=1&service=web', 400, '"service": unknown parameter'],
    ['?from=0&to=1&apdexT=0', 400, '"apdexT": must be > 0'],
    ['?from=0&to=1&apdexT=fast', 400, '"apdexT": must be a number'],
  ])('%s → %d %s', async (query, status, message) => {
    const res = await get(query);
    expect(res.status).toBe(status);
    expect(((await res.json()) as { message: string }).message).toContain(message);
  });

  it('needs the read scope', async () => {
    expect((await get('?from=0&to=1', 'in')).status).toBe(403);
    expect((await get('?from=0&to=1', 'nope')).status).toBe(401);
  });
});
