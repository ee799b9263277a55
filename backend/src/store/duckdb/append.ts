import type { DuckDBAppender, DuckDBConnection } from '@duckdb/node-api';

/**
 * Appends one row per item of `rows` to `table` through a single appender — `appendRow` writes the
 * item's columns in the table's order — and flushes them into the writer's open transaction, so
 * they commit or roll back with it. `temp` names a table of the connection's temporary catalog.
 */
export async function appendRows<T>(
  writer: DuckDBConnection,
  table: string,
  rows: Iterable<T>,
  appendRow: (appender: DuckDBAppender, row: T, index: number) => void,
  options: { temp?: boolean } = {}
): Promise<void> {
  const appender = options.temp
    ? await writer.createAppender(table, 'main', 'temp')
    : await writer.createAppender(table);
  try {
    let index = 0;
    for (const row of rows) {
      appendRow(appender, row, index++);
      appender.endRow();
    }
    appender.flushSync();
  } finally {
    appender.closeSync();
  }
}

/** A VARCHAR column that an absent value leaves NULL. */
export function appendNullable(appender: DuckDBAppender, value: string | undefined): void {
  if (value === undefined) {
    appender.appendNull();
  } else {
    appender.appendVarchar(value);
  }
}
