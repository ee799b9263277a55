import { canManageDataSources, dataSourceBody, type ExistingDataSource } from './grafana-api';

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
