/**
 * `POST /v1/metrics` and `GET /api/v1/otel-metrics` against a real DuckDB store, with bodies the
 * real OTel JS metrics SDK collected and its own serializers wrote: every kind stored and read back
 * as series; bad input refused whole with a 400 and nothing stored.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';

import { API_PATHS, type MetricSeriesResponse } from '@osprey/model';
import type { FastifyInstance } from 'fastify';

import { buildServer } from '../server/app';
import { DuckDbStore } from '../store/duckdb/store';
import { type Answer, listenOnLoopback } from '../testing/http';
import { RESOURCE, sdkMetricsBodies } from '../testing/otel-sdk';

jest.setTimeout(30_000);

const INGEST = { authorization: 'Bearer in' };
const READ = { authorization: 'Bearer rd' };
const NAMES = [
  'orders.placed',
  'cart.items',
  'v8js.memory.heap.used',
  'http.server.request.duration',
  'http.server.request.body.size',
];

let dir: string;
let store: DuckDbStore;
let app: FastifyInstance;
let call: Awaited<ReturnType<typeof listenOnLoopback>>;

beforeEach(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'osprey-otel-metrics-'));
  store = await DuckDbStore.open(dir, { autoSettle: false });
  app = buildServer({ store, tokens: { ingest: 'in', read: 'rd' }, maxBodyBytes: 256 * 1024 });
  call = await listenOnLoopback(app);
});

afterEach(async () => {
  await app.close();
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

function post(body: Uint8Array | string, contentType: string, headers: Record<string, string> = {}): Promise<Answer> {
  return call('POST', API_PATHS.otlpMetrics, {
    headers: { ...INGEST, 'content-type': contentType, ...headers },
    body: typeof body === 'string' ? body : new Uint8Array(body),
  });
}

function get(url: string, headers = READ): Promise<Answer> {
  return call('GET', url, { headers });
}

async function series(names = NAMES): Promise<MetricSeriesResponse> {
  const query = new URLSearchParams({ from: '0', to: String(Date.now() + 60_000), name: names.join(',') });
  const res = await get(`${API_PATHS.otelMetrics}?${query}`);
  expect(res.statusCode).toBe(200);
  return res.body as MetricSeriesResponse;
}

it('stores every kind from a protobuf export and answers them as series of the resource', async () => {
  const { protobuf } = await sdkMetricsBodies();
  const res = await post(gzipSync(protobuf), 'application/x-protobuf', { 'content-encoding': 'gzip' });
  expect(res.statusCode).toBe(200);
  // Answered in the request's encoding: the empty ExportMetricsServiceResponse (full success).
  expect([res.contentType, res.body]).toEqual(['application/x-protobuf', undefined]);

  const answer = await series();
  expect(answer.truncated).toBe(false);
  const byName = Object.fromEntries(answer.series.map((s) => [s.name, s]));
  expect(Object.keys(byName).sort()).toEqual([...NAMES].sort());
  for (const s of answer.series) {
    expect([s.service, s.instance]).toEqual([RESOURCE['service.name'], RESOURCE['service.instance.id']]);
    expect(s.points).toHaveLength(1);
  }
  expect(byName['orders.placed']).toMatchObject({ kind: 'sum', attributes: { region: 'eu' }, points: [{ value: 3 }] });
  expect(byName['cart.items'].points[0].value).toBe(-2);
  expect(byName['v8js.memory.heap.used']).toMatchObject({
    kind: 'gauge',
    unit: 'By',
    attributes: { 'v8js.heap.space.name': 'old_space' },
    points: [{ value: 12_345_678 }],
  });
  const duration = byName['http.server.request.duration'];
  expect(duration.kind).toBe('histogram');
  expect(duration.points[0].count).toBe(3);
  expect(duration.points[0].value).toBeCloseTo((0.004 + 0.02 + 0.3) / 3, 9);
  expect(byName['http.server.request.body.size']).toMatchObject({
    kind: 'exponential_histogram',
    points: [{ count: 3, value: 4300 / 3 }],
  });

  const names = await get(API_PATHS.otelMetricNames);
  expect(names.body).toEqual({ names: [...NAMES].sort() });
});

it('reads the JSON encoding of the same export to the same series', async () => {
  const { protobuf, json } = await sdkMetricsBodies();
  expect((await post(protobuf, 'application/x-protobuf')).statusCode).toBe(200);
  const fromProtobuf = await series();
  await store.close();
  rmSync(dir, { recursive: true, force: true });
  store = await DuckDbStore.open(dir, { autoSettle: false });
  await app.close();
  app = buildServer({ store, tokens: { ingest: 'in', read: 'rd' } });
  call = await listenOnLoopback(app);
  expect((await post(json, 'application/json')).statusCode).toBe(200);
  const fromJson = await series();
  const strip = (a: MetricSeriesResponse) => a.series.map((s) => ({ ...s, points: s.points.map((p) => p.value) }));
  expect(strip(fromJson)).toEqual(strip(fromProtobuf));
});

it('answers a Summary as partially rejected and keeps the rest', async () => {
  const body = {
    resourceMetrics: [
      {
        resource: { attributes: [{ key: 'service.name', value: { stringValue: 'legacy' } }] },
        scopeMetrics: [
          {
            metrics: [
              {
                name: 'rpc.latency',
                summary: { dataPoints: [{ timeUnixNano: '1', count: '1' }, { timeUnixNano: '2' }] },
              },
              { name: 'up', gauge: { dataPoints: [{ timeUnixNano: String(Date.now() * 1e6), asInt: '1' }] } },
            ],
          },
        ],
      },
    ],
  };
  const res = await post(JSON.stringify(body), 'application/json');
  expect(res.statusCode).toBe(200);
  expect((res.body as Record<string, any>).partialSuccess).toMatchObject({ rejectedDataPoints: 2 });
  expect((await series(['up', 'rpc.latency'])).series.map((s) => [s.name, s.points[0].value])).toEqual([['up', 1]]);
});

describe('bad input is refused whole and stores nothing', () => {
  const point = (fields: Record<string, unknown>) => ({
    resourceMetrics: [
      {
        scopeMetrics: [
          { metrics: [{ name: 'ok.metric', gauge: { dataPoints: [{ timeUnixNano: '5', asDouble: 1 }] } }, fields] },
        ],
      },
    ],
  });
  const deep = (levels: number): unknown =>
    levels === 0 ? { stringValue: 'x' } : { arrayValue: { values: [deep(levels - 1)] } };

  it.each([
    ['garbage protobuf', Buffer.from('\x0a\xff\xff\xff\xff\x0f garbage'), 'application/x-protobuf', /protobuf/],
    [
      'a string for a double',
      point({ name: 'm', gauge: { dataPoints: [{ timeUnixNano: '5', asDouble: 'fast' }] } }),
      'application/json',
      /asDouble/,
    ],
    [
      'a point without time',
      point({ name: 'm', sum: { dataPoints: [{ asInt: '3' }] } }),
      'application/json',
      /timeUnixNano/,
    ],
    ['a metric without data', point({ name: 'm' }), 'application/json', /has no gauge/],
    [
      'buckets not matching bounds',
      point({
        name: 'm',
        histogram: { dataPoints: [{ timeUnixNano: '5', bucketCounts: ['1'], explicitBounds: [1, 2] }] },
      }),
      'application/json',
      /bucketCounts/,
    ],
    [
      'attributes nested 40 deep',
      point({ name: 'm', gauge: { dataPoints: [{ timeUnixNano: '5', attributes: [{ key: 'k', value: deep(40) }] }] } }),
      'application/json',
      /nested deeper/,
    ],
    ['not JSON', '{"resourceMetrics": [', 'application/json', /not JSON/],
  ])('%s → 400', async (_name, body, contentType, message) => {
    const res = await post(
      typeof body === 'object' && !(body instanceof Buffer) ? JSON.stringify(body) : body,
      contentType
    );
    expect(res.statusCode).toBe(400);
    expect((res.body as Record<string, any>).message).toMatch(message);
    expect((await series(['ok.metric', 'm'])).series).toEqual([]);
  });

  it('an oversized body → 413, also when it only grows past the cap once gunzipped', async () => {
    const big = Buffer.alloc(300 * 1024, 0x20);
    expect((await post(big, 'application/json')).statusCode).toBe(413);
    expect((await post(gzipSync(big), 'application/json', { 'content-encoding': 'gzip' })).statusCode).toBe(413);
  });

  it('needs the ingest scope to write and the read scope to read', async () => {
    const { protobuf } = await sdkMetricsBodies();
    expect((await post(protobuf, 'application/x-protobuf', { authorization: 'Bearer rd' })).statusCode).toBe(403);
    const res = await get(`${API_PATHS.otelMetrics}?from=0&to=1&name=x`, INGEST);
    expect(res.statusCode).toBe(403);
  });

  it('checks the series query string', async () => {
    for (const query of ['from=0&to=1', 'from=a&to=1&name=x', 'from=2&to=1&name=x', 'from=0&to=1&name=,']) {
      const res = await get(`${API_PATHS.otelMetrics}?${query}`);
      expect([query, res.statusCode]).toEqual([query, 400]);
    }
  });
});
