import type { DuckDBAppender, DuckDBConnection, DuckDBValue } from '@duckdb/node-api';
import { type CheckRun, type CheckRunQuery, TRANSACTION_KINDS } from '@osprey/model';

import { appendNullable, appendRows } from './append';
import { rowToCheckRun } from '../check-rows';

/** One row per run of a synthetic check (columns as check-rows.ts names them). */
export const CHECKS_SCHEMA = [
  `CREATE TABLE IF NOT EXISTS check_runs (
    check_name VARCHAR NOT NULL,
    kind VARCHAR NOT NULL,
    url VARCHAR NOT NULL,
    location VARCHAR NOT NULL,
    started_at DOUBLE NOT NULL,
    duration DOUBLE NOT NULL,
    up BOOLEAN NOT NULL,
    dns DOUBLE,
    connect DOUBLE,
    tls DOUBLE,
    first_byte DOUBLE,
    http_status INTEGER,
    failure VARCHAR,
    message VARCHAR
  )`,
];

/** The ENUM of `transactions.kind` for the model's kinds, as DuckDB spells the type. */
export function kindEnum(): string {
  return `ENUM(${TRANSACTION_KINDS.map((kind) => `'${kind}'`).join(', ')})`;
}

/**
 * A data dir made before a kind was added (`synthetic`) has the narrower ENUM, on which appending a
 * check's transaction fails: widen it in place (every stored value keeps its name).
 */
export async function widenTransactionKinds(writer: DuckDBConnection): Promise<void> {
  const result = await writer.runAndReadAll(
    "SELECT data_type FROM information_schema.columns WHERE table_name = 'transactions' AND column_name = 'kind'"
  );
  const [type] = result.getRows()[0] ?? [];
  if (type !== undefined && type !== kindEnum()) {
    await writer.run(`ALTER TABLE transactions ALTER kind TYPE ${kindEnum()}`);
  }
}

function optionalNumber(appender: DuckDBAppender, value: number | undefined): void {
  if (value === undefined) {
    appender.appendNull();
  } else {
    appender.appendDouble(value);
  }
}

export function insertCheckRun(writer: DuckDBConnection, run: CheckRun): Promise<void> {
  return appendRows(writer, 'check_runs', [run], (a, r) => {
    a.appendVarchar(r.check);
    a.appendVarchar(r.kind);
    a.appendVarchar(r.url);
    a.appendVarchar(r.location);
    a.appendDouble(r.startedAt);
    a.appendDouble(r.durationMs);
    a.appendBoolean(r.up);
    optionalNumber(a, r.phases.dns);
    optionalNumber(a, r.phases.connect);
    optionalNumber(a, r.phases.tls);
    optionalNumber(a, r.phases.firstByte);
    if (r.httpStatus === undefined) {
      a.appendNull();
    } else {
      a.appendInteger(r.httpStatus);
    }
    appendNullable(a, r.failure);
    appendNullable(a, r.message);
  });
}

/** Runs started in [from, to], newest first (ties by check name). */
export async function checkRuns(reader: DuckDBConnection, query: CheckRunQuery): Promise<CheckRun[]> {
  const values: Record<string, DuckDBValue> = { from: query.from, to: query.to, limit: query.limit };
  let where = 'started_at >= $from AND started_at <= $to';
  if (query.check !== undefined) {
    where += ' AND check_name = $check';
    values.check = query.check;
  }
  const result = await reader.runAndReadAll(
    `SELECT * FROM check_runs WHERE ${where} ORDER BY started_at DESC, check_name LIMIT $limit`,
    values
  );
  return result.getRowObjectsJS().map(rowToCheckRun);
}
