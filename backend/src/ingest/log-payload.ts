import type { Span, Transaction } from '@osprey/model';
import type { FastifyRequest } from 'fastify';

import { deriveTransactions } from '../derive/transactions';
import { unpackBundle } from '../incidents/unpack';
import { heapHistogramUpload, threadDumpUpload, type UploadMeta } from '../jvm-api/uploads';
import { convertLogsRequest } from '../logs/convert';
import { convertMetricsRequest } from '../otel-metrics/convert';
import type { DecodedBatch } from '../store/shared/batch';
import { MAX_PAYLOAD_BYTES } from '../store/shared/record';
import type { NewHostSnapshot } from '../store/host-rows';
import { contentEncoding, inflateBytes, parseJson } from './body';
import { normaliseTransactions } from './native/transactions';
import { convertExportRequest } from './otlp/convert';
import { decodeOtlpMessage, type OtlpSignal } from './otlp/decode';
import { convertZipkinSpans } from './zipkin/convert';

/**
 * What an ingest-log record holds: a format tag, a content-encoding tag, then the request body as
 * it arrived (still gzipped if it came so). The body as received costs nothing to produce on the
 * request path and is the smallest form there is; decoding it again is needed only on replay after
 * a crash, and the decoders and deriveTransactions are pure functions of the bytes, so a replayed
 * batch is the batch that was acknowledged. Exceptions, where the route holds more than the body:
 * native batches and host snapshots arrive parsed by Fastify, so their payload is what the route
 * stores, as JSON (already checked by the route schema; replay does not check them again); thread
 * dumps and heap histograms carry the upload's id, target and time before the inflated body. An
 * incident bundle import logs the zip as received: its rows are a pure function of it (unpack.ts).
 *
 * A tag is the format's index in FORMATS: new formats go at the end, so records written by an
 * older version still replay.
 */
const FORMATS = [
  'otlp-protobuf',
  'otlp-json',
  'zipkin',
  'native',
  'otlp-metrics-protobuf',
  'otlp-metrics-json',
  'otlp-logs-protobuf',
  'otlp-logs-json',
  'thread-dump',
  'heap-histogram',
  'host-snapshot',
  'incident-bundle',
] as const;
export type PayloadFormat = (typeof FORMATS)[number];

const ENCODINGS = ['identity', 'gzip'] as const;
const TAG_BYTES = 2;
const META_LENGTH_BYTES = 4;

/** The OTLP format of a signal's body, as `decodeOtlpRequest` read it. */
export const otlpFormat = (signal: OtlpSignal, encoding: 'json' | 'protobuf'): PayloadFormat =>
  signal === 'traces' ? `otlp-${encoding}` : `otlp-${signal}-${encoding}`;

const otlp = (signal: OtlpSignal, json: boolean) => (body: Buffer) => decodeOtlpMessage(signal, body, json);
const traces = (spans: Span[]): DecodedBatch => ({
  spans,
  transactions: deriveTransactions(spans),
});

/** Splits an upload's body into the meta written before it and the bytes as received. */
function unpackUpload(body: Buffer): { meta: UploadMeta; raw: Buffer } {
  const length = body.readUInt32LE(0);
  const start = META_LENGTH_BYTES + length;
  return { meta: parseJson(body.subarray(META_LENGTH_BYTES, start)) as UploadMeta, raw: body.subarray(start) };
}

/** Each format's batch, from its (inflated) body: what its route made of the same bytes. */
const DECODERS: Record<PayloadFormat, (body: Buffer) => DecodedBatch> = {
  'otlp-protobuf': (body) => traces(convertExportRequest(otlp('traces', false)(body))),
  'otlp-json': (body) => traces(convertExportRequest(otlp('traces', true)(body))),
  zipkin: (body) => traces(convertZipkinSpans(parseJson(body))),
  native: (body) => ({ transactions: normaliseTransactions(parseJson(body) as Transaction[]) }),
  'otlp-metrics-protobuf': (body) => ({ metricPoints: convertMetricsRequest(otlp('metrics', false)(body)).points }),
  'otlp-metrics-json': (body) => ({ metricPoints: convertMetricsRequest(otlp('metrics', true)(body)).points }),
  'otlp-logs-protobuf': (body) => ({ logRecords: convertLogsRequest(otlp('logs', false)(body)) }),
  'otlp-logs-json': (body) => ({ logRecords: convertLogsRequest(otlp('logs', true)(body)) }),
  'thread-dump': (body) => {
    const { meta, raw } = unpackUpload(body);
    return { threadDumps: [threadDumpUpload(meta, raw)] };
  },
  'heap-histogram': (body) => {
    const { meta, raw } = unpackUpload(body);
    return { heapHistograms: [heapHistogramUpload(meta, raw)] };
  },
  'host-snapshot': (body) => ({ hostSnapshots: [parseJson(body) as NewHostSnapshot] }),
  'incident-bundle': (body) => unpackBundle(body).batch,
};

function payload(format: PayloadFormat, encoding: string, ...parts: Uint8Array[]): Buffer {
  const encodingTag = ENCODINGS.indexOf(encoding as (typeof ENCODINGS)[number]);
  if (encodingTag < 0) {
    throw new Error(`Content-Encoding "${encoding}" cannot be logged`);
  }
  const tags = Buffer.from([FORMATS.indexOf(format), encodingTag]);
  return Buffer.concat([tags, ...parts]);
}

/** The payload of a request whose raw body the route decoded (OTLP, Zipkin). */
export const requestPayload = (format: PayloadFormat, request: FastifyRequest): Buffer =>
  payload(format, contentEncoding(request), request.body as Buffer);

/** The payload of a native batch: its normalised transactions. */
export const nativePayload = (transactions: Transaction[]): Buffer =>
  payload('native', 'identity', Buffer.from(JSON.stringify(transactions)));

/** The payload of a host snapshot upload: the row the route stores. */
export const hostSnapshotPayload = (snapshot: NewHostSnapshot): Buffer =>
  payload('host-snapshot', 'identity', Buffer.from(JSON.stringify(snapshot)));

/** The payload of an incident bundle import: the zip. */
export const bundlePayload = (archive: Buffer): Buffer => payload('incident-bundle', 'identity', archive);

/** The payload of a thread dump or heap histogram upload: its meta, then the body as inflated by the route. */
export function uploadPayload(format: 'thread-dump' | 'heap-histogram', meta: UploadMeta, raw: Buffer): Buffer {
  const json = Buffer.from(JSON.stringify(meta));
  const length = Buffer.allocUnsafe(META_LENGTH_BYTES);
  length.writeUInt32LE(json.length, 0);
  return payload(format, 'identity', length, json, raw);
}

/** The batch a payload was made from, decoded as its route decoded it. Throws on bytes no route accepted. */
export function decodePayload(bytes: Buffer): DecodedBatch {
  const format = FORMATS[bytes[0]];
  const encoding = ENCODINGS[bytes[1]];
  if (format === undefined || encoding === undefined) {
    throw new Error(`ingest log payload has an unknown tag (${bytes[0]}, ${bytes[1]})`);
  }
  return DECODERS[format](inflateBytes(bytes.subarray(TAG_BYTES), encoding, MAX_PAYLOAD_BYTES));
}
