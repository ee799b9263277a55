/**
 * Debian's Prometheus scrapes a real `osprey serve` (bearer token in its scrape config, 1 s
 * interval) that the real OpenTelemetry SDK fed; what Prometheus stored must equal what the backend
 * itself reports through GET /api/v1/transactions, exemplars included; the first refused batch
 * shows in increase().
 */
import { execFileSync } from 'node:child_process';

import { type ActiveResponse, API_PATHS, type TransactionsResponse } from '@osprey/model';

import { sendWithSdk, type SentTransaction } from './otel-sender';
import { type Osprey, type Prometheus, startOsprey, startPrometheus, stopAll, TOKENS, waitFor } from './real-servers';

jest.setTimeout(120_000);

const OPENMETRICS = 'application/openmetrics-text;version=1.0.0,text/plain;version=0.0.4;q=0.5';

/** A shop's worth of requests: two instances, errors, durations across the histogram buckets. */
function workload(): SentTransaction[] {
  const sent: SentTransaction[] = [];
  for (let i = 0; i < 24; i++) {
    sent.push({
      service: 'checkout',
      instance: `checkout-${(i % 2) + 1}`,
      name: i % 3 === 0 ? 'POST /checkout' : 'GET /cart',
      ms: [3, 12, 40, 180, 900, 3200][i % 6],
      error: i % 5 === 0,
    });
  }
  // Five endpoints against a cap of three: two of them land in __other__.
  for (const [i, name] of ['/a', '/b', '/c', '/d', '/e', '/a'].entries()) {
    sent.push({ service: 'catalog', instance: 'catalog-1', name: `GET ${name}`, ms: 5 + i, error: name === '/e' });
  }
  return sent;
}

describe('Prometheus scraping /metrics (real prometheus, real osprey, real OTel SDK)', () => {
  let osprey: Osprey;
  let prometheus: Prometheus;
  let traceIds: string[];

  beforeAll(async () => {
    osprey = await startOsprey(['--metrics-max-endpoints', '3']);
    prometheus = await startPrometheus(`127.0.0.1:${osprey.port}`, TOKENS.OSPREY_READ_TOKEN);
    traceIds = sendWithSdk(osprey.url, TOKENS.OSPREY_INGEST_TOKEN, workload());
  });

  afterAll(stopAll);

  async function backendCounts(errorsOnly: boolean): Promise<Record<string, number>> {
    const now = Date.now();
    const { transactions, truncated } = await osprey.get<TransactionsResponse>(
      `/api/v1/transactions?from=${now - 3_600_000}&to=${now + 60_000}&limit=10000${errorsOnly ? '&errorsOnly=true' : ''}`
    );
    expect(truncated).toBe(false);
    const counts: Record<string, number> = {};
    for (const tx of transactions) {
      counts[tx.service] = (counts[tx.service] ?? 0) + 1;
    }
    return counts;
  }

  async function prometheusSums(promql: string): Promise<Record<string, number>> {
    const sums: Record<string, number> = {};
    for (const { metric, value } of await prometheus.query(promql)) {
      sums[metric.service] = Number(value[1]);
    }
    return sums;
  }

  it('stores per-service transaction and error counts equal to the backend own counts', async () => {
    const expected = await backendCounts(false);
    expect(expected).toEqual({ checkout: 24, catalog: 6 });
    const expectedErrors = await backendCounts(true);
    expect(expectedErrors).toEqual({ checkout: 5, catalog: 1 });

    // Scrapes run every second: wait for one after the batch was committed.
    await waitFor('prometheus to scrape the counts', async () => {
      const sums = await prometheusSums('sum by (service) (osprey_transactions_total)');
      return sums.checkout === expected.checkout && sums.catalog === expected.catalog ? true : undefined;
    });
    expect(await prometheusSums('sum by (service) (osprey_transactions_total)')).toEqual(expected);
    expect(await prometheusSums('sum by (service) (osprey_transaction_errors_total)')).toEqual(expectedErrors);
    expect(await prometheusSums('sum by (service) (osprey_transaction_duration_seconds_count)')).toEqual(expected);
    // 3.2 s requests are past the 3 s bucket edge: 4 of the 24 checkout requests.
    expect(
      await prometheusSums(
        'sum by (service) (osprey_transaction_duration_seconds_count) - sum by (service) (osprey_transaction_duration_seconds_bucket{le="3"})'
      )
    ).toEqual({ checkout: 4, catalog: 0 });

    const up = await prometheus.query('up{job="osprey"}');
    expect(up.map((r) => r.value[1])).toEqual(['1']);
    const ingested = await prometheus.query('osprey_ingest_received_items_total{source="otlp"}');
    expect(ingested.map((r) => Number(r.value[1]))).toEqual([30]);
  });

  it('applies --metrics-max-endpoints: the endpoints past the cap share __other__', async () => {
    const rows = await prometheus.query('osprey_transactions_total{service="catalog"}');
    const byEndpoint = Object.fromEntries(rows.map((r) => [r.metric.endpoint, Number(r.value[1])]));
    expect(byEndpoint).toEqual({ 'GET /a': 2, 'GET /b': 1, 'GET /c': 1, __other__: 2 });
  });

  it('carries trace-id exemplars that exist in the store, in OpenMetrics and in Prometheus', async () => {
    const res = await fetch(`${osprey.url}/metrics`, {
      headers: { authorization: `Bearer ${TOKENS.OSPREY_READ_TOKEN}`, accept: OPENMETRICS },
    });
    expect(res.headers.get('content-type')).toMatch(/^application\/openmetrics-text; version=1\.0\.0/);
    const exposition = await res.text();
    const exemplars = [
      ...exposition.matchAll(/^osprey_transaction_duration_seconds_bucket\{.*\} \d+ # \{trace_id="([0-9a-f]{32})"\}/gm),
    ].map((m) => m[1]);
    expect(exemplars.length).toBeGreaterThan(0);
    for (const traceId of new Set(exemplars)) {
      expect(traceIds).toContain(traceId);
      const now = Date.now();
      const stored = await osprey.get<TransactionsResponse>(
        `/api/v1/transactions?from=${now - 3_600_000}&to=${now + 60_000}&traceId=${traceId}`
      );
      expect(stored.transactions.map((t) => t.traceId)).toEqual([traceId]);
    }

    // Prometheus scraped them too (exemplar storage is on in its flags).
    const queried = await waitFor('prometheus exemplars', async () => {
      const now = Date.now() / 1000;
      const params = new URLSearchParams({
        query: 'osprey_transaction_duration_seconds_bucket',
        start: String(now - 600),
        end: String(now + 60),
      });
      const body = (await (await fetch(`${prometheus.url}/api/v1/query_exemplars?${params}`)).json()) as {
        data: Array<{ exemplars: Array<{ labels: { trace_id: string } }> }>;
      };
      const ids = body.data.flatMap((series) => series.exemplars.map((e) => e.labels.trace_id));
      return ids.length > 0 ? ids : undefined;
    });
    for (const traceId of queried) {
      expect(traceIds).toContain(traceId);
    }
  });

  it('exposes Prometheus text that promtool check metrics passes, with data in it', async () => {
    const res = await fetch(`${osprey.url}/metrics`, {
      headers: { authorization: `Bearer ${TOKENS.OSPREY_READ_TOKEN}` },
    });
    expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    const text = await res.text();
    expect(text).toContain('osprey_transactions_total{service="checkout",endpoint="GET /cart"} 16');
    expect(execFileSync('promtool', ['check', 'metrics'], { input: text, encoding: 'utf8' })).toBe('');
  });

  it('shows the first refused batch to increase(): its series was scraped at 0 before it', async () => {
    const series = 'osprey_ingest_rejected_batches_total{source="otlp",status="400"}';
    await waitFor(`prometheus to scrape ${series} at 0`, async () => {
      const rows = await prometheus.query(series);
      return rows.length === 1 && rows[0].value[1] === '0' ? true : undefined;
    });
    const refused = await fetch(`${osprey.url}/v1/traces`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TOKENS.OSPREY_INGEST_TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify({ resourceSpans: [{ scopeSpans: [{ spans: [{ traceId: 'xyz' }] }] }] }),
    });
    expect(refused.status).toBe(400);
    const increase = await waitFor('increase() to see the refused batch', async () => {
      const rows = await prometheus.query(`increase(${series}[1m])`);
      return rows.length === 1 && Number(rows[0].value[1]) > 0 ? Number(rows[0].value[1]) : undefined;
    });
    expect(increase).toBeGreaterThan(0);
  });

  it('stores osprey_active_requests equal to the equalizer, bucket by bucket', async () => {
    // An agent's snapshot of three requests in flight: one fast, one past 3 s, one past 8 s.
    const posted = await fetch(`${osprey.url}${API_PATHS.active}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TOKENS.OSPREY_INGEST_TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        service: 'checkout',
        instance: 'checkout-1',
        takenAt: Date.now(),
        requests: [
          { endpoint: 'GET /cart', elapsed: 200 },
          { endpoint: 'POST /checkout', elapsed: 4_500 },
          { endpoint: 'POST /checkout', elapsed: 9_000 },
        ],
      }),
    });
    expect(posted.status).toBe(204);
    const [instance] = (await osprey.get<ActiveResponse>(`${API_PATHS.active}?service=checkout`)).instances;
    expect(instance.buckets).toEqual({ fast: 1, slow: 1, verySlow: 1, unknownAge: 0 });

    const scraped = await waitFor('prometheus to scrape the snapshot', async () => {
      const rows = await prometheus.query('osprey_active_requests{service="checkout",instance="checkout-1"}');
      const total = rows.reduce((sum, row) => sum + Number(row.value[1]), 0);
      return total === 3 ? rows : undefined;
    });
    expect(Object.fromEntries(scraped.map((row) => [row.metric.bucket, Number(row.value[1])]))).toEqual(
      instance.buckets
    );
    expect(new Set(scraped.map((row) => row.metric.source))).toEqual(new Set([instance.source]));
  });
});
