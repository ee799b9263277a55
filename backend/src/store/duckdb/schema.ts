import type { DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';

import * as active from './active';
import * as checks from './checks';
import * as hostTables from './hosts';
import * as jvm from './jvm';
import { LINK_SCHEMA } from './links';
import { LOG_POSITION_SCHEMA } from './log-position';
import * as otel from './otel';
import * as red from './red';
import { RESOURCE_SCHEMA } from './resources';
import * as settle from './settle';
import { SQL_STATS_SCHEMA } from './sqlstats';

/** The spans and transactions tables, and the macros their queries use. */
const CORE_SCHEMA = [
  `CREATE TABLE IF NOT EXISTS spans (
    trace_id VARCHAR NOT NULL,
    span_id VARCHAR NOT NULL,
    parent_span_id VARCHAR,
    service VARCHAR NOT NULL,
    name VARCHAR NOT NULL,
    kind VARCHAR NOT NULL,
    start_ns UBIGINT NOT NULL,
    duration_ns UBIGINT NOT NULL,
    status VARCHAR NOT NULL,
    status_message VARCHAR,
    resource_id UBIGINT NOT NULL,
    attributes JSON NOT NULL,
    events JSON NOT NULL
  )`,
  // end_us is the end in whole epoch microseconds (micros.ts): rows arrive roughly in end order, so
  // DuckDB bit-packs its deltas (~1.3 B a row against 2.6–6.7 B as an epoch-ms DOUBLE) and its
  // per-row-group min/max zonemaps prune time-window scans; an ART index would only help point
  // lookups and slows appends. status and kind are ENUMs: one byte before compression, and a value
  // outside the model's fails the append instead of being stored. The ids are the integers their
  // hex spells (16 + 8 bytes, every time; FSST on random hex varied from 26.5 to 28 B a row):
  // queries turn them back into lowercase hex and hex arguments into integers (the macros below).
  `CREATE TABLE IF NOT EXISTS transactions (
    end_us BIGINT NOT NULL,
    elapsed DOUBLE NOT NULL,
    service VARCHAR NOT NULL,
    instance VARCHAR NOT NULL,
    endpoint VARCHAR NOT NULL,
    status ENUM('ok', 'error') NOT NULL,
    http_status INTEGER,
    error_type VARCHAR,
    error_message VARCHAR,
    trace_id UHUGEINT NOT NULL,
    span_id UBIGINT NOT NULL,
    parent_service VARCHAR,
    user_id VARCHAR,
    client_ip VARCHAR,
    sql_count INTEGER NOT NULL,
    sql_time DOUBLE NOT NULL,
    api_call_count INTEGER NOT NULL,
    api_call_time DOUBLE NOT NULL,
    kind ${checks.kindEnum()} NOT NULL,
    thread_name VARCHAR,
    cpu_time DOUBLE
  )`,
  // Hex ids (32 and 16 lowercase digits, as ingest validates them) → the integers stored; a cast of
  // '0x…' reaches only 64 bits, so a trace id goes in two halves.
  `CREATE OR REPLACE MACRO hex_trace_id(h) AS
     (('0x' || left(h, 16))::UBIGINT::UHUGEINT << 64) | ('0x' || right(h, 16))::UBIGINT::UHUGEINT`,
  `CREATE OR REPLACE MACRO hex_span_id(h) AS ('0x' || h)::UBIGINT`,
];

/**
 * Columns that only a data dir of an older layout has. The appenders would fail on every batch
 * (column count) or queries on every read, so opening fails instead, saying why.
 */
const OLD_LAYOUTS: ReadonlyArray<{ table: string; column: string; type?: string; layout: string }> = [
  { table: 'spans', column: 'resource', layout: 'spans before span_resources (a resource column per span)' },
  { table: 'transactions', column: 'end_time', layout: 'transactions before end_us (end_time as epoch-ms DOUBLE)' },
  {
    table: 'transactions',
    column: 'trace_id',
    type: 'VARCHAR',
    layout: 'transactions before integer ids (trace_id and span_id as hex VARCHAR)',
  },
];

async function refuseOldLayouts(writer: DuckDBConnection, instance: DuckDBInstance): Promise<void> {
  for (const { table, column, type, layout } of OLD_LAYOUTS) {
    const result = await writer.runAndReadAll(
      'SELECT data_type FROM information_schema.columns WHERE table_name = $table AND column_name = $column',
      { table, column }
    );
    if (result.getRows().some(([dataType]) => type === undefined || dataType === type)) {
      writer.closeSync();
      instance.closeSync();
      throw new Error(`the data dir holds ${layout}: start with an empty --data-dir`);
    }
  }
}

/**
 * Creates what is missing of every table the store writes (each module's own schema beside the
 * core one), refuses a data dir of an older layout, and widens the transaction kinds of an older one.
 */
export async function createSchema(writer: DuckDBConnection, instance: DuckDBInstance): Promise<void> {
  for (const statement of [
    ...CORE_SCHEMA,
    ...jvm.JVM_SCHEMA,
    ...hostTables.HOST_SCHEMA,
    ...settle.SETTLE_SCHEMA,
    ...SQL_STATS_SCHEMA,
    ...red.RED_SCHEMA,
    ...active.ACTIVE_SCHEMA,
    ...otel.OTEL_SCHEMA,
    ...LINK_SCHEMA,
    ...RESOURCE_SCHEMA,
    ...checks.CHECKS_SCHEMA,
    ...LOG_POSITION_SCHEMA,
  ]) {
    await writer.run(statement);
  }
  await refuseOldLayouts(writer, instance);
  await checks.widenTransactionKinds(writer);
}
