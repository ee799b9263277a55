import type { AddressInfo } from 'node:net';

import type { FastifyInstance } from 'fastify';

/** An answer read whole: status, media type, parsed JSON body (undefined when empty). */
export interface Answer {
  statusCode: number;
  contentType: string;
  body: unknown;
}

/** The app listening on loopback, and a fetch of it (Fastify's inject cannot load under jest). */
export async function listenOnLoopback(
  app: FastifyInstance
): Promise<
  (
    method: string,
    url: string,
    options?: { headers?: Record<string, string>; body?: Uint8Array | string }
  ) => Promise<Answer>
> {
  await app.listen({ port: 0, host: '127.0.0.1' });
  const base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  return async (method, url, options = {}) => {
    const body =
      typeof options.body === 'string' || options.body === undefined ? options.body : Buffer.from(options.body);
    const res = await fetch(`${base}${url}`, { method, headers: options.headers, body });
    const text = await res.text();
    const contentType = (res.headers.get('content-type') ?? '').split(';')[0];
    return { statusCode: res.status, contentType, body: text === '' ? undefined : JSON.parse(text) };
  };
}

/** A call with a bearer token and a JSON, text or binary body, as route tests make them. */
export interface TokenCall {
  method?: string;
  token?: string;
  /** A string is sent as text/plain, bytes as `type`, anything else as JSON. */
  body?: unknown;
  /** The media type of a bytes body. */
  type?: string;
  /** More request headers (e.g. content-encoding). */
  headers?: Record<string, string>;
}

/** The answer whole: status, media type, the bytes, and the JSON when it is JSON. */
export interface TokenAnswer {
  status: number;
  type: string;
  bytes: Buffer;
  /** Route tests read answers of many shapes; each checks the fields it needs. */
  json: any;
}

export type TokenFetch = (url: string, init?: TokenCall) => Promise<TokenAnswer>;

function requestBody(init: TokenCall): { type?: string; body?: string | Uint8Array<ArrayBuffer> } {
  if (init.body === undefined) {
    return {};
  }
  if (typeof init.body === 'string') {
    return { type: 'text/plain', body: init.body };
  }
  if (init.body instanceof Uint8Array) {
    return { type: init.type ?? 'application/octet-stream', body: new Uint8Array(init.body) };
  }
  return { type: 'application/json', body: JSON.stringify(init.body) };
}

/** Calls the server at `base()` with `defaultToken` unless the call names another ('' for none). */
export function urlFetch(base: () => string, defaultToken: string): TokenFetch {
  return async (url, init = {}) => {
    const token = init.token ?? defaultToken;
    const { type: contentType, body } = requestBody(init);
    const res = await fetch(`${base()}${url}`, {
      method: init.method ?? 'GET',
      headers: {
        ...(token === '' ? {} : { authorization: `Bearer ${token}` }),
        ...(contentType === undefined ? {} : { 'content-type': contentType }),
        ...init.headers,
      },
      body,
    });
    const bytes = Buffer.from(await res.arrayBuffer());
    const type = (res.headers.get('content-type') ?? '').split(';')[0];
    return {
      status: res.status,
      type,
      bytes,
      json: type === 'application/json' ? JSON.parse(String(bytes)) : undefined,
    };
  };
}

/** Calls `app` (listening on loopback) with `defaultToken` unless the call names another ('' for none). */
export function tokenFetch(app: FastifyInstance, defaultToken: string): TokenFetch {
  return urlFetch(() => `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`, defaultToken);
}
