import { PLUGIN_IDS } from '@osprey/model';

/** The app's plugin settings: the backend URL in jsonData, the token in secureJsonData (never sent back to the browser). */
export interface AppJsonData {
  url?: string;
}

export interface AppSecureJsonData {
  token?: string;
}

/**
 * The app's plugin route (plugin.json `routes`): Grafana's plugin proxy forwards it to the configured URL
 * and adds the token server side, as the datasource's data proxy does.
 */
export const BACKEND_ROUTE = `/api/plugin-proxy/${PLUGIN_IDS.app}/osprey`;

export const APP_SETTINGS_URL = `/api/plugins/${PLUGIN_IDS.app}/settings`;
export const CONFIG_PAGE_URL = `/plugins/${PLUGIN_IDS.app}`;

/** The datasource the bundled dashboards and alert provisioning refer to. */
export const DATASOURCE_UID = 'osprey';
export const DATASOURCE_NAME = 'Osprey';

/** The bundled dashboards by uid, in the order the getting-started page lists them. */
export const DASHBOARDS: ReadonlyArray<{ uid: string; title: string; description: string }> = [
  {
    uid: 'osprey-service-overview',
    title: 'Service overview',
    description: 'RED per service and endpoint, XLOG, active services',
  },
  { uid: 'osprey-transactions', title: 'Transactions', description: 'XLOG full width, drag-select table, trace view' },
  { uid: 'osprey-service-map', title: 'Service map', description: 'Trace map, Node Graph and the edge table' },
  { uid: 'osprey-jvm', title: 'JVM', description: 'Thread states, deadlocks, thread dumps, heap histogram diff' },
  { uid: 'osprey-containers', title: 'Containers', description: 'cAdvisor metrics from Prometheus beside Osprey RED' },
  {
    uid: 'osprey-hosts',
    title: 'Hosts & databases',
    description: 'Telegraf measurements from InfluxDB beside transactions',
  },
  {
    uid: 'osprey-host-snapshots',
    title: 'Host snapshots',
    description: 'Processes, connections, open files from /proc, and the compare of two',
  },
  { uid: 'osprey-health', title: 'Health', description: 'Synthetic checks: state, reason, uptime timeline' },
];
