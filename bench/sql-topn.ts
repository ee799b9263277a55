/**
 * SQL statistics speed: the top 20 statements by total time over every transaction of the store,
 * answered from the per-minute SQL-statistics rollups (`Store.sqlStatistics`), against the peer in
 * the same run: the same store's raw spans grouped by their statement text with DuckDB's exact
 * `quantile_disc`. The peer groups raw text, not normalised statements (SQL cannot normalise), so it
 * does less work than the answer it stands beside: its time is a floor for reading raw spans.
 *
 * Each transaction is a SERVER span with 3 postgresql CLIENT children, one of 200 statement shapes
 * each with its own literals, stored through `insertBatch` and settled like ingest does. As in an
 * app, a shape belongs to one service and endpoint and takes about the same time each call (its own
 * base ± 50 %), so a minute's calls of a shape fall in a few latency buckets.
 *
 *   npm run bench:sql-topn     (BENCH_SQL_TRANSACTIONS=… to change the size, default 10,000,000)
 *
 * Building 10M transactions takes most of an hour, longer than the machine stays idle for, so with
 * BENCH_SQL_DIR=<dir> the store is kept there: a first run builds it (and may share the machine),
 * a later run on an idle machine finds it and only measures.
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';

import { DuckDBInstance } from '@duckdb/node-api';
import { deriveTransactions, DuckDbStore } from '@osprey/backend';
import type { Span } from '@osprey/model';

import { timeMs } from './timing';

const COUNT = Number(process.env.BENCH_SQL_TRANSACTIONS ?? 10_000_000);
const BATCH = 20_000;
const SHAPES = 200;
const FROM = Date.UTC(2026, 0, 1);
const SPREAD_MS = 24 * 3600 * 1000;
const RUNS = 7;
const NS = BigInt(1_000_000);

const hex = (n: number, digits: number) => n.toString(16).padStart(digits, '0');

/** Transaction `n`: its entry span and three queries, the shapes and durations fixed by `n`. */
function transaction(n: number): Span[] {
  const traceId = hex(n + 1, 32);
  const startMs = FROM + Math.floor((n / COUNT) * SPREAD_MS);
  const endpoint = n % 40;
  const service = `svc-${endpoint % 4}`;
  const base = {
    traceId,
    status: 'unset' as const,
    service,
    resource: { 'service.name': service, 'service.instance.id': `${service}-${n % 3}` },
    events: [],
  };
  const at = (ms: number) => (BigInt(startMs) * NS + BigInt(Math.round(ms * 1e6))).toString();
  const spans: Span[] = [
    {
      ...base,
      spanId: hex(1, 16),
      name: 'GET /orders',
      kind: 'server',
      startTimeUnixNano: at(0),
      durationNano: String(50 * 1e6),
      attributes: { 'http.request.method': 'GET', 'http.route': `/orders/${endpoint}` },
    },
  ];
  for (let q = 0; q < 3; q++) {
    const shape = endpoint * 5 + ((n + q) % 5);
    const ms = (0.5 + (shape % 20) * 2) * (0.5 + ((n * 31 + q * 17) % 100) / 100);
    spans.push({
      ...base,
      spanId: hex(q + 2, 16),
      parentSpanId: hex(1, 16),
      name: `SELECT t${shape}`,
      kind: 'client',
      startTimeUnixNano: at(1 + q * 10),
      durationNano: String(Math.round(ms * 1e6)),
      status: n % 97 === q ? 'error' : 'unset',
      attributes: {
        'db.system.name': 'postgresql',
        'db.namespace': 'shop',
        'db.query.text': `SELECT * FROM t${shape} WHERE id = ${n} AND kind IN (${q}, ${n % 5})`,
      },
    });
  }
  return spans;
}

/** Ingest as the backend does it: batches inserted and settled, then the closed day's rollups merged. */
async function build(store: DuckDbStore): Promise<number> {
  const started = performance.now();
  for (let i = 0; i < COUNT; i += BATCH) {
    const spans: Span[] = [];
    for (let n = i; n < Math.min(COUNT, i + BATCH); n++) {
      spans.push(...transaction(n));
    }
    await store.insertBatch(spans, deriveTransactions(spans));
    while ((await store.settleDue(Date.now() + 1)) > 0) {
      continue;
    }
  }
  const ingestMs = performance.now() - started;
  // What the retention job does once the day is closed: merge it, a bounded slice at a time.
  while ((await store.compactRollups(FROM + SPREAD_MS + 60_000)).to < FROM + SPREAD_MS) {
    continue;
  }
  return ingestMs;
}

async function main(): Promise<void> {
  const kept = process.env.BENCH_SQL_DIR;
  const dir = kept ?? mkdtempSync(path.join(tmpdir(), 'osprey-bench-sql-'));
  try {
    const built = kept !== undefined && existsSync(path.join(dir, 'osprey.duckdb'));
    mkdirSync(dir, { recursive: true });
    const store = await DuckDbStore.open(dir, { settleMs: 0, autoSettle: false });
    const ingestMs = built ? undefined : await build(store);
    const query = { from: FROM, to: FROM + SPREAD_MS, sort: 'totalTime' as const, limit: 20 };
    const loadAtQueries = loadavg()[0];
    const top = await store.sqlStatistics(query);
    const rollupMs = await timeMs(() => store.sqlStatistics(query), RUNS);
    await store.close();

    // The peer reads the same file with a connection of its own.
    const instance = await DuckDBInstance.create(path.join(dir, 'osprey.duckdb'));
    const connection = await instance.connect();
    const rawSql = `SELECT json_extract_string(attributes, '$."db.query.text"') AS statement, count(*) AS calls,
        sum(duration_ns) / 1e6 AS total_ms, quantile_disc(duration_ns, 0.95) / 1e6 AS p95
      FROM spans WHERE kind = 'client' AND json_extract_string(attributes, '$."db.system.name"') IS NOT NULL
      GROUP BY 1 ORDER BY total_ms DESC LIMIT 20`;
    const rawMs = await timeMs(() => connection.runAndReadAll(rawSql), RUNS);
    const count = async (sql: string) => Number((await connection.runAndReadAll(sql)).getRowsJS()[0][0]);
    const dbSpans = await count("SELECT count(*) FROM spans WHERE kind = 'client'");
    const rollupRows = await count('SELECT count(*) FROM sql_stats');
    const transactions = await count('SELECT count(*) FROM transactions');
    connection.closeSync();
    instance.closeSync();

    const calls = top.statements.reduce((sum, s) => sum + s.count, 0);
    console.log(
      `transactions                 ${transactions.toLocaleString('en')} (${dbSpans.toLocaleString('en')} db spans, ${SHAPES} statement shapes)`
    );
    console.log(
      `ingest + settle              ${ingestMs === undefined ? `built before, kept in ${dir}` : `${(ingestMs / 1000).toFixed(1)} s`}`
    );
    console.log(
      `sql_stats rows, compacted    ${rollupRows.toLocaleString('en')} (${(rollupRows / dbSpans).toFixed(3)} per db span)`
    );
    console.log(
      `top 20 by total time         ${calls.toLocaleString('en')} calls; first: ${top.statements[0]?.statement}`
    );
    console.log(`SQL top-N, rollups           ${rollupMs.toFixed(1)} ms (median of ${RUNS})`);
    console.log(`peer: raw spans by raw text  ${rawMs.toFixed(1)} ms`);
    console.log(`rollups vs raw               ${(rollupMs / rawMs).toFixed(3)}×`);
    console.log(`load average while measuring ${loadAtQueries.toFixed(2)}`);
  } finally {
    if (kept === undefined) {
      rmSync(dir, { recursive: true, force: true });
    }
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
