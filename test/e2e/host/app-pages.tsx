/**
 * The app plugin's pages on the host page, mounted as Grafana mounts them: the module's AppPlugin
 * initialised with the meta Grafana serves, rendered inside a router and the current theme.
 */
import type { AppPlugin, AppPluginMeta, GrafanaTheme2 } from '@grafana/data';
import { getBackendSrv, locationService } from '@grafana/runtime';
import { GlobalStyles, ThemeContext } from '@grafana/ui';
import * as React from 'react';
import { createRoot, Root } from 'react-dom/client';
import { MemoryRouter } from 'react-router-dom-v5-compat';

import { loadPlugin } from '../../../host/src/web/runtime';

/**
 * An app plugin's configuration page as Grafana's plugin page shows it: the module's AppPlugin gets
 * its meta from GET /api/plugins/<id>/settings, then the config page (first tab) renders with it.
 */
export async function mountAppConfig(moduleUrl: string, pluginId: string, theme: GrafanaTheme2) {
  const { plugin } = await loadApp(moduleUrl, pluginId);
  const page = plugin.configPages?.[0];
  if (!page) {
    throw new Error(`${moduleUrl} adds no config page`);
  }
  const Body = page.body;
  renderPage(theme, <Body plugin={plugin} query={{}} />, `/plugins/${pluginId}`);
  return { title: page.title, id: page.id, tabs: plugin.configPages?.length ?? 0 };
}

/**
 * An app plugin's root page, as Grafana renders it at /a/<id> and at every path below it (`subpath`,
 * e.g. `incidents`): the location Grafana's locationService reports is that path.
 */
export async function mountAppRoot(moduleUrl: string, pluginId: string, theme: GrafanaTheme2, subpath = '') {
  const { plugin, meta } = await loadApp(moduleUrl, pluginId);
  const Root = plugin.root;
  if (!Root) {
    throw new Error(`${moduleUrl} sets no root page`);
  }
  const basename = `/a/${pluginId}`;
  const path = subpath ? `${basename}/${subpath}` : basename;
  locationService.push(path);
  renderPage(
    theme,
    <Root meta={meta} basename={basename} path={path} query={{}} onNavChanged={() => undefined} />,
    path
  );
}

async function loadApp(moduleUrl: string, pluginId: string) {
  const plugin = await loadPlugin<AppPlugin>(moduleUrl);
  const meta = await getBackendSrv().get<AppPluginMeta>(`/api/plugins/${pluginId}/settings`);
  plugin.meta = meta;
  plugin.init(meta);
  return { plugin, meta };
}

let pageRoot: Root | undefined;

/**
 * App pages get their own element, so a panel rendered before stays as it was. Grafana renders pages
 * inside its router; @grafana/ui's links need one (react-router v6 API through v5-compat, as in Grafana).
 */
function renderPage(theme: GrafanaTheme2, element: React.ReactElement, path: string) {
  let container = document.getElementById('app-page');
  if (!container) {
    container = document.createElement('div');
    container.id = 'app-page';
    document.body.appendChild(container);
  }
  pageRoot?.unmount();
  pageRoot = createRoot(container);
  pageRoot.render(
    <ThemeContext.Provider value={theme}>
      <GlobalStyles />
      <MemoryRouter initialEntries={[path]}>{element}</MemoryRouter>
    </ThemeContext.Provider>
  );
}
