/**
 * The e2e host server: the host's server (host/: page, built plugins, icons, data proxy) plus a
 * stand-in for the part of Grafana's HTTP API the app's pages call: the app's
 * plugin proxy (/api/plugin-proxy/<app id>/<route path>/*, the routes of dist/plugin.json filled from the
 * app's settings), the app's settings (GET/POST /api/plugins/<app id>/settings, secureJsonData kept here and
 * answered only as secureJsonFields), datasources by uid (GET/PUT /api/datasources/uid/<uid>, POST
 * /api/datasources), which the data proxy then serves, and folders and alerting provisioning (/api/folders,
 * /api/v1/provisioning). Every call to these is recorded for the test.
 */
import { readFile } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import path from 'node:path';

import {
  type PluginRoute,
  proxy,
  type ProxiedDataSource,
  readBody,
  sendJson,
  startHostServer as startHost,
} from '@osprey/host';

import { type AppSettings, type GrafanaApiCall, GrafanaApiStandIn } from './grafana-api';
import type { AlertingStandIn } from './grafana-api-alerting';

export type { ProxiedDataSource };

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

export async function startHostServer(options: HostServerOptions): Promise<HostServer> {
  const appPluginJson = JSON.parse(await readFile(path.join(options.distDir, 'plugin.json'), 'utf8')) as {
    id: string;
    routes?: PluginRoute[];
  } & Record<string, unknown>;
  const appRoutes = appPluginJson.routes ?? [];
  const pluginPrefix = `/public/plugins/${options.appId}/`;
  const dataSources = new Map(options.dataSources.map((ds) => [ds.uid, ds]));
  const grafanaApi = new GrafanaApiStandIn(
    { ...appPluginJson, module: `${pluginPrefix}module.js`, baseUrl: pluginPrefix.replace(/\/$/, '') },
    options.appSettings ?? { enabled: true, pinned: true, jsonData: {}, secureJsonData: {} },
    dataSources
  );
  const appProxyPrefix = `/api/plugin-proxy/${options.appId}/`;

  const grafanaApiHandler = async (req: IncomingMessage, res: ServerResponse, url: URL) => {
    if (url.pathname.startsWith(appProxyPrefix)) {
      await proxy(req, res, appRoutes, grafanaApi.appSettings, url.pathname.slice(appProxyPrefix.length), url.search);
      return true;
    }
    if (!grafanaApi.serves(url.pathname)) {
      return false;
    }
    const method = req.method ?? 'GET';
    const raw = method === 'GET' ? '' : (await readBody(req)).toString('utf8');
    const body = raw ? (JSON.parse(raw) as unknown) : undefined;
    const [status, answer] = grafanaApi.handle(method, url.pathname, body, req.headers);
    sendJson(res, status, answer);
    return true;
  };
  const server = await startHost({
    distDir: options.distDir,
    pageDir: options.hostDir,
    iconsDir: options.iconsDir,
    appId: options.appId,
    dataSources,
    extra: grafanaApiHandler,
  });
  return {
    url: server.url,
    setDataSource(ds) {
      dataSources.set(ds.uid, ds);
    },
    grafanaApiCalls: () => grafanaApi.calls(),
    alerting: grafanaApi.alerting,
    close: server.close,
  };
}
