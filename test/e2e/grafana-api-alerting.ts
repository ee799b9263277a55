/**
 * The folder and alerting provisioning part of the Grafana HTTP API stand-in, answering as Grafana's docs
 * (Folder HTTP API, Alerting provisioning HTTP API) and its handlers do:
 *
 * - `GET /api/folders/<uid>` (404 when missing), `POST /api/folders` with `{uid?, title}` (412 on a taken uid);
 * - `GET /api/v1/provisioning/alert-rules/<uid>` (404 with an empty body when missing), `POST …/alert-rules`
 *   (201; 400 on a uid already taken, as Grafana's unique-constraint answer), `PUT …/alert-rules/<uid>`
 *   (404 when missing), each body a ProvisionedAlertRule checked against the documented model: required fields
 *   and their types, the enums, `__dashboardUid__` and `__panelId__` only together, `condition` naming a query.
 *   A field the model does not have is refused too, where Grafana would drop it without a word, so a
 *   file-provisioning field such as `dashboardUid` cannot vanish unnoticed;
 * - `GET/PUT /api/v1/provisioning/folder/<folderUid>/rule-groups/<group>` (AlertRuleGroup, interval in seconds;
 *   the PUT replaces the group's rules with the body's).
 *
 * A rule written with `X-Disable-Provenance` is stored without a provenance, otherwise with `api`; Grafana
 * refuses to change a rule's provenance once set. Saving fills what Grafana's AlertQuery.PreSave fills
 * (intervalMs and maxDataPoints in each model, queryType, a 0-0 time range), and a new group gets Grafana's
 * default evaluation interval of one minute.
 */

export type HttpAnswer = [number, unknown];

/** A rule as Grafana stores and answers it. */
export interface StoredRule {
  id: number;
  uid: string;
  orgID: number;
  folderUID: string;
  ruleGroup: string;
  title: string;
  condition: string;
  data: Array<{
    refId: string;
    queryType: string;
    relativeTimeRange: { from: number; to: number };
    datasourceUid: string;
    model: Record<string, unknown>;
  }>;
  updated: string;
  noDataState: string;
  execErrState: string;
  for: string;
  annotations?: Record<string, string>;
  labels?: Record<string, string>;
  provenance: string;
  isPaused: boolean;
}

interface Folder {
  id: number;
  uid: string;
  title: string;
  version: number;
}

/** The ProvisionedAlertRule model's fields; `id`, `updated` and `provenance` are read-only but may come back. */
const RULE_FIELDS = new Set([
  'id',
  'uid',
  'orgID',
  'folderUID',
  'ruleGroup',
  'title',
  'condition',
  'data',
  'updated',
  'noDataState',
  'execErrState',
  'for',
  'annotations',
  'labels',
  'provenance',
  'isPaused',
]);
const QUERY_FIELDS = new Set(['refId', 'queryType', 'relativeTimeRange', 'datasourceUid', 'model']);
const NO_DATA_STATES = ['Alerting', 'NoData', 'OK', 'KeepLast'];
const EXEC_ERR_STATES = ['Alerting', 'Error', 'OK', 'KeepLast'];
const EXPRESSIONS = '__expr__';
const DEFAULT_INTERVAL_SECONDS = 60;
/** Grafana's base evaluation interval: every group interval is a multiple of it. */
const BASE_INTERVAL_SECONDS = 10;
const UID = /^[A-Za-z0-9_-]{1,40}$/;
const DURATION = /^(\d+(ms|[smhdwy]))+$|^0$/;

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isStringMap = (v: unknown) => isObject(v) && Object.values(v).every((x) => typeof x === 'string');
const title190 = (v: unknown) => typeof v === 'string' && v.length >= 1 && v.length <= 190;

/** What is wrong with one element of a rule's `data`, if anything. */
function queryProblems(query: unknown, i: number): string[] {
  if (!isObject(query)) {
    return [`data[${i}] must be an object`];
  }
  const problems = Object.keys(query)
    .filter((key) => !QUERY_FIELDS.has(key))
    .map((key) => `data[${i}] has no field ${key}`);
  if (typeof query.refId !== 'string' || query.refId === '') {
    problems.push(`data[${i}].refId must be a non-empty string`);
  }
  if (typeof query.datasourceUid !== 'string' || query.datasourceUid === '') {
    problems.push(`data[${i}].datasourceUid must be a non-empty string`);
  }
  if (!isObject(query.model)) {
    problems.push(`data[${i}].model must be an object`);
  }
  if (query.queryType !== undefined && typeof query.queryType !== 'string') {
    problems.push(`data[${i}].queryType must be a string`);
  }
  const range = query.relativeTimeRange as { from?: unknown; to?: unknown } | undefined;
  if (range !== undefined && !(isObject(range) && typeof range.from === 'number' && typeof range.to === 'number')) {
    problems.push(`data[${i}].relativeTimeRange must be {from, to} in seconds`);
  }
  // A datasource query needs a window ending before it starts; expressions have none.
  if (query.datasourceUid !== EXPRESSIONS && !(range && Number(range.from) > Number(range.to))) {
    problems.push(`data[${i}]: invalid relative time range`);
  }
  return problems;
}

/** What is wrong with a ProvisionedAlertRule body, by the documented model; empty when nothing is. */
export function alertRuleProblems(body: unknown): string[] {
  if (!isObject(body)) {
    return ['the body must be a ProvisionedAlertRule object'];
  }
  const problems = Object.keys(body)
    .filter((key) => !RULE_FIELDS.has(key))
    .map((key) => `ProvisionedAlertRule has no field ${key}`);
  const check = (ok: boolean, problem: string) => {
    if (!ok) {
      problems.push(problem);
    }
  };
  check(title190(body.title), 'title is required: 1 to 190 characters');
  check(title190(body.ruleGroup), 'ruleGroup is required: 1 to 190 characters');
  check(typeof body.folderUID === 'string' && body.folderUID !== '', 'folderUID is required');
  check(Number.isInteger(body.orgID), 'orgID is required: an integer');
  check(typeof body.condition === 'string' && body.condition !== '', 'condition is required');
  check(NO_DATA_STATES.includes(body.noDataState as string), `noDataState must be one of ${NO_DATA_STATES}`);
  check(EXEC_ERR_STATES.includes(body.execErrState as string), `execErrState must be one of ${EXEC_ERR_STATES}`);
  check(typeof body.for === 'string' && DURATION.test(body.for), 'for is required: a duration such as 5m');
  check(
    body.uid === undefined || (typeof body.uid === 'string' && UID.test(body.uid)),
    'uid: 1 to 40 of [A-Za-z0-9_-]'
  );
  check(body.labels === undefined || isStringMap(body.labels), 'labels must map strings to strings');
  check(body.annotations === undefined || isStringMap(body.annotations), 'annotations must map strings to strings');
  check(body.isPaused === undefined || typeof body.isPaused === 'boolean', 'isPaused must be a boolean');
  if (!Array.isArray(body.data) || body.data.length === 0) {
    problems.push('data is required: at least one query');
  } else {
    problems.push(...body.data.flatMap(queryProblems));
    const refIds = body.data.map((q) => (q as { refId?: unknown }).refId);
    check(new Set(refIds).size === refIds.length, 'data: refIds must be unique');
    check(refIds.includes(body.condition), `condition ${String(body.condition)} names no query`);
  }
  const annotations = isObject(body.annotations) ? body.annotations : {};
  const dashboard = annotations.__dashboardUid__;
  const panel = annotations.__panelId__;
  check(
    (dashboard === undefined) === (panel === undefined),
    'both annotations __dashboardUid__ and __panelId__ must be specified'
  );
  check(panel === undefined || /^\d+$/.test(String(panel)), 'annotation __panelId__ must be a valid integer Panel ID');
  return problems;
}

const groupKey = (folderUid: string, group: string) => `${folderUid}\u0000${group}`;

export class AlertingStandIn {
  private readonly folders = new Map<string, Folder>();
  private readonly rules = new Map<string, StoredRule>();
  private readonly intervals = new Map<string, number>();
  private nextId = 1;

  /** Grafana's copy of a rule, as GET answers it. */
  alertRule(uid: string): StoredRule | undefined {
    const rule = this.rules.get(uid);
    return rule && structuredClone(rule);
  }

  /** Replaces Grafana's copy of a rule, as an edit in Grafana's UI would. */
  editAlertRule(uid: string, edit: (rule: StoredRule) => void): void {
    const rule = this.rules.get(uid);
    if (!rule) {
      throw new Error(`no alert rule ${uid}`);
    }
    edit(rule);
  }

  /** Sets a group's evaluation interval, as Grafana's rule group editor would. */
  setGroupInterval(folderUid: string, group: string, seconds: number): void {
    this.intervals.set(groupKey(folderUid, group), seconds);
  }

  /** The answer to a folder or alerting provisioning request, or undefined for any other path. */
  answer(method: string, pathname: string, body: unknown, disableProvenance: boolean): HttpAnswer | undefined {
    const provenance = disableProvenance ? '' : 'api';
    const folder = /^\/api\/folders\/([^/]+)$/.exec(pathname);
    const rule = /^\/api\/v1\/provisioning\/alert-rules\/([^/]+)$/.exec(pathname);
    const group = /^\/api\/v1\/provisioning\/folder\/([^/]+)\/rule-groups\/([^/]+)$/.exec(pathname);
    if (folder && method === 'GET') {
      const found = this.folders.get(folder[1]);
      return found ? [200, this.folderDto(found)] : [404, { message: 'folder not found' }];
    }
    if (pathname === '/api/folders' && method === 'POST') {
      return this.createFolder(body);
    }
    if (rule && method === 'GET') {
      const found = this.rules.get(rule[1]);
      return found ? [200, found] : [404, ''];
    }
    if (pathname === '/api/v1/provisioning/alert-rules' && method === 'POST') {
      return this.createRule(body, provenance);
    }
    if (rule && method === 'PUT') {
      return this.updateRule(rule[1], body, provenance);
    }
    if (group && method === 'GET') {
      return this.readGroup(group[1], decodeURIComponent(group[2]));
    }
    if (group && method === 'PUT') {
      return this.replaceGroup(group[1], decodeURIComponent(group[2]), body, provenance);
    }
    return undefined;
  }

  private folderDto(folder: Folder) {
    return { ...folder, url: `/dashboards/f/${folder.uid}/`, hasAcl: false, canSave: true, canEdit: true };
  }

  private createFolder(body: unknown): HttpAnswer {
    const { uid, title } = (isObject(body) ? body : {}) as { uid?: unknown; title?: unknown };
    if (typeof title !== 'string' || title.trim() === '') {
      return [400, { message: 'folder title cannot be empty' }];
    }
    if (uid !== undefined && !(typeof uid === 'string' && UID.test(uid))) {
      return [400, { message: 'uid contains illegal characters or is longer than 40' }];
    }
    const folderUid = (uid as string | undefined) ?? `folder-${this.nextId}`;
    if (this.folders.has(folderUid)) {
      return [412, { message: 'a folder with the same uid already exists' }];
    }
    const created = { id: this.nextId++, uid: folderUid, title, version: 1 };
    this.folders.set(folderUid, created);
    return [200, this.folderDto(created)];
  }

  /** The rule as Grafana saves it: the body, the query defaults PreSave fills in, and the server's fields. */
  private stored(body: Record<string, unknown>, uid: string, provenance: string, id: number): StoredRule {
    const rule = structuredClone(body) as unknown as StoredRule;
    return {
      ...rule,
      id,
      uid,
      data: rule.data.map((q) => ({
        ...q,
        queryType: q.queryType ?? '',
        relativeTimeRange: q.relativeTimeRange ?? { from: 0, to: 0 },
        model: { intervalMs: 1000, maxDataPoints: 43200, ...q.model },
      })),
      updated: new Date().toISOString(),
      provenance,
      isPaused: rule.isPaused ?? false,
    };
  }

  /** Grafana's checks on a rule it is to save, beyond the body's shape: its folder exists. */
  private refusal(body: unknown): HttpAnswer | undefined {
    const problems = alertRuleProblems(body);
    if (problems.length > 0) {
      return [400, { message: `invalid alert rule: ${problems.join('; ')}` }];
    }
    const { folderUID } = body as { folderUID: string };
    return this.folders.has(folderUID) ? undefined : [400, { message: `folder ${folderUID} does not exist` }];
  }

  private save(rule: StoredRule): void {
    this.rules.set(rule.uid, rule);
    const key = groupKey(rule.folderUID, rule.ruleGroup);
    if (!this.intervals.has(key)) {
      this.intervals.set(key, DEFAULT_INTERVAL_SECONDS);
    }
  }

  private createRule(body: unknown, provenance: string): HttpAnswer {
    const refused = this.refusal(body);
    if (refused) {
      return refused;
    }
    const fields = body as Record<string, unknown>;
    const uid = (fields.uid as string | undefined) ?? `rule-${this.nextId}`;
    if (this.rules.has(uid)) {
      return [400, { message: `failed to save alert rule: a rule with UID '${uid}' already exists` }];
    }
    const created = this.stored(fields, uid, provenance, this.nextId++);
    this.save(created);
    return [201, created];
  }

  private provenanceRefusal(current: StoredRule, provenance: string): HttpAnswer | undefined {
    return current.provenance !== '' && current.provenance !== provenance
      ? [400, { message: `cannot change provenance from '${current.provenance}' to '${provenance}'` }]
      : undefined;
  }

  private updateRule(uid: string, body: unknown, provenance: string): HttpAnswer {
    const current = this.rules.get(uid);
    if (!current) {
      return [404, ''];
    }
    const refused = this.refusal(body) ?? this.provenanceRefusal(current, provenance);
    if (refused) {
      return refused;
    }
    const updated = this.stored(body as Record<string, unknown>, uid, provenance, current.id);
    this.save(updated);
    return [200, updated];
  }

  private groupRules(folderUid: string, group: string): StoredRule[] {
    return [...this.rules.values()].filter((r) => r.folderUID === folderUid && r.ruleGroup === group);
  }

  private readGroup(folderUid: string, group: string): HttpAnswer {
    const rules = this.groupRules(folderUid, group);
    if (rules.length === 0) {
      return [404, { message: 'rule group does not exist' }];
    }
    return [200, { title: group, folderUid, interval: this.intervals.get(groupKey(folderUid, group)), rules }];
  }

  private replaceGroup(folderUid: string, group: string, body: unknown, provenance: string): HttpAnswer {
    const { interval, rules } = (isObject(body) ? body : {}) as { interval?: unknown; rules?: unknown };
    if (!Number.isInteger(interval) || (interval as number) <= 0 || (interval as number) % BASE_INTERVAL_SECONDS) {
      return [400, { message: `interval must be a positive multiple of ${BASE_INTERVAL_SECONDS} seconds` }];
    }
    if (!Array.isArray(rules)) {
      return [400, { message: 'rules must be a list of ProvisionedAlertRule' }];
    }
    // Grafana takes the group's folder and title from the path.
    const placed: Array<Record<string, unknown>> = rules.map((r) => ({
      ...(isObject(r) ? r : {}),
      folderUID: folderUid,
      ruleGroup: group,
    }));
    const refused =
      placed.map((r) => this.refusal(r)).find((r) => r !== undefined) ??
      this.groupRules(folderUid, group)
        .map((r) => this.provenanceRefusal(r, provenance))
        .find((r) => r !== undefined);
    if (refused) {
      return refused;
    }
    for (const gone of this.groupRules(folderUid, group).filter((r) => !placed.some((p) => p.uid === r.uid))) {
      this.rules.delete(gone.uid);
    }
    for (const rule of placed) {
      const uid = (rule.uid as string | undefined) ?? `rule-${this.nextId}`;
      this.save(this.stored(rule, uid, provenance, this.rules.get(uid)?.id ?? this.nextId++));
    }
    this.intervals.set(groupKey(folderUid, group), interval as number);
    return [200, { title: group, folderUid, interval, rules: this.groupRules(folderUid, group) }];
  }
}
