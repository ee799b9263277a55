import { gunzipSync } from 'node:zlib';

import type { FastifyInstance, FastifyRequest } from 'fastify';

import { HttpError } from '../server/errors';
import { BatchValidationError } from './validation';

/**
 * Makes every listed content type arrive as the raw Buffer, in this encapsulated context only:
 * ingest routes inflate and parse themselves so the size cap also holds after gunzip.
 */
export function rawBodies(app: FastifyInstance, contentTypes: string[]): void {
  app.removeAllContentTypeParsers();
  app.addContentTypeParser(contentTypes, { parseAs: 'buffer' }, (_req, body, done) => done(null, body));
}

/**
 * The body bytes, gunzipped when `Content-Encoding: gzip`. The inflated size is capped too, so a
 * small compressed body cannot expand past the limit.
 */
export function inflate(request: FastifyRequest, body: Buffer, maxBodyBytes: number): Buffer {
  return inflateBytes(body, contentEncoding(request), maxBodyBytes);
}

/** The request's Content-Encoding, lowercased; `identity` when absent. */
export const contentEncoding = (request: FastifyRequest): string =>
  (request.headers['content-encoding'] ?? 'identity').toLowerCase().trim();

/** `body` as `inflate` reads it, given its Content-Encoding (the ingest log replays bodies through it). */
export function inflateBytes(body: Buffer, encoding: string, maxBodyBytes: number): Buffer {
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
      throw new HttpError(413, 'payload_too_large', `gunzipped body exceeds ${maxBodyBytes} bytes (--max-body-bytes)`);
    }
    throw new HttpError(400, 'bad_request', `body is not valid gzip: ${(err as Error).message}`);
  }
}

export function parseJson(bytes: Buffer, reviver?: (key: string, value: unknown) => unknown): unknown {
  try {
    return JSON.parse(bytes.toString('utf8'), reviver);
  } catch (err) {
    throw new HttpError(400, 'bad_request', `body is not JSON: ${(err as Error).message}`);
  }
}

/**
 * The (inflated) JSON body through `convert`, which validates it whole: invalid JSON or a
 * BatchValidationError becomes a 400 carrying the reason. For formats that are not ours (Zipkin).
 */
export function decodeJsonBody<T>(request: FastifyRequest, maxBodyBytes: number, convert: (json: unknown) => T): T {
  const json = parseJson(inflate(request, request.body as Buffer, maxBodyBytes));
  try {
    return convert(json);
  } catch (err) {
    if (err instanceof BatchValidationError) {
      throw new HttpError(400, 'bad_request', err.message);
    }
    throw err;
  }
}

/** JSON.parse reviver dropping `null` values: see jsonBodies. */
export const nullAsAbsent = (_key: string, value: unknown): unknown => value ?? undefined;

/**
 * JSON bodies of our own formats, inflated (gzip allowed, capped like rawBodies) and parsed before
 * the route's body schema checks them. A `null` is taken as an absent field: agents in languages
 * that write every field send null for "none".
 */
export function jsonBodies(app: FastifyInstance, maxBodyBytes: number): void {
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('application/json', { parseAs: 'buffer' }, (request, body, done) => {
    try {
      done(
        null,
        parseJson(inflate(request, body as Buffer, maxBodyBytes), (_key, value) => value ?? undefined)
      );
    } catch (err) {
      done(err as Error, undefined);
    }
  });
}
