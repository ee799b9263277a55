import http from 'node:http';

import { SpanStatusCode, trace } from '@opentelemetry/api';

/** An error that maps to an HTTP status answer; anything else thrown by a handler is a 500. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
    /** Becomes the span's `error.type` for 5xx answers, so the XLOG can tell failures apart. */
    name = 'HttpError'
  ) {
    super(message);
    this.name = name;
  }
}

export interface Request {
  method: string;
  path: string;
  query: URLSearchParams;
  params: Record<string, string>;
  headers: http.IncomingHttpHeaders;
  body: unknown;
}

export interface Reply {
  status: number;
  body: unknown;
}

export type Handler = (req: Request) => Promise<Reply>;

export interface Route {
  method: string;
  /** Path pattern with `:name` segments, also used as the span's `http.route`. */
  pattern: string;
  handler: Handler;
}

export interface RouteMatch {
  route: Route;
  params: Record<string, string>;
}

/** First route whose method and pattern match; `:name` segments capture one non-empty path segment. */
export function matchRoute(routes: Route[], method: string, path: string): RouteMatch | undefined {
  const segments = path.split('/').filter((s) => s !== '');
  for (const route of routes) {
    if (route.method !== method) {
      continue;
    }
    const parts = route.pattern.split('/').filter((s) => s !== '');
    if (parts.length !== segments.length) {
      continue;
    }
    const params: Record<string, string> = {};
    const matched = parts.every((part, i) => {
      if (part.startsWith(':')) {
        params[part.slice(1)] = decodeURIComponent(segments[i]);
        return true;
      }
      return part === segments[i];
    });
    if (matched) {
      return { route, params };
    }
  }
  return undefined;
}

async function readBody(req: http.IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) {
    chunks.push(chunk as Buffer);
  }
  const text = Buffer.concat(chunks).toString('utf8');
  if (text === '') {
    return undefined;
  }
  try {
    return JSON.parse(text);
  } catch {
    throw new HttpError(400, 'body is not JSON');
  }
}

async function dispatch(routes: Route[], req: http.IncomingMessage): Promise<Reply> {
  const url = new URL(req.url ?? '/', 'http://localhost');
  const method = req.method ?? 'GET';
  const match = matchRoute(routes, method, url.pathname);
  if (!match) {
    return { status: 404, body: { error: 'not_found', message: `no route for ${method} ${url.pathname}` } };
  }
  // The server span is the active span here (HttpInstrumentation runs the listener in its context).
  // Without a web framework there is no framework instrumentation to name the route, so do it here.
  const span = trace.getActiveSpan();
  span?.setAttribute('http.route', match.route.pattern);
  span?.updateName(`${method} ${match.route.pattern}`);
  const body = await readBody(req);
  return match.route.handler({
    method,
    path: url.pathname,
    query: url.searchParams,
    params: match.params,
    headers: req.headers,
    body,
  });
}

function errorReply(err: unknown): Reply {
  const error = err instanceof Error ? err : new Error(String(err));
  const status = err instanceof HttpError ? err.status : 500;
  if (status >= 500) {
    // A server-side failure: keep its type and message on the server span for the XLOG.
    const span = trace.getActiveSpan();
    span?.recordException(error);
    span?.setStatus({ code: SpanStatusCode.ERROR, message: error.message });
    span?.setAttribute('error.type', error.name);
  }
  return { status, body: { error: status >= 500 ? 'internal' : 'request_failed', message: error.message } };
}

/** What the server logs through: the OTel logs SDK's logger in the demo services. */
export interface RequestLogger {
  emit(record: {
    severityNumber: number;
    severityText: string;
    body: string;
    attributes: Record<string, string | number>;
  }): void;
}

/** OTLP SeverityNumber of INFO and ERROR. */
const INFO = 9;
const ERROR = 17;

/**
 * A JSON HTTP server on 127.0.0.1 and a free port; resolves to its base URL. With a logger, every
 * answer is logged as it is sent, inside the request's span context (the record carries its trace).
 */
export async function serve(routes: Route[], logger?: RequestLogger): Promise<{ server: http.Server; url: string }> {
  const server = http.createServer((req, res) => {
    dispatch(routes, req)
      .catch(errorReply)
      .then((reply) => {
        const failed = reply.status >= 500;
        logger?.emit({
          severityNumber: failed ? ERROR : INFO,
          severityText: failed ? 'ERROR' : 'INFO',
          body: `${req.method ?? 'GET'} ${req.url ?? '/'} answered ${reply.status}`,
          attributes: { 'http.request.method': req.method ?? 'GET', 'http.response.status_code': reply.status },
        });
        res.writeHead(reply.status, { 'content-type': 'application/json' });
        res.end(JSON.stringify(reply.body));
      });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') {
    throw new Error('server has no TCP address');
  }
  return { server, url: `http://127.0.0.1:${address.port}` };
}
