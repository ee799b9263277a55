/**
 * Store conformance (issue 9): the same real OpenTelemetry workload (workload/store-workload.ts),
 * sent as the same OTLP batches in the same order to one backend on the DuckDB store and one on
 * the ClickHouse store (Debian's clickhouse-server, started here), must give identical answers on
 * every read route the ClickHouse store supports — and those answers must hold the workload's
 * known counts, so two empty answers cannot pass. JVM capture requests are walked through both
 * the way Grafana and the agent drive them; their expiry after the timeout is tested at the store
 * level (store/duckdb/jvm.test.ts, clickhouse-store.test.ts), where `now` can be chosen.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

import {
  type ActiveResponse,
  ARROW_STREAM_MEDIA_TYPE,
  HOST_REQUEST_SERVICE,
  type HostSnapshot,
  type ServiceMapResponse,
  type ServicesResponse,
  type SlosResponse,
  type Span,
  type ErrorTypesResponse,
  type SqlStatisticsResponse,
  type SummaryResponse,
  type TransactionsResponse,
} from '@osprey/model';

import { type Backend, buildBackend, killAll, killHard, postOtlp, startBackend, TOKENS } from './osprey-cli';
import { type ClickHouse, startClickHouse, stopAll } from './real-servers';
import {
  conformanceCases,
  get,
  getWindow,
  read,
  roundFloats,
  waitSettled,
  WINDOW_CASE_LIMIT,
  windowCases,
} from './store-compare';
import { CLOSE_WAIT_REMOTE, ENDED_PID, HOST_FIXTURE, hostSnapshotPair, STARTED_PID } from './workload/host-snapshots';
import { type ErrorTruth, makeWorkload, SERVICES } from './workload/store-workload';
import { sdkActiveRequestsBody, sdkRunningRequest } from '../../backend/src/testing/otel-inflight';
import { apdexZone } from '../../backend/src/derive/apdex';
import { sdkLogBodies, sdkMetricsBodies } from '../../backend/src/testing/otel-sdk';

const OTEL_METRIC_NAMES = [
  'orders.placed',
  'cart.items',
  'v8js.memory.heap.used',
  'http.server.request.duration',
  'http.server.request.body.size',
].join(',');

jest.setTimeout(180_000);

/** Longer than sending the whole workload takes, so each trace settles once, with all its spans, on both stores. */
const SETTLE_MS = 4000;
const JVM_FIXTURES = path.join(__dirname, '..', 'fixtures', 'jvm', 'jdk17');
/** The example SLOs: on the workload's checkout, payment and cart endpoints. */
const SLO_CONFIG = path.join(__dirname, '..', '..', 'provisioning', 'osprey', 'slos.example.yaml');
/** Set by the receiving backend's clock (or its id generator), so they differ between the two. */
const VOLATILE = new Set(['id', 'receivedAt', 'takenAt', 'lastThreadDumpAt', 'lastHeapHistogramAt']);

function withoutVolatile(value: unknown): unknown {
  if (Array.isArray(value)) {
    return value.map(withoutVolatile);
  }
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value)
        .filter(([key]) => !VOLATILE.has(key))
        .map(([key, inner]) => [key, withoutVolatile(inner)])
    );
  }
  return value;
}

/** Well formed (24 hex digits), held by no store. */
const UNKNOWN_ID = '0'.repeat(24);

type Step = [string, number, unknown];

/** Three snapshots of two hosts: the fixture's host twice (hostSnapshotPair), another host between them. */
function hostSnapshots(): HostSnapshot[] {
  const [earlier, later] = hostSnapshotPair();
  const other = { ...structuredClone(HOST_FIXTURE), host: 'other-host', takenAt: HOST_FIXTURE.takenAt + 1000 };
  return [earlier, later, other];
}

/** A host answer with the backend's own choices (ids, receive times) out, ids named by their place in `ids`. */
function withoutHostVolatile(value: unknown, ids: string[]): unknown {
  if (typeof value === 'string') {
    return ids.includes(value) ? `<snapshot ${ids.indexOf(value)}>` : value;
  }
  if (Array.isArray(value)) {
    return value.map((inner) => withoutHostVolatile(inner, ids));
  }
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value)
        .filter(([key]) => key !== 'receivedAt')
        .map(([key, inner]) => [key, withoutHostVolatile(inner, ids)])
    );
  }
  return value;
}

/** Every host read route on one backend, plus a host snapshot request fulfilled with a stored snapshot. */
async function hostAnswers(backend: Backend): Promise<unknown[]> {
  const list = await get<{ snapshots: Array<{ id: string }> }>(backend, '/api/v1/hosts/snapshots');
  const ids = list.snapshots.map((s) => s.id);
  const [newest, , oldest] = ids;
  const ingest = { 'content-type': 'application/json', authorization: `Bearer ${TOKENS.OSPREY_INGEST_TOKEN}` };
  const request = (await (
    await fetch(`${backend.url}/api/v1/jvm/requests`, {
      method: 'POST',
      headers: { ...ingest, authorization: `Bearer ${TOKENS.OSPREY_READ_TOKEN}` },
      body: JSON.stringify({ service: HOST_REQUEST_SERVICE, instance: 'fixture-host', kind: 'hostsnapshot' }),
    })
  ).json()) as { id: string };
  await fetch(`${backend.url}/api/v1/jvm/requests/${request.id}/claim`, { method: 'POST', headers: ingest });
  const finished = await fetch(`${backend.url}/api/v1/jvm/requests/${request.id}/result`, {
    method: 'POST',
    headers: ingest,
    body: JSON.stringify({ resultId: newest }),
  });
  const { requestedAt, updatedAt, ...done } = (await finished.json()) as Record<string, unknown>;
  expect(updatedAt).toBeGreaterThanOrEqual(requestedAt as number);
  const answers = [
    list,
    await get(backend, '/api/v1/hosts'),
    await get(backend, '/api/v1/hosts/snapshots?host=fixture-host&limit=1'),
    await get(backend, `/api/v1/hosts/snapshots?from=${HOST_FIXTURE.takenAt + 1}&to=${HOST_FIXTURE.takenAt + 1000}`),
    await get(backend, `/api/v1/hosts/snapshots/${oldest}`),
    await get(backend, '/api/v1/hosts/snapshots/latest?host=fixture-host'),
    await get(backend, `/api/v1/hosts/snapshots/${oldest}/compare/latest?host=fixture-host`),
    [finished.status, { ...done, id: '<request>' }],
  ];
  expect(newest).not.toBe(oldest);
  return withoutHostVolatile(answers, ids) as unknown[];
}

/**
 * Drives capture requests over HTTP as Grafana (read token) and the agent (ingest token) do, and
 * answers every step's status and body with what the backend chose itself replaced by placeholders:
 * the request ids, the thread dump id, and the times, once checked to be the backend's clock's
 * (requested within the walk, updated no earlier than requested).
 */
async function captureWalk(backend: Backend): Promise<Step[]> {
  const started = Date.now();
  const steps: Step[] = [];
  const names = new Map<string, string>();
  const call = async (step: string, method: string, route: string, token: string, body?: unknown) => {
    const res = await fetch(`${backend.url}/api/v1/jvm/requests${route}`, {
      method,
      headers: {
        authorization: `Bearer ${token}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const answer = (await res.json()) as unknown;
    steps.push([step, res.status, answer]);
    return answer as { id: string };
  };
  const read = TOKENS.OSPREY_READ_TOKEN;
  const ingest = TOKENS.OSPREY_INGEST_TOKEN;
  const first = await call('create', 'POST', '', read, { service: 'cart', instance: 'cart-1', kind: 'threaddump' });
  const second = await call('create', 'POST', '', read, { service: 'cart', instance: 'cart-2', kind: 'heaphistogram' });
  const dumps = await get<{ threadDumps: Array<{ id: string }> }>(backend, '/api/v1/jvm/threaddumps?instance=cart-1');
  const dump = dumps.threadDumps[0].id;
  names.set(first.id, '<first>').set(second.id, '<second>').set(dump, '<dump>');
  await call('list one instance', 'GET', '?service=cart&instance=cart-1', read);
  await call('list pending', 'GET', '?status=pending', ingest);
  await call('list taken of cart-2', 'GET', '?instance=cart-2&status=taken', read);
  await call('get', 'GET', `/${first.id}`, ingest);
  await call('claim', 'POST', `/${first.id}/claim`, ingest);
  await call('claim again', 'POST', `/${first.id}/claim`, ingest);
  await call('list taken', 'GET', '?status=taken', read);
  await call('finish', 'POST', `/${first.id}/result`, ingest, { resultId: dump });
  await call('finish again', 'POST', `/${first.id}/result`, ingest, { resultId: dump });
  await call('fail the other', 'POST', `/${second.id}/result`, ingest, { error: 'attach failed' });
  await call('list all', 'GET', '', read);
  await call('get unknown', 'GET', `/${UNKNOWN_ID}`, read);
  await call('claim unknown', 'POST', `/${UNKNOWN_ID}/claim`, ingest);
  await call('finish unknown', 'POST', `/${UNKNOWN_ID}/result`, ingest, { error: 'x' });
  const finished = Date.now();
  const placeholders = (value: unknown): unknown => {
    if (typeof value === 'string') {
      return [...names].reduce((text, [id, name]) => text.replaceAll(id, name), value);
    }
    if (Array.isArray(value)) {
      return value.map(placeholders);
    }
    if (value !== null && typeof value === 'object') {
      const fields = value as Record<string, unknown>;
      if (typeof fields.requestedAt === 'number') {
        const { requestedAt, updatedAt } = fields as { requestedAt: number; updatedAt: number };
        expect(requestedAt).toBeGreaterThanOrEqual(started);
        expect(updatedAt).toBeGreaterThanOrEqual(requestedAt);
        expect(updatedAt).toBeLessThanOrEqual(finished);
      }
      return Object.fromEntries(
        Object.entries(fields)
          .filter(([key]) => key !== 'requestedAt' && key !== 'updatedAt')
          .map(([key, inner]) => [key, placeholders(inner)])
      );
    }
    return value;
  };
  return steps.map(([step, status, answer]) => [step, status, placeholders(answer)]);
}

describe('store conformance: DuckDB and ClickHouse answer alike', () => {
  const workload = makeWorkload();
  let dataDir: string;
  let clickhouse: ClickHouse;
  let duck: Backend;
  let ch: Backend;
  const duckArgs = ['--settle-ms', String(SETTLE_MS), '--config', SLO_CONFIG];
  const chArgs = () => [
    '--config',
    SLO_CONFIG,
    '--store',
    'clickhouse',
    '--clickhouse-url',
    clickhouse.url,
    '--clickhouse-database',
    'conformance',
    '--settle-ms',
    String(SETTLE_MS),
  ];

  beforeAll(async () => {
    buildBackend();
    dataDir = mkdtempSync(path.join(tmpdir(), 'osprey-conformance-'));
    clickhouse = await startClickHouse();
    duck = await startBackend(path.join(dataDir, 'duck'), duckArgs);
    ch = await startBackend(path.join(dataDir, 'ch'), chArgs());
    for (const batch of workload.batches) {
      for (const backend of [duck, ch]) {
        expect((await postOtlp(backend.url, batch.body)).status).toBe(200);
      }
    }
    // Active snapshots, the older one of an instance arriving last (a retry after a 503).
    const now = Date.now();
    const snapshot = (instance: string, takenAt: number, elapsed: number) => ({
      service: 'cart',
      instance,
      takenAt,
      requests: [{ endpoint: 'GET /cart', elapsed, traceId: workload.traceIds[0], threadName: 'http-1' }],
    });
    for (const body of [
      snapshot('cart-1', now, 4200),
      snapshot('cart-2', now - 10, 9000),
      snapshot('cart-1', now - 5, 100),
    ]) {
      for (const backend of [duck, ch]) {
        const res = await fetch(`${backend.url}/api/v1/active`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${TOKENS.OSPREY_INGEST_TOKEN}` },
          body: JSON.stringify(body),
        });
        expect(res.status).toBe(204);
      }
    }
    for (const backend of [duck, ch]) {
      for (const [route, file] of [
        ['threaddumps', 'jcmd-thread-print.txt'],
        ['threaddumps', 'lock-jstack-l.txt'],
        ['heaphistograms', 'class_histogram.txt'],
      ]) {
        const res = await fetch(`${backend.url}/api/v1/jvm/${route}?service=cart&instance=cart-1`, {
          method: 'POST',
          headers: { 'content-type': 'text/plain', authorization: `Bearer ${TOKENS.OSPREY_INGEST_TOKEN}` },
          body: readFileSync(path.join(JVM_FIXTURES, file)),
        });
        expect(res.status).toBe(201);
      }
    }
    for (const backend of [duck, ch]) {
      for (const body of hostSnapshots()) {
        const res = await fetch(`${backend.url}/api/v1/hosts/snapshots`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${TOKENS.OSPREY_INGEST_TOKEN}` },
          body: JSON.stringify(body),
        });
        expect(res.status).toBe(201);
      }
    }
    const { protobuf: metricsBody } = await sdkMetricsBodies();
    const { protobuf: logsBody } = sdkLogBodies(workload.traceIds[0], '00f067aa0ba902b7');
    for (const backend of [duck, ch]) {
      for (const [route, body] of [
        ['/v1/metrics', metricsBody],
        ['/v1/logs', logsBody],
      ] as const) {
        const res = await fetch(`${backend.url}${route}`, {
          method: 'POST',
          headers: { 'content-type': 'application/x-protobuf', authorization: `Bearer ${TOKENS.OSPREY_INGEST_TOKEN}` },
          body: Buffer.from(body),
        });
        expect(res.status).toBe(200);
      }
    }
    await waitSettled(duck, workload, 'the DuckDB backend');
    await waitSettled(ch, workload, 'the ClickHouse backend');
  });

  afterAll(async () => {
    killAll();
    await stopAll();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('both stores hold the whole workload', async () => {
    for (const backend of [duck, ch]) {
      expect((await get<ServicesResponse>(backend, '/api/v1/services')).services).toEqual([...SERVICES]);
      const rows = await get<TransactionsResponse>(
        backend,
        `/api/v1/transactions?from=${workload.from}&to=${workload.to}&limit=1000`
      );
      expect(rows.transactions).toHaveLength(workload.transactions);
      // Settled figures: every successful checkout's cart transaction counted both of its queries.
      const carts = rows.transactions.filter((tx) => tx.service === 'cart');
      expect(carts.every((tx) => tx.sqlCount === 2 && tx.parentService === 'frontend')).toBe(true);
      const trace = await get<{ spans: Span[] }>(backend, `/api/v1/traces/${workload.traceIds[0]}`);
      expect(new Set(trace.spans.map((span) => span.service))).toEqual(new Set(['frontend', 'cart', 'payment']));
      const active = await get<{ instances: Array<{ instance: string; requests: Array<{ elapsed: number }> }> }>(
        backend,
        '/api/v1/active'
      );
      expect(active.instances.map((i) => [i.instance, i.requests[0].elapsed])).toEqual([
        ['cart-1', 4200],
        ['cart-2', 9000],
      ]);
    }
  });

  it('SQL statistics hold the workload truth: counts, errors, totals, max and p95 within one bucket', async () => {
    const window = `from=${workload.from}&to=${workload.to}`;
    expect(workload.sql).toHaveLength(4);
    for (const backend of [duck, ch]) {
      const answer = await get<SqlStatisticsResponse>(backend, `/api/v1/statistics/sql?${window}&sort=count`);
      expect(answer.statements).toHaveLength(workload.sql.length);
      for (const truth of workload.sql) {
        const got = answer.statements.find((s) => s.service === truth.service && s.statement === truth.statement);
        const sorted = [...truth.durations].sort((a, b) => a - b);
        const total = sorted.reduce((sum, ms) => sum + ms, 0);
        // Nearest rank, the rank the histogram's p95 reads its bucket at.
        const p95 = sorted[Math.ceil(0.95 * sorted.length) - 1];
        expect(got).toMatchObject({ dbSystem: truth.dbSystem, dbName: truth.dbName, count: sorted.length });
        expect(got!.errors).toBe(truth.errors);
        // Span times reach the store in whole microseconds (the SDK's hrtime of a fractional ms, truncated).
        expect(Math.abs(got!.totalTime - total)).toBeLessThanOrEqual(0.001 * sorted.length);
        expect(Math.abs(got!.maxTime - sorted[sorted.length - 1])).toBeLessThanOrEqual(0.001);
        expect(got!.p95).toBeGreaterThanOrEqual(p95 - 1e-6);
        expect(got!.p95).toBeLessThan(p95 * 2 ** 0.25 + 1e-6);
        const ofEndpoint = await get<SqlStatisticsResponse>(
          backend,
          `/api/v1/statistics/sql?${window}&endpoint=${encodeURIComponent(truth.endpoint)}`
        );
        expect(ofEndpoint.statements.map((s) => s.key)).toContain(got!.key);
      }
      expect(workload.sql.some((truth) => truth.errors > 0)).toBe(true);
    }
  });

  it('errors by type hold the workload truth: groups, counts, endpoints, example traces, new in range', async () => {
    const byType = new Map<string, ErrorTruth[]>();
    for (const error of workload.errors) {
      const id = JSON.stringify([error.service, error.errorType, error.template]);
      byType.set(id, [...(byType.get(id) ?? []), error]);
    }
    expect([...byType.keys()]).toHaveLength(3);
    const declined = workload.errors.filter((e) => e.errorType === 'CardDeclined');
    const timeouts = workload.errors.filter((e) => e.errorType === 'AcquirerTimeout');
    // Between the first card declined and the first timeout: only the timeout is new.
    const later = (declined[0].endTime + timeouts[0].endTime) / 2;
    expect(declined[0].endTime).toBeLessThan(timeouts[0].endTime);
    for (const backend of [duck, ch]) {
      const all = await get<ErrorTypesResponse>(
        backend,
        `/api/v1/statistics/errors?from=${workload.from}&to=${workload.to}`
      );
      expect(all.errorTypes).toHaveLength(byType.size);
      for (const occurrences of byType.values()) {
        const [{ service, errorType, template, endpoint }] = occurrences;
        const newest = occurrences[occurrences.length - 1];
        const got = all.errorTypes.find((t) => t.service === service && t.errorType === errorType);
        expect(got).toMatchObject({ template, count: occurrences.length, endpoints: [endpoint], isNew: true });
        expect(got!.exampleTraceId).toBe(newest.traceId);
        expect(got!.firstSeen).toBeCloseTo(occurrences[0].endTime, 2);
        expect(got!.lastSeen).toBeCloseTo(newest.endTime, 2);
        expect(got!.counts.reduce((sum, c) => sum + c.count, 0)).toBe(occurrences.length);
      }
      const since = await get<ErrorTypesResponse>(backend, `/api/v1/statistics/errors?from=${later}&to=${workload.to}`);
      expect(since.errorTypes.map((t) => [t.errorType, t.isNew, t.count]).sort()).toEqual(
        [
          ['', false, workload.errors.filter((e) => e.errorType === '' && e.endTime >= later).length],
          ['AcquirerTimeout', true, timeouts.length],
          ['CardDeclined', false, declined.length - 1],
        ].sort()
      );
      expect(since.errorTypes.find((t) => t.errorType === 'CardDeclined')!.firstSeen).toBeCloseTo(
        declined[0].endTime,
        2
      );
    }
  });

  it('endpoint summaries hold the workload truth: counts, errors, elapsed, users and Apdex', async () => {
    const t = 100;
    for (const backend of [duck, ch]) {
      const answer = await get<SummaryResponse>(
        backend,
        `/api/v1/statistics/summary?from=${workload.from}&to=${workload.to}&service=frontend&apdexT=${t}`
      );
      expect(answer.summaries.map((s) => s.endpoint).sort()).toEqual(['GET /browse', 'GET /checkout']);
      for (const row of answer.summaries) {
        const requests = workload.requests.filter((r) => r.endpoint === row.endpoint);
        const sorted = requests.map((r) => r.elapsed).sort((a, b) => a - b);
        const zones = sorted.map((ms) => apdexZone(ms, t));
        const satisfied = zones.filter((z) => z === 'satisfied').length;
        const tolerating = zones.filter((z) => z === 'tolerating').length;
        expect(row).toMatchObject({
          service: 'frontend',
          count: requests.length,
          errors: requests.filter((r) => r.failed).length,
          users: new Set(requests.map((r) => r.userId)).size,
          satisfied,
          tolerating,
          avgSqlCount: 0,
          avgApiCallCount: row.endpoint === 'GET /checkout' ? 2 : 1,
        });
        expect(row.apdex).toBeCloseTo((satisfied + tolerating / 2) / requests.length, 12);
        expect(row.avgElapsed).toBeCloseTo(sorted.reduce((sum, ms) => sum + ms, 0) / sorted.length, 2);
        expect(row.p95).toBeCloseTo(sorted[Math.ceil(0.95 * sorted.length) - 1], 2);
        expect(row.maxElapsed).toBeCloseTo(sorted[sorted.length - 1], 2);
      }
      expect(answer.summaries.some((s) => s.tolerating > 0 && s.apdex < 1)).toBe(true);
    }
  });

  it('the service map’s frontend node holds the workload’s Apdex at two Ts', async () => {
    const elapsed = workload.requests.map((r) => r.elapsed);
    for (const t of [60, 100]) {
      const zones = elapsed.map((ms) => apdexZone(ms, t));
      const satisfied = zones.filter((z) => z === 'satisfied').length;
      const tolerating = zones.filter((z) => z === 'tolerating').length;
      // Both zones occur, so a score of 1 or 0 cannot pass.
      expect(satisfied * tolerating).toBeGreaterThan(0);
      for (const backend of [duck, ch]) {
        const map = await get<ServiceMapResponse>(
          backend,
          `/api/v1/servicemap?from=${workload.from}&to=${workload.to}&apdexT=${t}`
        );
        expect(map.apdexT).toBe(t);
        const frontend = map.nodes.find((n) => n.id === 'frontend');
        expect(frontend).toMatchObject({ transactions: elapsed.length });
        expect(frontend!.apdex).toBeCloseTo((satisfied + tolerating / 2) / elapsed.length, 12);
        expect(map.nodes.filter((n) => n.type !== 'service').every((n) => n.apdex === undefined)).toBe(true);
      }
    }
  });

  it('SLOs: both stores give the same error budgets, counting the workload’s transactions of each', async () => {
    const route = `/api/v1/slos?to=${workload.to}`;
    const [expected, actual] = await Promise.all([get<SlosResponse>(duck, route), get<SlosResponse>(ch, route)]);
    expect(roundFloats(actual)).toEqual(roundFloats(expected));
    const { transactions } = await get<TransactionsResponse>(
      duck,
      `/api/v1/transactions?from=${workload.from}&to=${workload.to}&limit=1000`
    );
    expect(expected.slos.map((s) => s.definition.name)).toEqual([
      'checkout-availability',
      'pay-latency',
      'cart-availability',
    ]);
    for (const status of expected.slos) {
      const { service, endpoint, objective } = status.definition;
      const truth = transactions.filter(
        (tx) => tx.service === service && (endpoint === undefined || tx.endpoint === endpoint)
      );
      expect(truth.length).toBeGreaterThan(0);
      expect(status.total).toBe(truth.length);
      if (objective === 'availability') {
        expect(status.bad).toBe(truth.filter((tx) => tx.status === 'error').length);
      }
    }
  });

  it.each(conformanceCases(workload))('%s: %s', async (_, route) => {
    const [expected, actual] = await Promise.all([get(duck, route), get(ch, route)]);
    expect(roundFloats(actual)).toEqual(roundFloats(expected));
  });

  describe('the XLOG window as Arrow', () => {
    it.each(windowCases(workload))('%s: the same fields, dictionaries and rows', async (_, route, shape) => {
      const [expected, actual] = await Promise.all([getWindow(duck, route), getWindow(ch, route)]);
      if (shape === 'part') {
        expect(expected.matched).toBeGreaterThan(WINDOW_CASE_LIMIT);
        expect(expected.matched).toBeLessThan(workload.transactions);
      } else {
        expect(expected.matched).toBe(workload.transactions);
      }
      expect(expected.truncated).toBe(String(shape === 'newest'));
      expect(expected.rows).toHaveLength(shape === 'newest' ? WINDOW_CASE_LIMIT : expected.matched);
      expect(actual).toEqual(expected);
    });

    it('mode=auto past the limit: the same density grid, as JSON', async () => {
      const window = `from=${workload.from}&to=${workload.to}`;
      const route = `/api/v1/transactions?${window}&mode=auto&limit=10&timeBuckets=40&elapsedBuckets=12`;
      const [expected, actual] = await Promise.all(
        [duck, ch].map((backend) => get<TransactionsResponse>(backend, route, ARROW_STREAM_MEDIA_TYPE))
      );
      expect(expected.density?.total).toBe(workload.transactions);
      expect(roundFloats(actual)).toEqual(roundFloats(expected));
    });
  });

  it.each([
    ['thread dumps', '/api/v1/jvm/threaddumps?service=cart'],
    ['heap histograms', '/api/v1/jvm/heaphistograms'],
    ['JVM instances', '/api/v1/jvm/instances'],
  ])('%s: same content, ids and receive times aside', async (_, route) => {
    const [expected, actual] = await Promise.all([get(duck, route), get(ch, route)]);
    expect(JSON.stringify(expected).length).toBeGreaterThan(100);
    expect(withoutVolatile(actual)).toEqual(withoutVolatile(expected));
  });

  it('answers each stored dump and histogram by id, raw text included', async () => {
    for (const backend of [duck, ch]) {
      const dumps = await get<{ threadDumps: Array<{ id: string }> }>(backend, '/api/v1/jvm/threaddumps');
      expect(dumps.threadDumps).toHaveLength(2);
      const raw = await fetch(`${backend.url}/api/v1/jvm/threaddumps/${dumps.threadDumps[1].id}/raw`, {
        headers: { authorization: `Bearer ${TOKENS.OSPREY_READ_TOKEN}` },
      });
      expect(await raw.text()).toBe(readFileSync(path.join(JVM_FIXTURES, 'jcmd-thread-print.txt'), 'utf8'));
    }
    const [duckDump, chDump] = await Promise.all(
      [duck, ch].map(async (backend) => {
        const list = await get<{ threadDumps: Array<{ id: string }> }>(backend, '/api/v1/jvm/threaddumps');
        return get(backend, `/api/v1/jvm/threaddumps/${list.threadDumps[0].id}`);
      })
    );
    expect(withoutVolatile(chDump)).toEqual(withoutVolatile(duckDump));
  });

  it('walks a capture request from Grafana through claim and result alike', async () => {
    const [expected, actual] = await Promise.all([captureWalk(duck), captureWalk(ch)]);
    expect(actual).toEqual(expected);
    const request = (instance: string, kind: string, status: string, extra: object = {}) => ({
      id: instance === 'cart-1' ? '<first>' : '<second>',
      service: 'cart',
      instance,
      kind,
      status,
      ...extra,
    });
    expect(expected).toEqual([
      ['create', 202, request('cart-1', 'threaddump', 'pending')],
      ['create', 202, request('cart-2', 'heaphistogram', 'pending')],
      ['list one instance', 200, { requests: [request('cart-1', 'threaddump', 'pending')] }],
      [
        'list pending',
        200,
        { requests: [request('cart-1', 'threaddump', 'pending'), request('cart-2', 'heaphistogram', 'pending')] },
      ],
      ['list taken of cart-2', 200, { requests: [] }],
      ['get', 200, request('cart-1', 'threaddump', 'pending')],
      ['claim', 200, request('cart-1', 'threaddump', 'taken')],
      ['claim again', 409, { error: 'conflict', message: 'capture request <first> is taken, cannot claim it' }],
      ['list taken', 200, { requests: [request('cart-1', 'threaddump', 'taken')] }],
      ['finish', 200, request('cart-1', 'threaddump', 'done', { resultId: '<dump>' })],
      ['finish again', 409, { error: 'conflict', message: 'capture request <first> is done, cannot finish it' }],
      ['fail the other', 200, request('cart-2', 'heaphistogram', 'failed', { error: 'attach failed' })],
      [
        'list all',
        200,
        {
          requests: [
            request('cart-1', 'threaddump', 'done', { resultId: '<dump>' }),
            request('cart-2', 'heaphistogram', 'failed', { error: 'attach failed' }),
          ],
        },
      ],
      ['get unknown', 404, { error: 'not_found', message: `no capture request with id ${UNKNOWN_ID}` }],
      ['claim unknown', 404, { error: 'not_found', message: `no capture request with id ${UNKNOWN_ID}` }],
      ['finish unknown', 404, { error: 'not_found', message: `no capture request with id ${UNKNOWN_ID}` }],
    ]);
  });

  it('host snapshots: the same lists, snapshots, latest, compare and request fulfilment', async () => {
    const [expected, actual] = await Promise.all([hostAnswers(duck), hostAnswers(ch)]);
    expect(actual).toEqual(expected);
    const [list, hosts, latestOne, window, oldest, latest, compare, fulfilled] = expected as any[];
    expect(
      list.snapshots.map((s: { host: string; takenAt: number }) => [s.host, s.takenAt - HOST_FIXTURE.takenAt])
    ).toEqual([
      ['fixture-host', 5000],
      ['other-host', 1000],
      ['fixture-host', 0],
    ]);
    expect(hosts.hosts).toEqual([
      { host: 'fixture-host', lastSnapshotAt: HOST_FIXTURE.takenAt + 5000, snapshots: 2 },
      { host: 'other-host', lastSnapshotAt: HOST_FIXTURE.takenAt + 1000, snapshots: 1 },
    ]);
    expect(latestOne.snapshots).toEqual([list.snapshots[0]]);
    expect(window.snapshots).toEqual([list.snapshots[1]]);
    expect(oldest).toEqual({ ...hostSnapshotPair()[0], id: '<snapshot 2>' });
    expect(latest).toMatchObject({ id: '<snapshot 0>', processes: [expect.anything(), expect.anything()] });
    expect(compare).toMatchObject({
      intervalMs: 5000,
      started: [expect.objectContaining({ pid: STARTED_PID })],
      ended: [expect.objectContaining({ pid: ENDED_PID })],
      cpu: [expect.objectContaining({ cpuDeltaMs: 750, cpuPercent: 15 })],
      fds: [expect.objectContaining({ delta: 2, filesDelta: 2 })],
      tcpRemotes: [{ remote: CLOSE_WAIT_REMOTE, state: 'CLOSE_WAIT', before: 0, after: 3, delta: 3 }],
    });
    expect(fulfilled).toEqual([
      200,
      expect.objectContaining({ kind: 'hostsnapshot', status: 'done', resultId: '<snapshot 0>' }),
    ]);
  });

  it.each([
    ['OTLP metric series', `/api/v1/otel-metrics?from=0&to=${Date.now() + 3_600_000}&name=${OTEL_METRIC_NAMES}`, 5],
    ['OTLP metric names', '/api/v1/otel-metrics/names?service=checkout', 5],
    ['OTLP logs', `/api/v1/logs?from=0&to=${Date.now() + 3_600_000}`, 2],
    ['OTLP logs of one trace, by text', `/api/v1/logs?from=0&to=${Date.now() + 3_600_000}&search=PAYMENT`, 1],
    ['OTLP errors', `/api/v1/logs?from=0&to=${Date.now() + 3_600_000}&minSeverity=17`, 1],
  ])('%s: the same answer', async (_, route, items) => {
    const [expected, actual] = await Promise.all([get(duck, route), get(ch, route)]);
    const list = Object.values(expected as Record<string, unknown>).find(Array.isArray) as unknown[];
    expect(list).toHaveLength(items);
    expect(actual).toEqual(expected);
  });

  it('keeps injection attempts inside their literals', async () => {
    const tableCount = async () =>
      Number((await clickhouse.query("SELECT count() FROM system.tables WHERE database = 'conformance'")).trim());
    const tablesBefore = await tableCount();
    expect(tablesBefore).toBeGreaterThan(0);
    for (const service of ["x' OR '1'='1", "\\' OR 1=1 --", 'nul\0byte', 'ünï 🦅']) {
      const rows = await get<TransactionsResponse>(
        ch,
        `/api/v1/transactions?from=${workload.from}&to=${workload.to}&service=${encodeURIComponent(service)}`
      );
      expect(rows.transactions).toEqual([]);
    }
    expect(await tableCount()).toBe(tablesBefore);
  });

  // Last: it adds an unsettled trace, which the settle window then settles on each store.
  it('answers in-flight requests from JVM dumps, metrics and unsettled traces alike', async () => {
    const running = sdkRunningRequest('report', 'report-1', 9_000);
    const metric = await sdkActiveRequestsBody('ledger', 'ledger-1', { GET: { started: 4, ended: 1 } });
    for (const backend of [duck, ch]) {
      const res = await fetch(`${backend.url}/api/v1/jvm/threaddumps?service=billing&instance=billing-1`, {
        method: 'POST',
        headers: { 'content-type': 'text/plain', authorization: `Bearer ${TOKENS.OSPREY_INGEST_TOKEN}` },
        body: readFileSync(path.join(JVM_FIXTURES, 'request-jstack-l.txt')),
      });
      expect(res.status).toBe(201);
    }
    for (const backend of [duck, ch]) {
      for (const [route, body] of [
        ['/v1/traces', running.body],
        ['/v1/metrics', metric],
      ] as const) {
        const res = await fetch(`${backend.url}${route}`, {
          method: 'POST',
          headers: { 'content-type': 'application/x-protobuf', authorization: `Bearer ${TOKENS.OSPREY_INGEST_TOKEN}` },
          body: Buffer.from(body),
        });
        expect(res.status).toBe(200);
      }
    }
    // Well within SETTLE_MS of the trace's arrival: neither store has settled it yet.
    const answers = await Promise.all([duck, ch].map((backend) => get<ActiveResponse>(backend, '/api/v1/active')));
    const sources = answers.map((answer) =>
      answer.instances
        .filter((i) => ['billing', 'report', 'ledger'].includes(i.service))
        .map((i) => [
          i.instance,
          i.source,
          i.buckets,
          i.requests.map((r) => [r.endpoint, r.traceId]),
          (i.threads ?? []).map((t) => t.name),
        ])
    );
    expect(sources[0]).toEqual([
      [
        'billing-1',
        'jvm',
        { fast: 0, slow: 0, verySlow: 0, unknownAge: 3 },
        [],
        ['qtp1297685781-18', 'qtp1297685781-20', 'jdk-http-worker'],
      ],
      ['ledger-1', 'metric', { fast: 0, slow: 0, verySlow: 0, unknownAge: 3 }, [], []],
      [
        'report-1',
        'inferred',
        { fast: 0, slow: 0, verySlow: 1, unknownAge: 0 },
        [['SELECT report', running.traceId]],
        [],
      ],
    ]);
    expect(sources[1]).toEqual(sources[0]);
  });

  // Last, as it restarts both backends: each finds its ingest log's position in its store, so the
  // restart loads nothing again (on ClickHouse a second load would count the RED rollups twice).
  it('after kill -9 and a restart, neither engine loads its ingest log again', async () => {
    const route = `/api/v1/transactions?from=${workload.from}&to=${workload.to}&limit=100000&mode=rows`;
    const before = (await get<TransactionsResponse>(duck, route)).transactions.length;
    expect(before).toBeGreaterThan(0);
    // The other logged kinds too: their rows, listed, before and after.
    const window = `from=0&to=${Date.now() + 3_600_000}`;
    const others = async (backend: Backend) =>
      Promise.all(
        [
          `/api/v1/otel-metrics?${window}&name=${OTEL_METRIC_NAMES}`,
          `/api/v1/logs?${window}`,
          '/api/v1/jvm/threaddumps',
          '/api/v1/jvm/heaphistograms',
          '/api/v1/hosts/snapshots',
        ].map((otherRoute) => get(backend, otherRoute))
      );
    const othersBefore = await Promise.all([duck, ch].map(others));
    await Promise.all([killHard(duck), killHard(ch)]);
    duck = await startBackend(path.join(dataDir, 'duck'), duckArgs);
    ch = await startBackend(path.join(dataDir, 'ch'), chArgs());
    for (const backend of [duck, ch]) {
      const metrics = await (await read(backend, '/metrics')).text();
      expect(metrics).toMatch(/^osprey_ingest_log_loads 0$/m);
      expect(metrics).toMatch(/^osprey_ingest_log_cut_tails 0$/m);
      expect((await get<TransactionsResponse>(backend, route)).transactions).toHaveLength(before);
    }
    expect(await Promise.all([duck, ch].map(others))).toEqual(othersBefore);
  });
});
