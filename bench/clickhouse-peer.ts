/**
 * bench:ingest's second peer: Debian's ClickHouse 18.16 receiving the same spans straight from the
 * sender as `INSERT … FORMAT JSONEachRow` over HTTP, one insert per OTLP batch, into Osprey's own
 * `spans` table — what a collector writing spans into ClickHouse (SigNoz's shape) costs on this
 * machine, with no decoding, deriving or log on the way. The rows are built before the clock starts.
 */
import { mkdirSync } from 'node:fs';

import { decodeOtlpProtobuf } from '@osprey/backend';
import { createStatements, spanRow, startClickHouseServer, TABLES } from '@osprey/backend/testing';

import { freePort } from './free-port';
import type { OtlpBatch } from './otlp-batches';
import { cpuSeconds } from './process-cpu';
import { type SendResult, sendAll } from './send-all';

export interface ClickHousePeerResult {
  result: SendResult;
  cpuSeconds: number;
  counted: number;
  diskBytes: number;
}

export async function clickHouseJsonEachRow(
  dir: string,
  batches: OtlpBatch[],
  senders: number,
  seconds: number
): Promise<ClickHousePeerResult> {
  const bodies = batches.map((batch) => ({
    spans: batch.spans,
    ndjson: decodeOtlpProtobuf(batch.body)
      .map((span) => JSON.stringify(spanRow(span)))
      .join('\n'),
  }));
  mkdirSync(dir, { recursive: true });
  const server = await startClickHouseServer(dir, freePort);
  try {
    for (const statement of createStatements(
      TABLES.find((t) => t.name === 'spans')!,
      'default',
      undefined
    )) {
      await server.query(statement);
    }
    const insertUrl = `${server.url}/?query=${encodeURIComponent('INSERT INTO spans FORMAT JSONEachRow')}`;
    const before = cpuSeconds(server.child.pid!);
    const result = await sendAll(
      senders,
      seconds,
      bodies,
      (b) => b.spans,
      async (b) => {
        const res = await fetch(insertUrl, { method: 'POST', body: b.ndjson });
        const text = await res.text();
        if (res.status !== 200) {
          throw new Error(`clickhouse ${res.status} ${text.slice(0, 200)}`);
        }
      }
    );
    const cpu = cpuSeconds(server.child.pid!) - before;
    const counted = Number((await server.query('SELECT count() FROM spans')).trim());
    await server.query('OPTIMIZE TABLE spans FINAL');
    const diskBytes = Number(
      (await server.query("SELECT sum(bytes_on_disk) FROM system.parts WHERE table = 'spans' AND active")).trim()
    );
    return { result, cpuSeconds: cpu, counted, diskBytes };
  } finally {
    await server.stop();
  }
}
