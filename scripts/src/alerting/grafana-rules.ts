/**
 * Grafana-managed alert rules (file provisioning, apiVersion 1) derived from Osprey's Prometheus
 * alert rules, so both alerting paths fire on the same conditions. Each Prometheus expr is
 * `<query> <op> <threshold>`; in Grafana the query runs against the Prometheus datasource (A), is
 * reduced to its last value per series (B) and compared by a threshold expression (C).
 */

export interface PrometheusAlertRule {
  alert: string;
  expr: string;
  for?: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
}

export interface PrometheusRuleFile {
  groups: Array<{ name: string; rules: PrometheusAlertRule[] }>;
}

export interface GrafanaQuery {
  refId: string;
  relativeTimeRange?: { from: number; to: number };
  datasourceUid: string;
  model: Record<string, unknown>;
}

export interface GrafanaAlertRule {
  uid: string;
  title: string;
  condition: string;
  data: GrafanaQuery[];
  noDataState: 'OK' | 'NoData' | 'Alerting';
  execErrState: 'Error' | 'Alerting' | 'OK';
  for: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  dashboardUid?: string;
  panelId?: number;
}

export interface GrafanaRulesFile {
  apiVersion: 1;
  groups: Array<{ orgId: number; name: string; folder: string; interval: string; rules: GrafanaAlertRule[] }>;
}

export type ThresholdOp = 'gt' | 'lt';

export interface SplitCondition {
  query: string;
  op: ThresholdOp;
  threshold: number;
}

const OPS: Record<string, ThresholdOp> = { '>': 'gt', '<': 'lt' };
export const OP_SYMBOLS: Record<ThresholdOp, string> = { gt: '>', lt: '<' };

/** Grafana's uid for the expression engine (reduce, threshold, math). */
export const EXPRESSION_DATASOURCE_UID = '__expr__';

/** `<query> > 3` → query, gt, 3; anything else is refused, naming the rule. */
export function splitCondition(alert: string, expr: string): SplitCondition {
  const match = /^([\s\S]*\S)\s+([<>])\s+(-?\d+(?:\.\d+)?)\s*$/.exec(expr);
  if (!match) {
    throw new Error(`alert ${alert}: expr must end with "> <number>" or "< <number>", got: ${expr}`);
  }
  return { query: match[1], op: OPS[match[2]], threshold: Number(match[3]) };
}

/**
 * Prometheus templates see one `$value`; a Grafana rule has one value per query or expression, and
 * the reduced one (B) is what the threshold compared.
 */
export function grafanaAnnotation(text: string): string {
  return text.replace(/\$value\b/g, '$values.B.Value');
}

/** `OspreyJvmDeadlock` → `osprey-jvm-deadlock` (Grafana uids: at most 40 of [A-Za-z0-9_-]). */
export function ruleUid(alert: string): string {
  return alert.replace(/([a-z0-9])([A-Z])/g, '$1-$2').toLowerCase();
}

/** `/d/osprey-jvm?var-service=…` → `osprey-jvm`; undefined for anything but a dashboard link. */
export function dashboardUidOf(link: string | undefined): string | undefined {
  return link === undefined ? undefined : /^\/d\/([^/?#]+)/.exec(link)?.[1];
}

/**
 * Grafana ties a rule to the dashboard (and panel) it names: the panel shows the rule's state and
 * annotations, and notifications carry a link to it. The dashboard is the one the `dashboard`
 * annotation links to; the panel, when the rule has one there, comes from `panelId`.
 */
export function grafanaRule(rule: PrometheusAlertRule, datasourceUid: string, panelId?: number): GrafanaAlertRule {
  const { query, op, threshold } = splitCondition(rule.alert, rule.expr);
  const dashboardUid = dashboardUidOf(rule.annotations.dashboard);
  if (panelId !== undefined && dashboardUid === undefined) {
    throw new Error(`alert ${rule.alert}: a panel id needs a dashboard annotation linking to /d/<uid>`);
  }
  const expression = { type: '__expr__', uid: EXPRESSION_DATASOURCE_UID };
  return {
    uid: ruleUid(rule.alert),
    title: rule.alert,
    condition: 'C',
    data: [
      {
        refId: 'A',
        // Instant queries: the window only bounds what Grafana fetches; the PromQL holds its own ranges.
        relativeTimeRange: { from: 600, to: 0 },
        datasourceUid,
        model: { refId: 'A', expr: query, instant: true, range: false, intervalMs: 1000, maxDataPoints: 43200 },
      },
      {
        refId: 'B',
        datasourceUid: EXPRESSION_DATASOURCE_UID,
        // dropNN: a p95 or ratio over no traffic is NaN, which Prometheus' comparison drops too.
        model: {
          refId: 'B',
          type: 'reduce',
          expression: 'A',
          reducer: 'last',
          settings: { mode: 'dropNN' },
          datasource: expression,
        },
      },
      {
        refId: 'C',
        datasourceUid: EXPRESSION_DATASOURCE_UID,
        model: {
          refId: 'C',
          type: 'threshold',
          expression: 'B',
          conditions: [{ evaluator: { type: op, params: [threshold] } }],
          datasource: expression,
        },
      },
    ],
    // No series is no traffic (or no JVM, no snapshot): healthy, as it is for Prometheus.
    noDataState: 'OK',
    execErrState: 'Error',
    for: rule.for ?? '0s',
    labels: { ...rule.labels },
    annotations: Object.fromEntries(Object.entries(rule.annotations).map(([k, v]) => [k, grafanaAnnotation(v)])),
    ...(dashboardUid === undefined ? {} : { dashboardUid }),
    ...(panelId === undefined ? {} : { panelId }),
  };
}

export function grafanaRulesFile(
  prometheus: PrometheusRuleFile,
  options: {
    datasourceUid: string;
    folder: string;
    interval: string;
    /** Alert name → id of the panel, on the dashboard its `dashboard` annotation links to, that shows it. */
    panels: Record<string, number>;
  }
): GrafanaRulesFile {
  const alerts = new Set(prometheus.groups.flatMap((g) => g.rules.map((r) => r.alert)));
  const unknown = Object.keys(options.panels).filter((alert) => !alerts.has(alert));
  if (unknown.length > 0) {
    throw new Error(`panels given for alerts that do not exist: ${unknown.join(', ')}`);
  }
  return {
    apiVersion: 1,
    groups: prometheus.groups.map((group) => ({
      orgId: 1,
      name: group.name,
      folder: options.folder,
      interval: options.interval,
      rules: group.rules.map((rule) => grafanaRule(rule, options.datasourceUid, options.panels[rule.alert])),
    })),
  };
}
