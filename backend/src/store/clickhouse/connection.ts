import { Readable } from 'node:stream';
import { finished } from 'node:stream/promises';

import { type ClickHouseClient, ClickHouseLogLevel, createClient } from '@clickhouse/client';

import { encodeRows } from './rowbinary-insert';

/** Where the store's tables live: one server, or a cluster of shards behind Distributed tables. */
export interface ClickHouseTarget {
  url: string;
  database: string;
  /** A `remote_servers` cluster name: tables become `<name>_local` + a Distributed `<name>` over the shards. */
  cluster?: string;
}

export type Row = Record<string, unknown>;

const DEFAULT_MAX_QUERY_SIZE = 262_144;

/**
 * The HTTP client and the four things the store does with it. `insert_distributed_sync=1` makes
 * an insert into a Distributed table return only once every shard has written its part, so an
 * acknowledged batch is on the shards' disks, not in the local forwarding queue.
 */
export class ClickHouseConnection {
  readonly client: ClickHouseClient;

  constructor(readonly target: ClickHouseTarget) {
    this.client = createClient({
      url: target.url,
      database: target.database,
      clickhouse_settings: target.cluster === undefined ? {} : { insert_distributed_sync: 1 },
      // Every failure reaches the caller as an error, which the server logs as JSON with the request.
      log: { level: ClickHouseLogLevel.OFF },
    });
  }

  /** A statement without a result (DDL, ALTER). */
  async command(query: string): Promise<void> {
    await this.client.command({ query });
  }

  async rows(query: string): Promise<Row[]> {
    const result = await this.client.query({ query, format: 'JSONEachRow' });
    return result.json<Row>();
  }

  /**
   * The answer's bytes as they arrive, in the FORMAT the query names; read to the end or destroyed.
   * Values are literals (sql.ts), so a long list of them can pass the 256 KiB default
   * max_query_size: it is raised to the query's length.
   */
  async stream(query: string): Promise<Readable> {
    const max = Math.max(DEFAULT_MAX_QUERY_SIZE, Buffer.byteLength(query));
    const { stream } = await this.client.exec({ query, clickhouse_settings: { max_query_size: String(max) } });
    return stream;
  }

  /**
   * Resolves once ClickHouse has written the rows (one block per call for a MergeTree table). Sent
   * as RowBinary in the table's column order (rowbinary-insert.ts), not JSONEachRow: see there.
   */
  async insert(table: string, values: readonly Row[]): Promise<void> {
    if (values.length === 0) {
      return;
    }
    const { columns, body } = encodeRows(table, values);
    const { stream } = await this.client.exec({
      query: `INSERT INTO ${table} (${columns.join(', ')}) FORMAT RowBinary`,
      values: Readable.from([body]),
    });
    await finished(stream.resume());
  }

  close(): Promise<void> {
    return this.client.close();
  }
}
