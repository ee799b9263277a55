/**
 * The ingest log under `kill -9`: the real `osprey serve` (loading every 200 ms, so kills land
 * inside appends, fsyncs and loads alike) is killed at random moments while senders keep posting
 * OTLP protobuf traces, and restarted on the same data dir. Every acknowledged span must be
 * queryable afterwards and none stored twice (replay starts past the position committed with the
 * rows); a torn record left at the log's tail before one restart is cut, reported on /metrics, and
 * not loaded.
 */
import { appendFileSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

import type { TransactionsResponse } from '@osprey/model';

import {
  type Backend,
  buildBackend,
  forEachTrace,
  killAll,
  killHard,
  makeTrace,
  otlpProtobuf,
  postOtlp,
  sleep,
  startBackend,
  storedSpans,
  TOKENS,
} from './osprey-cli';

jest.setTimeout(120_000);

const SERVICE = 'ingest-log-orders';

async function read(url: string, route: string): Promise<Response> {
  return fetch(`${url}${route}`, { headers: { authorization: `Bearer ${TOKENS.OSPREY_READ_TOKEN}` } });
}

/** A record header promising 4 KiB, and only 10 bytes of it: what a kill inside a write leaves. */
function tearTheTail(logDir: string): void {
  const newest = readdirSync(logDir)
    .filter((name) => name.endsWith('.log'))
    .sort()
    .at(-1)!;
  const header = Buffer.alloc(8);
  header.writeUInt32LE(4096, 0);
  header.writeUInt32LE(0xdeadbeef, 4);
  appendFileSync(path.join(logDir, newest), Buffer.concat([header, Buffer.alloc(10, 1)]));
  expect(statSync(path.join(logDir, newest)).size).toBeGreaterThanOrEqual(18);
}

describe('the ingest log across kill -9 of the real osprey process', () => {
  let dataDir = '';
  beforeAll(() => {
    buildBackend();
    dataDir = mkdtempSync(path.join(tmpdir(), 'osprey-ingest-log-'));
  });
  afterAll(() => {
    killAll();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('keeps every acknowledged span exactly once across 6 kills, and cuts a torn tail', async () => {
    const args = ['--load-interval-ms', '200', '--settle-ms', '500'];
    let backend: Backend = await startBackend(dataDir, args);
    const acked = new Map<string, string[]>();
    let stop = false;
    const sender = async () => {
      while (!stop) {
        const spans = makeTrace(SERVICE, 3);
        const { status } = await postOtlp(backend.url, otlpProtobuf(spans));
        if (status === 200) {
          acked.set(
            spans[0].spanContext().traceId,
            spans.map((s) => s.spanContext().spanId)
          );
        } else {
          await sleep(30);
        }
      }
    };
    const senders = [sender(), sender(), sender()];

    const kills = 6;
    for (let i = 0; i < kills; i++) {
      const target = acked.size + 5 + Math.floor(Math.random() * 10);
      while (acked.size < target) {
        await sleep(5);
      }
      await sleep(Math.random() * 400);
      await killHard(backend);
      if (i === kills - 1) {
        tearTheTail(path.join(dataDir, 'ingest-log'));
      }
      backend = await startBackend(dataDir, args);
    }
    const metrics = await (await read(backend.url, '/metrics')).text();
    expect(metrics).toMatch(/^osprey_ingest_log_cut_tails 1$/m);
    await sleep(300);
    stop = true;
    await Promise.all(senders);
    // Once more right after the last acknowledgements: these may still be only in the log.
    await killHard(backend);
    backend = await startBackend(dataDir, args);

    expect(acked.size).toBeGreaterThanOrEqual(5 * kills);
    const problems: string[] = [];
    const traces = [...acked.keys()];
    await forEachTrace(traces, async (traceId) => {
      const stored = (await storedSpans(backend.url, traceId)).map((id) => id.split('/')[1]);
      const expected = acked.get(traceId)!;
      if (stored.length !== expected.length || expected.some((id) => !stored.includes(id))) {
        problems.push(`${traceId}: acknowledged ${expected.length} spans, stored ${stored.join(',')}`);
      }
    });
    expect(problems).toEqual([]);

    // The derived rows too: one transaction per acknowledged server span, none twice.
    const res = await read(
      backend.url,
      `/api/v1/transactions?from=0&to=${Date.now() + 60_000}&service=${SERVICE}&limit=100000&mode=rows`
    );
    const { transactions } = (await res.json()) as TransactionsResponse;
    const keys = transactions.map((tx) => `${tx.traceId}/${tx.spanId}`);
    expect(new Set(keys).size).toBe(keys.length);
    const byTrace = new Set(transactions.map((tx) => tx.traceId));
    expect(traces.filter((traceId) => !byTrace.has(traceId))).toEqual([]);
    console.log(`ingest log: ${acked.size} traces acknowledged over ${kills + 1} kills, ${keys.length} transactions`);
    await killHard(backend);
  });
});
