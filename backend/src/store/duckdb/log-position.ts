import type { DuckDBConnection } from '@duckdb/node-api';

import type { LogPosition } from '../store';

/** How far each ingest log is loaded; written in the transaction of the rows it counts. */
export const LOG_POSITION_SCHEMA = [
  `CREATE TABLE IF NOT EXISTS ingest_log_position (log_id VARCHAR PRIMARY KEY, position UBIGINT NOT NULL)`,
];

export async function recordLogPosition(writer: DuckDBConnection, position: LogPosition): Promise<void> {
  await writer.run(
    `INSERT INTO ingest_log_position VALUES ($logId, $end)
     ON CONFLICT (log_id) DO UPDATE SET position = excluded.position`,
    { logId: position.logId, end: position.end }
  );
}

export async function loadedLogPosition(reader: DuckDBConnection, logId: string): Promise<number> {
  const result = await reader.runAndReadAll('SELECT position FROM ingest_log_position WHERE log_id = $logId', {
    logId,
  });
  const rows = result.getRows();
  return rows.length === 0 ? 0 : Number(rows[0][0]);
}
