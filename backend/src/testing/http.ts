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
