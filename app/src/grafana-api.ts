/**
 * The Grafana HTTP API calls of the app's pages: its own plugin settings, the Osprey datasource, the bundled
 * alert rules, and the backend through the app's plugin route.
 */
import type { DataSourceSettings } from '@grafana/data';
import { getBackendSrv, isFetchError } from '@grafana/runtime';
import { PLUGIN_IDS } from '@osprey/model';
import { lastValueFrom } from 'rxjs';

import {
  backendStatus as readBackendStatus,
  type BackendStatus,
  DEFAULT_TIMEOUT_SECONDS,
  OspreyClient,
} from '@osprey/plugin-kit';
import {
  type AlertRuleGroup,
  type BundledGroup,
  BUNDLED_RULES,
  bundledGroups,
  planAlertRules,
  type ProvisionedAlertRule,
  type RuleAction,
  type StoredAlertRule,
} from './alert-rules';
import {
  APP_SETTINGS_URL,
  AppJsonData,
  AppSecureJsonData,
  BACKEND_ROUTE,
  DATASOURCE_NAME,
  DATASOURCE_UID,
} from './settings';

async function get<T>(url: string): Promise<T> {
  const response = await lastValueFrom(getBackendSrv().fetch<T>({ url, method: 'GET', showErrorAlert: false }));
  return response.data;
}

async function send<T>(
  url: string,
  method: 'POST' | 'PUT',
  data: unknown,
  headers?: Record<string, string>
): Promise<T> {
  const response = await lastValueFrom(getBackendSrv().fetch<T>({ url, method, data, headers, showErrorAlert: false }));
  return response.data;
}

/** GET, or undefined when Grafana answers 404. */
async function getIfExists<T>(url: string): Promise<T | undefined> {
  try {
    return await get<T>(url);
  } catch (err) {
    if (isFetchError(err) && err.status === 404) {
      return undefined;
    }
    throw err;
  }
}

/** Runs one Grafana API step, its failure told as "<what> failed with HTTP …". */
async function step<T>(what: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (err) {
    throw new Error(describeGrafanaError(err, what));
  }
}

/** The backend's health and the services the token can read, through the app's plugin route (the datasource's client). */
export function backendStatus(): Promise<BackendStatus> {
  return readBackendStatus(new OspreyClient(BACKEND_ROUTE, DEFAULT_TIMEOUT_SECONDS * 1000));
}

/** A failed Grafana API call as a sentence: Grafana answers errors with `{message}`. */
export function describeGrafanaError(err: unknown, what: string): string {
  if (isFetchError(err)) {
    const body = err.data as { message?: string } | undefined;
    return `${what} failed with HTTP ${err.status}${body?.message ? `: ${body.message}` : ''}`;
  }
  return `${what} failed: ${err instanceof Error ? err.message : String(err)}`;
}

export interface AppSettingsUpdate {
  enabled: boolean;
  pinned: boolean;
  jsonData: AppJsonData;
  /** Absent keeps the saved token, as Grafana merges secureJsonData. */
  secureJsonData?: AppSecureJsonData;
}

/** The create-plugin template's updatePlugin: one POST with the whole settings. */
export function saveAppSettings(update: AppSettingsUpdate): Promise<unknown> {
  return send(APP_SETTINGS_URL, 'POST', update);
}

/** The datasource as Grafana's API returns it; only the fields the app reads or must send back. */
export type ExistingDataSource = Pick<DataSourceSettings, 'uid' | 'name' | 'type' | 'access'> &
  Partial<Pick<DataSourceSettings, 'id' | 'isDefault' | 'version'>> & { jsonData?: Record<string, unknown> };

export interface DataSourceBody {
  uid: string;
  name: string;
  type: string;
  access: 'proxy';
  isDefault?: boolean;
  version?: number;
  jsonData: Record<string, unknown>;
  secureJsonData?: { token: string };
}

/**
 * The body of POST /api/datasources (no `existing`) or PUT /api/datasources/uid/osprey: the app's URL, and
 * the token only when typed, since Grafana never sends a saved one back and keeps it when the key is absent.
 * A new datasource needs the token, or every query would be refused with 401.
 */
export function dataSourceBody(existing: ExistingDataSource | undefined, url: string, token: string): DataSourceBody {
  const trimmedUrl = url.trim();
  if (!/^https?:\/\/\S+$/.test(trimmedUrl)) {
    throw new Error(`the backend URL "${url}" is not an http(s) URL`);
  }
  if (!existing && token === '') {
    throw new Error(
      'type the token above: Grafana never sends a saved token back to the browser, so a new datasource needs it typed once'
    );
  }
  const body: DataSourceBody = {
    uid: DATASOURCE_UID,
    name: existing?.name ?? DATASOURCE_NAME,
    type: PLUGIN_IDS.datasource,
    access: 'proxy',
    jsonData: { ...(existing?.jsonData ?? {}), url: trimmedUrl },
  };
  if (existing) {
    // Optimistic locking: Grafana refuses the PUT if someone saved the datasource since we read it.
    body.version = existing.version;
    body.isDefault = existing.isDefault;
  }
  if (token !== '') {
    body.secureJsonData = { token };
  }
  return body;
}

/** Grafana's own check for the datasource pages: org admins and server admins manage datasources. */
export function canManageDataSources(user: { orgRole?: string; isGrafanaAdmin?: boolean } | undefined): boolean {
  return user?.orgRole === 'Admin' || user?.isGrafanaAdmin === true;
}

/** The Osprey datasource, or undefined when Grafana has none with its uid. */
export function findOspreyDataSource(): Promise<ExistingDataSource | undefined> {
  return getIfExists<ExistingDataSource>(`/api/datasources/uid/${DATASOURCE_UID}`);
}

/** GET by uid, then PUT to update it or POST to create it. */
export async function upsertOspreyDataSource(url: string, token: string): Promise<'created' | 'updated'> {
  const existing = await step('Reading the Osprey datasource', findOspreyDataSource);
  const body = dataSourceBody(existing, url, token);
  if (existing) {
    await step('Updating the Osprey datasource', () => send(`/api/datasources/uid/${DATASOURCE_UID}`, 'PUT', body));
    return 'updated';
  }
  await step('Creating the Osprey datasource', () => send('/api/datasources', 'POST', body));
  return 'created';
}

/**
 * Who may install the alert rules: org admins. Grafana's Editor role may also write alert rules through the
 * provisioning API, but installing a rule set for the whole organisation is an admin's call; a server admin
 * without the org's Admin role has no alerting permissions in it.
 */
export function canInstallAlertRules(user: { orgRole?: string } | undefined): boolean {
  return user?.orgRole === 'Admin';
}

const PROVISIONING_API = '/api/v1/provisioning';
/** Grafana saves what is written with this header without a provenance, so it stays editable in its UI. */
const EDITABLE_IN_UI = { 'X-Disable-Provenance': 'true' };

export type FolderState = 'created' | 'existing' | 'unused';

/** What an install did: per folder, per rule group and per rule. */
export interface AlertRulesInstall {
  folders: Array<{ uid: string; title: string; state: FolderState }>;
  groups: Array<{ name: string; intervalSeconds: number; intervalSet: boolean }>;
  rules: Array<{ uid: string; title: string; action: RuleAction; provenance?: string }>;
}

/** The folder by uid, made (POST /api/folders) when Grafana has none. */
async function ensureFolder(uid: string, title: string): Promise<'created' | 'existing'> {
  const existing = await step(`Reading the folder ${title}`, () => getIfExists(`/api/folders/${uid}`));
  if (existing) {
    return 'existing';
  }
  await step(`Creating the folder ${title}`, () => send('/api/folders', 'POST', { uid, title }));
  return 'created';
}

/** Grafana's copies of the rules, by uid; a rule it does not have is absent. */
async function storedRules(rules: ProvisionedAlertRule[]): Promise<Map<string, StoredAlertRule>> {
  const stored = new Map<string, StoredAlertRule>();
  for (const { uid, title } of rules) {
    const rule = await step(`Reading alert rule ${title}`, () =>
      getIfExists<StoredAlertRule>(`${PROVISIONING_API}/alert-rules/${uid}`)
    );
    if (rule) {
      stored.set(uid, rule);
    }
  }
  return stored;
}

/** Sets the group's evaluation interval when Grafana's differs (a new group gets Grafana's default). */
async function syncGroupInterval({ folderUid, name, intervalSeconds }: BundledGroup): Promise<boolean> {
  const url = `${PROVISIONING_API}/folder/${folderUid}/rule-groups/${encodeURIComponent(name)}`;
  const current = await step(`Reading rule group ${name}`, () => getIfExists<AlertRuleGroup>(url));
  if (current === undefined || current.interval === intervalSeconds) {
    return false;
  }
  // The PUT replaces the group's rules with the body's: they go back as Grafana holds them.
  await step(`Setting the interval of rule group ${name}`, () =>
    send(url, 'PUT', { ...current, interval: intervalSeconds }, EDITABLE_IN_UI)
  );
  return true;
}

/**
 * Installs the bundled alert rules through Grafana's alerting provisioning API: each rule read by uid, then
 * created or updated when it is missing or differs (one another owner provisioned is left to it), in its
 * folder, made when needed; then the group's evaluation interval. A second install of the same rules only reads.
 */
export async function installAlertRules(orgId: number): Promise<AlertRulesInstall> {
  const report: AlertRulesInstall = { folders: [], groups: [], rules: [] };
  for (const group of bundledGroups(BUNDLED_RULES, orgId)) {
    const plans = planAlertRules(group.rules, await storedRules(group.rules));
    const writes = plans.filter((p) => p.action === 'create' || p.action === 'update');
    // An unchanged rule is in the folder already; with every rule kept elsewhere the folder holds none.
    let folder: FolderState = plans.some((p) => p.action === 'unchanged') ? 'existing' : 'unused';
    if (writes.length > 0) {
      folder = await ensureFolder(group.folderUid, group.folderTitle);
    }
    if (!report.folders.some((f) => f.uid === group.folderUid)) {
      report.folders.push({ uid: group.folderUid, title: group.folderTitle, state: folder });
    }
    for (const { action, rule } of writes) {
      await (action === 'create'
        ? step(`Creating alert rule ${rule.title}`, () =>
            send(`${PROVISIONING_API}/alert-rules`, 'POST', rule, EDITABLE_IN_UI)
          )
        : step(`Updating alert rule ${rule.title}`, () =>
            send(`${PROVISIONING_API}/alert-rules/${rule.uid}`, 'PUT', rule, EDITABLE_IN_UI)
          ));
    }
    const intervalSet = folder !== 'unused' && (await syncGroupInterval(group));
    report.groups.push({ name: group.name, intervalSeconds: group.intervalSeconds, intervalSet });
    report.rules.push(
      ...plans.map(({ action, rule, provenance }) => ({ uid: rule.uid, title: rule.title, action, provenance }))
    );
  }
  return report;
}

const RULE_OUTCOMES: Record<RuleAction, string> = {
  create: 'created',
  update: 'updated',
  unchanged: 'unchanged',
  keep: 'kept as its owner provisioned it',
};

/** An install as a sentence (what changed, or that nothing did) and one line per folder, group and rule. */
export function describeAlertRulesInstall({ folders, groups, rules }: AlertRulesInstall): {
  text: string;
  details: string[];
} {
  const counts = (Object.keys(RULE_OUTCOMES) as RuleAction[])
    .map((action) => [rules.filter((r) => r.action === action).length, RULE_OUTCOMES[action]] as const)
    .filter(([count]) => count > 0)
    .map(([count, outcome]) => `${count} ${outcome}`)
    .join(', ');
  const changed =
    folders.some((f) => f.state === 'created') ||
    groups.some((g) => g.intervalSet) ||
    rules.some((r) => r.action === 'create' || r.action === 'update');
  const folderStates: Record<FolderState, string> = {
    created: 'created',
    existing: 'already there',
    unused: 'not used',
  };
  const intervals = groups
    .filter((g) => g.intervalSet)
    .map((g) => ` Rule group ${g.name} set to evaluate every ${g.intervalSeconds}s.`)
    .join('');
  return {
    text: changed
      ? `Alert rules installed: ${counts}.${intervals}`
      : `Nothing changed: the alert rules are already installed as shipped (${counts}).`,
    details: [
      ...folders.map((f) => `Folder ${f.title} (uid ${f.uid}): ${folderStates[f.state]}`),
      ...groups.map(
        (g) => `Rule group ${g.name}: every ${g.intervalSeconds}s${g.intervalSet ? ' (interval set)' : ''}`
      ),
      ...rules.map(
        (r) => `${r.title}: ${RULE_OUTCOMES[r.action]}${r.provenance ? ` (provenance ${r.provenance})` : ''}`
      ),
    ],
  };
}
