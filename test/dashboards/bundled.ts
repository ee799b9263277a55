/**
 * The bundled dashboards (app/src/dashboards/*.json, the app's `dashboard` includes) and what
 * their tests need from them: every panel target with its datasource, every variable query, every
 * link URL. Shared by the schema, provisioning and query-execution tests.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

import type { Dashboard, DataSourceRef, Panel, VariableModel } from '@grafana/schema';

export const DASHBOARD_DIR = path.resolve(__dirname, '..', '..', 'app', 'src', 'dashboards');

export interface BundledDashboard {
  /** File name inside DASHBOARD_DIR. */
  file: string;
  json: Omit<Dashboard, 'panels'> & { uid: string; panels: Panel[] };
}

export function bundledDashboards(): BundledDashboard[] {
  return readdirSync(DASHBOARD_DIR)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((file) => ({ file, json: JSON.parse(readFileSync(path.join(DASHBOARD_DIR, file), 'utf8')) }));
}

export interface DashboardTarget {
  dashboard: string;
  panel: string;
  /** The target as saved, its datasource filled from the panel's when it has none (as Grafana does). */
  target: Record<string, unknown> & { refId: string; datasource: Required<DataSourceRef> };
}

export function dashboardTargets({ json }: BundledDashboard): DashboardTarget[] {
  return json.panels.flatMap(
    (panel) =>
      (panel.targets ?? []).map((target) => ({
        dashboard: json.uid,
        panel: panel.title ?? String(panel.id),
        target: { ...target, datasource: (target.datasource ?? panel.datasource) as Required<DataSourceRef> },
      })) as DashboardTarget[]
  );
}

/** The queries of the dashboard's datasource annotations (error bursts, thread dumps), as targets. */
export function annotationTargets({ json }: BundledDashboard): DashboardTarget[] {
  return (json.annotations?.list ?? [])
    .filter((a) => a.target)
    .map((a) => ({
      dashboard: json.uid,
      panel: `annotation "${a.name}"`,
      target: { ...a.target, datasource: a.datasource } as DashboardTarget['target'],
    }));
}

export interface DashboardVariable {
  dashboard: string;
  variable: VariableModel & { datasource: Required<DataSourceRef> };
}

/** The variables whose values come from a datasource query. */
export function variableQueries({ json }: BundledDashboard): DashboardVariable[] {
  return (json.templating?.list ?? [])
    .filter((v) => v.type === 'query')
    .map((variable) => ({ dashboard: json.uid, variable: variable as DashboardVariable['variable'] }));
}

/**
 * Every URL a dashboard links to: dashboard links, panel links and data links in field configs and
 * options. Field actions are requests, not links (host-agent.test.ts sends the Hosts table's).
 */
export function linkUrls({ json }: BundledDashboard): string[] {
  const urls: string[] = [];
  const walk = (value: unknown, key?: string) => {
    if (typeof value === 'string') {
      if (key === 'url' || key === 'linkTemplate') {
        urls.push(value);
      }
    } else if (Array.isArray(value)) {
      value.forEach((v) => walk(v));
    } else if (value && typeof value === 'object') {
      Object.entries(value)
        .filter(([k]) => k !== 'actions')
        .forEach(([k, v]) => walk(v, k));
    }
  };
  walk(json.links);
  json.panels.forEach((p) => walk({ links: p.links, fieldConfig: p.fieldConfig, options: p.options }));
  return urls.filter((u) => u !== '');
}

/** The variables (`$x`, `${x}`, `${x:fmt}`, `[[x]]`) a text refers to, Grafana's built-ins (`__...`) left out. */
export function referencedVariables(text: string): string[] {
  const names = [...text.matchAll(/\$(\w+)|\$\{(\w+)(?::\w+)?\}|\[\[(\w+)\]\]/g)].map((m) => m[1] ?? m[2] ?? m[3]);
  return [...new Set(names.filter((n) => !n.startsWith('__') && n !== 'timeFilter'))];
}
