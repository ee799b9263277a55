import { type DuckDBConnection, DuckDBDataChunk, type DuckDBValue } from '@duckdb/node-api';

/** One column of a table, in the table's order: its value for a row, null for NULL. */
export type ColumnValue<T> = (row: T) => DuckDBValue;

/** DuckDB's vector size: a data chunk holds at most this many rows. */
const CHUNK_ROWS = 2048;

/**
 * Appends `rows` to `table` a data chunk of up to 2048 rows at a time, filled column by column:
 * a numeric, id or ENUM column is written into the vector's typed array and copied into DuckDB in
 * one call per chunk, where the row appender makes one N-API call per value; VARCHAR still goes a
 * value at a time. The chunks take the table's own column types from the appender, so an ENUM
 * column refuses a value outside its members and a JSON column gets what a JSON append gets.
 * Like appendRows (duckdb/append.ts) the rows are flushed into the writer's open transaction, so
 * they commit or roll back with it.
 */
export async function appendColumns<T>(
  writer: DuckDBConnection,
  table: string,
  rows: readonly T[],
  columns: ReadonlyArray<ColumnValue<T>>
): Promise<void> {
  if (rows.length === 0) {
    return;
  }
  const appender = await writer.createAppender(table);
  try {
    if (appender.columnCount !== columns.length) {
      throw new Error(`${table} has ${appender.columnCount} columns, ${columns.length} were given`);
    }
    const types = columns.map((_column, index) => appender.columnType(index));
    for (let from = 0; from < rows.length; from += CHUNK_ROWS) {
      const count = Math.min(CHUNK_ROWS, rows.length - from);
      const chunk = DuckDBDataChunk.create(types, count);
      columns.forEach((value, column) => {
        const vector = chunk.getColumnVector(column);
        for (let row = 0; row < count; row++) {
          vector.setItem(row, value(rows[from + row]));
        }
        vector.flush();
      });
      appender.appendDataChunk(chunk);
    }
    appender.flushSync();
  } finally {
    appender.closeSync();
  }
}
