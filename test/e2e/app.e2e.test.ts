/**
 * The built app plugin (dist/module.js) in Chromium, mounted the way Grafana mounts an app: its config page
 * and its root (getting-started) page, with the meta from the host server's stand-in for Grafana's plugin
 * settings API. The backend is the real `osprey serve` fed by the real OpenTelemetry SDK; the health check
 * and the services list reach it only through the app's plugin route, which the host server fills from
 * the saved settings as Grafana's plugin proxy does. "Create / update the Osprey datasource" calls the
 * host server's stand-in for Grafana's datasource API, whose bodies the test asserts, and the datasource it
 * made is then queried through the data proxy. "Install alert rules" calls its stand-in for the folder and
 * alerting provisioning API, which checks each body against the documented model; the test asserts the
 * bodies against provisioning/alerting/rules.yaml.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { type Page } from 'playwright-core';
import { parse } from 'yaml';

import {
  HOST_REQUEST_SERVICE,
  type HealthResponse,
  type IncidentListResponse,
  type JvmRequestsResponse,
  type ServicesResponse,
} from '@osprey/model';

import { readHostSnapshot } from '../../agent/src/host/read';
import type { GrafanaRulesFile } from '../../scripts/src/alerting/grafana-rules';

import { startBackend, type Backend } from './backend';
import type { GrafanaApiCall } from './grafana-api';
import { APP_ID, type HostPage, openHostPage, pluginUrl, requireBuilt, stopAll } from './page';
import { REPO_ROOT } from './host/build';
import { sendShopTraffic } from './shop-traffic';

jest.setTimeout(180_000);

const APP_MODULE = pluginUrl('module.js');
const TOKENS = { read: 'app-e2e-read', ingest: 'app-e2e-ingest', admin: 'app-e2e-admin' };
const SETTINGS_PATH = `/api/plugins/${APP_ID}/settings`;

let backend: Backend;
let host: HostPage | undefined;
let page: Page;
let consoleErrors: string[] = [];
let health: HealthResponse;
let services: string[];

async function mountConfig(role: 'Admin' | 'Editor' | 'Viewer' = 'Admin') {
  await page.evaluate(
    ([url, id, r]) => {
      window.ospreyHost.setUser(r);
      return window.ospreyHost.mountAppConfig(url, id);
    },
    [APP_MODULE, APP_ID, role] as const
  );
  await page.locator('#osprey-app-url').waitFor();
}

/**
 * Grafana's default date format (`YYYY-MM-DD HH:mm:ss`, the browser's time zone), written out here:
 * @grafana/data needs a DOM to load. The browser and this process share the machine's time zone.
 */
function localDateTime(ms: number): string {
  const d = new Date(ms);
  const two = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${two(d.getMonth() + 1)}-${two(d.getDate())} ${two(d.getHours())}:${two(d.getMinutes())}:${two(d.getSeconds())}`;
}

/** Points the app at `url` through its config page, as an admin would; the saved token stays (both backends take it). */
async function saveSettings(url: string): Promise<void> {
  await mountConfig();
  await page.locator('#osprey-app-url').fill(url);
  await page.getByRole('button', { name: 'Save settings' }).click();
  expect(await outcome('osprey-app-saved')).toContain('Settings saved');
}

async function outcome(testId: string): Promise<string> {
  const alert = page.getByTestId(testId);
  await alert.waitFor();
  return (await alert.innerText()).replace(/\s+/g, ' ').trim();
}

/** The calls made to the Grafana API stand-in since `from`, bodies included. */
const callsSince = (from: number) => host!.server.grafanaApiCalls().slice(from);

const RULES_API = '/api/v1/provisioning/alert-rules';
const EDITABLE_IN_UI = { 'X-Disable-Provenance': 'true' };
const rulesFile = parse(
  readFileSync(path.join(REPO_ROOT, 'provisioning/alerting/rules.yaml'), 'utf8')
) as GrafanaRulesFile;
const [ruleGroup] = rulesFile.groups;
const GROUP_API = `/api/v1/provisioning/folder/osprey/rule-groups/${ruleGroup.name}`;

/**
 * The ProvisionedAlertRule bodies the alerting provisioning API documents for the file's rules: its fields,
 * the folder by uid, the group by name, the org, and the file's dashboardUid/panelId as the
 * `__dashboardUid__`/`__panelId__` annotations, which Grafana takes only together.
 */
const ruleBodies = ruleGroup.rules.map(({ dashboardUid, panelId, ...rule }) => ({
  ...rule,
  folderUID: 'osprey',
  ruleGroup: ruleGroup.name,
  orgID: 1,
  annotations: {
    ...rule.annotations,
    ...(panelId === undefined ? {} : { __dashboardUid__: dashboardUid, __panelId__: String(panelId) }),
  },
}));

async function installAlertRules(expectedText: string): Promise<GrafanaApiCall[]> {
  const from = host!.server.grafanaApiCalls().length;
  await page.getByRole('button', { name: 'Install alert rules' }).click();
  await page.getByTestId('osprey-app-alert-rules').getByText(expectedText).waitFor();
  return callsSince(from);
}

const writes = (calls: GrafanaApiCall[]) => calls.filter((c) => c.method !== 'GET');

/** An upload with the ingest token, as an agent makes it; the id the backend gave the capture. */
async function upload(pathAndQuery: string, body: string, contentType: string): Promise<string> {
  return (await backend.call<{ id: string }>('POST', pathAndQuery, TOKENS.ingest, body, contentType)).id;
}

/** Plays an agent: waits for the pending capture request of `target`, claims it, uploads, reports the result. */
async function answerCapture(target: string, capture: () => Promise<string>): Promise<void> {
  const deadline = Date.now() + 15_000;
  for (;;) {
    const { requests } = await backend.call<JvmRequestsResponse>(
      'GET',
      `/api/v1/jvm/requests?${target}&status=pending`,
      TOKENS.ingest
    );
    const [request] = requests;
    if (request) {
      await backend.call('POST', `/api/v1/jvm/requests/${request.id}/claim`, TOKENS.ingest);
      const resultId = await capture();
      const result = JSON.stringify({ resultId });
      await backend.call(
        'POST',
        `/api/v1/jvm/requests/${request.id}/result`,
        TOKENS.ingest,
        result,
        'application/json'
      );
      return;
    }
    if (Date.now() > deadline) {
      throw new Error(`no capture request for ${target} reached the backend`);
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

beforeAll(async () => {
  requireBuilt(['module.js', 'plugin.json', 'datasource/plugin.json']);
  backend = await startBackend(TOKENS);
  sendShopTraffic(backend.url, TOKENS.ingest, 1);
  health = await backend.call<HealthResponse>('GET', '/health', TOKENS.read);
  ({ services } = await backend.call<ServicesResponse>('GET', '/api/v1/services', TOKENS.read));
  host = await openHostPage({
    missingAssets: ['fonts', 'spinnerIcon'],
    appSettings: { enabled: true, pinned: true, jsonData: {}, secureJsonData: {} },
    viewport: { width: 1100, height: 1000 },
  });
  ({ page, consoleErrors } = host);
});

afterAll(() => stopAll(host, backend));

afterEach(() => expect(consoleErrors).toEqual([]));

describe('built app plugin in Chromium', () => {
  it('has traffic in the backend before the pages look at it', () => {
    expect(services).toEqual(expect.arrayContaining(['frontend', 'orders']));
    expect(health.status).toBe('ok');
  });

  it('config page saves the URL and token as the app settings, the token only in secureJsonData', async () => {
    await mountConfig();
    const from = host!.server.grafanaApiCalls().length;
    await page.locator('#osprey-app-url').fill(backend.url);
    await page.locator('#osprey-app-token').fill(TOKENS.read);
    await page.getByRole('button', { name: 'Save settings' }).click();
    expect(await outcome('osprey-app-saved')).toContain('Settings saved');
    expect(callsSince(from)).toEqual([
      {
        method: 'POST',
        path: SETTINGS_PATH,
        body: { enabled: true, pinned: true, jsonData: { url: backend.url }, secureJsonData: { token: TOKENS.read } },
        status: 200,
      },
    ]);
  });

  it('health check reports the live backend through the app plugin route', async () => {
    await page.getByRole('button', { name: 'Test connection' }).click();
    expect(await outcome('osprey-app-health')).toContain(
      `Osprey ${health.version} (${health.store}) is up; the token can read ${services.length} service(s).`
    );
    await host!.screenshot('app-config.png', 'page');
  });

  it('creates the Osprey datasource, then updates it, through the datasource API', async () => {
    const from = host!.server.grafanaApiCalls().length;
    await page.getByRole('button', { name: 'Create / update the Osprey datasource' }).click();
    expect(await outcome('osprey-app-datasource')).toContain('The Osprey datasource (uid osprey) was created.');
    const expectedBody = {
      uid: 'osprey',
      name: 'Osprey',
      type: 'osprey-apm-datasource',
      access: 'proxy',
      jsonData: { url: backend.url },
      secureJsonData: { token: TOKENS.read },
    };
    expect(callsSince(from)).toEqual([
      { method: 'GET', path: '/api/datasources/uid/osprey', status: 404 },
      { method: 'POST', path: '/api/datasources', body: expectedBody, status: 200 },
    ]);
    expect(host!.takeResourceErrors(404, '/api/datasources/uid/osprey')).toBe(1);

    const second = host!.server.grafanaApiCalls().length;
    await page.getByRole('button', { name: 'Create / update the Osprey datasource' }).click();
    await page.getByText('The Osprey datasource (uid osprey) was updated.').waitFor();
    expect(callsSince(second)).toEqual([
      { method: 'GET', path: '/api/datasources/uid/osprey', status: 200 },
      {
        method: 'PUT',
        path: '/api/datasources/uid/osprey',
        body: { ...expectedBody, version: 1 },
        status: 200,
      },
    ]);

    // The datasource it made answers through the data proxy with its own URL and token.
    const proxied = await page.evaluate(async () => {
      const response = await fetch('/api/datasources/proxy/uid/osprey/osprey/api/v1/services');
      return { status: response.status, body: (await response.json()) as ServicesResponse };
    });
    expect(proxied).toEqual({ status: 200, body: { services } });
  });

  it('a reopened config page shows the token as configured and never holds it', async () => {
    await mountConfig();
    await expect(page.locator('#osprey-app-url').inputValue()).resolves.toBe(backend.url);
    const token = page.locator('#osprey-app-token');
    await expect(token.inputValue()).resolves.toBe('configured');
    await expect(token.isDisabled()).resolves.toBe(true);
    expect(await page.content()).not.toContain(TOKENS.read);
    const settings = await page.evaluate(async (url) => (await fetch(url)).text(), SETTINGS_PATH);
    expect(settings).not.toContain(TOKENS.read);
    expect(JSON.parse(settings)).toMatchObject({ secureJsonFields: { token: true }, jsonData: { url: backend.url } });
  });

  it('a wrong token makes the health check fail with the 401 the backend gave', async () => {
    await page.getByRole('button', { name: 'Reset' }).click();
    await page.locator('#osprey-app-token').fill('not-a-token');
    await page.getByRole('button', { name: 'Save settings' }).click();
    await page.getByText('Settings saved').waitFor();
    await page.getByRole('button', { name: 'Test connection' }).click();
    expect(await outcome('osprey-app-health')).toContain('Reading services with the token was refused (401)');
    expect(host!.takeResourceErrors(401, `/api/plugin-proxy/${APP_ID}/osprey/api/v1/services`)).toBe(1);

    await page.getByRole('button', { name: 'Reset' }).click();
    await page.locator('#osprey-app-token').fill(TOKENS.read);
    await page.getByRole('button', { name: 'Save settings' }).click();
    await page.getByRole('button', { name: 'Test connection' }).click();
    await page.getByText(`Osprey ${health.version} (${health.store}) is up`).waitFor();
  });

  it('installs the alert rules: the folder made by uid, then every rule created in it, editable in Grafana', async () => {
    await mountConfig();
    const calls = await installAlertRules(`Alert rules installed: ${ruleBodies.length} created.`);
    expect(calls).toEqual([
      ...ruleBodies.map((r) => ({ method: 'GET', path: `${RULES_API}/${r.uid}`, status: 404 })),
      { method: 'GET', path: '/api/folders/osprey', status: 404 },
      { method: 'POST', path: '/api/folders', body: { uid: 'osprey', title: 'Osprey' }, status: 200 },
      ...ruleBodies.map((body) => ({ method: 'POST', path: RULES_API, headers: EDITABLE_IN_UI, body, status: 201 })),
      { method: 'GET', path: GROUP_API, status: 200 },
    ]);
    for (const { uid } of ruleBodies) {
      expect(host!.takeResourceErrors(404, `${RULES_API}/${uid}`)).toBe(1);
      expect(host!.server.alerting.alertRule(uid)).toMatchObject({ folderUID: 'osprey', provenance: '' });
    }
    expect(host!.takeResourceErrors(404, '/api/folders/osprey')).toBe(1);
    const outcome = await page.getByTestId('osprey-app-alert-rules').innerText();
    expect(outcome).toContain('Folder Osprey (uid osprey): created');
    expect(outcome).toContain(`Rule group ${ruleGroup.name}: every 60s`);
    await host!.screenshot('app-alert-rules.png', 'page');
  });

  it('installing again changes nothing and says so, with no write request', async () => {
    const calls = await installAlertRules(
      `Nothing changed: the alert rules are already installed as shipped (${ruleBodies.length} unchanged).`
    );
    expect(calls).toHaveLength(ruleBodies.length + 1);
    expect(writes(calls)).toEqual([]);
  });

  it('updates only the rule someone changed in Grafana, keeping its pause', async () => {
    const [, second] = ruleBodies;
    host!.server.alerting.editAlertRule(second.uid, (rule) => {
      rule.data[2].model.conditions = [{ evaluator: { type: 'gt', params: [0.5] } }];
      rule.isPaused = true;
    });
    const calls = await installAlertRules(`Alert rules installed: 1 updated, ${ruleBodies.length - 1} unchanged.`);
    expect(writes(calls)).toEqual([
      {
        method: 'PUT',
        path: `${RULES_API}/${second.uid}`,
        headers: EDITABLE_IN_UI,
        body: { ...second, isPaused: true },
        status: 200,
      },
    ]);
    expect(host!.server.alerting.alertRule(second.uid)?.data[2].model.conditions).toEqual(
      second.data[2].model.conditions
    );
  });

  it("sets the group's evaluation interval back when it differs from the file's", async () => {
    host!.server.alerting.setGroupInterval('osprey', ruleGroup.name, 300);
    const calls = await installAlertRules(`Rule group ${ruleGroup.name} set to evaluate every 60s.`);
    expect(writes(calls)).toEqual([
      {
        method: 'PUT',
        path: GROUP_API,
        headers: EDITABLE_IN_UI,
        body: expect.objectContaining({ title: ruleGroup.name, folderUid: 'osprey', interval: 60 }),
        status: 200,
      },
    ]);
    expect((writes(calls)[0].body as { rules: unknown[] }).rules).toHaveLength(ruleBodies.length);
  });

  it('does not offer the datasource or the alert rules to an Editor', async () => {
    await mountConfig('Editor');
    await page.getByText('An organization admin can create the Osprey datasource').waitFor();
    await page.getByText('An organization admin can install the Osprey alert rules').waitFor();
    expect(await page.getByRole('button', { name: /Create \/ update/ }).count()).toBe(0);
    expect(await page.getByRole('button', { name: 'Install alert rules' }).count()).toBe(0);
  });

  it('getting-started page shows the backend, the datasource, the services and the dashboards', async () => {
    await page.evaluate(([url, id]) => window.ospreyHost.mountAppRoot(url, id), [APP_MODULE, APP_ID] as const);
    const backendStatus = page.getByTestId('osprey-backend-status');
    await backendStatus.getByText('Backend connected').waitFor();
    expect(await backendStatus.innerText()).toContain(`Osprey ${health.version}, store ${health.store}`);
    await page.getByTestId('osprey-datasource-status').getByText('Datasource ready').waitFor();

    const serviceLinks = page.getByTestId('osprey-services').getByRole('link');
    expect(await serviceLinks.allInnerTexts()).toEqual(services);
    const dashboards = await page
      .getByTestId('osprey-dashboards')
      .getByRole('link')
      .evaluateAll((links) => links.map((a) => a.getAttribute('href')));
    expect(dashboards).toEqual(
      [
        'osprey-service-overview',
        'osprey-transactions',
        'osprey-service-map',
        'osprey-jvm',
        'osprey-containers',
        'osprey-hosts',
        'osprey-host-snapshots',
        'osprey-health',
      ].map((uid) => `/d/${uid}`)
    );
    await host!.screenshot('app-getting-started.png', 'page');
  });

  it('Incidents: "Collect incident" asks the backend; once the agents answered, the page lists the bundle the backend made', async () => {
    await page.evaluate(([url, id]) => window.ospreyHost.mountAppRoot(url, id, 'incidents'), [
      APP_MODULE,
      APP_ID,
    ] as const);
    await page.getByText('No incident collected yet.').waitFor();
    const target = { service: 'orders', instance: 'orders-1', host: `app-e2e-${process.pid}` };
    for (const [field, value] of Object.entries({ ...target, note: 'orders slow since the deploy' })) {
      await page.locator(`#osprey-incident-${field}`).fill(value);
    }
    await page.getByTestId('osprey-incident-ask').click();
    // The test plays the agents of the JVM and of the host: real JDK 17 captures, a real /proc snapshot.
    const jvm = `service=${target.service}&instance=${target.instance}`;
    const fixture = (file: string) => readFileSync(path.join(REPO_ROOT, 'test/fixtures/jvm/jdk17', file), 'utf8');
    await answerCapture(jvm, () => upload(`/api/v1/jvm/threaddumps?${jvm}`, fixture('jstack-l.txt'), 'text/plain'));
    await answerCapture(jvm, () =>
      upload(`/api/v1/jvm/heaphistograms?${jvm}`, fixture('class_histogram.txt'), 'text/plain')
    );
    await answerCapture(`service=${HOST_REQUEST_SERVICE}&instance=${target.host}`, () =>
      upload('/api/v1/hosts/snapshots', JSON.stringify(readHostSnapshot(target.host)), 'application/json')
    );
    const list = page.getByTestId('osprey-incidents');
    await list.getByText('ready', { exact: true }).waitFor({ timeout: 30_000 });

    const { incidents } = await backend.call<IncidentListResponse>('GET', '/api/v1/incidents', TOKENS.read);
    expect(incidents.map((i) => i.status)).toEqual(['ready']);
    const [incident] = incidents;
    const row = list.locator('tbody tr');
    await expect(row.count()).resolves.toBe(1);
    expect((await row.locator('td').allInnerTexts()).slice(1)).toEqual([
      `${target.service} / ${target.instance}`,
      target.host,
      'ready',
      'threaddump done; heaphistogram done; hostsnapshot done',
      'orders slow since the deploy',
      `Download (${Math.ceil(incident.bundle!.bytes / 1024)} KiB, ${incident.bundle!.files.length} files)`,
    ]);
    // The link goes through the app's plugin route, which adds the token: the bytes are the bundle's.
    const href = await row.getByRole('link').getAttribute('href');
    expect(href).toBe(`/api/plugin-proxy/${APP_ID}/osprey/api/v1/incidents/${incident.id}/bundle`);
    const digest = await page.evaluate(async (url) => {
      const bytes = await (await fetch(url)).arrayBuffer();
      const hash = new Uint8Array(await crypto.subtle.digest('SHA-256', bytes));
      return Array.from(hash, (b) => b.toString(16).padStart(2, '0')).join('');
    }, href!);
    expect(digest).toBe(incident.bundle!.sha256);
    await host!.screenshot('app-incidents.png', 'page');
  });

  it('Incidents: the bundle imported into a second backend is listed there as imported, with when', async () => {
    const { incidents } = await backend.call<IncidentListResponse>('GET', '/api/v1/incidents', TOKENS.read);
    const [incident] = incidents;
    const bundle = await fetch(`${backend.url}/api/v1/incidents/${incident.id}/bundle`, {
      headers: { Authorization: `Bearer ${TOKENS.read}` },
    });
    const second = await startBackend(TOKENS);
    try {
      const imported = await fetch(`${second.url}/api/v1/incidents/import`, {
        method: 'POST',
        headers: { Authorization: `Bearer ${TOKENS.admin}`, 'Content-Type': 'application/zip' },
        body: Buffer.from(await bundle.arrayBuffer()),
      });
      expect(imported.status).toBe(201);
      const { incidents: there } = await second.call<IncidentListResponse>('GET', '/api/v1/incidents', TOKENS.read);
      const importedAt = there[0].importedAt!;
      expect(importedAt).toBeGreaterThan(incident.createdAt);
      await saveSettings(second.url);
      await page.evaluate(([url, id]) => window.ospreyHost.mountAppRoot(url, id, 'incidents'), [
        APP_MODULE,
        APP_ID,
      ] as const);
      const row = page.getByTestId('osprey-incidents').locator('tbody tr');
      await row.first().waitFor();
      const status = `ready, imported ${localDateTime(importedAt)}`;
      expect((await row.locator('td').allInnerTexts()).slice(1, 4)).toEqual([
        `${incident.service} / ${incident.instance}`,
        incident.host,
        status,
      ]);
    } finally {
      await second.stop();
      await saveSettings(backend.url);
    }
  });
});
