/**
 * The alert rules Osprey ships, as Grafana's alerting provisioning HTTP API takes them, and the plan that
 * installs them: which to create, which to update, which to leave. The rules are the Grafana-managed rules of
 * provisioning/alerting/rules.yaml (generated from the Prometheus alerts), bundled at build: one source for
 * file provisioning and for the app.
 */
import {
  EXPRESSION_DATASOURCE_UID,
  type GrafanaAlertRule,
  type GrafanaQuery,
  type GrafanaRulesFile,
} from '../../scripts/src/alerting/grafana-rules';

import rulesFile from '../../provisioning/alerting/rules.yaml';

export const BUNDLED_RULES: GrafanaRulesFile = rulesFile;

/** What the config page tells about the bundled rules: how many, their folders, the datasources they query. */
export const BUNDLED_SUMMARY = {
  rules: BUNDLED_RULES.groups.reduce((n, g) => n + g.rules.length, 0),
  folders: [...new Set(BUNDLED_RULES.groups.map((g) => g.folder))],
  datasources: [
    ...new Set(BUNDLED_RULES.groups.flatMap((g) => g.rules.flatMap((r) => r.data.map((q) => q.datasourceUid)))),
  ].filter((uid) => uid !== EXPRESSION_DATASOURCE_UID),
};

/** How the API ties a rule to a dashboard panel; Grafana refuses one of the two without the other. */
export const DASHBOARD_UID_ANNOTATION = '__dashboardUid__';
export const PANEL_ID_ANNOTATION = '__panelId__';

/** An element of a rule's `data` (the API's AlertQuery): the file's query fields, and the query type. */
export type AlertQuery = GrafanaQuery & { queryType?: string };

/** The body of POST and PUT /api/v1/provisioning/alert-rules (ProvisionedAlertRule), the fields the app sets. */
export interface ProvisionedAlertRule {
  uid: string;
  title: string;
  condition: string;
  data: AlertQuery[];
  folderUID: string;
  ruleGroup: string;
  orgID: number;
  for: string;
  noDataState: string;
  execErrState: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  isPaused?: boolean;
}

/** A rule as GET /api/v1/provisioning/alert-rules/{uid} answers it; Grafana leaves empty maps out. */
export type StoredAlertRule = Omit<ProvisionedAlertRule, 'labels' | 'annotations'> & {
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  provenance?: string;
};

/** A rule group as GET/PUT /api/v1/provisioning/folder/{folderUid}/rule-groups/{group} carry it. */
export interface AlertRuleGroup {
  title: string;
  folderUid: string;
  /** Evaluation interval in seconds. */
  interval: number;
  rules: StoredAlertRule[];
}

/** One group of the bundled rules, placed in a folder. */
export interface BundledGroup {
  folderUid: string;
  folderTitle: string;
  name: string;
  intervalSeconds: number;
  rules: ProvisionedAlertRule[];
}

const UNIT_MS: Record<string, number> = {
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 604_800_000,
  y: 31_536_000_000,
};

/** A Prometheus duration (`5m`, `1h30m`, `0s`), as Grafana reads `for` and group intervals, in milliseconds. */
export function durationMs(text: string): number {
  const parts = [...text.matchAll(/(\d+)(ms|[smhdwy])/g)];
  if (text !== '0' && (parts.length === 0 || parts.map((p) => p[0]).join('') !== text)) {
    throw new Error(`"${text}" is not a duration such as 5m or 1h30m`);
  }
  return parts.reduce((sum, [, count, unit]) => sum + Number(count) * UNIT_MS[unit], 0);
}

/** File provisioning names a folder by title; the API needs its uid: `Osprey` → `osprey`. */
export function folderUid(title: string): string {
  return title
    .toLowerCase()
    .replace(/[^a-z0-9_-]+/g, '-')
    .replace(/^-+|-+$/g, '');
}

/**
 * A rule of the provisioning file as the API's body. The file's `dashboardUid`/`panelId` fields are the
 * `__dashboardUid__`/`__panelId__` annotations there, and Grafana refuses either alone, so a rule the file ties
 * to a dashboard without a panel keeps only its `dashboard` link annotation.
 */
export function provisionedAlertRule(
  rule: GrafanaAlertRule,
  place: Pick<ProvisionedAlertRule, 'folderUID' | 'ruleGroup' | 'orgID'>
): ProvisionedAlertRule {
  const panelLink: Record<string, string> =
    rule.dashboardUid !== undefined && rule.panelId !== undefined
      ? { [DASHBOARD_UID_ANNOTATION]: rule.dashboardUid, [PANEL_ID_ANNOTATION]: String(rule.panelId) }
      : {};
  return {
    uid: rule.uid,
    title: rule.title,
    condition: rule.condition,
    data: rule.data,
    folderUID: place.folderUID,
    ruleGroup: place.ruleGroup,
    orgID: place.orgID,
    for: rule.for,
    noDataState: rule.noDataState,
    execErrState: rule.execErrState,
    labels: rule.labels,
    annotations: { ...rule.annotations, ...panelLink },
  };
}

/** The file's groups with their rules as API bodies, in the organisation `orgId`. */
export function bundledGroups(file: GrafanaRulesFile, orgId: number): BundledGroup[] {
  return file.groups.map((group) => {
    const uid = folderUid(group.folder);
    return {
      folderUid: uid,
      folderTitle: group.folder,
      name: group.name,
      intervalSeconds: durationMs(group.interval) / 1000,
      rules: group.rules.map((rule) =>
        provisionedAlertRule(rule, { folderUID: uid, ruleGroup: group.name, orgID: orgId })
      ),
    };
  });
}

function sameStrings(a: Record<string, string>, b: Record<string, string>): boolean {
  const keys = Object.keys(a);
  return keys.length === Object.keys(b).length && keys.every((key) => a[key] === b[key]);
}

/** Whether `stored` carries everything `wanted` does, with the same values; objects may carry more keys. */
function holds(stored: unknown, wanted: unknown): boolean {
  if (Array.isArray(wanted)) {
    return (
      Array.isArray(stored) && stored.length === wanted.length && wanted.every((item, i) => holds(stored[i], item))
    );
  }
  if (wanted !== null && typeof wanted === 'object') {
    const object = stored as Record<string, unknown> | null;
    return (
      object !== null &&
      typeof object === 'object' &&
      Object.entries(wanted).every(([key, value]) => holds(object[key], value))
    );
  }
  return stored === wanted;
}

/**
 * Grafana answers a query without a time range with 0-0 and without a query type with '', and writes
 * intervalMs and maxDataPoints into every model when it saves one (AlertQuery.PreSave): the stored model
 * must hold ours and may hold more.
 */
function sameQuery(wanted: AlertQuery, stored: AlertQuery | undefined): boolean {
  const range = (q: AlertQuery) => q.relativeTimeRange ?? { from: 0, to: 0 };
  return (
    stored !== undefined &&
    stored.refId === wanted.refId &&
    stored.datasourceUid === wanted.datasourceUid &&
    (stored.queryType ?? '') === (wanted.queryType ?? '') &&
    range(stored).from === range(wanted).from &&
    range(stored).to === range(wanted).to &&
    holds(stored.model, wanted.model)
  );
}

/** Whether Grafana's copy already is the wanted rule, in every field the app sends. */
export function sameAlertRule(wanted: ProvisionedAlertRule, stored: StoredAlertRule): boolean {
  return (
    stored.title === wanted.title &&
    stored.condition === wanted.condition &&
    stored.folderUID === wanted.folderUID &&
    stored.ruleGroup === wanted.ruleGroup &&
    stored.noDataState === wanted.noDataState &&
    stored.execErrState === wanted.execErrState &&
    durationMs(stored.for) === durationMs(wanted.for) &&
    sameStrings(stored.labels ?? {}, wanted.labels) &&
    sameStrings(stored.annotations ?? {}, wanted.annotations) &&
    stored.data.length === wanted.data.length &&
    wanted.data.every((query, i) => sameQuery(query, stored.data[i]))
  );
}

export type RuleAction = 'create' | 'update' | 'unchanged' | 'keep';

export interface RulePlan {
  action: RuleAction;
  /** The body to send: the wanted rule, on update with the stored pause state. */
  rule: ProvisionedAlertRule;
  /** Who manages Grafana's copy, when it is not "none" (a rule kept as it is). */
  provenance?: string;
}

/**
 * What to do with each wanted rule given Grafana's copies by uid: create a missing one, leave one that already
 * is the wanted rule, update one that differs. Grafana only lets the owner of a rule with a provenance (file
 * provisioning, or the API without X-Disable-Provenance) change it, so a differing one of those is kept.
 */
export function planAlertRules(
  wanted: ProvisionedAlertRule[],
  stored: ReadonlyMap<string, StoredAlertRule>
): RulePlan[] {
  return wanted.map((rule) => {
    const current = stored.get(rule.uid);
    if (!current) {
      return { action: 'create', rule };
    }
    if (sameAlertRule(rule, current)) {
      return { action: 'unchanged', rule };
    }
    if (current.provenance) {
      return { action: 'keep', rule, provenance: current.provenance };
    }
    return { action: 'update', rule: { ...rule, isPaused: current.isPaused ?? false } };
  });
}
