import {
  type AlertRulesInstall,
  canInstallAlertRules,
  canManageDataSources,
  dataSourceBody,
  describeAlertRulesInstall,
  type ExistingDataSource,
  type FolderState,
} from './grafana-api';

const existing: ExistingDataSource = {
  id: 7,
  uid: 'osprey',
  name: 'Osprey (prod)',
  type: 'osprey-apm-datasource',
  access: 'proxy',
  isDefault: true,
  version: 3,
  jsonData: { url: 'http://old:4318', timeout: 20 },
};

describe('dataSourceBody', () => {
  it.each([
    {
      name: 'a new datasource gets the URL and the typed token',
      existing: undefined,
      url: ' http://osprey:4318 ',
      token: 'read-1',
      body: {
        uid: 'osprey',
        name: 'Osprey',
        type: 'osprey-apm-datasource',
        access: 'proxy',
        jsonData: { url: 'http://osprey:4318' },
        secureJsonData: { token: 'read-1' },
      },
    },
    {
      name: 'an update keeps name, other jsonData, default flag and version, and sends a typed token',
      existing,
      url: 'https://osprey.example:4318',
      token: 'read-2',
      body: {
        uid: 'osprey',
        name: 'Osprey (prod)',
        type: 'osprey-apm-datasource',
        access: 'proxy',
        isDefault: true,
        version: 3,
        jsonData: { url: 'https://osprey.example:4318', timeout: 20 },
        secureJsonData: { token: 'read-2' },
      },
    },
    {
      name: 'an update without a typed token leaves secureJsonData out so Grafana keeps the saved one',
      existing,
      url: 'http://osprey:4318',
      token: '',
      body: {
        uid: 'osprey',
        name: 'Osprey (prod)',
        type: 'osprey-apm-datasource',
        access: 'proxy',
        isDefault: true,
        version: 3,
        jsonData: { url: 'http://osprey:4318', timeout: 20 },
      },
    },
  ])('$name', ({ existing: ds, url, token, body }) => {
    expect(dataSourceBody(ds, url, token)).toEqual(body);
  });

  it.each([
    { name: 'an empty URL', existing, url: '', token: 't', error: /"" is not an http\(s\) URL/ },
    { name: 'a URL without scheme', existing, url: 'osprey:4318', token: 't', error: /not an http\(s\) URL/ },
    {
      name: 'a new datasource without token',
      existing: undefined,
      url: 'http://o:1',
      token: '',
      error: /type the token/,
    },
  ])('refuses $name', ({ existing: ds, url, token, error }) => {
    expect(() => dataSourceBody(ds, url, token)).toThrow(error);
  });
});

describe('canManageDataSources', () => {
  it.each([
    { user: { orgRole: 'Admin', isGrafanaAdmin: false }, may: true },
    { user: { orgRole: 'Editor', isGrafanaAdmin: true }, may: true },
    { user: { orgRole: 'Editor', isGrafanaAdmin: false }, may: false },
    { user: { orgRole: 'Viewer', isGrafanaAdmin: false }, may: false },
    { user: { orgRole: '', isGrafanaAdmin: false }, may: false },
    { user: undefined, may: false },
  ])('$user → $may', ({ user, may }) => {
    expect(canManageDataSources(user)).toBe(may);
  });
});

describe('canInstallAlertRules', () => {
  it.each([
    { user: { orgRole: 'Admin' }, may: true },
    { user: { orgRole: 'Editor', isGrafanaAdmin: true }, may: false },
    { user: { orgRole: 'Viewer' }, may: false },
    { user: undefined, may: false },
  ])('$user → $may', ({ user, may }) => {
    expect(canInstallAlertRules(user)).toBe(may);
  });
});

describe('describeAlertRulesInstall', () => {
  type Rule = AlertRulesInstall['rules'][number];
  const rule = (title: string, action: Rule['action'], provenance?: string): Rule => ({
    uid: title.toLowerCase(),
    title,
    action,
    provenance,
  });

  it.each<{ name: string; folder: FolderState; intervalSet: boolean; rules: Rule[]; text: string; details: string[] }>([
    {
      name: 'a first install: the folder made, every rule created',
      folder: 'created',
      intervalSet: false,
      rules: [rule('A', 'create'), rule('B', 'create')],
      text: 'Alert rules installed: 2 created.',
      details: [
        'Folder Osprey (uid osprey): created',
        'Rule group osprey-alerts: every 60s',
        'A: created',
        'B: created',
      ],
    },
    {
      name: 'nothing changed, naming a rule another owner provisioned',
      folder: 'existing',
      intervalSet: false,
      rules: [rule('A', 'unchanged'), rule('B', 'keep', 'file')],
      text: 'Nothing changed: the alert rules are already installed as shipped (1 unchanged, 1 kept as its owner provisioned it).',
      details: [
        'Folder Osprey (uid osprey): already there',
        'Rule group osprey-alerts: every 60s',
        'A: unchanged',
        'B: kept as its owner provisioned it (provenance file)',
      ],
    },
    {
      name: 'an update, with the group interval set',
      folder: 'existing',
      intervalSet: true,
      rules: [rule('A', 'update'), rule('B', 'unchanged')],
      text: 'Alert rules installed: 1 updated, 1 unchanged. Rule group osprey-alerts set to evaluate every 60s.',
      details: [
        'Folder Osprey (uid osprey): already there',
        'Rule group osprey-alerts: every 60s (interval set)',
        'A: updated',
        'B: unchanged',
      ],
    },
  ])('tells $name', ({ folder, intervalSet, rules, text, details }) => {
    const install: AlertRulesInstall = {
      folders: [{ uid: 'osprey', title: 'Osprey', state: folder }],
      groups: [{ name: 'osprey-alerts', intervalSeconds: 60, intervalSet }],
      rules,
    };
    expect(describeAlertRulesInstall(install)).toEqual({ text, details });
  });
});
