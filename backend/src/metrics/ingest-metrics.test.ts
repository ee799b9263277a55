import type { Transaction } from '@osprey/model';
import { Histogram, type LabelValues, Registry } from 'prom-client';

import { EndpointCap } from '../export/endpoint-cap';
import { INGEST_REJECT_STATUSES, INGEST_SOURCES } from '../ingest/observer';
import { DURATION_BUCKETS, durationBucket, IngestMetrics, labelGroups } from './ingest-metrics';

describe('IngestMetrics.rejected', () => {
  it('has every source and refusal status at 0 before the first batch, so increase() sees the first', async () => {
    const registry = new Registry();
    new IngestMetrics([registry], 10);
    const text = await registry.metrics();
    const zeros = (name: string) =>
      text.split('\n').filter((line) => line.startsWith(`${name}{`) && line.endsWith('} 0'));
    expect(zeros('osprey_ingest_rejected_batches_total')).toHaveLength(
      INGEST_SOURCES.length * INGEST_REJECT_STATUSES.length
    );
    expect(zeros('osprey_ingest_rejected_items_total')).toHaveLength(
      INGEST_SOURCES.length * INGEST_REJECT_STATUSES.length
    );
    for (const source of INGEST_SOURCES) {
      expect(text).toContain(`osprey_ingest_received_items_total{source="${source}"} 0\n`);
      expect(text).toContain(`osprey_ingest_commit_seconds_count{source="${source}"} 0\n`);
      for (const status of INGEST_REJECT_STATUSES) {
        expect(text).toContain(`osprey_ingest_rejected_batches_total{source="${source}",status="${status}"} 0\n`);
      }
    }
    // Per-service series wait for the service's first batch: its name is not known before.
    expect(text).not.toMatch(/^osprey_transactions_total\{/m);
  });

  it('counts the refused batch and the spans in it, by source and status', async () => {
    const registry = new Registry();
    const metrics = new IngestMetrics([registry], 10);
    metrics.rejected('otlp', 503, 120);
    metrics.rejected('otlp', 503, 30);
    // A body that could not be decoded has no known item count.
    metrics.rejected('zipkin', 400, 0);
    const text = await registry.metrics();
    expect(text).toContain('osprey_ingest_rejected_batches_total{source="otlp",status="503"} 2');
    expect(text).toContain('osprey_ingest_rejected_items_total{source="otlp",status="503"} 150');
    expect(text).toContain('osprey_ingest_rejected_batches_total{source="zipkin",status="400"} 1');
    expect(text).toContain('osprey_ingest_rejected_items_total{source="zipkin",status="400"} 0');
  });
});

describe('durationBucket', () => {
  it.each([
    [0, 0],
    [0.005, 0],
    [0.0051, 1],
    [2, 8],
    [2.0001, 9],
    [3, 10],
    [3.0001, 11],
    [60, 15],
    [60.5, 16],
  ])('%p s falls in bucket %p (upper bounds inclusive, the last is +Inf)', (seconds, bucket) => {
    expect(durationBucket(seconds)).toBe(bucket);
  });
});

const tx = (service: string, endpoint: string, status: Transaction['status'], elapsed: number, traceId: string) =>
  ({ service, endpoint, status, elapsed, traceId }) as Transaction;

describe('labelGroups', () => {
  it('groups by service, capped endpoint and status, keeping batch order and the last trace id of each bucket', () => {
    const cap = new EndpointCap(1);
    const groups = labelGroups(
      [
        tx('cart', 'GET /a', 'ok', 4, 't1'),
        tx('cart', 'GET /a', 'ok', 2, 't2'),
        tx('cart', 'GET /b', 'ok', 20, 't3'),
        tx('cart', 'GET /a', 'error', 4000, 't4'),
        tx('cart', 'GET /a', 'ok', 30, 't5'),
      ],
      cap
    );
    expect(groups).toEqual([
      {
        service: 'cart',
        endpoint: 'GET /a',
        status: 'ok',
        seconds: [0.004, 0.002, 0.03],
        exemplars: new Map([
          [1, 't2'],
          [2, 't5'],
        ]),
      },
      { service: 'cart', endpoint: '__other__', status: 'ok', seconds: [0.02], exemplars: new Map([[0, 't3']]) },
      { service: 'cart', endpoint: 'GET /a', status: 'error', seconds: [4], exemplars: new Map([[0, 't4']]) },
    ]);
  });
});

describe('IngestMetrics.committed', () => {
  it('exposes what one prom-client call per transaction gives, exemplars included', async () => {
    const services = ['cart', 'catalog', 'payment'];
    const transactions = Array.from({ length: 600 }, (_, i) =>
      tx(services[i % 3], `GET /e${i % 7}`, i % 11 === 0 && i % 3 !== 2 ? 'error' : 'ok', (i * 37) % 9000, `trace-${i}`)
    );
    const text = new Registry();
    const openMetrics = new Registry<typeof Registry.OPENMETRICS_CONTENT_TYPE>();
    openMetrics.setContentType(Registry.OPENMETRICS_CONTENT_TYPE);
    const metrics = new IngestMetrics([text, openMetrics], 5);
    for (let i = 0; i < transactions.length; i += 170) {
      const batch = transactions.slice(i, i + 170);
      metrics.committed('otlp', batch.length * 3, batch, 12);
    }

    const reference = new Registry<typeof Registry.OPENMETRICS_CONTENT_TYPE>();
    reference.setContentType(Registry.OPENMETRICS_CONTENT_TYPE);
    const duration = new Histogram({
      name: 'osprey_transaction_duration_seconds',
      help: 'x',
      labelNames: ['service', 'endpoint', 'status'],
      buckets: DURATION_BUCKETS,
      enableExemplars: true,
      registers: [reference],
    });
    const cap = new EndpointCap(5);
    for (const t of transactions) {
      duration.observe({
        labels: { service: t.service, endpoint: cap.label(t.service, t.endpoint), status: t.status },
        value: t.elapsed / 1000,
        exemplarLabels: { trace_id: t.traceId } as LabelValues<string>,
      });
    }
    const series = (exposition: string) =>
      exposition
        .split('\n')
        .filter((line) => line.startsWith('osprey_transaction_duration_seconds'))
        // Exemplar timestamps (seconds, a fraction only when not whole) differ between the two runs.
        .map((line) => line.replace(/(# \{[^}]*\} \S+) [\d.]+$/, '$1'));
    expect(series(await openMetrics.metrics())).toEqual(series(await reference.metrics()));
    expect(series(await openMetrics.metrics()).filter((line) => line.includes('trace_id='))).not.toHaveLength(0);

    const exposition = await text.metrics();
    const counted = new Map<string, { total: number; errors: number }>();
    const capAgain = new EndpointCap(5);
    for (const t of transactions) {
      const key = `{service="${t.service}",endpoint="${capAgain.label(t.service, t.endpoint)}"}`;
      const entry = counted.get(key) ?? { total: 0, errors: 0 };
      entry.total += 1;
      entry.errors += t.status === 'error' ? 1 : 0;
      counted.set(key, entry);
    }
    expect(counted.size).toBe(18);
    expect([...counted.values()].some((c) => c.errors === 0)).toBe(true);
    for (const [labels, { total, errors }] of counted) {
      expect(exposition).toContain(`osprey_transactions_total${labels} ${total}\n`);
      expect(exposition).toContain(`osprey_transaction_errors_total${labels} ${errors}\n`);
    }
    expect(exposition).toContain('osprey_ingest_received_items_total{source="otlp"} 1800');
  });
});
