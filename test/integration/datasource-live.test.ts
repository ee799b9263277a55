/**
 * @jest-environment ./test/jest/jsdom-with-fetch.js
 *
 * The datasource plugin's query code against the real `osprey serve`, fed by the real OpenTelemetry
 * JS SDK, through a data proxy that injects the token from plugin.json's route as Grafana does
 * (test/e2e/server.ts). Frames are asserted field by field against what Grafana's Traces and Node
 * Graph panels read.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';

import {
  dateTime,
  FieldType,
  type DataFrame,
  type DataQueryRequest,
  type DataQueryResponse,
  type DataSourceInstanceSettings,
  type ScopedVars,
  type TypedVariableModel,
} from '@grafana/data';
import { setBackendSrv, setTemplateSrv, type TemplateSrv } from '@grafana/runtime';
import { TRANSACTION_COLUMN_NAMES } from '@osprey/model';
import { firstValueFrom, lastValueFrom, take, toArray } from 'rxjs';

import { concatFrames } from '../../datasource/src/concat-frames';
import { OspreyDataSource } from '../../datasource/src/datasource';
import { EDGE_PANEL_FIELDS, NODE_PANEL_FIELDS, TRACE_PANEL_FIELDS } from '../../datasource/src/panel-contracts.fixture';
import type { OspreyOptions, OspreyQuery } from '../../datasource/src/types';
import { textAt } from '../../datasource/src/window-frame';
import { HostBackendSrv } from '../../host/src/web/backend-srv';
import { sendShopTraffic } from '../e2e/shop-traffic';
import { startHostServer, type HostServer, type ProxiedDataSource } from '../e2e/server';

jest.setTimeout(120_000);

const ROOT = path.resolve(__dirname, '..', '..');
const TOKENS = { read: 'ds-live-read', ingest: 'ds-live-ingest', admin: 'ds-live-admin' };

interface Backend {
  url: string;
  stop(): Promise<void>;
}

/** The real CLI on a free loopback port with its own data directory (e2e/backend.ts pulls in esbuild, which jsdom breaks). */
async function startBackend(): Promise<Backend> {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'osprey-ds-live-data-'));
  const child: ChildProcess = spawn(
    process.execPath,
    [
      path.join(ROOT, 'backend', 'bin', 'osprey.js'),
      'serve',
      '--port',
      '0',
      '--host',
      '127.0.0.1',
      '--data-dir',
      dataDir,
      // Service-map edges appear when a trace settles; a short quiet window keeps the test short.
      '--settle-ms',
      '300',
    ],
    {
      cwd: ROOT,
      env: {
        ...process.env,
        OSPREY_READ_TOKEN: TOKENS.read,
        OSPREY_INGEST_TOKEN: TOKENS.ingest,
        OSPREY_ADMIN_TOKEN: TOKENS.admin,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    }
  );
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`osprey serve did not listen within 30 s: ${stderr}`)), 30_000);
    child.once('exit', (code) => reject(new Error(`osprey serve exited with ${code}: ${stderr}`)));
    createInterface({ input: child.stdout! }).on('line', (line) => {
      const entry = JSON.parse(line) as { msg?: string; url?: string };
      if (entry.msg === 'osprey listening' && entry.url) {
        clearTimeout(timer);
        resolve(entry.url);
      }
    });
  });
  return {
    url,
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        await exited;
      }
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/**
 * Grafana's TemplateSrv as far as the datasource uses it: `$name` replaced from scopedVars, then
 * from dashboard variables; a multi-value or "All" variable goes through the format callback as
 * the list of its values, as Grafana's does.
 */
class DashboardTemplateSrv implements TemplateSrv {
  constructor(private readonly vars: Record<string, string | string[]>) {}

  getVariables(): TypedVariableModel[] {
    return Object.entries(this.vars).map(
      ([name, value]) => ({ name, type: 'custom', current: { value, text: value } }) as unknown as TypedVariableModel
    );
  }

  replace(target?: string, scopedVars?: ScopedVars, format?: string | ((value: string | string[]) => string)): string {
    return (target ?? '').replace(/\$(\w+)/g, (match, name: string) => {
      const scoped = scopedVars?.[name]?.value as string | undefined;
      const value = scoped ?? this.vars[name];
      if (value === undefined) {
        return match;
      }
      const list = value === '$__all' ? ['frontend', 'orders'] : value;
      if (typeof format === 'function') {
        return format(list);
      }
      return Array.isArray(list) ? `{${list.join(',')}}` : list;
    });
  }

  containsTemplate(target?: string): boolean {
    return /\$\w+/.test(target ?? '');
  }

  updateTimeRange(): void {}
}

/** A server answering every request with one fixed status and body: what a broken proxy or backend sends. */
async function faultServer(status: number, body: string): Promise<{ url: string; close: () => Promise<void> }> {
  const server = http.createServer((_req, res) =>
    res.writeHead(status, { 'Content-Type': 'application/json' }).end(body)
  );
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

let backend: Backend;
let host: HostServer;
let pluginDir: string;
let traffic: { ok: string; failed: string };
const faults: Array<{ close: () => Promise<void> }> = [];
const dataSources: ProxiedDataSource[] = [];

function proxied(uid: string, url: string, token = TOKENS.read): OspreyDataSource {
  dataSources.push({ uid, jsonData: { url }, secureJsonData: { token } });
  host.setDataSource(dataSources[dataSources.length - 1]);
  return new OspreyDataSource({
    id: 1,
    uid,
    type: 'osprey-apm-datasource',
    name: uid,
    url: `${host.url}/api/datasources/proxy/uid/${uid}`,
    jsonData: { timeout: 10 },
    access: 'proxy',
    readOnly: false,
    meta: { id: 'osprey-apm-datasource' },
  } as unknown as DataSourceInstanceSettings<OspreyOptions>);
}

function request(targets: Array<Partial<OspreyQuery>>, extra: Partial<DataQueryRequest<OspreyQuery>> = {}) {
  const now = Date.now();
  return {
    requestId: 'live',
    interval: '1m',
    intervalMs: 60_000,
    maxDataPoints: 100,
    range: { from: dateTime(now - 3_600_000), to: dateTime(now + 60_000), raw: { from: 'now-1h', to: 'now' } },
    scopedVars: {},
    targets: targets.map((t, i) => ({ refId: String.fromCharCode(65 + i), queryType: 'xlog', ...t })),
    timezone: 'utc',
    app: 'dashboard',
    startTime: now,
    ...extra,
  } as DataQueryRequest<OspreyQuery>;
}

/** Every packet of a finite request, then the last packet of each query key. */
async function answer(
  ds: OspreyDataSource,
  req: DataQueryRequest<OspreyQuery>
): Promise<Map<string, DataQueryResponse>> {
  const packets = await lastValueFrom(ds.query(req).pipe(toArray()));
  return new Map(packets.map((p) => [p.key!, p]));
}

/** Each field's values by name, enum fields as their text (what a table shows). */
const byName = (frame: DataFrame) =>
  Object.fromEntries(
    frame.fields.map((f) => [
      f.name,
      Array.from({ length: frame.length }, (_, i) => (f.type === 'enum' ? textAt(f, i) : f.values[i])),
    ])
  );
const rowsOf = (frames: DataFrame[]) => frames.reduce((sum, f) => sum + f.length, 0);

let ds: OspreyDataSource;

beforeAll(async () => {
  backend = await startBackend();
  // The route exactly as shipped: the data proxy reads plugin.json from a dist-shaped folder.
  pluginDir = mkdtempSync(path.join(tmpdir(), 'osprey-ds-live-'));
  mkdirSync(path.join(pluginDir, 'datasource'));
  copyFileSync(path.join(ROOT, 'datasource', 'src', 'plugin.json'), path.join(pluginDir, 'datasource', 'plugin.json'));
  copyFileSync(path.join(ROOT, 'app', 'src', 'plugin.json'), path.join(pluginDir, 'plugin.json'));
  host = await startHostServer({
    distDir: pluginDir,
    hostDir: pluginDir,
    iconsDir: pluginDir,
    appId: 'x',
    dataSources: [],
  });
  setBackendSrv(new HostBackendSrv());
  setTemplateSrv(new DashboardTemplateSrv({ svc: ['frontend', 'orders'], all: '$__all', one: 'orders' }));
  ds = proxied('osprey-live', backend.url);
  traffic = sendShopTraffic(backend.url, TOKENS.ingest, 1);
});

afterAll(async () => {
  await Promise.all(faults.map((f) => f.close()));
  await host?.close();
  await backend?.stop();
  rmSync(pluginDir, { recursive: true, force: true });
});

describe('datasource against a live backend', () => {
  it('health check shows the version; a wrong token is told apart', async () => {
    const ok = await ds.testDatasource();
    expect(ok.status).toBe('success');
    expect(ok.message).toMatch(/^Osprey \d+\.\d+\.\d+.* is up; the token can read 2 service\(s\)\.$/);
    const wrongToken = await proxied('osprey-bad-token', backend.url, 'not-a-token').testDatasource();
    expect(wrongToken).toEqual({ status: 'error', message: expect.stringContaining('(401)') });
  });

  it('answers every query of a request under its own key', async () => {
    const answers = await answer(
      ds,
      request([{ queryType: 'xlog' }, { queryType: 'trace', traceId: traffic.failed }, { queryType: 'services' }])
    );
    expect([...answers.keys()].sort()).toEqual(['A', 'B', 'C']);
    for (const [key, packet] of answers) {
      expect(packet.errors).toBeUndefined();
      expect(packet.data.every((f: DataFrame) => f.refId === key)).toBe(true);
    }
    expect(byName(answers.get('C')!.data[0])).toEqual({ service: ['frontend', 'orders'] });
  });

  it('XLOG dots: the four columns the panel draws, typed, one row per entry span', async () => {
    const [frame] = (await answer(ds, request([{}]))).get('A')!.data as DataFrame[];
    expect(frame.name).toBe('transactions');
    expect(frame.fields.map((f) => [f.name, f.type])).toEqual([
      ['endTime', 'time'],
      ['elapsed', 'number'],
      ['service', 'enum'],
      ['status', 'enum'],
    ]);
    expect(frame.fields[0].values).toBeInstanceOf(Float64Array);
    expect(frame.fields[1].values).toBeInstanceOf(Float32Array);
    const rows = byName(frame);
    expect([...rows.service].sort()).toEqual(['frontend', 'frontend', 'orders', 'orders']);
    expect([...rows.status].sort()).toEqual(['error', 'error', 'ok', 'ok']);
    expect(frame.meta?.custom).toEqual({ matched: 4, truncated: false });
  });

  it('XLOG with all fields: every Transaction field, trace links into Explore', async () => {
    const [frame] = (await answer(ds, request([{ columns: 'all' }]))).get('A')!.data as DataFrame[];
    expect(frame.fields.map((f) => f.name)).toEqual(TRANSACTION_COLUMN_NAMES);
    const rows = byName(frame);
    expect(frame.length).toBe(4);
    expect([...rows.service].sort()).toEqual(['frontend', 'frontend', 'orders', 'orders']);
    const failed = rows.traceId
      .map((t, i) => [t, rows.service[i], rows.status[i]])
      .filter(([t]) => t === traffic.failed);
    expect(failed.sort()).toEqual([
      [traffic.failed, 'frontend', 'error'],
      [traffic.failed, 'orders', 'error'],
    ]);
    const link = frame.fields.find((f) => f.name === 'traceId')!.config.links![0];
    expect(link.internal).toMatchObject({ datasourceUid: 'osprey-live', query: { queryType: 'trace' } });
  });

  it('filters: multi-value variable fans out, All means no filter, scoped vars win, errors only', async () => {
    const count = async (q: Partial<OspreyQuery>, scopedVars: ScopedVars = {}) =>
      rowsOf((await answer(ds, request([q], { scopedVars }))).get('A')!.data as DataFrame[]);
    expect(await count({ service: '$svc' })).toBe(4);
    expect(await count({ service: '$all' })).toBe(4);
    expect(await count({ service: '$one' })).toBe(2);
    expect(await count({ service: '$one' }, { one: { text: 'frontend', value: 'frontend' } })).toBe(2);
    expect(await count({ service: '$svc', errorsOnly: true })).toBe(2);
    expect(await count({ service: 'nobody' })).toBe(0);
  });

  it('ad hoc filters narrow the query', async () => {
    const res = await answer(ds, request([{}], { filters: [{ key: 'status', operator: '=', value: 'ok' }] }));
    expect(byName(res.get('A')!.data[0]).status).toEqual(['ok', 'ok']);
    const bad = await answer(ds, request([{}], { filters: [{ key: 'host', operator: '=', value: 'x' }] }));
    expect(bad.get('A')!.errors?.[0].message).toMatch(/Ad hoc filter "host" is unknown/);
  });

  it('trace by id: exactly the fields the Traces panel reads, spans linked by parent ids', async () => {
    const [frame] = (await answer(ds, request([{ queryType: 'trace', traceId: traffic.failed }]))).get('A')!
      .data as DataFrame[];
    expect(frame.meta?.preferredVisualisationType).toBe('trace');
    expect(frame.fields.map((f) => [f.name, f.type])).toEqual(TRACE_PANEL_FIELDS);
    const spans = byName(frame);
    // frontend: server, client and its session lookup; orders: the handler and its query.
    expect(frame.length).toBe(5);
    expect(new Set(spans.traceID)).toEqual(new Set([traffic.failed]));
    const ids = new Set(spans.spanID);
    expect(spans.parentSpanID.filter((p) => p === null)).toHaveLength(1);
    expect(spans.parentSpanID.filter((p) => p !== null).every((p) => ids.has(p))).toBe(true);
    const handler = spans.operationName.indexOf('GET /api/orders');
    expect(spans.serviceName[handler]).toBe('orders');
    expect(spans.kind[handler]).toBe('server');
    expect(spans.statusCode[handler]).toBe(2);
    expect(spans.statusMessage[handler]).toBe('connection pool exhausted');
    expect(spans.logs[handler]).toEqual([
      expect.objectContaining({ name: 'exception', timestamp: expect.any(Number), fields: expect.any(Array) }),
    ]);
    expect(spans.serviceTags[handler]).toContainEqual({ key: 'service.name', value: 'orders' });
    for (const i of spans.startTime.keys()) {
      expect(spans.startTime[i]).toBeGreaterThan(Date.now() - 600_000);
      expect(spans.duration[i]).toBeGreaterThanOrEqual(0);
      expect(spans.duration[i]).toBeLessThan(10_000);
    }
  });

  it('an exemplar link (Prometheus exemplarTraceIdDestinations → {query: traceId}) opens the trace', async () => {
    const req = request([]);
    req.targets = [{ refId: 'A', query: traffic.ok } as unknown as OspreyQuery];
    const [frame] = (await answer(ds, req)).get('A')!.data as DataFrame[];
    expect(frame.meta?.preferredVisualisationType).toBe('trace');
    expect(new Set(byName(frame).traceID)).toEqual(new Set([traffic.ok]));
  });

  it('live XLOG streams new transactions over two polls without duplicates', async () => {
    const packets: DataQueryResponse[] = [];
    const first = await firstValueFrom(ds.query(request([{ live: true }])));
    expect(first.state).toBe('Streaming');
    const startRows = rowsOf(first.data as DataFrame[]);
    expect(startRows).toBeGreaterThanOrEqual(4);
    const stream = ds.query(request([{ live: true, columns: 'all' }])).pipe(take(3));
    const done = lastValueFrom(stream.pipe(toArray())).then((all) => packets.push(...all));
    // Lands between the first and the third poll: the buffer must grow by exactly the new rows.
    await new Promise((resolve) => setTimeout(resolve, 500));
    const second = sendShopTraffic(backend.url, TOKENS.ingest, 2);
    await done;
    expect(packets.map((p) => [p.key, p.state])).toEqual([
      ['A', 'Streaming'],
      ['A', 'Streaming'],
      ['A', 'Streaming'],
    ]);
    expect(rowsOf(packets[0].data as DataFrame[])).toBe(startRows);
    // A frame per poll that brought rows: the range's answer, then the new traffic.
    expect(packets[2].data.length).toBe(2);
    const last = byName(concatFrames(packets[2].data as DataFrame[]));
    const keys = last.traceId.map((t, i) => `${t}/${last.spanId[i]}`);
    expect(new Set(keys).size).toBe(keys.length);
    expect(keys.length).toBe(startRows + 4);
    expect(last.traceId).toEqual(expect.arrayContaining([second.ok, second.failed]));
  });

  it('RED: one time-series frame per group on the requested step', async () => {
    const res = (await answer(ds, request([{ queryType: 'red', groupBy: 'service' }]))).get('A')!;
    expect(res.errors).toBeUndefined();
    const frames = res.data as DataFrame[];
    expect(frames.map((f) => f.name).sort()).toEqual(['frontend', 'orders']);
    for (const f of frames) {
      expect(f.fields.map((x) => [x.name, x.type])).toEqual([
        ['time', FieldType.time],
        ['rate', FieldType.number],
        ['errorPercent', FieldType.number],
        ['p50', FieldType.number],
        ['p90', FieldType.number],
        ['p99', FieldType.number],
      ]);
      expect(f.fields[1].labels).toEqual({ service: f.name });
      const errors = byName(f).errorPercent.filter((p: number) => p > 0);
      expect(errors.length).toBeGreaterThan(0);
    }
  });

  it('service map: node and edge frames the Node Graph panel reads', async () => {
    const deadline = Date.now() + 15_000;
    let res = (await answer(ds, request([{ queryType: 'serviceMap' }]))).get('A')!;
    // Edges are counted once their traces settle (--settle-ms after their last span).
    while (((res.data[1] as DataFrame | undefined)?.length ?? 0) === 0 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 250));
      res = (await answer(ds, request([{ queryType: 'serviceMap' }]))).get('A')!;
    }
    expect(res.errors).toBeUndefined();
    const [nodes, edges] = res.data as DataFrame[];
    expect([nodes.name, edges.name]).toEqual(['nodes', 'edges']);
    expect(nodes.fields.map((f) => [f.name, f.type])).toEqual(NODE_PANEL_FIELDS);
    expect(edges.fields.map((f) => [f.name, f.type])).toEqual(EDGE_PANEL_FIELDS);
    expect(byName(nodes).id).toEqual(expect.arrayContaining(['frontend', 'orders']));
    expect(byName(edges).source).toContain('frontend');
    const ids = new Set(byName(nodes).id);
    expect(byName(edges).target.every((t: string) => ids.has(t))).toBe(true);
  });

  it('instances and endpoints of a service', async () => {
    const res = await answer(
      ds,
      request([
        { queryType: 'instances', service: 'orders' },
        { queryType: 'endpoints', service: '$svc' },
      ])
    );
    expect(byName(res.get('A')!.data[0])).toEqual({ instance: ['orders-1'] });
    expect(byName(res.get('B')!.data[0]).endpoint).toEqual(
      expect.arrayContaining(['GET /checkout', 'GET /pay', 'GET /api/orders'])
    );
  });

  it('active services: an equalizer frame', async () => {
    const res = (await answer(ds, request([{ queryType: 'active' }]))).get('A')!;
    expect(res.errors).toBeUndefined();
    expect((res.data[0] as DataFrame).fields.map((f) => f.name)).toEqual([
      'takenAt',
      'service',
      'instance',
      'source',
      'fast',
      'slow',
      'verySlow',
      'unknownAge',
      'total',
    ]);
  });
});

describe('datasource: bad answers become readable per-query errors', () => {
  const errorOf = async (source: OspreyDataSource) => {
    const res = await answer(source, request([{}, { queryType: 'services' }]));
    expect([...res.keys()].sort()).toEqual(['A', 'B']);
    for (const packet of res.values()) {
      expect(packet.state).toBe('Error');
      expect(packet.data).toEqual([]);
    }
    return res.get('A')!.errors![0];
  };

  it('unreachable backend', async () => {
    const closed = await faultServer(200, '{}');
    await closed.close();
    const error = await errorOf(proxied('osprey-unreachable', closed.url));
    expect(error).toEqual({
      refId: 'A',
      message: expect.stringMatching(/unreachable from Grafana \(502\)\. Check the URL/),
    });
  });

  it('401 from a wrong token', async () => {
    const error = await errorOf(proxied('osprey-401', backend.url, 'wrong'));
    expect(error.message).toMatch(/refused \(401\): the token is missing or unknown/);
  });

  it('500 from the backend', async () => {
    const fault = await faultServer(500, JSON.stringify({ error: 'internal', message: 'disk full' }));
    faults.push(fault);
    const error = await errorOf(proxied('osprey-500', fault.url));
    expect(error.message).toMatch(/failed with HTTP 500: disk full/);
  });

  it('malformed JSON', async () => {
    const fault = await faultServer(200, '{"transactions": [{"endTime": 1');
    faults.push(fault);
    const error = await errorOf(proxied('osprey-garbled', fault.url));
    expect(error.message).toMatch(/is not the JSON Osprey sends \(no "transactions"\)/);
    const health = await proxied('osprey-garbled-health', fault.url).testDatasource();
    expect(health).toEqual({ status: 'error', message: expect.stringMatching(/Health check failed: .*not the JSON/) });
  });
});
