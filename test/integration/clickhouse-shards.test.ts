/**
 * Scale-out (issue 9, acceptance 2): two Debian clickhouse-server processes on their own loopback
 * ports form one cluster of two shards (remote_servers); two Osprey backends on --store clickhouse
 * --clickhouse-cluster, each talking to its own server, create local tables there and Distributed
 * tables over both. The real OpenTelemetry workload is split by service — frontend and catalog
 * spans to one backend, cart and payment spans to the other — so every checkout trace spans both
 * halves. Either backend must then answer exactly what one DuckDB backend that received the whole
 * workload answers (counts, traces across both halves, map edges, the Arrow window), and both
 * shards must hold rows.
 * JVM capture requests created through either backend spread over both shards, and one created
 * through one backend is claimed and finished through the other.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

import type { JvmRequest, JvmRequestsResponse, Span, TransactionsResponse } from '@osprey/model';

import { type Backend, buildBackend, killAll, postOtlp, startBackend, TOKENS } from './osprey-cli';
import { type ClickHouse, freePort, startClickHouse, stopAll } from './real-servers';
import { conformanceCases, get, getWindow, roundFloats, waitSettled, windowCases } from './store-compare';
import { makeWorkload } from './workload/store-workload';

jest.setTimeout(240_000);

/** Longer than sending the whole workload takes, so each trace settles once, with all its spans, on both stores. */
const SETTLE_MS = 4000;
const CLUSTER = 'osprey_shards';

/** A capture request call with its caller's token: Grafana (read) creates, the agent (ingest) claims and finishes. */
async function requestCall(
  backend: Backend,
  route: string,
  body?: unknown
): Promise<{ status: number; json: JvmRequest }> {
  const token = route === '' ? TOKENS.OSPREY_READ_TOKEN : TOKENS.OSPREY_INGEST_TOKEN;
  const res = await fetch(`${backend.url}/api/v1/jvm/requests${route}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify(body ?? {}),
  });
  return { status: res.status, json: (await res.json()) as JvmRequest };
}

describe('two ClickHouse shards behind two backends', () => {
  const workload = makeWorkload();
  let dataDir: string;
  let shards: ClickHouse[];
  let duck: Backend;
  let backends: Backend[];

  beforeAll(async () => {
    buildBackend();
    dataDir = mkdtempSync(path.join(tmpdir(), 'osprey-shards-'));
    const tcpPorts = [await freePort(), await freePort()];
    const cluster = { name: CLUSTER, shardTcpPorts: tcpPorts };
    shards = [await startClickHouse(cluster, tcpPorts[0]), await startClickHouse(cluster, tcpPorts[1])];
    duck = await startBackend(path.join(dataDir, 'duck'), ['--settle-ms', String(SETTLE_MS)]);
    backends = [];
    for (const [i, shard] of shards.entries()) {
      backends.push(
        await startBackend(path.join(dataDir, `unused-${i}`), [
          '--store',
          'clickhouse',
          '--clickhouse-url',
          shard.url,
          '--clickhouse-database',
          'osprey',
          '--clickhouse-cluster',
          CLUSTER,
          '--settle-ms',
          String(SETTLE_MS),
        ])
      );
    }
    for (const batch of workload.batches) {
      expect((await postOtlp(duck.url, batch.body)).status).toBe(200);
      const half = batch.service === 'frontend' || batch.service === 'catalog' ? 0 : 1;
      expect((await postOtlp(backends[half].url, batch.body)).status).toBe(200);
    }
    await waitSettled(duck, workload, 'the DuckDB backend');
    await waitSettled(backends[0], workload, 'ClickHouse backend 1');
  });

  afterAll(async () => {
    killAll();
    await stopAll();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('spreads the spans over both shards, none lost or doubled', async () => {
    const local = await Promise.all(
      shards.map(async (shard) => Number((await shard.query('SELECT count() FROM osprey.spans_local FINAL')).trim()))
    );
    const traces = await Promise.all(
      workload.traceIds.map((id) => get<{ spans: Span[] }>(duck, `/api/v1/traces/${id}`))
    );
    const total = traces.reduce((sum, trace) => sum + trace.spans.length, 0);
    expect(local[0]).toBeGreaterThan(0);
    expect(local[1]).toBeGreaterThan(0);
    expect(local[0] + local[1]).toBe(total);
  });

  it('settles traces whose spans reached different backends', async () => {
    for (const backend of backends) {
      const rows = await get<TransactionsResponse>(
        backend,
        `/api/v1/transactions?from=${workload.from}&to=${workload.to}&limit=1000`
      );
      expect(rows.transactions).toHaveLength(workload.transactions);
      const carts = rows.transactions.filter((tx) => tx.service === 'cart');
      expect(carts.length).toBeGreaterThan(0);
      expect(carts.every((tx) => tx.sqlCount === 2 && tx.parentService === 'frontend')).toBe(true);
      const trace = await get<{ spans: Span[] }>(backend, `/api/v1/traces/${workload.traceIds[0]}`);
      expect(new Set(trace.spans.map((span) => span.service))).toEqual(new Set(['frontend', 'cart', 'payment']));
    }
  });

  it.each(conformanceCases(workload))('%s: either backend answers as DuckDB with everything: %s', async (_, route) => {
    const expected = roundFloats(await get(duck, route));
    for (const backend of backends) {
      expect(roundFloats(await get(backend, route))).toEqual(expected);
    }
  });

  it.each(windowCases(workload))('Arrow window, %s: either backend answers as DuckDB', async (_, route) => {
    const expected = await getWindow(duck, route);
    expect(expected.rows.length).toBeGreaterThan(0);
    for (const backend of backends) {
      expect(await getWindow(backend, route)).toEqual(expected);
    }
  });

  it('shares capture requests: spread over both shards, claimed and finished through the other backend', async () => {
    const created: JvmRequest[] = [];
    for (let i = 0; i < 20; i++) {
      const body = { service: 'jobs', instance: `jobs-${i}`, kind: 'threaddump' };
      const { status, json } = await requestCall(backends[i % 2], '', body);
      expect(status).toBe(202);
      created.push(json);
    }
    const local = await Promise.all(
      shards.map(async (shard) => Number((await shard.query('SELECT count() FROM osprey.jvm_requests_local')).trim()))
    );
    expect(local[0]).toBeGreaterThan(0);
    expect(local[1]).toBeGreaterThan(0);
    expect(local[0] + local[1]).toBe(created.length);
    for (const backend of backends) {
      expect((await get<JvmRequestsResponse>(backend, '/api/v1/jvm/requests?service=jobs')).requests).toEqual(created);
    }
    const [first] = created;
    const claimed = await requestCall(backends[1], `/${first.id}/claim`);
    expect(claimed).toEqual({ status: 200, json: expect.objectContaining({ id: first.id, status: 'taken' }) });
    expect((await requestCall(backends[0], `/${first.id}/claim`)).status).toBe(409);
    const failed = await requestCall(backends[0], `/${first.id}/result`, { error: 'attach failed' });
    expect(failed).toEqual({
      status: 200,
      json: expect.objectContaining({ status: 'failed', error: 'attach failed' }),
    });
    for (const backend of backends) {
      expect(await get<JvmRequest>(backend, `/api/v1/jvm/requests/${first.id}`)).toEqual(failed.json);
    }
  });
});
