/**
 * `POST /v1/logs` and `GET /api/v1/logs` against a real DuckDB store, with bodies the real OTel JS
 * logs SDK emitted and its own serializers wrote: records found by trace, span, severity and text;
 * bad input refused whole with a 400 and nothing stored.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { API_PATHS, type LogsResponse } from '@osprey/model';
import type { FastifyInstance } from 'fastify';

import { buildServer } from '../server/app';
import { DuckDbStore } from '../store/duckdb/store';
import { type Answer, listenOnLoopback } from '../testing/http';
import { RESOURCE, sdkLogBodies } from '../testing/otel-sdk';

jest.setTimeout(30_000);

const TRACE = '4bf92f3577b34da6a3ce929d0e0e4736';
const SPAN = '00f067aa0ba902b7';
const INGEST = { authorization: 'Bearer in' };

let dir: string;
let store: DuckDbStore;
let app: FastifyInstance;
let call: Awaited<ReturnType<typeof listenOnLoopback>>;

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'osprey-logs-'));
  store = await DuckDbStore.open(dir, { autoSettle: false });
  app = buildServer({ store, tokens: { ingest: 'in', read: 'rd' } });
  call = await listenOnLoopback(app);
});

afterAll(async () => {
  await app.close();
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

function post(body: Uint8Array | string, contentType: string): Promise<Answer> {
  return call('POST', API_PATHS.otlpLogs, { headers: { ...INGEST, 'content-type': contentType }, body });
}

async function logs(filters: Record<string, string> = {}): Promise<LogsResponse> {
  const query = new URLSearchParams({ from: '0', to: String(Date.now() + 60_000), ...filters });
  const res = await call('GET', `${API_PATHS.logs}?${query}`, { headers: { authorization: 'Bearer rd' } });
  expect([res.statusCode, res.body]).toEqual([200, expect.anything()]);
  return res.body as LogsResponse;
}

it('stores the SDK records with time, severity, body, attributes and trace context, and finds them', async () => {
  const { protobuf, json } = sdkLogBodies(TRACE, SPAN);
  expect(await post(protobuf, 'application/x-protobuf')).toMatchObject({
    statusCode: 200,
    contentType: 'application/x-protobuf',
    body: undefined,
  });
  const all = await logs();
  expect(all.logs).toHaveLength(2);
  const [line] = (await logs({ traceId: TRACE.toUpperCase() })).logs;
  expect(line).toMatchObject({
    service: RESOURCE['service.name'],
    instance: RESOURCE['service.instance.id'],
    body: 'payment accepted',
    severityNumber: 9,
    severityText: 'info',
    attributes: { 'order.id': 42 },
    traceId: TRACE,
    spanId: SPAN,
  });
  expect(line.time).toBeGreaterThan(Date.now() - 60_000);
  expect(line.id).toMatch(/^[0-9a-f]{32}$/);
  expect((await logs({ spanId: SPAN })).logs.map((l) => l.body)).toEqual(['payment accepted']);
  const errors = (await logs({ minSeverity: '17' })).logs;
  expect(errors.map((l) => [l.severityText, JSON.parse(l.body)])).toEqual([
    ['ERROR', { reason: 'card declined', code: 51 }],
  ]);
  expect((await logs({ search: 'CARD' })).logs).toHaveLength(1);
  expect((await logs({ search: "x' OR 1=1 --" })).logs).toHaveLength(0);

  // The JSON encoding of the same records decodes to the same rows (same content ids).
  expect(await post(json, 'application/json')).toMatchObject({ statusCode: 200, body: { partialSuccess: {} } });
  const twice = (await logs()).logs;
  expect(twice).toHaveLength(4);
  expect(new Set(twice.map((l) => l.id)).size).toBe(2);
  expect((await logs({ limit: '3' })).truncated).toBe(true);
});

describe('bad input is refused whole and stores nothing', () => {
  const records = (bad: Record<string, unknown>) => ({
    resourceLogs: [
      {
        scopeLogs: [
          {
            logRecords: [
              { timeUnixNano: '5', body: { stringValue: 'fine' } },
              { timeUnixNano: '6', ...bad },
            ],
          },
        ],
      },
    ],
  });
  it.each([
    ['garbage protobuf', Buffer.from([0x0a, 0xff, 0xff, 0xff, 0xff, 0x0f, 0x01]), 'application/x-protobuf', /protobuf/],
    ['a number for the body', JSON.stringify(records({ body: 42 })), 'application/json', /body: must be an object/],
    ['a short trace id', JSON.stringify(records({ traceId: 'abc' })), 'application/json', /traceId/],
    ['an unknown severity', JSON.stringify(records({ severityNumber: 99 })), 'application/json', /severityNumber/],
    ['no time at all', JSON.stringify(records({ timeUnixNano: '0' })), 'application/json', /timeUnixNano/],
    [
      'records not an array',
      JSON.stringify({ resourceLogs: [{ scopeLogs: [{ logRecords: {} }] }] }),
      'application/json',
      /must be an array/,
    ],
  ])('%s → 400', async (_name, body, contentType, message) => {
    const before = (await logs()).logs.length;
    const res = await post(typeof body === 'string' ? body : new Uint8Array(body), contentType);
    expect(res.statusCode).toBe(400);
    expect((res.body as { message: string }).message).toMatch(message);
    expect((await logs()).logs).toHaveLength(before);
  });

  it('checks the query string', async () => {
    for (const query of ['to=1', 'from=0&to=1&traceId=xyz', 'from=0&to=1&minSeverity=30', 'from=5&to=1']) {
      const res = await call('GET', `${API_PATHS.logs}?${query}`, { headers: { authorization: 'Bearer rd' } });
      expect([query, res.statusCode]).toEqual([query, 400]);
    }
  });
});
