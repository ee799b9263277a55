import { gunzipSync } from 'node:zlib';

import { API_PATHS, type Span } from '@osprey/model';
import type { FastifyInstance, FastifyRequest } from 'fastify';

import { deriveTransactions } from '../../derive/transactions';
import { HttpError } from '../../server/errors';
import type { Store } from '../../store/store';
import type { IngestObserver } from '../observer';
import { decodeOtlpJson, decodeOtlpProtobuf } from './decode';
import { OtlpValidationError } from './errors';

/** OTLP/HTTP success body: no partial rejection. */
export interface OtlpExportResponse {
  partialSuccess: Record<string, never>;
}

/**
 * The body bytes, gunzipped when `Content-Encoding: gzip`. The inflated size is capped too, so a
 * small compressed body cannot expand past the limit.
 */
export function inflate(request: FastifyRequest, body: Buffer, maxBodyBytes: number): Buffer {
  const encoding = (request.headers['content-encoding'] ?? 'identity').toLowerCase().trim();
  if (encoding === 'identity') {
    return body;
  }
  if (encoding !== 'gzip') {
    throw new HttpError(415, 'unsupported_media_type', `Content-Encoding "${encoding}" is not supported (use gzip)`);
  }
  try {
    return gunzipSync(body, { maxOutputLength: maxBodyBytes });
  } catch (err) {
    if (err instanceof RangeError || (err as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE') {
      throw new HttpError(413, 'payload_too_large', `gunzipped body exceeds ${maxBodyBytes} bytes`);
    }
    throw new HttpError(400, 'bad_request', `body is not valid gzip: ${(err as Error).message}`);
  }
}

/**
 * `POST /v1/traces`: OTLP/HTTP protobuf or JSON. The batch is validated whole (400 naming the first
 * bad field, nothing stored) and answered 200 only after the store committed it.
 */
export async function otlpRoutes(
  app: FastifyInstance,
  options: { store: Store; maxBodyBytes: number; observer: IngestObserver }
) {
  const { store, maxBodyBytes, observer } = options;

  // Registered in this encapsulated context only: other routes keep fastify's own parsers.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser(['application/x-protobuf', 'application/json'], { parseAs: 'buffer' }, (_req, body, done) =>
    done(null, body)
  );

  app.post(API_PATHS.otlpTraces, { config: { scope: 'ingest' } }, async (request): Promise<OtlpExportResponse> => {
    const isJson = (request.headers['content-type'] ?? '').toLowerCase().startsWith('application/json');
    let spans: Span[] = [];
    try {
      const body = inflate(request, request.body as Buffer, maxBodyBytes);
      try {
        spans = isJson ? decodeOtlpJson(body.toString('utf8')) : decodeOtlpProtobuf(body);
      } catch (err) {
        if (err instanceof OtlpValidationError) {
          throw new HttpError(400, 'bad_request', err.message);
        }
        throw err;
      }
      const transactions = deriveTransactions(spans);
      const handedOver = performance.now();
      await store.insertBatch(spans, transactions);
      observer.committed('otlp', spans.length, transactions, performance.now() - handedOver);
      request.log.debug(
        {
          spans: spans.length,
          transactions: transactions.length,
          encoding: isJson ? 'json' : 'protobuf',
          contentEncoding: request.headers['content-encoding'] ?? 'identity',
        },
        'otlp batch stored'
      );
    } catch (err) {
      observer.rejected('otlp', (err as { statusCode?: number }).statusCode ?? 500, spans.length);
      throw err;
    }
    return { partialSuccess: {} };
  });
}
