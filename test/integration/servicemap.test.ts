/**
 * Settling and the service map end to end: the real `osprey serve` process, fed by three services
 * that each run the real OpenTelemetry Node SDK with HTTP auto-instrumentation and call each other
 * over HTTP, query DuckDB in CLIENT spans and call an un-instrumented HTTP server. The backend is
 * killed with SIGKILL before its traces settled and must still settle them after the restart.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';

import type { ServiceMapResponse, Transaction, TransactionsResponse } from '@osprey/model';

const ROOT = path.resolve(__dirname, '..', '..');
const CLI = path.join(ROOT, 'backend', 'bin', 'osprey.js');
const APP = path.join(__dirname, 'servicemap', 'app.js');
const TOKENS = { OSPREY_INGEST_TOKEN: 'sm-ingest', OSPREY_READ_TOKEN: 'sm-read' };

const running = new Set<ChildProcess>();

/** Spawns a process and resolves with the first stdout line that parses as JSON with `field`. */
function spawnUntil(
  args: string[],
  env: Record<string, string>,
  field: string
): Promise<{ child: ChildProcess; line: Record<string, unknown> }> {
  const child = spawn(process.execPath, args, {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  running.add(child);
  child.once('exit', () => running.delete(child));
  let stderr = '';
  child.stderr!.on('data', (chunk) => (stderr += chunk));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${args.join(' ')}: no ${field} in 20 s; ${stderr}`)), 20_000);
    child.once('exit', (code) => reject(new Error(`${args.join(' ')} exited with ${code}: ${stderr}`)));
    createInterface({ input: child.stdout! }).on('line', (text) => {
      try {
        const line = JSON.parse(text) as Record<string, unknown>;
        if (line[field] !== undefined) {
          clearTimeout(timer);
          resolve({ child, line });
        }
      } catch {
        // not a JSON line
      }
    });
  });
}

async function startBackend(dataDir: string, settleMs: number, port = 0) {
  const { child, line } = await spawnUntil(
    [CLI, 'serve', '--port', String(port), '--data-dir', dataDir, '--settle-ms', String(settleMs)],
    TOKENS,
    'url'
  );
  return { child, url: String(line.url) };
}

function exited(child: ChildProcess): Promise<number | null> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) {
      resolve(child.exitCode);
    } else {
      child.once('exit', (code) => resolve(code));
    }
  });
}

/** The un-instrumented peer: a plain server in the test process, which runs no SDK. */
async function startExternal(): Promise<{ url: string; calls: () => number; close: () => void }> {
  let calls = 0;
  const server = http.createServer((req, res) => {
    calls += 1;
    res.end('{"eur":1}');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    calls: () => calls,
    close: () => server.close(),
  };
}

/** Spans one order leaves: gateway server + 2 clients, orders server + 2 db + 1 client, stock server + 1 db. */
const SPANS_PER_ORDER = 9;

/** Starts stock, orders and gateway; `order()` sends one order through them; `stop()` flushes their spans. */
async function startShop(ospreyUrl: string, externalUrl: string) {
  const start = async (service: string, downstream: string, processor = 'batch') => {
    const { child, line } = await spawnUntil(
      [APP],
      {
        SERVICE: service,
        OSPREY_URL: ospreyUrl,
        OSPREY_TOKEN: TOKENS.OSPREY_INGEST_TOKEN,
        DOWNSTREAM_URL: downstream,
        EXTERNAL_URL: externalUrl,
        PROCESSOR: processor,
        OTEL_LOG_LEVEL: 'error',
      },
      'port'
    );
    return { child, url: `http://127.0.0.1:${String(line.port)}` };
  };
  const stock = await start('stock', '');
  const orders = await start('orders', stock.url, 'simple');
  const gateway = await start('gateway', orders.url);
  return {
    async orders(ok: number, failed: number): Promise<void> {
      for (let i = 0; i < ok + failed; i++) {
        const res = await fetch(`${gateway.url}/order?fail=${i < ok ? 0 : 1}`);
        expect(res.status).toBe(i < ok ? 200 : 502);
      }
    },
    async stop(): Promise<void> {
      for (const service of [gateway, orders, stock]) {
        service.child.kill('SIGTERM');
        expect(await exited(service.child)).toBe(0);
      }
    },
  };
}

async function get<T>(url: string): Promise<T> {
  const res = await fetch(url, { headers: { authorization: `Bearer ${TOKENS.OSPREY_READ_TOKEN}` } });
  expect(res.status).toBe(200);
  return (await res.json()) as T;
}

async function waitFor<T>(read: () => Promise<T>, done: (value: T) => boolean, ms = 20_000): Promise<T> {
  const deadline = Date.now() + ms;
  let value = await read();
  while (!done(value) && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 200));
    value = await read();
  }
  return value;
}

/** Per service: the distinct [sqlCount, apiCallCount] its transactions show, and how many there are. */
function figures(transactions: Transaction[]): Record<string, { count: number; calls: string[] }> {
  const out: Record<string, { count: number; calls: string[] }> = {};
  for (const tx of transactions) {
    const entry = (out[tx.service] ??= { count: 0, calls: [] });
    entry.count += 1;
    const calls = `sql ${tx.sqlCount}, api ${tx.apiCallCount}`;
    if (!entry.calls.includes(calls)) {
      entry.calls.push(calls);
    }
  }
  return out;
}

jest.setTimeout(180_000);

describe('settling and the service map (real process, real OTel SDK services)', () => {
  let dataDir: string;
  let external: Awaited<ReturnType<typeof startExternal>>;
  const testStart = Date.now();

  const window = () => `from=${testStart - 120_000}&to=${Date.now() + 120_000}`;

  beforeAll(async () => {
    execFileSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-b', 'model', 'backend'], {
      cwd: ROOT,
      stdio: 'inherit',
    });
    dataDir = mkdtempSync(path.join(tmpdir(), 'osprey-it-map-'));
    external = await startExternal();
  });

  afterAll(() => {
    for (const child of running) {
      child.kill('SIGKILL');
    }
    external.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('settles after a SIGKILL and restart, then keeps settling live; edges and counts match the workload', async () => {
    // A window far longer than the test: nothing may settle before the kill.
    let backend = await startBackend(dataDir, 600_000);
    const port = Number(new URL(backend.url).port);
    const shop = await startShop(backend.url, external.url);
    await shop.orders(4, 1);
    expect(external.calls()).toBe(5);
    const transactionsUrl = () => `${backend.url}/api/v1/transactions?${window()}`;
    const provisional = await waitFor(
      () => get<TransactionsResponse>(transactionsUrl()),
      (res) => res.transactions.length === 15
    );
    const traceIds = [...new Set(provisional.transactions.map((tx) => tx.traceId))];
    expect(traceIds).toHaveLength(5);
    const storedSpans = async () => {
      let count = 0;
      for (const traceId of traceIds) {
        count += (await get<{ spans: unknown[] }>(`${backend.url}/api/v1/traces/${traceId}`)).spans.length;
      }
      return count;
    };
    expect(await waitFor(storedSpans, (count) => count === 5 * SPANS_PER_ORDER)).toBe(5 * SPANS_PER_ORDER);
    // orders exported each span as it ended: its server span came alone, after its children. (The
    // batching services' figures depend on where their processor's flush fell, so they are not asserted.)
    const before = figures(provisional.transactions);
    expect([before.gateway.count, before.orders.count, before.stock.count]).toEqual([5, 5, 5]);
    expect(before.orders.calls).toEqual(['sql 0, api 0']);
    expect((await get<ServiceMapResponse>(`${backend.url}/api/v1/servicemap?${window()}`)).edges).toEqual([]);

    backend.child.kill('SIGKILL');
    await exited(backend.child);
    // Same port, so the running services export to the restarted backend.
    backend = await startBackend(dataDir, 500, port);

    const edgesOf = (map: ServiceMapResponse) => map.edges.map((e) => [e.id, e.calls, e.errors]);
    const ext = `ext:127.0.0.1:${new URL(external.url).port}`;
    const settled = await waitFor(
      () => get<ServiceMapResponse>(`${backend.url}/api/v1/servicemap?${window()}`),
      (map) => map.edges.length >= 5
    );
    expect(edgesOf(settled)).toEqual([
      [`gateway->${ext}`, 5, 0],
      ['gateway->orders', 5, 1],
      ['orders->db:duckdb:orders', 10, 0],
      ['orders->stock', 5, 1],
      ['stock->db:duckdb:stock', 5, 0],
    ]);
    expect(settled.nodes.map((n) => [n.id, n.type, n.transactions, n.errors])).toEqual([
      ['db:duckdb:orders', 'database', 0, 0],
      ['db:duckdb:stock', 'database', 0, 0],
      [ext, 'external', 0, 0],
      ['gateway', 'service', 5, 1],
      ['orders', 'service', 5, 1],
      ['stock', 'service', 5, 1],
    ]);
    for (const edge of settled.edges) {
      expect(edge.p50).toBeGreaterThan(0);
      expect(edge.p50).toBeLessThanOrEqual(edge.p95);
      expect(edge.p95).toBeLessThanOrEqual(edge.p99);
      expect(edge.rate).toBeGreaterThan(0);
    }
    const final = await get<TransactionsResponse>(transactionsUrl());
    expect(figures(final.transactions)).toEqual({
      gateway: { count: 5, calls: ['sql 0, api 2'] },
      orders: { count: 5, calls: ['sql 2, api 1'] },
      stock: { count: 5, calls: ['sql 1, api 0'] },
    });
    for (const tx of final.transactions) {
      expect(tx.sqlTime > 0).toBe(tx.sqlCount > 0);
      expect(tx.apiCallTime > 0).toBe(tx.apiCallCount > 0);
    }

    // Live: the restarted backend settles a second round by itself, adding to the same edges.
    await shop.orders(3, 2);
    await shop.stop();
    const live = await waitFor(
      () => get<ServiceMapResponse>(`${backend.url}/api/v1/servicemap?${window()}`),
      (map) => map.edges.find((e) => e.id === 'stock->db:duckdb:stock')?.calls === 10
    );
    expect(edgesOf(live)).toEqual([
      [`gateway->${ext}`, 10, 0],
      ['gateway->orders', 10, 3],
      ['orders->db:duckdb:orders', 20, 0],
      ['orders->stock', 10, 3],
      ['stock->db:duckdb:stock', 10, 0],
    ]);
    const after = await waitFor(
      () => get<TransactionsResponse>(transactionsUrl()),
      (res) => figures(res.transactions).orders?.calls.length === 1 && res.transactions.length === 30
    );
    expect(figures(after.transactions)).toEqual({
      gateway: { count: 10, calls: ['sql 0, api 2'] },
      orders: { count: 10, calls: ['sql 2, api 1'] },
      stock: { count: 10, calls: ['sql 1, api 0'] },
    });
    backend.child.kill('SIGTERM');
    expect(await exited(backend.child)).toBe(0);
  });
});
