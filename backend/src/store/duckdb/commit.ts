/**
 * One group commit of the DuckDB store: every queued batch of the group in one transaction, in the
 * order a reader depends on (resources, spans, arrivals, parent links, transactions, RED rollups,
 * the batches' other rows and log positions), and what memory learns only once it committed.
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import type { Span, Transaction } from '@osprey/model';

import type { SettleMemory } from '../settle-memory';
import type { QueuedWrite } from '../shared/write-queue';
import type { LogPosition, OtherRows } from '../store';
import { appendColumns } from './chunks';
import { spanColumns, TRANSACTION_COLUMNS } from './columns';
import * as hostTables from './hosts';
import * as jvm from './jvm';
import type { ParentLinker } from './links';
import { recordLogPosition } from './log-position';
import * as otel from './otel';
import * as red from './red';
import type { ResourceDictionary } from './resources';
import * as settle from './settle';

export interface PendingBatch extends QueuedWrite {
  spans: Span[];
  transactions: Transaction[];
  /** Other writes (JVM rows), run inside the same transaction after the appends; may run again on retry. */
  statements?: (writer: DuckDBConnection) => Promise<void>;
  /** Runs once its transaction committed. */
  committed?: () => void;
  /** The ingest log position this batch loads up to, committed with its rows. */
  position?: LogPosition;
}

/** What a commit writes through: the store's writer connection and the state it keeps beside the tables. */
export interface GroupWriter {
  writer: DuckDBConnection;
  resources: ResourceDictionary;
  links: ParentLinker;
  settleMemory: SettleMemory;
}

export async function commitGroup(w: GroupWriter, group: PendingBatch[]): Promise<void> {
  await w.writer.run('BEGIN TRANSACTION');
  try {
    const spans = group.flatMap((batch) => batch.spans);
    const transactions = group.flatMap((batch) => batch.transactions);
    const resources = await w.resources.store(w.writer, spans);
    await appendColumns(w.writer, 'spans', spans, spanColumns(resources.ids));
    const arrived = Date.now();
    await settle.recordArrivals(w.writer, spans, arrived);
    const applyLinks = await w.links.link(w.writer, spans, transactions);
    await appendColumns(w.writer, 'transactions', transactions, TRANSACTION_COLUMNS);
    await red.appendRollups(w.writer, transactions);
    for (const batch of group) {
      await batch.statements?.(w.writer);
      if (batch.position !== undefined) {
        await recordLogPosition(w.writer, batch.position);
      }
    }
    await w.writer.run('COMMIT');
    applyLinks();
    resources.apply();
    group.forEach((batch) => {
      w.settleMemory.add(batch.spans, arrived);
      batch.committed?.();
    });
  } catch (err) {
    await w.writer.run('ROLLBACK');
    throw err;
  }
}

/** The other kinds of a batch, inside its transaction: they commit with its rows and log position. */
export async function insertOtherRows(writer: DuckDBConnection, rows: OtherRows): Promise<void> {
  await otel.insertMetricPoints(writer, rows.metricPoints);
  await otel.insertLogRecords(writer, rows.logRecords);
  for (const dump of rows.threadDumps) {
    await jvm.insertThreadDump(writer, dump);
  }
  for (const histogram of rows.heapHistograms) {
    await jvm.insertHeapHistogram(writer, histogram);
  }
  for (const snapshot of rows.hostSnapshots) {
    await hostTables.insertHostSnapshot(writer, snapshot);
  }
}
