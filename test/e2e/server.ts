/**
 * The HTTP side of the host: serves the host page and bundle, the built plugins under Grafana's
 * /public/plugins/<app id>/ path, @grafana/ui's icons, and a data proxy that forwards
 * /api/datasources/proxy/uid/<uid>/<route path>/* using the route templates from the built
 * datasource plugin.json, filling {{ .JsonData.x }} and {{ .SecureJsonData.x }} server-side as
 * Grafana's data proxy does. The browser never sees the secure values.
 *
 * For the app plugin it also stands in for the part of Grafana's HTTP API the app's pages call: the app's
 * plugin proxy (/api/plugin-proxy/<app id>/<route path>/*, the routes of dist/plugin.json filled from the
 * app's settings), the app's settings (GET/POST /api/plugins/<app id>/settings, secureJsonData kept here and
 * answered only as secureJsonFields), datasources by uid (GET/PUT /api/datasources/uid/<uid>, POST
 * /api/datasources), which the data proxy then serves, and folders and alerting provisioning (/api/folders,
 * /api/v1/provisioning). Every call to these is recorded for the test.
 */
import { readFile } from 'node:fs/promises';
import { pipeline } from 'node:stream/promises';
import http, { IncomingMessage, ServerResponse } from 'node:http';
import { AddressInfo } from 'node:net';
import path from 'node:path';

import { type AppSettings, type GrafanaApiCall, GrafanaApiStandIn } from './grafana-api';
import type { AlertingStandIn } from './grafana-api-alerting';

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

export interface HostServerOptions {
  distDir: string;
  hostDir: string;
  iconsDir: string;
  appId: string;
  dataSources: ProxiedDataSource[];
  /** The app's settings before any is saved (default: enabled, nothing configured). */
  appSettings?: AppSettings;
}

export interface HostServer {
  url: string;
  /** Replaces a datasource's settings, as saving the config page in Grafana would. */
  setDataSource(ds: ProxiedDataSource): void;
  /** The Grafana API calls received so far (plugin settings, datasources, folders, alerting), oldest first. */
  grafanaApiCalls(): GrafanaApiCall[];
  /** Grafana's folders and alert rules as the stand-in holds them. */
  alerting: AlertingStandIn;
  close(): Promise<void>;
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

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ttf': 'font/ttf',
  '.css': 'text/css',
  '.map': 'application/json',
};

async function serveFile(res: ServerResponse, root: string, relative: string): Promise<void> {
  const file = path.resolve(root, '.' + path.posix.normalize('/' + decodeURIComponent(relative)));
  if (!file.startsWith(path.resolve(root) + path.sep)) {
    res.writeHead(403).end();
    return;
  }
  try {
    const body = await readFile(file);
    res.writeHead(200, {
      'Content-Type': CONTENT_TYPES[path.extname(file)] ?? 'application/octet-stream',
      'Cache-Control': 'no-store',
    });
    res.end(body);
  } catch {
    res.writeHead(404, { 'Content-Type': 'text/plain' }).end('not found');
  }
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'transfer-encoding',
  'host',
  'content-length',
  'cookie',
  'authorization',
]);

async function proxy(
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
  // arrives (a streamed Arrow window reaches the browser batch by batch); fetch's web streams cost
  // this stand-in more than the backend's own answer on a 14 MB window.
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

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'Content-Type': 'application/json' }).end(JSON.stringify(body));
}

interface PluginJsonFile {
  id: string;
  routes?: PluginRoute[];
}

export async function startHostServer(options: HostServerOptions): Promise<HostServer> {
  const readPluginJson = async (relative: string) =>
    JSON.parse(await readFile(path.join(options.distDir, relative), 'utf8')) as PluginJsonFile &
      Record<string, unknown>;
  const routes = (await readPluginJson('datasource/plugin.json')).routes ?? [];
  const appPluginJson = await readPluginJson('plugin.json');
  const appRoutes = appPluginJson.routes ?? [];
  const pluginPrefix = `/public/plugins/${options.appId}/`;
  const dataSources = new Map(options.dataSources.map((ds) => [ds.uid, ds]));
  const grafanaApi = new GrafanaApiStandIn(
    { ...appPluginJson, module: `${pluginPrefix}module.js`, baseUrl: pluginPrefix.replace(/\/$/, '') },
    options.appSettings ?? { enabled: true, pinned: true, jsonData: {}, secureJsonData: {} },
    dataSources
  );
  const iconPrefix = '/public/build/img/icons/';
  const proxyPattern = /^\/api\/datasources\/proxy\/uid\/([^/]+)\/(.*)$/;
  const appProxyPrefix = `/api/plugin-proxy/${options.appId}/`;
  const appSettingsPath = `/api/plugins/${options.appId}/settings`;

  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://host.invalid');
    const handle = async () => {
      const proxied = proxyPattern.exec(url.pathname);
      if (proxied) {
        const ds = dataSources.get(proxied[1]);
        if (!ds) {
          res
            .writeHead(404, { 'Content-Type': 'application/json' })
            .end(JSON.stringify({ message: 'Data source not found' }));
          return;
        }
        await proxy(req, res, routes, ds, proxied[2], url.search);
      } else if (url.pathname.startsWith(appProxyPrefix)) {
        await proxy(req, res, appRoutes, grafanaApi.appSettings, url.pathname.slice(appProxyPrefix.length), url.search);
      } else if (grafanaApi.serves(url.pathname)) {
        const method = req.method ?? 'GET';
        const raw = method === 'GET' ? '' : (await readBody(req)).toString('utf8');
        const body = raw ? (JSON.parse(raw) as unknown) : undefined;
        const [status, answer] = grafanaApi.handle(method, url.pathname, body, req.headers);
        sendJson(res, status, answer);
      } else if (url.pathname === '/') {
        await serveFile(res, options.hostDir, 'index.html');
      } else if (url.pathname.startsWith('/host/')) {
        await serveFile(res, options.hostDir, url.pathname.slice('/host/'.length));
      } else if (url.pathname.startsWith(pluginPrefix)) {
        await serveFile(res, options.distDir, url.pathname.slice(pluginPrefix.length));
      } else if (url.pathname.startsWith(iconPrefix)) {
        await serveFile(res, options.iconsDir, url.pathname.slice(iconPrefix.length));
      } else {
        res.writeHead(404, { 'Content-Type': 'text/plain' }).end('not found');
      }
    };
    handle().catch((err: unknown) => {
      // Grafana's proxy answers 502 when the upstream cannot be reached or the route cannot be built.
      // Once a streamed answer has begun, cutting it is all that is left to tell the client.
      if (res.headersSent) {
        res.destroy();
        return;
      }
      res.writeHead(502, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify({ message: err instanceof Error ? err.message : String(err) }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    setDataSource(ds) {
      dataSources.set(ds.uid, ds);
    },
    grafanaApiCalls: () => grafanaApi.calls(),
    alerting: grafanaApi.alerting,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((err) => (err ? reject(err) : resolve()));
      }),
  };
}
