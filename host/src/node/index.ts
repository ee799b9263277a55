export { bundleHostPage, bundlePreview, type HostBundle, PREVIEW_PAGE_DIR } from './bundle';
export { serveFile, sendJson } from './files';
export { previewMissing, startPreview, type PreviewOptions } from './preview';
export { PREVIEW_DATASOURCE_UID } from './uid';
export {
  interpolateRoute,
  matchRoute,
  proxy,
  readBody,
  type PluginRoute,
  type PluginRouteHeader,
  type ProxiedDataSource,
} from './proxy';
export {
  GRAFANA_ICONS_DIR,
  HOST_PACKAGE_DIR,
  PLUGINS_DIST,
  REPO_ROOT,
  startHostServer,
  type ExtraHandler,
  type HostServer,
  type HostServerOptions,
} from './server';
