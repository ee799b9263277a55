import type { DuckDBConnection } from '@duckdb/node-api';
import type { JvmRequest, JvmRequestResult } from '@osprey/model';

import type { JvmRequestQuery, JvmRequestUpdate, NewJvmRequest } from '../store';
import * as jvm from './jvm';

/** Runs statements through the store's writer queue and resolves with what they returned, once committed. */
export type WriterRun = <T>(statements: (writer: DuckDBConnection) => Promise<T>) => Promise<T>;

/**
 * JVM capture requests on DuckDB: conditional UPDATEs (jvm.ts) through the writer queue. Expiring
 * overdue requests is a write, so every read and transition first expires them and then answers from
 * the writer, inside that same transaction.
 */
export class DuckDbJvmRequests {
  constructor(private readonly write: WriterRun) {}

  create(request: NewJvmRequest): Promise<JvmRequest> {
    return this.write((writer) => jvm.createRequest(writer, request));
  }

  list(query: JvmRequestQuery, now: number): Promise<JvmRequest[]> {
    return this.afterExpiry(now, (writer) => jvm.requests(writer, query));
  }

  get(id: string, now: number): Promise<JvmRequest | undefined> {
    return this.afterExpiry(now, (writer) => jvm.request(writer, id));
  }

  claim(id: string, now: number): Promise<JvmRequestUpdate> {
    return this.afterExpiry(now, (writer) => jvm.claimRequest(writer, id, now));
  }

  finish(id: string, result: JvmRequestResult, now: number): Promise<JvmRequestUpdate> {
    return this.afterExpiry(now, (writer) => jvm.finishRequest(writer, id, result, now));
  }

  private afterExpiry<T>(now: number, statements: (writer: DuckDBConnection) => Promise<T>): Promise<T> {
    return this.write(async (writer) => {
      await jvm.expireRequests(writer, now);
      return statements(writer);
    });
  }
}
