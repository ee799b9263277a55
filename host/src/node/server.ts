/**
 * The HTTP side of the host: the host page and its bundle, the built plugins under Grafana's
 * /public/plugins/<app id>/ path, @grafana/ui's icons under Grafana's /public/build/img/icons/, and
 * the data proxy at /api/datasources/proxy/uid/<uid>/<route path>/*, whose routes come from the built
 * datasource's plugin.json. Listens on 127.0.0.1 only.
 */
import { readFile } from 'node:fs/promises';
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';

import { sendJson, serveFile } from './files';
import { type PluginRoute, proxy, type ProxiedDataSource } from './proxy';

/** Where the repository keeps what the host serves: found from this package, wherever it runs from. */
export const HOST_PACKAGE_DIR = path.dirname(require.resolve('@osprey/host/package.json'));
export const REPO_ROOT = path.dirname(HOST_PACKAGE_DIR);
/** The built plugin suite (`npm run build`). */
export const PLUGINS_DIST = path.join(REPO_ROOT, 'dist');
/** @grafana/ui ships the icons Grafana serves from public/build. */
export const GRAFANA_ICONS_DIR = path.join(
  path.dirname(require.resolve('@grafana/ui/package.json')),
  'dist',
  'public',
  'img',
  'icons'
);

/** Answers a request the host does not know, before its 404 (the e2e's Grafana API stand-in); true when it did. */
export type ExtraHandler = (req: IncomingMessage, res: ServerResponse, url: URL) => Promise<boolean>;

export interface HostServerOptions {
  /** The built plugins (dist/), served under /public/plugins/<appId>/. */
  distDir: string;
  /** The page: index.html answers /, the rest is served under /host/. */
  pageDir: string;
  iconsDir: string;
  appId: string;
  /** The datasources the data proxy serves, by uid; read on every request, so changes apply at once. */
  dataSources: Map<string, ProxiedDataSource>;
  /** 0: any free port. */
  port?: number;
  extra?: ExtraHandler;
}

export interface HostServer {
  url: string;
  close(): Promise<void>;
}

interface PluginJsonFile {
  routes?: PluginRoute[];
}

export async function startHostServer(options: HostServerOptions): Promise<HostServer> {
  const datasourceJson = await readFile(path.join(options.distDir, 'datasource', 'plugin.json'), 'utf8');
  const routes = (JSON.parse(datasourceJson) as PluginJsonFile).routes ?? [];
  const pluginPrefix = `/public/plugins/${options.appId}/`;
  const iconPrefix = '/public/build/img/icons/';
  const proxyPattern = /^\/api\/datasources\/proxy\/uid\/([^/]+)\/(.*)$/;

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://host.invalid');
    const proxied = proxyPattern.exec(url.pathname);
    if (proxied) {
      const ds = options.dataSources.get(proxied[1]);
      if (!ds) {
        sendJson(res, 404, { message: 'Data source not found' });
        return;
      }
      await proxy(req, res, routes, ds, proxied[2], url.search);
    } else if (url.pathname === '/') {
      await serveFile(res, options.pageDir, 'index.html');
    } else if (url.pathname.startsWith('/host/')) {
      await serveFile(res, options.pageDir, url.pathname.slice('/host/'.length));
    } else if (url.pathname.startsWith(pluginPrefix)) {
      await serveFile(res, options.distDir, url.pathname.slice(pluginPrefix.length));
    } else if (url.pathname.startsWith(iconPrefix)) {
      await serveFile(res, options.iconsDir, url.pathname.slice(iconPrefix.length));
    } else if (!(await options.extra?.(req, res, url))) {
      res.writeHead(404, { 'Content-Type': 'text/plain' }).end('not found');
    }
  };

  const server = http.createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      // Grafana's proxy answers 502 when the upstream cannot be reached or the route cannot be built.
      // Once a streamed answer has begun, cutting it is all that is left to tell the client.
      if (res.headersSent) {
        res.destroy();
        return;
      }
      sendJson(res, 502, { message: err instanceof Error ? err.message : String(err) });
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', resolve);
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((err) => (err ? reject(err) : resolve()));
      }),
  };
}
