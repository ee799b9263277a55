/**
 * Bytes on disk per stored transaction, per column, before and after the end_us layout in the same
 * run on the same rows: N bench transactions (bench:red's rows — random 128-bit trace ids, 64-bit
 * span ids, ends spread over 24 h) go through `DuckDbStore.insertBatch` (today's layout) and, as
 * the peer, through a row appender into the table as it was before (end_time epoch ms as DOUBLE,
 * status, kind and the hex ids as VARCHAR), in transactions of the same size. Each file is checkpointed, then
 * measured: the file, the transactions table's blocks, and its segments from `pragma_storage_info`
 * with the compression DuckDB chose per column.
 *
 *   npm run bench:tx-bytes        (BENCH_TX, default 1,000,000)
 */
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { type DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';
import { appendRows, DuckDbStore } from '@osprey/backend';
import type { Transaction } from '@osprey/model';

import { shopTransactions, toTransaction } from './workload';

const TRANSACTIONS = Number(process.env.BENCH_TX ?? 1_000_000);
const STORE_BATCH = 50_000;
/** The transactions table of c9cb7d8, the layout before end_us. */
const BEFORE_SCHEMA = `CREATE TABLE transactions (
  end_time DOUBLE NOT NULL, elapsed DOUBLE NOT NULL, service VARCHAR NOT NULL, instance VARCHAR NOT NULL,
  endpoint VARCHAR NOT NULL, status VARCHAR NOT NULL, http_status INTEGER, error_type VARCHAR,
  error_message VARCHAR, trace_id VARCHAR NOT NULL, span_id VARCHAR NOT NULL, parent_service VARCHAR,
  user_id VARCHAR, client_ip VARCHAR, sql_count INTEGER NOT NULL, sql_time DOUBLE NOT NULL,
  api_call_count INTEGER NOT NULL, api_call_time DOUBLE NOT NULL, kind VARCHAR NOT NULL,
  thread_name VARCHAR, cpu_time DOUBLE)`;

function* batches(): Generator<Transaction[]> {
  const to = Math.floor(Date.now() / 60_000) * 60_000;
  let batch: Transaction[] = [];
  let index = 0;
  for (const tx of shopTransactions(TRANSACTIONS, to - 24 * 3_600_000, to)) {
    batch.push(toTransaction(tx, index++));
    if (batch.length === STORE_BATCH) {
      yield batch;
      batch = [];
    }
  }
  yield batch;
}

async function loadStore(dir: string): Promise<void> {
  const store = await DuckDbStore.open(dir, { autoSettle: false });
  for (const batch of batches()) {
    await store.insertBatch([], batch);
  }
  await store.close();
}

/** The peer: what appendTransaction did before end_us, the bench's rows having no optional strings. */
async function loadBefore(file: string): Promise<void> {
  const instance = await DuckDBInstance.create(file);
  const connection = await instance.connect();
  await connection.run(BEFORE_SCHEMA);
  for (const batch of batches()) {
    await connection.run('BEGIN TRANSACTION');
    await appendRows(connection, 'transactions', batch, (a, tx) => {
      a.appendDouble(tx.endTime);
      a.appendDouble(tx.elapsed);
      a.appendVarchar(tx.service);
      a.appendVarchar(tx.instance);
      a.appendVarchar(tx.endpoint);
      a.appendVarchar(tx.status);
      a.appendInteger(tx.httpStatus!);
      a.appendNull();
      a.appendNull();
      a.appendVarchar(tx.traceId);
      a.appendVarchar(tx.spanId);
      a.appendNull();
      a.appendNull();
      a.appendNull();
      a.appendInteger(tx.sqlCount);
      a.appendDouble(tx.sqlTime);
      a.appendInteger(tx.apiCallCount);
      a.appendDouble(tx.apiCallTime);
      a.appendVarchar(tx.kind);
      a.appendNull();
      a.appendNull();
    });
    await connection.run('COMMIT');
  }
  connection.closeSync();
  instance.closeSync();
}

interface Segment {
  column_name: string;
  compression: string;
  block_id: bigint;
  block_offset: bigint;
}

/**
 * Bytes per column of the transactions table: a segment runs from its offset to the next segment's in the
 * same block (the last one to the block's end, so a half-empty block counts whole).
 */
async function columnBytes(connection: DuckDBConnection, blockSize: number): Promise<Map<string, [number, string]>> {
  const segments = (
    await connection.runAndReadAll(
      "SELECT column_name, compression, block_id, block_offset FROM pragma_storage_info('transactions')"
    )
  ).getRowObjectsJS() as unknown as Segment[];
  const blocks = new Map<bigint, Segment[]>();
  const compression = new Map<string, Set<string>>();
  for (const segment of segments) {
    const used = compression.get(segment.column_name) ?? new Set();
    used.add(segment.compression);
    compression.set(segment.column_name, used);
    if (segment.block_id >= 0) {
      blocks.set(segment.block_id, [...(blocks.get(segment.block_id) ?? []), segment]);
    }
  }
  const bytes = new Map<string, number>();
  for (const inBlock of blocks.values()) {
    inBlock.sort((a, b) => Number(a.block_offset - b.block_offset));
    inBlock.forEach((segment, i) => {
      const end = i + 1 < inBlock.length ? Number(inBlock[i + 1].block_offset) : blockSize;
      bytes.set(segment.column_name, (bytes.get(segment.column_name) ?? 0) + end - Number(segment.block_offset));
    });
  }
  return new Map(
    [...compression].map(([column, used]) => [
      column,
      [bytes.get(column) ?? 0, [...used].filter((c) => c !== 'Constant').join('+') || 'Constant'],
    ])
  );
}

interface Measured {
  file: number;
  table: number;
  columns: Map<string, [number, string]>;
}

async function measure(file: string): Promise<Measured> {
  const instance = await DuckDBInstance.create(file);
  const connection = await instance.connect();
  try {
    await connection.run('CHECKPOINT');
    const blockSize = Number(
      (await connection.runAndReadAll('SELECT block_size FROM pragma_database_size()')).getRows()[0][0]
    );
    const blocks = Number(
      (
        await connection.runAndReadAll(
          "SELECT count(DISTINCT block_id) FROM pragma_storage_info('transactions') WHERE block_id >= 0"
        )
      ).getRows()[0][0]
    );
    return { file: statSync(file).size, table: blocks * blockSize, columns: await columnBytes(connection, blockSize) };
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}

async function main(): Promise<void> {
  const scratch = mkdtempSync(path.join(tmpdir(), 'osprey-bench-txbytes-'));
  try {
    const beforeFile = path.join(scratch, 'before.duckdb');
    await loadBefore(beforeFile);
    await loadStore(path.join(scratch, 'osprey'));
    const before = await measure(beforeFile);
    const after = await measure(path.join(scratch, 'osprey', 'osprey.duckdb'));
    const perTx = (bytes: number) => (bytes / TRANSACTIONS).toFixed(2).padStart(6);
    console.log(`${TRANSACTIONS.toLocaleString('en')} transactions, no spans; B/transaction before → end_us layout`);
    console.log(`transactions table (its blocks)  ${perTx(before.table)} → ${perTx(after.table)}`);
    console.log(`whole file after CHECKPOINT      ${perTx(before.file)} → ${perTx(after.file)} (after: + red_rollups)`);
    console.log(`\n${'column'.padEnd(16)}${'before'.padStart(30)}${'end_us layout'.padStart(30)}`);
    for (const [column, [bytes, compression]] of after.columns) {
      const [old, oldCompression] = before.columns.get(column === 'end_us' ? 'end_time' : column) ?? [0, '-'];
      console.log(
        `${column.padEnd(16)}${`${perTx(old)} ${oldCompression}`.padStart(30)}${`${perTx(bytes)} ${compression}`.padStart(30)}`
      );
    }
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
