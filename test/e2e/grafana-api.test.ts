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
