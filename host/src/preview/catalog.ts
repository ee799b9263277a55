/**
 * What the preview offers, read from the built app as Grafana reads it: the app's plugin.json
 * `includes` name the bundled dashboards and the nested panels, each panel's own plugin.json its id.
 */
import type { DataSourceInstanceSettings } from '@grafana/data';
import type { Dashboard } from '@grafana/schema';
import { PLUGIN_IDS } from '@osprey/model';

import { PREVIEW_DATASOURCE_UID as DATASOURCE_UID } from '../node/uid';

export const PLUGIN_BASE = `/public/plugins/${PLUGIN_IDS.app}/`;
export { DATASOURCE_UID };
/** The README, whose section "Build and install in Grafana" says how to install; the preview server serves it. */
export const INSTALL_LINK = '/README.md';
export const DATASOURCE_MODULE = `${PLUGIN_BASE}datasource/module.js`;

export interface DashboardEntry {
  name: string;
  path: string;
}

export interface Catalog {
  dashboards: DashboardEntry[];
  /** Panel plugin id → the URL of its built module.js. */
  panelModules: Map<string, string>;
}

interface Include {
  type: string;
  name: string;
  path?: string;
}

async function json<T>(path: string): Promise<T> {
  const response = await fetch(PLUGIN_BASE + path);
  if (!response.ok) {
    throw new Error(`${PLUGIN_BASE}${path}: ${response.status} ${response.statusText}`);
  }
  return (await response.json()) as T;
}

export async function loadCatalog(): Promise<Catalog> {
  const app = await json<{ includes?: Include[] }>('plugin.json');
  const includes = app.includes ?? [];
  const dashboards = includes
    .filter((i): i is Include & { path: string } => i.type === 'dashboard' && !!i.path)
    .map((i) => ({ name: i.name, path: i.path }));
  const panels = includes.filter((i): i is Include & { path: string } => i.type === 'panel' && !!i.path);
  const panelModules = new Map(
    await Promise.all(
      panels.map(async (p) => {
        const { id } = await json<{ id: string }>(p.path);
        return [id, PLUGIN_BASE + p.path.replace(/plugin\.json$/, 'module.js')] as const;
      })
    )
  );
  return { dashboards, panelModules };
}

export function loadDashboard(entry: DashboardEntry): Promise<Dashboard> {
  return json<Dashboard>(entry.path);
}

/** The dashboard a Grafana URL names by uid (/d/<uid>/<slug>), as data links name them; undefined if none has it. */
export async function dashboardWithUid(entries: DashboardEntry[], uid: string): Promise<DashboardEntry | undefined> {
  const dashboards = await Promise.all(entries.map(loadDashboard));
  return entries[dashboards.findIndex((d) => d.uid === uid)];
}

/** The uid of a Grafana dashboard URL's path (/d/<uid> or /d/<uid>/<slug>). */
export function uidOfPath(pathname: string): string | undefined {
  return /^\/d\/([^/]+)/.exec(pathname)?.[1];
}

/** The instance settings Grafana would hand the datasource with uid `osprey`: requests go to the data proxy. */
export function dataSourceSettings(): DataSourceInstanceSettings {
  return {
    id: 1,
    uid: DATASOURCE_UID,
    type: PLUGIN_IDS.datasource,
    name: 'Osprey',
    access: 'proxy',
    url: `/api/datasources/proxy/uid/${DATASOURCE_UID}`,
    jsonData: {},
    readOnly: false,
    meta: {
      id: PLUGIN_IDS.datasource,
      name: 'Osprey APM',
      type: 'datasource',
      info: {},
      module: DATASOURCE_MODULE,
      baseUrl: `${PLUGIN_BASE}datasource`,
    },
  } as unknown as DataSourceInstanceSettings;
}
