import type { FastifyReply, FastifyRequest } from 'fastify';

import { HttpError } from '../../server/errors';
import { inflate } from '../body';
import { decodeOtlpMessage, encodeOtlpResponse, type OtlpSignal } from './decode';
import { OtlpValidationError } from './errors';
import type { OtlpExportResponse } from '@osprey/model';

/** What an OTLP/HTTP route decoded: the signal's items and the body's encoding (for the log). */
export interface OtlpDecoded<T> {
  items: T;
  encoding: 'json' | 'protobuf';
}

/**
 * The body of an OTLP/HTTP export (protobuf, or JSON by Content-Type; gzip allowed, the size cap
 * holding after inflation) through the signal's converter, or a protobuf body through the signal's
 * own reader of the bytes where it has one (traces). Any OtlpValidationError, from decoding or
 * from the converter, becomes a 400 naming the first bad field: the batch is refused whole.
 */
export function decodeOtlpRequest<T>(
  request: FastifyRequest,
  maxBodyBytes: number,
  signal: OtlpSignal,
  convert: (message: unknown) => T,
  readProtobuf?: (body: Uint8Array) => T
): OtlpDecoded<T> {
  const body = inflate(request, request.body as Buffer, maxBodyBytes);
  const json = (request.headers['content-type'] ?? '').toLowerCase().startsWith('application/json');
  try {
    if (!json && readProtobuf) {
      return { items: readProtobuf(body), encoding: 'protobuf' };
    }
    return { items: convert(decodeOtlpMessage(signal, body, json)), encoding: json ? 'json' : 'protobuf' };
  } catch (err) {
    if (err instanceof OtlpValidationError) {
      throw new HttpError(400, 'bad_request', err.message);
    }
    throw err;
  }
}

/**
 * Sends the export response in the request's encoding: JSON as it is, protobuf as the signal's
 * Export…ServiceResponse message.
 */
export function sendOtlpResponse(
  reply: FastifyReply,
  signal: OtlpSignal,
  encoding: OtlpDecoded<unknown>['encoding'],
  response: OtlpExportResponse
): FastifyReply {
  if (encoding === 'json') {
    return reply.send(response);
  }
  return reply.type('application/x-protobuf').send(Buffer.from(encodeOtlpResponse(signal, response.partialSuccess)));
}
