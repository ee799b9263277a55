import type { CheckRun, CheckRunQuery } from '@osprey/model';

import { rowToCheckRun } from '../check-rows';
import type { ClickHouseConnection } from './connection';
import { num, str } from './sql';

/** A check run as the `check_runs` row (columns as check-rows.ts names them); absent values are NULL. */
export function insertCheckRun(connection: ClickHouseConnection, run: CheckRun): Promise<void> {
  return connection.insert('check_runs', [
    {
      check_name: run.check,
      kind: run.kind,
      url: run.url,
      location: run.location,
      started_at: run.startedAt,
      duration: run.durationMs,
      up: run.up ? 1 : 0,
      dns: run.phases.dns ?? null,
      connect: run.phases.connect ?? null,
      tls: run.phases.tls ?? null,
      first_byte: run.phases.firstByte ?? null,
      http_status: run.httpStatus ?? null,
      failure: run.failure ?? null,
      message: run.message ?? null,
    },
  ]);
}

/** Runs started in [from, to], newest first (ties by check name), as the DuckDB store answers. */
export async function checkRuns(connection: ClickHouseConnection, query: CheckRunQuery): Promise<CheckRun[]> {
  const rows = await connection.rows(
    `SELECT * FROM check_runs
     WHERE started_at >= ${num(query.from)} AND started_at <= ${num(query.to)}
       ${query.check === undefined ? '' : `AND check_name = ${str(query.check)}`}
     ORDER BY started_at DESC, check_name LIMIT ${num(query.limit)}`
  );
  return rows.map(rowToCheckRun);
}
