import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';

import type { FastifyInstance } from 'fastify';

import { OTHER_ENDPOINT } from '../export/endpoint-cap';
import { buildServer } from '../server/app';
import { VERSION } from '../server/version';
import { DuckDbStore } from '../store/duckdb/store';
import { DEFAULT_MAX_QUEUED_ITEMS } from '../store/overload';
import { webTransaction } from '../testing/generate';

const FIXTURES = path.resolve(__dirname, '..', '..', '..', 'test', 'fixtures', 'jvm');
const OPENMETRICS = 'application/openmetrics-text; version=1.0.0';

interface TestSpan {
  service: string;
  name: string;
  traceId: string;
  /** Duration, ms. */
  ms: number;
  error?: boolean;
}

/** An OTLP/JSON export body: each span a root SERVER span (one transaction each). */
function otlpBody(spans: TestSpan[]): string {
  const now = BigInt(Date.now()) * BigInt(1_000_000);
  return JSON.stringify({
    resourceSpans: spans.map((span, i) => ({
      resource: {
        attributes: [
          { key: 'service.name', value: { stringValue: span.service } },
          { key: 'service.instance.id', value: { stringValue: `${span.service}-1` } },
        ],
      },
      scopeSpans: [
        {
          spans: [
            {
              traceId: span.traceId,
              spanId: (i + 1).toString(16).padStart(16, '0'),
              name: span.name,
              kind: 2,
              startTimeUnixNano: String(now),
              endTimeUnixNano: String(now + BigInt(Math.round(span.ms * 1_000_000))),
              status: { code: span.error ? 2 : 1 },
            },
          ],
        },
      ],
    })),
  });
}

/** The value of one sample line `name{labels} value` in an exposition, or undefined. */
function sample(text: string, series: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1).split(' ')[0]);
}

// Opening DuckDB and the first requests take seconds on a loaded machine; this is no speed test.
jest.setTimeout(30_000);

describe('/metrics', () => {
  let dir: string;
  let store: DuckDbStore;
  let app: FastifyInstance;
  let base: string;

  const get = (token?: string, accept?: string) =>
    fetch(`${base}/metrics`, {
      headers: {
        ...(token === undefined ? {} : { authorization: `Bearer ${token}` }),
        ...(accept === undefined ? {} : { accept }),
      },
    });

  const ingest = (body: string) =>
    fetch(`${base}/v1/traces`, {
      method: 'POST',
      headers: { authorization: 'Bearer in', 'content-type': 'application/json' },
      body,
    });

  async function uploadDump(fixture: string, instance: string): Promise<void> {
    const res = await fetch(`${base}/api/v1/jvm/threaddumps?service=shop&instance=${instance}`, {
      method: 'POST',
      headers: { authorization: 'Bearer in', 'content-type': 'text/plain' },
      body: readFileSync(path.join(FIXTURES, fixture)),
    });
    expect(res.status).toBe(201);
  }

  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'osprey-metrics-'));
    store = await DuckDbStore.open(dir);
    app = buildServer({ store, tokens: { ingest: 'in', read: 'rd' }, metricsMaxEndpoints: 2, concurrencyLimit: 50 });
    await app.listen({ host: '127.0.0.1', port: 0 });
    base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    await app.close();
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('needs the read scope', async () => {
    expect((await get()).status).toBe(401);
    expect((await get('in')).status).toBe(403);
  });

  it('exposes the build and no deadlock series before any dump', async () => {
    const res = await get('rd');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    const text = await res.text();
    expect(text).toContain(`osprey_build_info{version="${VERSION}",store="duckdb"} 1`);
    expect(text).toContain('# TYPE osprey_jvm_deadlocked_threads gauge');
    expect(text).not.toMatch(/^osprey_jvm_deadlocked_threads\{/m);
  });

  it('reports the deadlocked threads of the newest dump of each instance', async () => {
    // ShopWorkload: one three-way monitor deadlock. LockWorkload: two two-thread deadlocks.
    await uploadDump('jdk17/jstack-l.txt', 'shop-1');
    await uploadDump('jdk17/lock-jstack-l.txt', 'shop-2');
    let text = await (await get('rd')).text();
    expect(text).toContain('osprey_jvm_deadlocked_threads{service="shop",instance="shop-1"} 3');
    expect(text).toContain('osprey_jvm_deadlocked_threads{service="shop",instance="shop-2"} 4');

    await uploadDump('jdk17/lock-jcmd-thread-print.txt', 'shop-1');
    text = await (await get('rd')).text();
    expect(text).toContain('osprey_jvm_deadlocked_threads{service="shop",instance="shop-1"} 4');
  });

  it('counts committed transactions per service and endpoint, errors too, with a duration histogram', async () => {
    const trace = (n: number) => n.toString(16).padStart(32, '0');
    expect(
      (
        await ingest(
          otlpBody([
            { service: 'cart', name: 'GET /cart', traceId: trace(1), ms: 4 },
            { service: 'cart', name: 'GET /cart', traceId: trace(2), ms: 40, error: true },
            { service: 'shop', name: 'POST /pay', traceId: trace(3), ms: 2600 },
          ])
        )
      ).status
    ).toBe(200);
    const text = await (await get('rd')).text();
    expect(sample(text, 'osprey_transactions_total{service="cart",endpoint="GET /cart"}')).toBe(2);
    expect(sample(text, 'osprey_transaction_errors_total{service="cart",endpoint="GET /cart"}')).toBe(1);
    expect(sample(text, 'osprey_transaction_errors_total{service="shop",endpoint="POST /pay"}')).toBe(0);
    const shop = 'service="shop",endpoint="POST /pay",status="ok"';
    expect(sample(text, `osprey_transaction_duration_seconds_bucket{le="2",${shop}}`)).toBe(0);
    expect(sample(text, `osprey_transaction_duration_seconds_bucket{le="2.5",${shop}}`)).toBe(0);
    expect(sample(text, `osprey_transaction_duration_seconds_bucket{le="3",${shop}}`)).toBe(1);
    expect(sample(text, `osprey_transaction_duration_seconds_sum{${shop}}`)).toBeCloseTo(2.6, 6);
    expect(sample(text, 'osprey_ingest_received_items_total{source="otlp"}')).toBe(3);
    expect(sample(text, 'osprey_ingest_commit_seconds_count{source="otlp"}')).toBe(1);
    expect(sample(text, 'osprey_ingest_queue_batches')).toBe(0);
    expect(sample(text, 'osprey_ingest_queue_items')).toBe(0);
    // Prometheus text carries no exemplars.
    expect(text).not.toContain('# {trace_id=');
  });

  it('counts a refused batch by source and status, and none of its transactions', async () => {
    const before = await (await get('rd')).text();
    const bad = otlpBody([{ service: 'cart', name: 'GET /cart', traceId: 'xyz', ms: 1 }]);
    expect((await ingest(bad)).status).toBe(400);
    const text = await (await get('rd')).text();
    expect(sample(text, 'osprey_ingest_rejected_batches_total{source="otlp",status="400"}')).toBe(1);
    expect(sample(text, 'osprey_transactions_total{service="cart",endpoint="GET /cart"}')).toBe(
      sample(before, 'osprey_transactions_total{service="cart",endpoint="GET /cart"}')
    );
  });

  it('caps distinct endpoints per service; the rest count as __other__', async () => {
    const trace = 'c'.repeat(32);
    const spans = ['/a', '/b', '/c', '/d', '/a'].map((name) => ({ service: 'capped', name, traceId: trace, ms: 1 }));
    expect((await ingest(otlpBody(spans))).status).toBe(200);
    const text = await (await get('rd')).text();
    expect(sample(text, 'osprey_transactions_total{service="capped",endpoint="/a"}')).toBe(2);
    expect(sample(text, 'osprey_transactions_total{service="capped",endpoint="/b"}')).toBe(1);
    expect(sample(text, `osprey_transactions_total{service="capped",endpoint="${OTHER_ENDPOINT}"}`)).toBe(2);
    expect(text).not.toContain('endpoint="/c"');
    // Other services have their own allowance.
    expect(sample(text, 'osprey_transactions_total{service="shop",endpoint="POST /pay"}')).toBe(1);
  });

  it('serves OpenMetrics with trace-id exemplars when asked for it', async () => {
    const res = await get('rd', OPENMETRICS);
    expect(res.headers.get('content-type')).toBe('application/openmetrics-text; version=1.0.0; charset=utf-8');
    expect(res.headers.get('vary')).toBe('Accept');
    const text = await res.text();
    expect(text.endsWith('# EOF\n')).toBe(true);
    const trace = (n: number) => n.toString(16).padStart(32, '0');
    expect(text).toMatch(
      new RegExp(
        `^osprey_transaction_duration_seconds_bucket\\{le="3",service="shop",endpoint="POST /pay",status="ok"\\} 1 # \\{trace_id="${trace(3)}"\\} 2\\.6 \\d+`,
        'm'
      )
    );
    // OpenMetrics names the counter family without _total and its sample with it.
    expect(text).toContain('# TYPE osprey_transactions counter');
    expect(text).toContain('osprey_transactions_total{service="cart",endpoint="GET /cart"} 2');
    // ... which must not leak into the Prometheus text served next.
    expect(await (await get('rd')).text()).toContain('# TYPE osprey_transactions_total counter');
  });

  it('exposes the queue bound beside the queue, so a rule can alert before ingest is refused', async () => {
    const text = await (await get('rd')).text();
    expect(sample(text, 'osprey_ingest_queue_max_items')).toBe(DEFAULT_MAX_QUEUED_ITEMS);
  });

  it('counts in-flight requests of the newest snapshot per instance by equalizer bucket', async () => {
    const snapshot = (instance: string, elapsed: number[]) =>
      fetch(`${base}/api/v1/active`, {
        method: 'POST',
        headers: { authorization: 'Bearer in', 'content-type': 'application/json' },
        body: JSON.stringify({
          service: 'shop',
          instance,
          takenAt: Date.now(),
          requests: elapsed.map((ms) => ({ endpoint: 'GET /slow', elapsed: ms })),
        }),
      });
    expect((await snapshot('shop-1', [10, 9_000])).status).toBe(204);
    // The newer snapshot of shop-1 replaces the older; 2999/3000 and 7999/8000 sit on the bucket edges.
    expect((await snapshot('shop-1', [2_999, 3_000, 7_999, 8_000, 60_000])).status).toBe(204);
    expect((await snapshot('shop-2', [])).status).toBe(204);
    const text = await (await get('rd')).text();
    const active = (instance: string, bucket: string) =>
      sample(
        text,
        `osprey_active_requests{service="shop",instance="${instance}",source="snapshot",bucket="${bucket}"}`
      );
    expect([active('shop-1', 'fast'), active('shop-1', 'slow'), active('shop-1', 'verySlow')]).toEqual([1, 2, 2]);
    expect([active('shop-2', 'fast'), active('shop-2', 'slow'), active('shop-2', 'verySlow')]).toEqual([0, 0, 0]);
    expect(sample(text, 'osprey_active_threshold_seconds{bucket="slow"}')).toBe(3);
    expect(sample(text, 'osprey_active_threshold_seconds{bucket="verySlow"}')).toBe(8);
  });

  it('applies the configured equalizer thresholds and leaves stale snapshots out', async () => {
    const tuned = buildServer({
      store,
      tokens: { read: 'rd' },
      active: { thresholds: { slow: 2_000, verySlow: 7_999 }, staleAfterMs: 60_000 },
    });
    const stale = buildServer({ store, tokens: { read: 'rd' }, active: { staleAfterMs: 0 } });
    const scrape = async (app: FastifyInstance) => {
      await app.listen({ host: '127.0.0.1', port: 0 });
      const { port } = app.server.address() as AddressInfo;
      return (await fetch(`http://127.0.0.1:${port}/metrics`, { headers: { authorization: 'Bearer rd' } })).text();
    };
    try {
      const text = await scrape(tuned);
      const shop1 = (bucket: string) =>
        sample(text, `osprey_active_requests{service="shop",instance="shop-1",source="snapshot",bucket="${bucket}"}`);
      expect([shop1('fast'), shop1('slow'), shop1('verySlow')]).toEqual([0, 2, 3]);
      expect(sample(text, 'osprey_active_threshold_seconds{bucket="verySlow"}')).toBe(7.999);
      await new Promise((resolve) => setTimeout(resolve, 5));
      expect(await scrape(stale)).not.toMatch(/^osprey_active_requests\{/m);
    } finally {
      await tuned.close();
      await stale.close();
    }
  });

  it('passes promtool check metrics', async () => {
    const text = await (await get('rd')).text();
    // promtool exits non-zero on exposition errors and prints lint problems; both must be absent.
    expect(execFileSync('promtool', ['check', 'metrics'], { input: text, encoding: 'utf8' })).toBe('');
  });

  // Last: the transactions it posts would change the counters the tests above read.
  it("projects each instance's capacity at the concurrency limit it was given: limit / mean response time", async () => {
    const now = Date.now();
    const res = await fetch(`${base}/api/v1/transactions`, {
      method: 'POST',
      headers: { authorization: 'Bearer in', 'content-type': 'application/json' },
      body: JSON.stringify([100, 300].map((ms, i) => webTransaction(i + 1, now - 60_000 * (i + 1), ms, 'ok', 'cap'))),
    });
    expect(res.status).toBe(200);
    const text = await (await get('rd')).text();
    expect(sample(text, 'osprey_capacity_concurrency_limit')).toBe(50);
    // Two requests in the last 5 minutes at a mean of 200 ms: 50 in flight serve 250 a second.
    const cap = '{service="cap",instance="cap-1"}';
    expect(sample(text, `osprey_capacity_throughput_per_second${cap}`)).toBeCloseTo(2 / 300, 9);
    expect(sample(text, `osprey_capacity_max_throughput_per_second${cap}`)).toBeCloseTo(250, 6);
  });
});
