/** Grafana plugin ids of the suite; plugin.json files and the app's `includes` must agree with these. */
export const PLUGIN_IDS = {
  app: 'osprey-apm-app',
  datasource: 'osprey-apm-datasource',
  xlogPanel: 'osprey-xlog-panel',
  threadDumpPanel: 'osprey-threaddump-panel',
  traceMapPanel: 'osprey-tracemap-panel',
} as const;
