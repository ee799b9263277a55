/**
 * Running a dashboard's Prometheus and InfluxDB queries the way Grafana's datasources send them:
 * variables and Grafana's macros substituted, then the HTTP API called. What a variable query
 * yields is the list of values Grafana would offer.
 */
import { replaceVariables } from '../../host/src/web/template-srv';

/** Time range of one execution, epoch ms, and the panel interval Grafana would pick for it. */
export interface QueryWindow {
  from: number;
  to: number;
  intervalMs: number;
}

/**
 * The value chosen for each variable, and whether it is a multi-value or "All" variable: Grafana
 * regex-escapes only those, since only they are meant for `=~`. A variable not given stays as
 * written, so the server rejects the query.
 */
export type VariableValues = Record<string, { value: string; multiOrAll: boolean }>;

const escapeRegex = (value: string, backslash: string) => value.replace(/[\\^$*+?.()|[\]{}/]/g, `${backslash}$&`);

/** PromQL with variables (regex-escaped, as Grafana does for Prometheus) and the interval macros. */
export function interpolatePromQL(expr: string, vars: VariableValues, window: QueryWindow, scrapeMs: number): string {
  const seconds = (ms: number) => `${Math.max(1, Math.round(ms / 1000))}s`;
  const macros: Record<string, string> = {
    // Grafana: max($__interval + scrape interval, 4 × scrape interval).
    __rate_interval: seconds(Math.max(window.intervalMs + scrapeMs, 4 * scrapeMs)),
    __interval: seconds(window.intervalMs),
    __range: seconds(window.to - window.from),
  };
  // Inside a PromQL string literal a regex backslash is written twice.
  return replaceVariables(expr, (name) => macros[name] ?? chosen(vars[name], (v) => escapeRegex(v, '\\\\')));
}

function chosen(variable: VariableValues[string] | undefined, escape: (v: string) => string): string | undefined {
  if (!variable) {
    return undefined;
  }
  return variable.multiOrAll ? escape(variable.value) : variable.value;
}

/** InfluxQL with variables (regex-escaped, as Grafana does for InfluxDB) and $timeFilter / $__interval. */
export function interpolateInfluxQL(query: string, vars: VariableValues, window: QueryWindow): string {
  const macros: Record<string, string> = {
    timeFilter: `time >= ${Math.floor(window.from)}ms and time <= ${Math.ceil(window.to)}ms`,
    __interval: `${Math.max(1, Math.round(window.intervalMs / 1000))}s`,
  };
  return replaceVariables(query, (name) => macros[name] ?? chosen(vars[name], (v) => escapeRegex(v, '\\')));
}

interface PromAnswer<T> {
  status: string;
  error?: string;
  data: T;
}

async function promGet<T>(url: string): Promise<T> {
  const res = await fetch(url);
  const body = (await res.json()) as PromAnswer<T>;
  if (body.status !== 'success') {
    throw new Error(`${url}: ${res.status} ${body.error}`);
  }
  return body.data;
}

export type PromSeries = Array<{ metric: Record<string, string>; values?: unknown[][]; value?: unknown[] }>;

/** A panel target: a range query (`range`, Grafana's default) or an instant one. */
export async function runPromQL(
  prometheusUrl: string,
  expr: string,
  window: QueryWindow,
  instant = false
): Promise<PromSeries> {
  const params = instant
    ? new URLSearchParams({ query: expr, time: String(window.to / 1000) })
    : new URLSearchParams({
        query: expr,
        start: String(window.from / 1000),
        end: String(window.to / 1000),
        step: String(Math.max(1, window.intervalMs / 1000)),
      });
  const data = await promGet<{ result: PromSeries }>(
    `${prometheusUrl}/api/v1/${instant ? 'query' : 'query_range'}?${params}`
  );
  return data.result;
}

/** `label_values(label)` or `label_values(selector, label)`, as Grafana's Prometheus variable query runs it. */
export async function promLabelValues(prometheusUrl: string, query: string, window: QueryWindow): Promise<string[]> {
  const m = /^label_values\(\s*(?:(.+),\s*)?(\w+)\s*\)$/.exec(query.trim());
  if (!m) {
    throw new Error(`not a label_values() query: ${query}`);
  }
  const params = new URLSearchParams({ start: String(window.from / 1000), end: String(window.to / 1000) });
  if (m[1]) {
    params.set('match[]', m[1]);
  }
  return promGet<string[]>(`${prometheusUrl}/api/v1/label/${m[2]}/values?${params}`);
}

/** The values of a SHOW TAG VALUES answer (InfluxDB: one series per measurement, rows of [key, value]). */
export function tagValues(series: Array<{ values: unknown[][] }>): string[] {
  return [...new Set(series.flatMap((s) => s.values.map((row) => String(row[1]))))].sort();
}

export type InfluxSeries = Array<{
  name: string;
  tags?: Record<string, string>;
  columns: string[];
  values: unknown[][];
}>;

/**
 * InfluxQL through /query, as Grafana's InfluxDB datasource sends it (form-encoded POST, epoch ms);
 * the first statement's series. The body is a string so it also posts from jsdom, whose
 * URLSearchParams Node's fetch does not know.
 */
export async function runInfluxQL(influxUrl: string, query: string, db: string): Promise<InfluxSeries> {
  const res = await fetch(`${influxUrl}/query`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ q: query, db, epoch: 'ms' }).toString(),
  });
  const body = (await res.json()) as { error?: string; results?: Array<{ error?: string; series?: InfluxSeries }> };
  const error = body.error ?? body.results?.[0]?.error;
  if (res.status !== 200 || error) {
    throw new Error(`${query}: ${res.status} ${error}`);
  }
  return body.results?.[0]?.series ?? [];
}
