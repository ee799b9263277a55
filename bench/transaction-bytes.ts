/**
 * Bytes on disk per stored transaction, per column: N bench transactions (bench:red's rows — random
 * 128-bit trace ids, 64-bit span ids, ends spread over 24 h) go through `DuckDbStore.insertBatch`,
 * and the store's directory is measured after close, as bench:red does. Then, in the same run and
 * from the same rows, the table is copied twice into fresh files — as stored, and in the layout
 * before end_us (end_time epoch ms as DOUBLE, status and kind as VARCHAR) — and each copy's
 * segments from `pragma_storage_info` give the bytes per column and the compression DuckDB chose.
 *
 *   npm run bench:tx-bytes        (BENCH_TX, default 1,000,000)
 */
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { type DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';
import { DuckDbStore } from '@osprey/backend';
import type { Transaction } from '@osprey/model';

import { shopTransactions, toTransaction } from './workload';

const TRANSACTIONS = Number(process.env.BENCH_TX ?? 1_000_000);
const STORE_BATCH = 50_000;
const LAYOUTS: Array<[string, string]> = [
  ['as stored', '*'],
  [
    'before end_us',
    `end_us / 1000 AS end_time, * EXCLUDE (end_us, status, kind),
     status::VARCHAR AS status, kind::VARCHAR AS kind`,
  ],
];

function directoryBytes(dir: string): number {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile())
    .reduce((sum, entry) => sum + statSync(path.join(entry.parentPath, entry.name)).size, 0);
}

interface Segment {
  column_name: string;
  compression: string;
  block_id: bigint;
  block_offset: bigint;
}

/**
 * Bytes per column of table `copy.t`: a segment runs from its offset to the next segment's in the
 * same block (the last one to the block's end, so a half-empty block counts whole).
 */
async function columnBytes(connection: DuckDBConnection, blockSize: number): Promise<Map<string, [number, string]>> {
  const segments = (
    await connection.runAndReadAll(
      "SELECT column_name, compression, block_id, block_offset FROM pragma_storage_info('copy.t')"
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

async function main(): Promise<void> {
  const scratch = mkdtempSync(path.join(tmpdir(), 'osprey-bench-txbytes-'));
  try {
    const to = Math.floor(Date.now() / 60_000) * 60_000;
    const storeDir = path.join(scratch, 'osprey');
    const store = await DuckDbStore.open(storeDir, { autoSettle: false });
    let batch: Transaction[] = [];
    let index = 0;
    for (const tx of shopTransactions(TRANSACTIONS, to - 24 * 3_600_000, to)) {
      batch.push(toTransaction(tx, index++));
      if (batch.length === STORE_BATCH) {
        await store.insertBatch([], batch);
        batch = [];
      }
    }
    await store.insertBatch([], batch);
    await store.close();
    const perTx = (bytes: number) => (bytes / TRANSACTIONS).toFixed(2).padStart(6);
    console.log(`${TRANSACTIONS.toLocaleString('en')} transactions, no spans`);
    console.log(`store directory after close       ${perTx(directoryBytes(storeDir))} B/transaction`);

    const instance = await DuckDBInstance.create(path.join(storeDir, 'osprey.duckdb'));
    const connection = await instance.connect();
    try {
      const tables: Array<[string, number, Map<string, [number, string]>]> = [];
      for (const [name, select] of LAYOUTS) {
        const file = path.join(scratch, `${tables.length}.duckdb`);
        await connection.run(`ATTACH '${file}' AS copy`);
        await connection.run(`CREATE TABLE copy.t AS SELECT ${select} FROM transactions`);
        await connection.run('CHECKPOINT copy');
        const size = (
          await connection.runAndReadAll(
            "SELECT used_blocks, block_size FROM pragma_database_size() WHERE database_name = 'copy'"
          )
        ).getRowObjectsJS()[0];
        const blockSize = Number(size.block_size);
        tables.push([name, Number(size.used_blocks) * blockSize, await columnBytes(connection, blockSize)]);
        await connection.run('DETACH copy');
      }
      for (const [name, used] of tables) {
        console.log(`table copy, ${name.padEnd(22)} ${perTx(used)} B/transaction (used blocks)`);
      }
      console.log(`\n${'column'.padEnd(16)}${tables.map(([name]) => name.padStart(30)).join('')}`);
      const columns = [...tables[0][2].keys()];
      for (const column of columns) {
        const cells = tables.map(([, , bytes]) => {
          const [b, compression] = bytes.get(column) ?? bytes.get(column.replace('end_us', 'end_time')) ?? [0, '-'];
          return `${perTx(b)} ${compression}`.padStart(30);
        });
        console.log(`${column.padEnd(16)}${cells.join('')}`);
      }
    } finally {
      connection.closeSync();
      instance.closeSync();
    }
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
