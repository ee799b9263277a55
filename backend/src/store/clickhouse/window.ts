import { TRANSACTION_COLUMNS, type TransactionColumn } from '@osprey/model';

import {
  freeDictionaries,
  storeColumn,
  windowColumns,
  WindowBatcher,
  type OverLimit,
  type TransactionWindow,
  type WindowBatch,
  type WindowColumn,
  type WindowQuery,
} from '../window';
import type { ClickHouseConnection } from './connection';
import { clickHouseType, RowBinaryDecoder } from './rowbinary';
import { num, str } from './sql';
import { transactionWhere } from './transactions';

/**
 * A dictionary column's code: the value's index in the dictionary (hashed by `transform`, not
 * searched per row), -1 for a value it lacks. An empty dictionary (a nullable column all NULL
 * in the window) leaves only NULL.
 */
function code(column: WindowColumn): string {
  const dictionary = column.dictionary!;
  return dictionary.length === 0
    ? 'NULL'
    : `transform(${storeColumn(column.name)}, [${dictionary.map(str).join(', ')}], range(${dictionary.length}), -1)`;
}

/** The SELECT expression of the window's column `i`, cast to the type the decoder reads. */
function expression(column: WindowColumn, i: number): string {
  const source = column.dictionary ? code(column) : storeColumn(column.name);
  return `CAST(${source} AS ${clickHouseType(column)}) AS c${i}`;
}

/**
 * The conditions leaving out rows with a free dictionary value the dictionary read did not see:
 * rows inserted since, which it did not count either (ClickHouse has no snapshot across two
 * queries). NULL is a known value.
 */
function known(columns: readonly WindowColumn[]): string[] {
  return columns.flatMap((column, i) => {
    if (!column.dictionary || TRANSACTION_COLUMNS[column.name].values) {
      return [];
    }
    return [TRANSACTION_COLUMNS[column.name].nullable ? `ifNull(c${i} >= 0, 1)` : `c${i} >= 0`];
  });
}

async function* decode(
  bytes: AsyncIterable<Buffer> | Iterable<Buffer>,
  decoder: RowBinaryDecoder,
  rows: number
): AsyncGenerator<WindowBatch> {
  for await (const chunk of bytes) {
    yield* decoder.write(chunk);
  }
  const last = decoder.end(rows);
  if (last) {
    yield last;
  }
}

/**
 * The window as RowBinary over the HTTP interface, decoded as it arrives into WINDOW_BATCH_ROWS
 * batches (the 1M-row answer is never held whole). First one query for the count and the sorted
 * distinct values of the free dictionary columns, then the rows with their dictionary codes
 * computed by ClickHouse; both read FINAL, as `transactions()` does, so replaced rows count once.
 * Newest first, by end time, only when `limit` cuts the window.
 *
 * Between the two queries ingest may add rows. The row query reads exactly the counted number of
 * rows (`limit` when truncated), leaving out new rows with values the dictionaries lack; a window
 * that fits may thus swap a counted row for a newer one, and an answer short of rows (data
 * dropped meanwhile, or a server error written into the body) fails the stream.
 */
export async function transactionWindow(
  connection: ClickHouseConnection,
  query: WindowQuery,
  names: readonly TransactionColumn[]
): Promise<TransactionWindow | OverLimit> {
  const where = transactionWhere(query);
  const free = freeDictionaries(names);
  const [summary] = await connection.rows(
    `SELECT count() AS matched${free
      .map((name) => `, arraySort(groupUniqArray(${storeColumn(name)})) AS dict_${name}`)
      .join('')} FROM transactions FINAL WHERE ${where}`
  );
  const matched = Number(summary.matched);
  const truncated = matched > query.limit;
  if (truncated && query.mode === 'auto') {
    return { kind: 'over-limit', matched };
  }
  const dictionaries = Object.fromEntries(free.map((name) => [name, summary[`dict_${name}`] as string[]]));
  const columns = windowColumns(names, dictionaries);
  const rows = truncated ? query.limit : matched;
  const decoder = new RowBinaryDecoder(columns, new WindowBatcher(columns));
  if (rows === 0) {
    return { kind: 'rows', columns, matched, truncated, batches: decode([], decoder, 0) };
  }
  const stream = await connection.stream(
    `SELECT ${columns.map(expression).join(', ')} FROM transactions FINAL
     WHERE ${[where, ...known(columns)].join(' AND ')}
     ${truncated ? 'ORDER BY end_time DESC' : ''} LIMIT ${num(rows)} FORMAT RowBinary`
  );
  return { kind: 'rows', columns, matched, truncated, batches: decode(stream as AsyncIterable<Buffer>, decoder, rows) };
}
