import type { Span, Transaction } from '@osprey/model';
import type { FastifyRequest } from 'fastify';

import { deriveTransactions } from '../derive/transactions';
import { MAX_PAYLOAD_BYTES } from '../store/shared/record';
import { contentEncoding, inflateBytes, parseJson } from './body';
import { normaliseTransactions } from './native/transactions';
import { convertExportRequest } from './otlp/convert';
import { decodeOtlpMessage } from './otlp/decode';
import { convertZipkinSpans } from './zipkin/convert';

/**
 * What an ingest-log record holds: a format tag, a content-encoding tag, then the request body as
 * it arrived (still gzipped if it came so). The body as received costs nothing to produce on the
 * request path and is the smallest form there is; decoding it again is needed only on replay after
 * a crash, and the decoders and deriveTransactions are pure functions of the bytes, so a replayed
 * batch is the batch that was acknowledged. Native batches are the exception: Fastify hands the
 * route parsed JSON, so their payload is the normalised transactions as JSON (already checked by
 * the route schema; replay does not check them again).
 */
export type PayloadFormat = 'otlp-protobuf' | 'otlp-json' | 'zipkin' | 'native';

const FORMATS: readonly PayloadFormat[] = ['otlp-protobuf', 'otlp-json', 'zipkin', 'native'];
const ENCODINGS = ['identity', 'gzip'] as const;
const TAG_BYTES = 2;

export interface DecodedBatch {
  spans: Span[];
  transactions: Transaction[];
}

function payload(format: PayloadFormat, encoding: string, body: Uint8Array): Buffer {
  const encodingTag = ENCODINGS.indexOf(encoding as (typeof ENCODINGS)[number]);
  if (encodingTag < 0) {
    throw new Error(`Content-Encoding "${encoding}" cannot be logged`);
  }
  const bytes = Buffer.allocUnsafe(TAG_BYTES + body.length);
  bytes[0] = FORMATS.indexOf(format);
  bytes[1] = encodingTag;
  bytes.set(body, TAG_BYTES);
  return bytes;
}

/** The payload of a request whose raw body the route decoded (OTLP, Zipkin). */
export const requestPayload = (format: PayloadFormat, request: FastifyRequest): Buffer =>
  payload(format, contentEncoding(request), request.body as Buffer);

/** The payload of a native batch: its normalised transactions. */
export const nativePayload = (transactions: Transaction[]): Buffer =>
  payload('native', 'identity', Buffer.from(JSON.stringify(transactions)));

/** The batch a payload was made from, decoded as its route decoded it. Throws on bytes no route accepted. */
export function decodePayload(bytes: Buffer): DecodedBatch {
  const format = FORMATS[bytes[0]];
  const encoding = ENCODINGS[bytes[1]];
  if (format === undefined || encoding === undefined) {
    throw new Error(`ingest log payload has an unknown tag (${bytes[0]}, ${bytes[1]})`);
  }
  const body = inflateBytes(bytes.subarray(TAG_BYTES), encoding, MAX_PAYLOAD_BYTES);
  if (format === 'native') {
    return { spans: [], transactions: normaliseTransactions(parseJson(body) as Transaction[]) };
  }
  const spans =
    format === 'zipkin'
      ? convertZipkinSpans(parseJson(body))
      : convertExportRequest(decodeOtlpMessage('traces', body, format === 'otlp-json'));
  return { spans, transactions: deriveTransactions(spans) };
}
