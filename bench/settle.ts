/**
 * Settling cost against its peer, the ingest of the same spans: N traces of the service-map
 * integration shape (gateway → orders → stock, 3 db queries, an external call; 9 spans each)
 * stored in OTLP-export-sized batches, then every trace settled — from the database
 * (`settleMemorySpans: 0`) and from memory (the default), in alternating rounds. Figures are CPU
 * time of this process (all threads, DuckDB's included) per span, medians of the rounds.
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
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
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

interface Figures {
  ingestCpuUs: number;
  settleCpuUs: number;
  settleMs: number;
  runs: number;
}

/** Stores the batches one commit each, then settles every trace; CPU of this process (all threads). */
async function run(batches: Span[][], settleMemorySpans: number | undefined): Promise<Figures> {
  const dir = mkdtempSync(path.join(tmpdir(), 'osprey-bench-settle-'));
  const store = await DuckDbStore.open(dir, { settleMs: 0, autoSettle: false, settleMemorySpans });
  try {
    let cpu = process.cpuUsage();
    // Sequential, one commit per batch: the ingest peer at its least favourable, like settling's runs.
    for (const batch of batches) {
      await store.insertBatch(batch, deriveTransactions(batch));
    }
    const ingest = process.cpuUsage(cpu);
    const started = performance.now();
    cpu = process.cpuUsage();
    let settled = 0;
    let runs = 0;
    for (let n = await store.settleDue(Date.now() + 1); n > 0; n = await store.settleDue(Date.now() + 1)) {
      settled += n;
      runs += 1;
    }
    const settle = process.cpuUsage(cpu);
    const settleMs = performance.now() - started;
    if (settled !== TRACES) {
      throw new Error(`settled ${settled} traces, expected ${TRACES}`);
    }
    return { ingestCpuUs: ingest.user + ingest.system, settleCpuUs: settle.user + settle.system, settleMs, runs };
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
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
  console.log(`traces / spans     ${TRACES.toLocaleString('en')} / ${spans.toLocaleString('en')}, ${ROUNDS} rounds`);
  // Alternating rounds, so load from other processes falls on both variants alike.
  const variants: Array<[string, number | undefined]> = [
    ['from database', 0],
    ['from memory', undefined],
  ];
  const totals = new Map(variants.map(([name]) => [name, [] as Figures[]]));
  for (let round = 0; round < ROUNDS; round++) {
    for (const [name, settleMemorySpans] of variants) {
      totals.get(name)!.push(await run(batches, settleMemorySpans));
    }
  }
  const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
  for (const [name, figures] of totals) {
    const settleUs = median(figures.map((f) => f.settleCpuUs)) / spans;
    const ingestUs = median(figures.map((f) => f.ingestCpuUs)) / spans;
    const wallMs = median(figures.map((f) => f.settleMs));
    console.log(
      `${name.padEnd(18)} settle ${settleUs.toFixed(1)} µs CPU per span (${wallMs.toFixed(0)} ms wall, ` +
        `${figures[0].runs} runs); ingest ${ingestUs.toFixed(1)} µs CPU per span`
    );
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
