import { Gauge, type Registry, type RegistryContentType } from 'prom-client';

import type { IngestLogStats, IngestWriter } from '../ingest/writer';

const FIGURES: ReadonlyArray<{ key: keyof IngestLogStats; name: string; help: string }> = [
  { key: 'appends', name: 'osprey_ingest_log_appends', help: 'Records appended to the ingest log since start.' },
  {
    key: 'syncs',
    name: 'osprey_ingest_log_syncs',
    help: 'Group commits (one write + one fdatasync each) of the ingest log since start.',
  },
  { key: 'bytes', name: 'osprey_ingest_log_bytes', help: 'Bytes appended to the ingest log since start.' },
  { key: 'segments', name: 'osprey_ingest_log_segments', help: 'Segment files of the ingest log on disk.' },
  { key: 'loads', name: 'osprey_ingest_log_loads', help: 'Loads from the ingest log into the store since start.' },
  {
    key: 'loadFailures',
    name: 'osprey_ingest_log_load_failures',
    help: 'Loads into the store that failed (their batches stay and are tried again).',
  },
  {
    key: 'cuts',
    name: 'osprey_ingest_log_cut_tails',
    help: 'Damaged ingest log tails (torn or corrupt records) cut off at start, never loaded.',
  },
];

/** The ingest log's figures, read at scrape time; nothing when the server has no log. */
export function registerIngestLogGauges(registry: Registry<RegistryContentType>, writer: IngestWriter): void {
  const stats = writer.logStats?.bind(writer);
  if (stats === undefined) {
    return;
  }
  for (const { key, name, help } of FIGURES) {
    new Gauge({
      name,
      help,
      registers: [registry],
      collect() {
        this.set(stats()[key]);
      },
    });
  }
}
