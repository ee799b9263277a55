/**
 * The check routes on a listening server over a real DuckDB store: scopes, bad definitions refused
 * with nothing changed, checks defined through the API running against real local servers, their
 * runs stored (as runs and as synthetic XLOG transactions) and exposed on /metrics.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { CHECK_SERVICE, type CheckRunsResponse, type ChecksResponse, type TransactionsResponse } from '@osprey/model';
import type { FastifyInstance } from 'fastify';

import { buildServer } from '../server/app';
import { DuckDbStore } from '../store/duckdb/store';

jest.setTimeout(30_000);

let dir: string;
let store: DuckDbStore;
let app: FastifyInstance;
let target: http.Server;
let targetUrl: string;

async function call(url: string, token?: string, method = 'GET', body?: unknown) {
  const { port } = app.server.address() as AddressInfo;
  const res = await fetch(`http://127.0.0.1:${port}${url}`, {
    method,
    headers: {
      ...(token === undefined ? {} : { authorization: `Bearer ${token}` }),
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  const json = res.headers.get('content-type')?.startsWith('application/json') === true;
  return { status: res.status, body: json ? (JSON.parse(text) as unknown) : undefined, text };
}

async function waitFor<T>(probe: () => Promise<T | undefined>, what: string): Promise<T> {
  const deadline = Date.now() + 15_000;
  for (;;) {
    const value = await probe();
    if (value !== undefined) {
      return value;
    }
    if (Date.now() > deadline) {
      throw new Error(`timed out waiting for ${what}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

beforeAll(async () => {
  target = http.createServer((req, res) => res.writeHead(req.url === '/bad' ? 503 : 200).end('ok'));
  await new Promise<void>((resolve) => target.listen(0, '127.0.0.1', resolve));
  targetUrl = `http://127.0.0.1:${(target.address() as AddressInfo).port}`;
  dir = mkdtempSync(path.join(tmpdir(), 'osprey-checks-'));
  store = await DuckDbStore.open(dir);
  app = buildServer({
    store,
    tokens: { ingest: 'in', read: 'rd', admin: 'ad' },
    checks: [
      { name: 'from-config', kind: 'http', url: `${targetUrl}/`, method: 'GET', intervalMs: 1000, timeoutMs: 500 },
    ],
    checkLocation: 'test-backend',
  });
  await app.listen({ port: 0, host: '127.0.0.1' });
});

afterAll(async () => {
  await app.close();
  await store.close();
  await new Promise((resolve) => target.close(resolve));
  rmSync(dir, { recursive: true, force: true });
});

const list = async () => ((await call('/api/v1/checks', 'rd')).body as ChecksResponse).checks;

describe('check routes', () => {
  it.each([
    ['GET', '/api/v1/checks', undefined, 401],
    ['GET', '/api/v1/checks', 'in', 403],
    ['GET', '/api/v1/check-runs?from=0&to=1', 'in', 403],
    ['PUT', '/api/v1/checks/x', 'rd', 403],
    ['DELETE', '/api/v1/checks/x', 'rd', 403],
  ])('%s %s with token %s → %d', async (method, url, token, status) => {
    expect((await call(url, token, method, method === 'PUT' ? { url: targetUrl } : undefined)).status).toBe(status);
  });

  it.each([
    ['no url', {}, 'body.url: must be a string, got nothing'],
    ['an unknown key', { url: 'http://x/', intervl: 5 }, 'body.intervl: unknown field'],
    [
      'a string interval',
      { url: 'http://x/', intervalMs: '5000' },
      'body.intervalMs: must be an integer from 1000 to 86400000, got \"5000\"',
    ],
    [
      'a too short interval',
      { url: 'http://x/', intervalMs: 10 },
      'body.intervalMs: must be an integer from 1000 to 86400000, got number 10',
    ],
    ['ftp', { url: 'ftp://x/' }, 'check bad: an http check needs an http:// or https:// url, got ftp://x/'],
    ['tcp without port', { url: 'tcp://x' }, 'check bad: a tcp check needs a url tcp://host:port, got tcp://x'],
    ['tcp with a method', { url: 'tcp://x:1', method: 'GET' }, 'check bad: method apply to http checks only'],
    [
      'a timeout past the interval',
      { url: 'http://x/', intervalMs: 1000, timeoutMs: 2000 },
      'check bad: timeoutMs (2000) must not exceed intervalMs (1000)',
    ],
    [
      'credentials in the url',
      { url: 'http://u:p@x/' },
      'check bad: put credentials in headers, not in the url (it is shown and stored)',
    ],
  ])('refuses %s with 400 and changes nothing', async (_what, body, message) => {
    const before = await list();
    const answer = await call('/api/v1/checks/bad', 'ad', 'PUT', body);
    expect({ status: answer.status, body: answer.body }).toEqual({
      status: 400,
      body: { error: 'bad_request', message },
    });
    expect((await list()).map((c) => c.definition)).toEqual(before.map((c) => c.definition));
  });

  it('refuses a bad name, a reversed window and deleting an unknown check', async () => {
    expect((await call('/api/v1/checks/-bad', 'ad', 'PUT', { url: targetUrl })).status).toBe(400);
    expect((await call('/api/v1/check-runs?from=2&to=1', 'rd')).status).toBe(400);
    expect((await call('/api/v1/check-runs?to=1', 'rd')).status).toBe(400);
    expect((await call('/api/v1/check-runs?from=0&to=1&limit=0', 'rd')).status).toBe(400);
    expect((await call('/api/v1/checks/none', 'ad', 'DELETE')).status).toBe(404);
  });

  it('runs config and API checks, stores their runs and transactions, exposes them on /metrics', async () => {
    const put = await call('/api/v1/checks/api-bad', 'ad', 'PUT', {
      url: `${targetUrl}/bad`,
      intervalMs: 1000,
      timeoutMs: 500,
    });
    expect(put).toMatchObject({ status: 201, body: { definition: { name: 'api-bad', kind: 'http', method: 'GET' } } });
    expect(
      (await call('/api/v1/checks/api-bad', 'ad', 'PUT', { url: `${targetUrl}/bad`, intervalMs: 1000, timeoutMs: 400 }))
        .status
    ).toBe(200);

    const checks = await waitFor(async () => {
      const now = await list();
      return now.length === 2 && now.every((c) => c.lastRun) ? now : undefined;
    }, 'both checks to run');
    expect(checks.map((c) => [c.definition.name, c.definition.timeoutMs, c.lastRun!.up, c.lastRun!.message])).toEqual([
      ['api-bad', 400, false, 'HTTP 503, expected 2xx'],
      ['from-config', 500, true, undefined],
    ]);

    const runs = await waitFor(async () => {
      const { runs } = (await call(`/api/v1/check-runs?from=0&to=${Date.now() + 1000}`, 'rd'))
        .body as CheckRunsResponse;
      return new Set(runs.map((r) => r.check)).size === 2 ? runs : undefined;
    }, 'both checks to store a run');
    expect(runs.every((r) => r.location === 'test-backend')).toBe(true);
    expect(runs.find((r) => r.check === 'api-bad')).toMatchObject({ up: false, httpStatus: 503, failure: 'status' });
    const one = (await call(`/api/v1/check-runs?from=0&to=${Date.now() + 1000}&check=from-config&limit=1`, 'rd'))
      .body as CheckRunsResponse;
    expect(one.runs).toHaveLength(1);
    expect(one.runs[0]).toMatchObject({ check: 'from-config', up: true, httpStatus: 200 });

    const xlog = (
      await call(`/api/v1/transactions?from=0&to=${Date.now() + 1000}&service=${CHECK_SERVICE}&limit=1000`, 'rd')
    ).body as TransactionsResponse;
    const byEndpoint = new Map(xlog.transactions.map((t) => [t.endpoint, t]));
    expect(byEndpoint.get('api-bad')).toMatchObject({
      kind: 'synthetic',
      status: 'error',
      httpStatus: 503,
      errorType: 'status',
      instance: 'test-backend',
    });
    expect(byEndpoint.get('from-config')).toMatchObject({ kind: 'synthetic', status: 'ok', httpStatus: 200 });

    const metrics = (await call('/metrics', 'rd')).text;
    expect(metrics).toContain('osprey_check_up{check="api-bad",kind="http",location="test-backend"} 0');
    expect(metrics).toContain('osprey_check_up{check="from-config",kind="http",location="test-backend"} 1');
    expect(metrics).toMatch(
      /osprey_check_duration_seconds\{check="from-config",kind="http",location="test-backend",phase="first_byte"\} \d/
    );

    expect((await call('/api/v1/checks/api-bad', 'ad', 'DELETE')).status).toBe(204);
    expect((await list()).map((c) => c.definition.name)).toEqual(['from-config']);
    expect((await call('/metrics', 'rd')).text).not.toContain('check="api-bad"');
  });
});
