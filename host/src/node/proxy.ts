/**
 * Grafana's data proxy: a request to a plugin route is forwarded to the route's URL with the route's
 * headers, both filled from the datasource's settings here, server-side ({{ .JsonData.x }},
 * {{ .SecureJsonData.x }}), so the browser never holds a secure value.
 */
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import { pipeline } from 'node:stream/promises';

export interface PluginRouteHeader {
  name: string;
  content: string;
}

export interface PluginRoute {
  path: string;
  url?: string;
  method?: string;
  headers?: PluginRouteHeader[];
}

export interface ProxiedDataSource {
  uid: string;
  jsonData: Record<string, unknown>;
  secureJsonData: Record<string, string>;
  /** The rest of a datasource made through the API (POST /api/datasources). */
  name?: string;
  type?: string;
  access?: string;
  isDefault?: boolean;
  id?: number;
  version?: number;
}

const TEMPLATE = /\{\{\s*\.(JsonData|SecureJsonData)\.(\w+)\s*\}\}/g;

/** Fills a plugin.json route template; an unknown key is an error rather than an empty string, so a wrong template fails loudly. */
export function interpolateRoute(template: string, ds: Pick<ProxiedDataSource, 'jsonData' | 'secureJsonData'>): string {
  return template.replace(TEMPLATE, (_match, scope: string, key: string) => {
    const source: Record<string, unknown> = scope === 'JsonData' ? ds.jsonData : ds.secureJsonData;
    if (source[key] === undefined || source[key] === null || source[key] === '') {
      throw new Error(`route template refers to .${scope}.${key}, which the datasource does not set`);
    }
    return String(source[key]);
  });
}

/** Picks the route whose path prefixes the proxied path (longest first, like Grafana) and returns the target URL. */
export function matchRoute(routes: PluginRoute[], proxyPath: string): { route: PluginRoute; rest: string } | undefined {
  const sorted = [...routes].sort((a, b) => b.path.length - a.path.length);
  for (const route of sorted) {
    const prefix = route.path.replace(/^\/+|\/+$/g, '');
    if (proxyPath === prefix || proxyPath.startsWith(prefix + '/')) {
      return { route, rest: proxyPath.slice(prefix.length) };
    }
  }
  return undefined;
}

export function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

// The browser's own credentials never go upstream: only the route's headers authenticate.
const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'transfer-encoding',
  'host',
  'content-length',
  'cookie',
  'authorization',
]);

export async function proxy(
  req: IncomingMessage,
  res: ServerResponse,
  routes: PluginRoute[],
  ds: Pick<ProxiedDataSource, 'jsonData' | 'secureJsonData'>,
  proxyPath: string,
  search: string
): Promise<void> {
  const matched = matchRoute(routes, proxyPath);
  if (!matched || !matched.route.url) {
    res
      .writeHead(404, { 'Content-Type': 'application/json' })
      .end(JSON.stringify({ message: 'no plugin route matches' }));
    return;
  }
  const target = interpolateRoute(matched.route.url, ds).replace(/\/+$/, '') + matched.rest + search;
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (!HOP_BY_HOP.has(name) && typeof value === 'string') {
      headers[name] = value;
    }
  }
  for (const header of matched.route.headers ?? []) {
    headers[header.name.toLowerCase()] = interpolateRoute(header.content, ds);
  }
  const body = req.method === 'GET' || req.method === 'HEAD' ? undefined : await readBody(req);
  if (body) {
    headers['content-length'] = String(body.length);
  }
  // node:http piped straight through, as Grafana's reverse proxy copies the upstream body as it
  // arrives (a streamed Arrow window reaches the browser batch by batch); fetch's web streams were
  // the slower copy of a 14 MB window here.
  const upstream = await new Promise<IncomingMessage>((resolve, reject) => {
    const out = http.request(target, { method: req.method, headers }, resolve);
    out.on('error', reject);
    out.end(body);
  });
  res.writeHead(upstream.statusCode ?? 502, {
    'Content-Type': upstream.headers['content-type'] ?? 'application/octet-stream',
  });
  await pipeline(upstream, res);
}
