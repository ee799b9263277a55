import { createHash } from 'node:crypto';

import type { DuckDBConnection } from '@duckdb/node-api';
import type { Attributes, Span } from '@osprey/model';

import { appendRows } from './append';

/**
 * Span resources, stored once each. Every span of a process carries the same resource (service,
 * instance, host, SDK, runtime: ~330 bytes of JSON from the OTel JS SDK), which stored per span
 * was about a third of what each commit wrote and checkpointed. A span keeps the resource's id:
 * 64 bits of the SHA-1 of its JSON, so the same resource gets the same id in every batch and
 * after a restart without a lookup.
 */
export const RESOURCE_SCHEMA = [
  `CREATE TABLE IF NOT EXISTS span_resources (
    id UBIGINT NOT NULL,
    resource JSON NOT NULL
  )`,
];

/** The id of a resource's JSON text. */
export function resourceId(json: string): bigint {
  return createHash('sha1').update(json).digest().readBigUInt64BE(0);
}

/**
 * The ids of stored resources. Resources are few (one per process and version), so all their ids
 * stay in memory; they are not deleted with the spans that used them.
 */
export class ResourceDictionary {
  private constructor(private readonly known: Set<bigint>) {}

  static async load(connection: DuckDBConnection): Promise<ResourceDictionary> {
    const rows = await connection.runAndReadAll('SELECT id FROM span_resources');
    return new ResourceDictionary(new Set(rows.getRowsJS().map(([id]) => BigInt(id as bigint))));
  }

  /**
   * The resource id of each span, appending the resources not stored yet; must run inside the
   * group's transaction. Returns the ids and the change to apply to memory once it committed.
   */
  async store(
    writer: DuckDBConnection,
    spans: readonly Span[]
  ): Promise<{ ids: Map<Attributes, bigint>; apply: () => void }> {
    // Spans of one resourceSpans share one resource object, so most spans cost a map lookup.
    const ids = new Map<Attributes, bigint>();
    const added = new Map<bigint, string>();
    for (const span of spans) {
      if (ids.has(span.resource)) {
        continue;
      }
      const json = JSON.stringify(span.resource);
      const id = resourceId(json);
      ids.set(span.resource, id);
      if (!this.known.has(id)) {
        added.set(id, json);
      }
    }
    if (added.size > 0) {
      await appendRows(writer, 'span_resources', added, (appender, [id, json]) => {
        appender.appendUBigInt(id);
        appender.appendVarchar(json);
      });
    }
    return { ids, apply: () => added.forEach((_json, id) => this.known.add(id)) };
  }
}
