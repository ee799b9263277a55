/** The Grafana API stand-in of the e2e host: the answers the app's pages rely on, as Grafana gives them. */
import { type AppSettings, GrafanaApiStandIn } from './grafana-api';
import type { ProxiedDataSource } from './server';

const SETTINGS = '/api/plugins/osprey-apm-app/settings';
const BY_UID = '/api/datasources/uid/osprey';

function standIn(dataSources: ProxiedDataSource[] = []) {
  const settings: AppSettings = {
    enabled: true,
    pinned: false,
    jsonData: { url: 'http://a:1' },
    secureJsonData: { token: 'secret-1' },
  };
  const map = new Map(dataSources.map((ds) => [ds.uid, ds]));
  return { api: new GrafanaApiStandIn({ id: 'osprey-apm-app', type: 'app' }, settings, map), map };
}

const stored: ProxiedDataSource = {
  uid: 'osprey',
  name: 'Osprey',
  type: 'osprey-apm-datasource',
  access: 'proxy',
  id: 7,
  version: 2,
  jsonData: { url: 'http://a:1' },
  secureJsonData: { token: 'secret-1' },
};

describe('app plugin settings', () => {
  it('answers secureJsonData only as secureJsonFields', () => {
    const [status, body] = standIn().api.handle('GET', SETTINGS, undefined);
    expect(status).toBe(200);
    expect(body).toEqual({
      id: 'osprey-apm-app',
      type: 'app',
      enabled: true,
      pinned: false,
      jsonData: { url: 'http://a:1' },
      secureJsonFields: { token: true },
    });
    expect(JSON.stringify(body)).not.toContain('secret-1');
  });

  it.each([
    { name: 'keeps the token when secureJsonData is absent', secure: undefined, token: 'secret-1' },
    { name: 'replaces the token when one is sent', secure: { token: 'secret-2' }, token: 'secret-2' },
    { name: 'clears it with an empty value', secure: { token: '' }, token: '' },
  ])('POST $name', ({ secure, token }) => {
    const { api } = standIn();
    const body = { enabled: true, pinned: true, jsonData: { url: 'http://b:2' }, secureJsonData: secure };
    expect(api.handle('POST', SETTINGS, body)[0]).toBe(200);
    expect(api.appSettings).toEqual({
      enabled: true,
      pinned: true,
      jsonData: { url: 'http://b:2' },
      secureJsonData: { token },
    });
  });
});

describe('datasources by uid', () => {
  it.each([
    { name: 'GET of a missing uid', existing: [], method: 'GET', path: BY_UID, body: undefined, status: 404 },
    { name: 'PUT of a missing uid', existing: [], method: 'PUT', path: BY_UID, body: stored, status: 404 },
    {
      name: 'POST of a taken uid',
      existing: [stored],
      method: 'POST',
      path: '/api/datasources',
      body: stored,
      status: 409,
    },
    {
      name: 'POST without a type',
      existing: [],
      method: 'POST',
      path: '/api/datasources',
      body: { ...stored, type: undefined },
      status: 400,
    },
    {
      name: 'PUT with a stale version',
      existing: [stored],
      method: 'PUT',
      path: BY_UID,
      body: { ...stored, version: 1 },
      status: 409,
    },
    {
      name: 'an unknown path',
      existing: [],
      method: 'GET',
      path: '/api/datasources/name/osprey',
      body: undefined,
      status: 404,
    },
  ])('$name → $status with a message', ({ existing, method, path, body, status }) => {
    const [got, answer] = standIn(existing).api.handle(method, path, body);
    expect([got, answer]).toEqual([status, { message: expect.any(String) }]);
  });

  it('creates, answers without the token, updates keeping the token, and records every call', () => {
    const { api, map } = standIn();
    const create = {
      uid: 'osprey',
      name: 'Osprey',
      type: 'osprey-apm-datasource',
      access: 'proxy',
      jsonData: { url: 'http://a:1' },
      secureJsonData: { token: 't1' },
    };
    expect(api.handle('POST', '/api/datasources', create)).toEqual([
      200,
      expect.objectContaining({ id: 100, message: 'Datasource added', name: 'Osprey' }),
    ]);
    const [, read] = api.handle('GET', BY_UID, undefined);
    expect(read).toEqual({
      ...create,
      secureJsonData: undefined,
      id: 100,
      version: 1,
      secureJsonFields: { token: true },
    });

    const update = { ...create, secureJsonData: undefined, version: 1, jsonData: { url: 'http://b:2' } };
    expect(api.handle('PUT', BY_UID, update)[0]).toBe(200);
    expect(map.get('osprey')).toMatchObject({
      id: 100,
      version: 2,
      jsonData: { url: 'http://b:2' },
      secureJsonData: { token: 't1' },
    });
    expect(api.calls().map((c) => [c.method, c.path, c.status])).toEqual([
      ['POST', '/api/datasources', 200],
      ['GET', BY_UID, 200],
      ['PUT', BY_UID, 200],
    ]);
  });
});

describe('folders and alerting provisioning', () => {
  const RULES = '/api/v1/provisioning/alert-rules';
  const GROUP = '/api/v1/provisioning/folder/osprey/rule-groups/osprey-alerts';
  const EDITABLE = { 'x-disable-provenance': 'true' };
  /** A ProvisionedAlertRule as the alerting provisioning API documents it: a query, a threshold on it. */
  const rule = {
    uid: 'osprey-jvm-deadlock',
    title: 'OspreyJvmDeadlock',
    ruleGroup: 'osprey-alerts',
    folderUID: 'osprey',
    orgID: 1,
    condition: 'B',
    for: '5m',
    noDataState: 'OK',
    execErrState: 'Error',
    labels: { severity: 'critical' },
    annotations: { summary: 'deadlock', __dashboardUid__: 'osprey-jvm', __panelId__: '2' },
    data: [
      {
        refId: 'A',
        relativeTimeRange: { from: 600, to: 0 },
        datasourceUid: 'prometheus',
        model: { refId: 'A', expr: 'osprey_jvm_deadlocked_threads' },
      },
      {
        refId: 'B',
        datasourceUid: '__expr__',
        model: {
          refId: 'B',
          type: 'threshold',
          expression: 'A',
          conditions: [{ evaluator: { type: 'gt', params: [0] } }],
        },
      },
    ],
  };

  function withFolder() {
    const { api } = standIn();
    expect(api.handle('POST', '/api/folders', { uid: 'osprey', title: 'Osprey' })[0]).toBe(200);
    return api;
  }

  it('answers a missing folder 404, makes it by uid, and refuses the uid a second time with 412', () => {
    const { api } = standIn();
    expect(api.handle('GET', '/api/folders/osprey', undefined)[0]).toBe(404);
    expect(api.handle('POST', '/api/folders', { uid: 'osprey', title: 'Osprey' })).toEqual([
      200,
      expect.objectContaining({ uid: 'osprey', title: 'Osprey', version: 1 }),
    ]);
    expect(api.handle('GET', '/api/folders/osprey', undefined)[0]).toBe(200);
    expect(api.handle('POST', '/api/folders', { uid: 'osprey', title: 'Other' })[0]).toBe(412);
    expect(api.handle('POST', '/api/folders', { uid: 'x' })[0]).toBe(400);
  });

  it('creates a documented rule, stores it as Grafana does, and answers it by uid', () => {
    const api = withFolder();
    expect(api.handle('GET', `${RULES}/${rule.uid}`, undefined)).toEqual([404, '']);
    const [status, created] = api.handle('POST', RULES, rule, EDITABLE);
    expect(status).toBe(201);
    expect(created).toEqual({
      ...rule,
      id: expect.any(Number),
      updated: expect.any(String),
      provenance: '',
      isPaused: false,
      data: [
        { ...rule.data[0], queryType: '', model: { ...rule.data[0].model, intervalMs: 1000, maxDataPoints: 43200 } },
        {
          ...rule.data[1],
          queryType: '',
          relativeTimeRange: { from: 0, to: 0 },
          model: { ...rule.data[1].model, intervalMs: 1000, maxDataPoints: 43200 },
        },
      ],
    });
    expect(api.handle('GET', `${RULES}/${rule.uid}`, undefined)).toEqual([200, created]);
    expect(api.calls().map((c) => [c.method, c.path, c.headers, c.status])).toEqual([
      ['POST', '/api/folders', undefined, 200],
      ['GET', `${RULES}/${rule.uid}`, undefined, 404],
      ['POST', RULES, { 'X-Disable-Provenance': 'true' }, 201],
      ['GET', `${RULES}/${rule.uid}`, undefined, 200],
    ]);
  });

  it('refuses a create for a uid Grafana has, as its unique constraint does', () => {
    const api = withFolder();
    api.handle('POST', RULES, rule, EDITABLE);
    expect(api.handle('POST', RULES, { ...rule, title: 'Another' }, EDITABLE)).toEqual([
      400,
      { message: expect.stringContaining('already exists') },
    ]);
  });

  it.each<[string, Record<string, unknown>, string]>([
    ['without a title', { title: undefined }, 'title is required'],
    ['without a group', { ruleGroup: '' }, 'ruleGroup is required'],
    ['without an org', { orgID: undefined }, 'orgID is required'],
    ['with a "for" that is no duration', { for: '5 minutes' }, 'for is required'],
    ['with an unknown no-data state', { noDataState: 'Ok' }, 'noDataState must be one of'],
    ['with a condition naming no query', { condition: 'C' }, 'condition C names no query'],
    ['with the file format’s dashboardUid', { dashboardUid: 'osprey-jvm' }, 'has no field dashboardUid'],
    [
      'with a dashboard annotation but no panel',
      { annotations: { __dashboardUid__: 'osprey-jvm' } },
      'both annotations __dashboardUid__ and __panelId__',
    ],
    [
      'with a datasource query without a time range',
      { data: [{ ...rule.data[0], relativeTimeRange: undefined }, rule.data[1]] },
      'invalid relative time range',
    ],
    ['in a folder Grafana does not have', { folderUID: 'nowhere' }, 'folder nowhere does not exist'],
  ])('refuses a rule %s with 400', (_name, change, problem) => {
    const api = withFolder();
    const [status, answer] = api.handle('POST', RULES, { ...rule, ...change }, EDITABLE);
    expect(status).toBe(400);
    expect((answer as { message: string }).message).toContain(problem);
  });

  it('updates a rule by uid, 404 for a missing one, and will not take a provenance away', () => {
    const api = withFolder();
    expect(api.handle('PUT', `${RULES}/${rule.uid}`, rule, EDITABLE)).toEqual([404, '']);
    api.handle('POST', RULES, rule);
    expect(api.alerting.alertRule(rule.uid)?.provenance).toBe('api');
    expect(api.handle('PUT', `${RULES}/${rule.uid}`, { ...rule, for: '10m' }, EDITABLE)).toEqual([
      400,
      { message: "cannot change provenance from 'api' to ''" },
    ]);
    expect(api.handle('PUT', `${RULES}/${rule.uid}`, { ...rule, for: '10m' })[0]).toBe(200);
    expect(api.alerting.alertRule(rule.uid)?.for).toBe('10m');
  });

  it('puts a new group at the default interval of 1m and sets it through the group, keeping its rules', () => {
    const api = withFolder();
    expect(api.handle('GET', GROUP, undefined)[0]).toBe(404);
    api.handle('POST', RULES, rule, EDITABLE);
    const [, group] = api.handle('GET', GROUP, undefined);
    expect(group).toEqual({ title: 'osprey-alerts', folderUid: 'osprey', interval: 60, rules: [expect.any(Object)] });
    expect(api.handle('PUT', GROUP, { ...(group as object), interval: 15 }, EDITABLE)[0]).toBe(400);
    expect(api.handle('PUT', GROUP, { ...(group as object), interval: 120 }, EDITABLE)[0]).toBe(200);
    expect(api.handle('GET', GROUP, undefined)[1]).toMatchObject({ interval: 120, rules: [{ uid: rule.uid }] });
  });
});
