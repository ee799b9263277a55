export {
  bundleHostPage,
  bundlePreview,
  hostBuildOptions,
  type HostBundle,
  PREVIEW_ENTRY,
  PREVIEW_PAGE_DIR,
} from './bundle';
export { type CjsDefaultImport, cjsDefaultImports, ESM_DEFAULT_IMPORTED_CJS } from './esm-interop';
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
