/**
 * The built app plugin (dist/module.js) in Chromium, mounted the way Grafana mounts an app: its config page
 * and its root (getting-started) page, with the meta from the host server's stand-in for Grafana's plugin
 * settings API. The backend is the real `osprey serve` fed by the real OpenTelemetry SDK; the health check
 * and the services list reach it only through the app's plugin route, which the host server fills from
 * the saved settings as Grafana's plugin proxy does. "Create / update the Osprey datasource" calls the
 * host server's stand-in for Grafana's datasource API, whose bodies the test asserts, and the datasource it
 * made is then queried through the data proxy.
 */
import { type Page } from 'playwright-core';

import type { HealthResponse, ServicesResponse } from '@osprey/model';

import { startBackend, type Backend } from './backend';
import { APP_ID, type HostPage, openHostPage, pluginUrl, requireBuilt, stopAll } from './page';
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

async function outcome(testId: string): Promise<string> {
  const alert = page.getByTestId(testId);
  await alert.waitFor();
  return (await alert.innerText()).replace(/\s+/g, ' ').trim();
}

/** The calls made to the Grafana API stand-in since `from`, bodies included. */
const callsSince = (from: number) => host!.server.grafanaApiCalls().slice(from);

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

  it('does not offer the datasource action to an Editor', async () => {
    await mountConfig('Editor');
    await page.getByText('An organization admin can create the Osprey datasource').waitFor();
    expect(await page.getByRole('button', { name: /Create \/ update/ }).count()).toBe(0);
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
      ].map((uid) => `/d/${uid}`)
    );
    await host!.screenshot('app-getting-started.png', 'page');
  });
});
