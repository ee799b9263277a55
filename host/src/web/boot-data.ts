/**
 * Grafana writes window.grafanaBootData into index.html before any script runs; @grafana/runtime
 * reads it when its config module initialises, so this module must be imported first.
 */
const win = window as unknown as { grafanaBootData: unknown };
win.grafanaBootData = {
  settings: {
    buildInfo: { version: '13.1.1', edition: 'Open Source' },
    featureToggles: {},
    datasources: {},
    panels: {},
  },
  user: { orgId: 1, theme: 'dark', lightTheme: false, timezone: 'browser', locale: 'en-US', language: 'en-US' },
  navTree: [],
  assets: { dark: '', light: '' },
};
