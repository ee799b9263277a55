/**
 * The decode step of POST /v1/traces alone, in-process: the bench's real OTel-serialised batches
 * (OTel SDK → ProtobufTraceSerializer, 510 spans a request, as bench:ingest sends them) read into
 * model Spans by trace-reader.ts (what the route does) and by protobufjs decode + convert (what it
 * did before: the peer), alternating in one run on the same bytes. Both must give deep-equal Spans
 * or the bench stops.
 *
 *   npm run bench:otlp-decode   (BENCH_TX, BENCH_ROUNDS)
 *
 * CPU is process.cpuUsage() of this single-threaded loop; medians over the rounds.
 */
import { deepStrictEqual } from 'node:assert';
import { loadavg } from 'node:os';

import { convertExportRequest, decodeOtlpMessage, decodeOtlpProtobuf } from '@osprey/backend';
import type { Span } from '@osprey/model';

import { ShopRecorder, type OtlpBatch } from './otlp-batches';
import { median } from './timing';
import { shopTransactions } from './workload';

const TRANSACTIONS = Number(process.env.BENCH_TX ?? 8_500);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 10);
/** 170 transactions = 510 spans, the OTel SDK's default export size, as in bench:ingest. */
const BATCH_TX = 170;

const PATHS: Record<'reader' | 'protobufjs', (body: Uint8Array) => Span[]> = {
  reader: decodeOtlpProtobuf,
  protobufjs: (body) => convertExportRequest(decodeOtlpMessage('traces', body, false)),
};

function batches(): OtlpBatch[] {
  const now = Date.now();
  const recorder = new ShopRecorder();
  const out: OtlpBatch[] = [];
  let inBatch = 0;
  for (const tx of shopTransactions(TRANSACTIONS, now - 3_600_000, now)) {
    recorder.record(tx);
    if (++inBatch === BATCH_TX) {
      out.push(recorder.take(inBatch));
      inBatch = 0;
    }
  }
  if (inBatch > 0) {
    out.push(recorder.take(inBatch));
  }
  return out;
}

/** CPU µs per span of one pass over every batch. */
function pass(decode: (body: Uint8Array) => Span[], requests: OtlpBatch[], spans: number): number {
  const before = process.cpuUsage();
  let decoded = 0;
  for (const { body } of requests) {
    decoded += decode(body).length;
  }
  const used = process.cpuUsage(before);
  if (decoded !== spans) {
    throw new Error(`decoded ${decoded} spans, expected ${spans}`);
  }
  return (used.user + used.system) / spans;
}

function main(): void {
  const requests = batches();
  const spans = requests.reduce((sum, b) => sum + b.spans, 0);
  const bytes = requests.reduce((sum, b) => sum + b.body.length, 0);
  for (const { body } of requests) {
    deepStrictEqual(PATHS.reader(body), PATHS.protobufjs(body));
  }
  const samples = { reader: [] as number[], protobufjs: [] as number[] };
  pass(PATHS.reader, requests, spans);
  pass(PATHS.protobufjs, requests, spans);
  for (let round = 0; round < ROUNDS; round++) {
    const order = round % 2 === 0 ? (['reader', 'protobufjs'] as const) : (['protobufjs', 'reader'] as const);
    for (const name of order) {
      samples[name].push(pass(PATHS[name], requests, spans));
    }
  }
  const reader = median(samples.reader);
  const protobufjs = median(samples.protobufjs);
  console.log(
    `${requests.length} requests, ${spans} spans, ${(bytes / spans).toFixed(0)} B/span, ${ROUNDS} rounds, ` +
      `load average ${loadavg()[0].toFixed(1)}`
  );
  console.log(`protobufjs decode + convert (peer): ${protobufjs.toFixed(2)} µs/span`);
  console.log(`trace-reader:                       ${reader.toFixed(2)} µs/span`);
  console.log(`ratio:                              ${(protobufjs / reader).toFixed(2)}× faster`);
}

main();
