/**
 * Every kind besides spans on the logged write path, against a real DuckDB store and real files:
 * OTLP metrics and logs (bodies the OTel JS SDK wrote), thread dumps and heap histograms of a real
 * JDK 17, an agent's host snapshot. Each is acknowledged after the ingest log's fsync, seen by the
 * next read, replayed exactly once when the process died before loading it; bad input is refused
 * before anything is logged, and a full disk answers 507 and loses nothing acknowledged.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';

import type { LogsResponse, MetricSeriesResponse } from '@osprey/model';

import * as logged from '../testing/logged-server';
import { sdkGaugeBody, sdkLogBodies, sdkLogsBody, sdkMetricsBodies } from '../testing/otel-sdk';

jest.setTimeout(60_000);

const FIXTURES = path.resolve(__dirname, '../../../test/fixtures');
const jstack = readFileSync(path.join(FIXTURES, 'jvm/jdk17/jstack-l.txt'));
const histogram = readFileSync(path.join(FIXTURES, 'jvm/jdk17/class_histogram.txt'));
const snapshot = readFileSync(path.join(FIXTURES, 'hosts/snapshot.json'), 'utf8');
const TRACE = '4bf92f3577b34da6a3ce929d0e0e4736';
const SPAN = '00f067aa0ba902b7';
const PROTOBUF = { 'content-type': 'application/x-protobuf' };
const TEXT = { 'content-type': 'text/plain' };
const WINDOW = `from=0&to=${Date.now() + 3_600_000}`;
const METRIC_NAMES =
  'orders.placed,cart.items,v8js.memory.heap.used,http.server.request.duration,http.server.request.body.size';

const tempDir = logged.scratchDirs('osprey-writer-kinds-');

/** Posts one of each kind; the statuses and the ids the uploads answered. */
async function postEveryKind(server: logged.LoggedServer) {
  const target = '?service=shop&instance=shop-1';
  const answers = [
    await logged.postTo(server, '/v1/metrics', (await sdkMetricsBodies()).protobuf, PROTOBUF),
    await logged.postTo(server, '/v1/logs', sdkLogBodies(TRACE, SPAN).protobuf, PROTOBUF),
    await logged.postTo(server, `/api/v1/jvm/threaddumps${target}`, jstack, TEXT),
    await logged.postTo(server, `/api/v1/jvm/heaphistograms${target}`, histogram, TEXT),
    await logged.postTo(server, '/api/v1/hosts/snapshots', snapshot),
  ];
  const idOf = (i: number) => (answers[i].body as { id: string }).id;
  return { statuses: answers.map((a) => a.statusCode), dump: idOf(2), histogram: idOf(3), snapshot: idOf(4) };
}

/** What the read API holds of each kind: points per series, log records, and the uploads listed. */
async function storedKinds(server: logged.LoggedServer) {
  const read = async <T>(route: string) => (await logged.getFrom(server, route)).body as T;
  const metrics = await read<MetricSeriesResponse>(`/api/v1/otel-metrics?${WINDOW}&name=${METRIC_NAMES}`);
  const logs = await read<LogsResponse>(`/api/v1/logs?${WINDOW}`);
  const dumps = await read<{ threadDumps: Array<{ id: string }> }>('/api/v1/jvm/threaddumps?service=shop');
  const histograms = await read<{ heapHistograms: Array<{ id: string }> }>('/api/v1/jvm/heaphistograms?service=shop');
  const snapshots = await read<{ snapshots: Array<{ id: string }> }>('/api/v1/hosts/snapshots');
  return {
    points: metrics.series.map((s) => `${s.name} ${s.points.length}`).sort(),
    logs: logs.logs.map((l) => l.traceId ?? '-').sort(),
    dumps: dumps.threadDumps.map((d) => d.id),
    histograms: histograms.heapHistograms.map((h) => h.id),
    snapshots: snapshots.snapshots.map((s) => s.id),
  };
}

const onceEach = (ids: { dump: string; histogram: string; snapshot: string }) => ({
  points: [
    'cart.items 1',
    'http.server.request.body.size 1',
    'http.server.request.duration 1',
    'orders.placed 1',
    'v8js.memory.heap.used 1',
  ],
  logs: ['-', TRACE],
  dumps: [ids.dump],
  histograms: [ids.histogram],
  snapshots: [ids.snapshot],
});

describe('metrics, logs and uploads on the logged ingest path', () => {
  const keep = logged.closedAfterEach();

  it('acknowledges each kind after the log, and the next read sees it', async () => {
    // An interval far past the test: only the read's own barrier can have loaded them.
    const server = await logged.openLoggedServer(tempDir(), 60_000);
    keep(server);
    const posted = await postEveryKind(server);
    expect(posted.statuses).toEqual([200, 200, 201, 201, 201]);
    expect(server.writer.logStats!()).toEqual(expect.objectContaining({ appends: 5, loads: 0 }));
    expect(server.writer.backlog().items).toBeGreaterThan(5);
    expect(await storedKinds(server)).toEqual(onceEach(posted));
    expect((await logged.getFrom(server, `/api/v1/jvm/threaddumps/${posted.dump}`)).statusCode).toBe(200);
    expect((await logged.getFrom(server, `/api/v1/hosts/snapshots/${posted.snapshot}`)).statusCode).toBe(200);
    expect(server.writer.logStats!().loads).toBe(1);
    expect(server.errors).toEqual([]);
  });

  it('replays each kind exactly once when the process died before loading it', async () => {
    const dataDir = tempDir();
    const first = await logged.openLoggedServer(dataDir, 60_000);
    const posted = await postEveryKind(first);
    expect(first.writer.logStats!().loads).toBe(0);
    await logged.dieBeforeLoading(first);

    const second = await logged.openLoggedServer(dataDir, 60_000);
    expect(second.writer.logStats!().loads).toBe(1);
    expect(await storedKinds(second)).toEqual(onceEach(posted));
    await logged.closeLoggedServer(second);

    // Loaded with the log position: a third start loads nothing again.
    const third = await logged.openLoggedServer(dataDir, 60_000);
    keep(third);
    expect(third.writer.logStats!().loads).toBe(0);
    expect(await storedKinds(third)).toEqual(onceEach(posted));
    expect([...first.errors, ...second.errors, ...third.errors]).toEqual([]);
  });

  it('fulfils a capture request with an upload acknowledged but not yet loaded', async () => {
    const server = await logged.openLoggedServer(tempDir(), 60_000);
    keep(server);
    const created = await logged.postTo(
      server,
      '/api/v1/jvm/requests',
      JSON.stringify({ service: 'shop', instance: 'shop-1', kind: 'threaddump' })
    );
    const { id } = created.body as { id: string };
    expect((await logged.postTo(server, `/api/v1/jvm/requests/${id}/claim`, '')).statusCode).toBe(200);
    const { dump } = await postEveryKind(server);
    const finished = await logged.postTo(
      server,
      `/api/v1/jvm/requests/${id}/result`,
      JSON.stringify({ resultId: dump })
    );
    expect([finished.statusCode, finished.body]).toEqual([
      200,
      expect.objectContaining({ status: 'done', resultId: dump }),
    ]);
  });

  it.each([
    ['garbage protobuf metrics', '/v1/metrics', Buffer.from([0x0a, 0xff, 0xff, 0x01]), PROTOBUF],
    ['metrics of the wrong JSON types', '/v1/metrics', JSON.stringify({ resourceMetrics: { a: 1 } }), {}],
    ['a log record of the wrong JSON types', '/v1/logs', JSON.stringify({ resourceLogs: [{ scopeLogs: 7 }] }), {}],
    ['a thread dump that is not one', '/api/v1/jvm/threaddumps?service=s&instance=i', 'no threads here', TEXT],
    ['a heap histogram that is not one', '/api/v1/jvm/heaphistograms?service=s&instance=i', 'no classes', TEXT],
    ['a host snapshot without its fields', '/api/v1/hosts/snapshots', JSON.stringify({ host: 'h' }), {}],
  ])('refuses %s with a 400 and logs nothing', async (_, route, body, headers) => {
    const dataDir = tempDir();
    const server = await logged.openLoggedServer(dataDir, 60_000);
    const res = await logged.postTo(server, route, body, headers);
    expect(res.statusCode).toBe(400);
    expect(server.writer.logStats!().appends).toBe(0);
    expect(server.writer.backlog().items).toBe(0);
    await logged.closeLoggedServer(server);
    const reopened = await logged.openLoggedServer(dataDir, 60_000);
    keep(reopened);
    expect(reopened.writer.logStats!().loads).toBe(0);
  });

  describe('on a full disk', () => {
    logged.itOnFullDisk(
      'answers 507 to metrics and logs it cannot log, and loses none it acknowledged',
      async (server, free) => {
        // ~30 KB bodies (a long attribute): a few fit beside the filler, then the disk is full.
        const pad = 'x'.repeat(30_000);
        const send = async (n: number) => [
          (
            await logged.postTo(
              server,
              '/v1/metrics',
              await sdkGaugeBody('disk.batch', [{ value: n, attributes: { n, pad } }]),
              PROTOBUF
            )
          ).statusCode,
          (
            await logged.postTo(
              server,
              '/v1/logs',
              sdkLogsBody([{ body: `batch ${n}`, attributes: { pad } }]),
              PROTOBUF
            )
          ).statusCode,
        ];
        const statuses = new Map<number, number[]>();
        for (let n = 0; n < 6; n++) {
          statuses.set(n, await send(n));
        }
        expect([...new Set([...statuses.values()].flat())].sort()).toEqual([200, 507]);
        free();
        expect(await send(20)).toEqual([200, 200]);
        statuses.set(20, [200, 200]);
        await server.writer.close();

        const stored = (await logged.getFrom(server, `/api/v1/otel-metrics?${WINDOW}&name=disk.batch`))
          .body as MetricSeriesResponse;
        const points = stored.series.flatMap((s) => s.points.map(() => Number(s.attributes.n)));
        const logs = ((await logged.getFrom(server, `/api/v1/logs?${WINDOW}`)).body as LogsResponse).logs.map(
          (l) => l.body
        );
        const acknowledged = (kind: number) => [...statuses].filter(([, s]) => s[kind] === 200).map(([n]) => n);
        expect(points.sort((a, b) => a - b)).toEqual(acknowledged(0));
        expect(logs.sort()).toEqual(
          acknowledged(1)
            .map((n) => `batch ${n}`)
            .sort()
        );
        expect(server.errors).toEqual([]);
      }
    );
  });
});
