import http from 'node:http';

export interface JsonResponse {
  status: number;
  body: unknown;
}

/**
 * One JSON call with node:http, which HttpInstrumentation traces as a CLIENT span and into which it
 * injects the W3C traceparent header (Node's global fetch is not covered by that instrumentation).
 */
export function requestJson(
  method: string,
  url: string,
  body?: unknown,
  headers: Record<string, string> = {}
): Promise<JsonResponse> {
  const payload = body === undefined ? undefined : JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const req = http.request(
      url,
      {
        method,
        headers: {
          accept: 'application/json',
          ...(payload === undefined ? {} : { 'content-type': 'application/json' }),
          ...headers,
        },
        timeout: 10_000,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('error', reject);
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          try {
            resolve({ status: res.statusCode ?? 0, body: text === '' ? undefined : JSON.parse(text) });
          } catch (err) {
            reject(err);
          }
        });
      }
    );
    req.on('timeout', () => req.destroy(new Error(`timeout calling ${method} ${url}`)));
    req.on('error', reject);
    req.end(payload);
  });
}
