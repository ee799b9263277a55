/**
 * `GET /api/v1/active` on a real DuckDB store fed by the real OTel JS SDK's bodies: each instance
 * from its best source (a posted snapshot, request threads in a JVM dump, `http.server.active_requests`,
 * traces whose entry span has not arrived), the source named, and /metrics' osprey_active_requests saying the same.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { type ActiveResponse, API_PATHS, JVM_API_PATHS } from '@osprey/model';
import type { FastifyInstance } from 'fastify';

import { buildServer } from '../server/app';
import { DuckDbStore } from '../store/duckdb/store';
import { listenOnLoopback } from '../testing/http';
import { sdkActiveRequestsBody, sdkRunningRequest } from '../testing/otel-inflight';

jest.setTimeout(30_000);

const INGEST = { authorization: 'Bearer in' };
const READ = { authorization: 'Bearer rd' };

let dir: string;
let store: DuckDbStore;
let app: FastifyInstance;
let call: Awaited<ReturnType<typeof listenOnLoopback>>;

beforeEach(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'osprey-active-'));
  // No settle runs: the traces stay unsettled, as within the settle window of a running backend.
  store = await DuckDbStore.open(dir, { autoSettle: false });
  app = buildServer({ store, tokens: { ingest: 'in', read: 'rd' } });
  call = await listenOnLoopback(app);
});

afterEach(async () => {
  await app.close();
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

async function post(route: string, body: Uint8Array | object): Promise<number> {
  const binary = body instanceof Uint8Array;
  const res = await call('POST', route, {
    headers: { ...INGEST, 'content-type': binary ? 'application/x-protobuf' : 'application/json' },
    body: binary ? body : JSON.stringify(body),
  });
  return res.statusCode;
}

async function active(query = ''): Promise<ActiveResponse> {
  const res = await call('GET', `${API_PATHS.active}${query}`, { headers: READ });
  expect(res.statusCode).toBe(200);
  return res.body as ActiveResponse;
}

it('answers each instance from its most precise source and names it', async () => {
  const snapshot = {
    service: 'shop',
    instance: 'shop-1',
    takenAt: Date.now(),
    requests: [{ endpoint: 'GET /a', elapsed: 4000 }],
  };
  expect(await post(API_PATHS.active, snapshot)).toBe(204);
  // shop-1 also exports the metric: its snapshot has the ages, so it wins.
  expect(
    await post(API_PATHS.otlpMetrics, await sdkActiveRequestsBody('shop', 'shop-1', { GET: { started: 9, ended: 0 } }))
  ).toBe(200);
  expect(
    await post(
      API_PATHS.otlpMetrics,
      await sdkActiveRequestsBody('shop', 'shop-2', { GET: { started: 5, ended: 3 }, POST: { started: 1, ended: 0 } })
    )
  ).toBe(200);
  const running = sdkRunningRequest('report', 'report-1', 9_000);
  expect(await post(API_PATHS.otlpTraces, running.body)).toBe(200);
  const before = Date.now();

  const answer = await active();
  expect(answer.instances.map((i) => [i.service, i.instance, i.source, i.buckets])).toEqual([
    ['report', 'report-1', 'inferred', { fast: 0, slow: 0, verySlow: 1, unknownAge: 0 }],
    ['shop', 'shop-1', 'snapshot', { fast: 0, slow: 1, verySlow: 0, unknownAge: 0 }],
    ['shop', 'shop-2', 'metric', { fast: 0, slow: 0, verySlow: 0, unknownAge: 3 }],
  ]);
  const [inferred] = answer.instances;
  expect(inferred.requests).toEqual([
    { endpoint: 'SELECT report', elapsed: expect.any(Number), traceId: running.traceId },
  ]);
  // The call's start bounds the age from below (the request began 5 ms before it), as of the answer.
  expect(inferred.requests[0].elapsed).toBe(inferred.takenAt - running.callStart);
  expect(inferred.takenAt).toBeGreaterThanOrEqual(before);
  expect((await active('?service=report')).instances.map((i) => i.instance)).toEqual(['report-1']);

  const { port } = app.server.address() as AddressInfo;
  const exposition = await (await fetch(`http://127.0.0.1:${port}${API_PATHS.metrics}`, { headers: READ })).text();
  const lines = exposition.split('\n').filter((l) => l.startsWith('osprey_active_requests{') && !l.endsWith(' 0'));
  expect(lines).toEqual([
    'osprey_active_requests{service="report",instance="report-1",source="inferred",bucket="verySlow"} 1',
    'osprey_active_requests{service="shop",instance="shop-1",source="snapshot",bucket="slow"} 1',
    'osprey_active_requests{service="shop",instance="shop-2",source="metric",bucket="unknownAge"} 3',
  ]);
});

it('stops inferring once the entry span arrives', async () => {
  const exporterSpans = sdkRunningRequest('report', 'report-1', 1_000);
  expect(await post(API_PATHS.otlpTraces, exporterSpans.body)).toBe(200);
  expect((await active()).instances.map((i) => i.source)).toEqual(['inferred']);
  // The entry span, ended now, as the app's exporter sends it next.
  const trace = await store.trace(exporterSpans.traceId);
  const entry = {
    resourceSpans: [
      {
        resource: {
          attributes: [
            { key: 'service.name', value: { stringValue: 'report' } },
            { key: 'service.instance.id', value: { stringValue: 'report-1' } },
          ],
        },
        scopeSpans: [
          {
            spans: [
              {
                traceId: exporterSpans.traceId,
                spanId: trace[0].parentSpanId,
                name: 'GET /report',
                kind: 2,
                startTimeUnixNano: String(BigInt(exporterSpans.callStart - 5) * BigInt(1_000_000)),
                endTimeUnixNano: String(BigInt(Date.now()) * BigInt(1_000_000)),
              },
            ],
          },
        ],
      },
    ],
  };
  expect(await post(API_PATHS.otlpTraces, entry)).toBe(200);
  expect((await active()).instances).toEqual([]);
});

it('stops inferring once the trace settles, its entry span never having come', async () => {
  const settling = await DuckDbStore.open(path.join(dir, 'settling'), { settleMs: 1_500 });
  const server = buildServer({ store: settling, tokens: { ingest: 'in', read: 'rd' } });
  const request = await listenOnLoopback(server);
  try {
    const running = sdkRunningRequest('report', 'report-1', 1_000);
    const posted = await request('POST', API_PATHS.otlpTraces, {
      headers: { ...INGEST, 'content-type': 'application/x-protobuf' },
      body: running.body,
    });
    expect(posted.statusCode).toBe(200);
    const sources = async () =>
      ((await request('GET', API_PATHS.active, { headers: READ })).body as ActiveResponse).instances.map(
        (i) => i.source
      );
    expect(await sources()).toEqual(['inferred']);
    let left = await sources();
    for (let waited = 0; left.length > 0 && waited < 10_000; waited += 100) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      left = await sources();
    }
    expect(left).toEqual([]);
  } finally {
    await server.close();
    await settling.close();
  }
});

it('answers a JVM from the request threads of its newest dump, with their names and stack tops', async () => {
  const dump = readFileSync(
    path.join(__dirname, '..', '..', '..', 'test', 'fixtures', 'jvm', 'jdk17', 'request-jstack-l.txt')
  );
  const uploaded = await call('POST', `${JVM_API_PATHS.threadDumps}?service=billing&instance=billing-1`, {
    headers: { ...INGEST, 'content-type': 'text/plain' },
    body: dump,
  });
  expect(uploaded.statusCode).toBe(201);
  // The same JVM's OTel agent exporting the metric too: the dump names the threads, so it wins.
  expect(
    await post(
      API_PATHS.otlpMetrics,
      await sdkActiveRequestsBody('billing', 'billing-1', { GET: { started: 3, ended: 0 } })
    )
  ).toBe(200);
  const [billing] = (await active()).instances;
  const sleeping = 'java.lang.Thread.sleep(java.base@17.0.15/Native Method)';
  expect(billing).toMatchObject({
    service: 'billing',
    instance: 'billing-1',
    source: 'jvm',
    requests: [],
    buckets: { fast: 0, slow: 0, verySlow: 0, unknownAge: 3 },
    threads: [
      { name: 'qtp1297685781-18', stackTop: sleeping, server: 'jetty' },
      { name: 'qtp1297685781-20', stackTop: sleeping, server: 'jetty' },
      { name: 'jdk-http-worker', stackTop: sleeping, server: 'jdk-httpserver' },
    ],
  });

  // A stored dump never changes: its threads are read once, not at every scrape, until a newer one comes.
  const reads = jest.spyOn(store.captures, 'threadDump');
  await active();
  await active('?service=billing');
  expect(reads).not.toHaveBeenCalled();
  const again = await call('POST', `${JVM_API_PATHS.threadDumps}?service=billing&instance=billing-1`, {
    headers: { ...INGEST, 'content-type': 'text/plain' },
    body: dump,
  });
  expect(again.statusCode).toBe(201);
  expect((await active()).instances[0].buckets.unknownAge).toBe(3);
  expect(reads).toHaveBeenCalledTimes(1);
});
