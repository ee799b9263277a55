/**
 * Settling cost against its peer, the ingest of the same spans: N traces of the service-map
 * integration shape (gateway → orders → stock, 3 db queries, an external call; 9 spans each)
 * stored in OTLP-export-sized batches, then every trace settled.
 *
 *   npm run bench:settle
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';

import { deriveTransactions, DuckDbStore } from '@osprey/backend';
import type { Span } from '@osprey/model';

const TRACES = Number(process.env.BENCH_TRACES ?? 10_000);
const TRACES_PER_BATCH = 50;
const MS = BigInt(1_000_000);

function hex(n: number, digits: number): string {
  return n.toString(16).padStart(digits, '0');
}

function trace(i: number, startMs: number): Span[] {
  const traceId = hex(i + 1, 32);
  let next = 0;
  const span = (service: string, kind: Span['kind'], parent: string | undefined, attributes: Span['attributes']) => {
    next += 1;
    const s: Span = {
      traceId,
      spanId: hex(i * 16 + next, 16),
      name: kind === 'server' ? 'GET /x' : 'call',
      kind,
      startTimeUnixNano: (BigInt(startMs + next) * MS).toString(),
      durationNano: (BigInt(20 - next) * MS).toString(),
      status: 'unset',
      service,
      resource: { 'service.name': service },
      attributes,
      events: [],
    };
    if (parent !== undefined) {
      s.parentSpanId = parent;
    }
    return s;
  };
  const gateway = span('gateway', 'server', undefined, { 'http.route': '/order' });
  const toOrders = span('gateway', 'client', gateway.spanId, { 'net.peer.name': 'orders', 'net.peer.port': 80 });
  const ext = span('gateway', 'client', gateway.spanId, { 'url.full': 'https://rates.example.com/eur' });
  const orders = span('orders', 'server', toOrders.spanId, { 'http.route': '/create' });
  const q1 = span('orders', 'client', orders.spanId, { 'db.system': 'duckdb', 'db.name': 'orders' });
  const q2 = span('orders', 'client', orders.spanId, { 'db.system': 'duckdb', 'db.name': 'orders' });
  const toStock = span('orders', 'client', orders.spanId, { 'server.address': 'stock' });
  const stock = span('stock', 'server', toStock.spanId, { 'http.route': '/reserve' });
  const q3 = span('stock', 'client', stock.spanId, { 'db.system': 'duckdb', 'db.name': 'stock' });
  // Children first, as SDKs export them: the entries' batch-local figures are all zero.
  return [q1, q2, q3, toStock, ext, toOrders, stock, orders, gateway];
}

async function main(): Promise<void> {
  const dir = mkdtempSync(path.join(tmpdir(), 'osprey-bench-settle-'));
  const store = await DuckDbStore.open(dir, { settleMs: 0, autoSettle: false });
  try {
    const t0 = Date.now() - 60_000;
    const batches: Span[][] = [];
    for (let b = 0; b < TRACES; b += TRACES_PER_BATCH) {
      const batch: Span[] = [];
      for (let i = b; i < Math.min(TRACES, b + TRACES_PER_BATCH); i++) {
        batch.push(...trace(i, t0 + i));
      }
      batches.push(batch);
    }
    const spans = batches.reduce((n, batch) => n + batch.length, 0);

    let started = performance.now();
    // Sequential, one commit per batch: the ingest peer at its least favourable, like settling's runs.
    for (const batch of batches) {
      await store.insertBatch(batch, deriveTransactions(batch));
    }
    const ingestMs = performance.now() - started;

    started = performance.now();
    let settled = 0;
    let runs = 0;
    for (let n = await store.settleDue(Date.now() + 1); n > 0; n = await store.settleDue(Date.now() + 1)) {
      settled += n;
      runs += 1;
    }
    const settleMs = performance.now() - started;
    if (settled !== TRACES) {
      throw new Error(`settled ${settled} traces, expected ${TRACES}`);
    }
    const rows = [
      ['traces / spans', `${TRACES.toLocaleString('en')} / ${spans.toLocaleString('en')}`],
      [
        'ingest (peer)',
        `${ingestMs.toFixed(0)} ms (${Math.round(spans / (ingestMs / 1000)).toLocaleString('en')} spans/s)`,
      ],
      [
        'settle',
        `${settleMs.toFixed(0)} ms in ${runs} runs (${Math.round(TRACES / (settleMs / 1000)).toLocaleString('en')} traces/s)`,
      ],
      ['settle vs ingest', `${(settleMs / ingestMs).toFixed(2)}×`],
    ];
    for (const [figure, value] of rows) {
      console.log(`${figure.padEnd(18)} ${value}`);
    }
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
