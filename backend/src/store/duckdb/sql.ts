import type { DuckDBConnection } from '@duckdb/node-api';

import type { RawBodyColumn } from '../shared/capture-reads';
import { render, type SqlReader } from '../shared/sql';

/** The shared reads' access to DuckDB: each value bound as a positional parameter ($1, $2, …). */
export function duckDbReader(connection: DuckDBConnection): SqlReader {
  return {
    async rows(query) {
      const result = await connection.runAndReadAll(
        render(query, (_, i) => `$${i + 1}`),
        [...query.values]
      );
      return result.getRowObjectsJS();
    },
  };
}

/** Raw uploads as a BLOB, read back as the bytes they are. */
export const DUCKDB_RAW_BODY: RawBodyColumn = { column: 'raw', read: (value) => value as Uint8Array };
