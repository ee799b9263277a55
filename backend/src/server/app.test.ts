import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { gzipSync } from 'node:zlib';

import type { FastifyInstance } from 'fastify';

import { DuckDbStore } from '../store/duckdb/store';
import { buildServer } from './app';

const TRACE = '5b8efff798038103d269b633813fc60c';

function otlpJson(spanId = 'eee19b7ec3c1b174', extra: Record<string, unknown> = {}) {
  return JSON.stringify({
    resourceSpans: [
      {
        resource: { attributes: [{ key: 'service.name', value: { stringValue: 'cart' } }] },
        scopeSpans: [
          {
            spans: [
              {
                traceId: TRACE,
                spanId,
                name: 'GET /api/cart',
                kind: 2,
                startTimeUnixNano: '1763800000123456789',
                endTimeUnixNano: '1763800000223456789',
                ...extra,
              },
            ],
          },
        ],
      },
    ],
  });
}

const auth = (token: string) => ({ authorization: `Bearer ${token}` });

interface Answer {
  statusCode: number;
  headers: Headers;
  json(): any;
}

/**
 * A real HTTP request against the listening app (fastify's inject() pulls in the ESM-only `cookie`
 * 2.x, which jest's CommonJS runtime cannot load).
 */
async function call(
  target: FastifyInstance,
  options: { url: string; method?: string; headers?: Record<string, string>; payload?: string | Buffer }
): Promise<Answer> {
  const address = target.server.address() as AddressInfo;
  const res = await fetch(`http://127.0.0.1:${address.port}${options.url}`, {
    method: options.method ?? 'GET',
    headers: options.headers,
    body:
      typeof options.payload === 'string' || options.payload === undefined
        ? options.payload
        : new Uint8Array(options.payload),
  });
  const text = await res.text();
  return { statusCode: res.status, headers: res.headers, json: () => JSON.parse(text) };
}
const window = '/api/v1/transactions?from=0&to=99999999999999';

describe('buildServer', () => {
  let dir: string;
  let store: DuckDbStore;
  let app: FastifyInstance;

  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'osprey-app-'));
    store = await DuckDbStore.open(dir);
    app = buildServer({ store, tokens: { ingest: 'in', read: 'rd', admin: 'ad' }, maxBodyBytes: 4096 });
    await app.listen({ port: 0, host: '127.0.0.1' });
  });

  afterAll(async () => {
    await app.close();
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const count = async (): Promise<number> =>
    (await call(app, { url: window, headers: auth('rd') })).json().transactions.length;

  it('serves /health without a token', async () => {
    const res = await call(app, { url: '/health' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ status: 'ok', version: '0.1.0', store: 'duckdb' });
  });

  it.each([
    ['GET', '/api/v1/services', undefined, 401],
    ['GET', '/api/v1/services', 'wrong', 401],
    ['GET', '/api/v1/services', 'in', 403],
    ['GET', '/api/v1/services', 'rd', 200],
    ['GET', '/api/v1/services', 'ad', 200],
    ['POST', '/v1/traces', undefined, 401],
    ['POST', '/v1/traces', 'rd', 403],
    ['GET', `/api/v1/traces/${TRACE}`, 'in', 403],
  ] as const)('%s %s with token %j → %d', async (method, url, token, status) => {
    const res = await call(app, {
      method,
      url,
      headers: { ...(token ? auth(token) : {}), 'content-type': 'application/json' },
      ...(method === 'POST' ? { payload: otlpJson() } : {}),
    });
    expect(res.statusCode).toBe(status);
    if (status === 401) {
      expect(res.headers.get('www-authenticate')).toMatch(/^Bearer/);
      expect(res.json()).toEqual({ error: 'unauthorized', message: expect.any(String) });
    }
    if (status === 403) {
      expect(res.json()).toEqual({ error: 'forbidden', message: expect.stringContaining('scope') });
    }
  });

  it('ingests gzipped OTLP/JSON and answers with partialSuccess after storing it', async () => {
    const res = await call(app, {
      method: 'POST',
      url: '/v1/traces',
      headers: { ...auth('ad'), 'content-type': 'application/json', 'content-encoding': 'gzip' },
      payload: gzipSync(otlpJson()),
    });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ partialSuccess: {} });
    const txs = (await call(app, { url: window, headers: auth('rd') })).json();
    expect(txs).toEqual({
      truncated: false,
      transactions: [expect.objectContaining({ service: 'cart', endpoint: 'GET /api/cart', elapsed: 100 })],
    });
    const trace = (await call(app, { url: `/api/v1/traces/${TRACE.toUpperCase()}`, headers: auth('rd') })).json();
    expect(trace.traceId).toBe(TRACE);
    expect(trace.spans[0].startTimeUnixNano).toBe('1763800000123456789');
  });

  it.each([
    ['schema violation', 'application/json', () => otlpJson('e1', {}), 400, 'spans[0].spanId: must be 16 hex digits'],
    ['protobuf garbage', 'application/x-protobuf', () => Buffer.from([0xff, 0xff, 0xff, 0xff, 0x0f]), 400, 'protobuf'],
    ['too large', 'application/json', () => otlpJson('eee19b7ec3c1b175', { name: 'x'.repeat(5000) }), 413, ''],
    ['gzip bomb', 'application/json', () => gzipSync(' '.repeat(100_000)), 413, 'gunzipped'],
    ['unsupported type', 'text/plain', () => 'hello', 415, ''],
  ] as Array<[string, string, () => string | Buffer, number, string]>)(
    'rejects %s (content-type %s) and stores nothing',
    async (_name, type, body, status, message) => {
      const before = await count();
      const payload = body();
      const res = await call(app, {
        method: 'POST',
        url: '/v1/traces',
        headers: {
          ...auth('in'),
          'content-type': type,
          ...(_name === 'gzip bomb' ? { 'content-encoding': 'gzip' } : {}),
        },
        payload,
      });
      expect(res.statusCode).toBe(status);
      expect(res.json()).toEqual({ error: expect.any(String), message: expect.stringContaining(message) });
      expect(await count()).toBe(before);
    }
  );

  it('answers 400 naming a bad query parameter and 404 for an unknown trace', async () => {
    const missing = await call(app, { url: '/api/v1/transactions?to=5', headers: auth('rd') });
    expect(missing.statusCode).toBe(400);
    expect(missing.json()).toEqual({
      error: 'bad_request',
      message: 'query parameter "from": required (epoch milliseconds)',
    });
    const nan = await call(app, { url: '/api/v1/transactions?from=0&to=x', headers: auth('rd') });
    expect(nan.json().message).toContain('"to"');
    const unknown = await call(app, { url: `/api/v1/traces/${'1'.repeat(32)}`, headers: auth('rd') });
    expect(unknown.statusCode).toBe(404);
  });

  it('refuses to build without tokens unless insecure, and insecure serves without a token', async () => {
    expect(() => buildServer({ store, tokens: {} })).toThrow('no tokens configured');
    const open = buildServer({ store, tokens: {}, insecure: true });
    await open.listen({ port: 0, host: '127.0.0.1' });
    const res = await call(open, { url: '/api/v1/services' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ services: ['cart'] });
    await open.close();
  });
});
