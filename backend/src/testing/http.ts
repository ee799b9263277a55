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

/** A call with a bearer token and a JSON or text body, as route tests make them. */
export interface TokenCall {
  method?: string;
  token?: string;
  /** A string is sent as text/plain, anything else as JSON. */
  body?: unknown;
}

/** The answer whole: status, media type, the bytes, and the JSON when it is JSON. */
export interface TokenAnswer {
  status: number;
  type: string;
  bytes: Buffer;
  /** Route tests read answers of many shapes; each checks the fields it needs. */
  json: any;
}

/** Calls `app` (listening on loopback) with `defaultToken` unless the call names another ('' for none). */
export function tokenFetch(app: FastifyInstance, defaultToken: string) {
  return async (url: string, init: TokenCall = {}): Promise<TokenAnswer> => {
    const { port } = app.server.address() as AddressInfo;
    const token = init.token ?? defaultToken;
    const text = typeof init.body === 'string';
    const res = await fetch(`http://127.0.0.1:${port}${url}`, {
      method: init.method ?? 'GET',
      headers: {
        ...(token === '' ? {} : { authorization: `Bearer ${token}` }),
        ...(init.body === undefined ? {} : { 'content-type': text ? 'text/plain' : 'application/json' }),
      },
      body: init.body === undefined ? undefined : text ? (init.body as string) : JSON.stringify(init.body),
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
