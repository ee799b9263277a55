import type { ErrorResponse } from '@osprey/model';

/** An error that maps to an HTTP answer `{error, message}` with the given status. */
export class HttpError extends Error {
  constructor(
    readonly statusCode: number,
    readonly code: string,
    message: string
  ) {
    super(message);
  }

  toJSON(): ErrorResponse {
    return { error: this.code, message: this.message };
  }
}

const CODES: Record<number, string> = {
  400: 'bad_request',
  401: 'unauthorized',
  403: 'forbidden',
  404: 'not_found',
  405: 'method_not_allowed',
  406: 'not_acceptable',
  409: 'conflict',
  413: 'payload_too_large',
  415: 'unsupported_media_type',
  429: 'too_many_requests',
  501: 'not_implemented',
  503: 'unavailable',
  507: 'insufficient_storage',
};

/** The error code word for a status, e.g. 400 → bad_request. */
export function codeFor(statusCode: number): string {
  return CODES[statusCode] ?? (statusCode >= 500 ? 'internal' : 'error');
}
