import type { ClickHouseConnection, Row } from './connection';
import { num } from './sql';

/** A per-trace rollup table that settling rewrites: its name, identity columns and counters. */
export interface RewrittenTable {
  name: string;
  /** The ReplacingMergeTree key columns besides `trace_id`. */
  identity: readonly string[];
  /** Columns copied as they are into a withdrawing row. */
  kept: readonly string[];
  /** Counters a withdrawing row sets to zero; the first is the one whose 0 means "no row". */
  counters: readonly string[];
}

const identityOf = (table: RewrittenTable, row: Row) =>
  JSON.stringify([String(row.trace_id), ...table.identity.map((column) => String(row[column]))]);

/**
 * Zero rows for the rows an earlier settle of these traces wrote that this one no longer has: a
 * client span settled before its callee's server span (or its entry span) arrived was filed under
 * another target (or no endpoint); the new version of that row withdraws the calls instead of
 * leaving them counted twice.
 */
export async function withdrawnRows(
  connection: ClickHouseConnection,
  table: RewrittenTable,
  ids: string,
  firstMinute: number,
  fresh: Row[],
  through: Map<string, number>
): Promise<Row[]> {
  const columns = ['trace_id', ...table.identity, ...table.kept, table.counters[0]];
  const previous = await connection.rows(
    `SELECT ${columns.join(', ')} FROM ${table.name} FINAL
     WHERE trace_id IN ${ids} AND minute >= ${num(firstMinute)}`
  );
  const kept = new Set(fresh.map((row) => identityOf(table, row)));
  return previous
    .filter((row) => Number(row[table.counters[0]]) > 0 && !kept.has(identityOf(table, row)))
    .map((row) => ({
      ...row,
      ...Object.fromEntries(table.counters.map((counter) => [counter, 0])),
      version: through.get(String(row.trace_id)) ?? 0,
    }));
}
