/**
 * The built app plugin (dist/module.js) in Chromium, mounted the way Grafana mounts an app: its config page
 * and its root (getting-started) page, with the meta from the host server's stand-in for Grafana's plugin
 * settings API. The backend is the real `osprey serve` fed by the real OpenTelemetry SDK; the health check
 * and the services list reach it only through the app's plugin route, which the host server fills from
 * the saved settings as Grafana's plugin proxy does. "Create / update the Osprey datasource" calls the
 * host server's stand-in for Grafana's datasource API, whose bodies the test asserts, and the datasource it
 * made is then queried through the data proxy.
 */
import { existsSync } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import path from 'node:path';
import { type BrowserContext, type Page } from 'playwright-core';

import type { HealthResponse, ServicesResponse } from '@osprey/model';

import { startBackend, type Backend } from './backend';
import { launchChromium } from './chromium';
import { buildHost, REPO_ROOT } from './host/build';
import type { OspreyHost } from './host/host';
import { type HostServer, startHostServer } from './server';
import { sendShopTraffic } from './shop-traffic';

jest.setTimeout(180_000);

const APP_ID = 'osprey-apm-app';
const DIST = path.join(REPO_ROOT, 'dist');
const APP_MODULE = `/public/plugins/${APP_ID}/module.js`;
const ICONS = path.join(REPO_ROOT, 'node_modules', '@grafana', 'ui', 'dist', 'public', 'img', 'icons');
const SCREENSHOTS = path.join(REPO_ROOT, 'test-output', 'e2e');
const TOKENS = { read: 'app-e2e-read', ingest: 'app-e2e-ingest', admin: 'app-e2e-admin' };
// Grafana core serves these; the npm packages lack the fonts and the spinner icon LoadingPlaceholder shows.
const KNOWN_CORE_ASSET_404 = /\/public\/fonts\/|\/icons\/unicons\/spinner\.svg$/;
const SETTINGS_PATH = `/api/plugins/${APP_ID}/settings`;

declare global {
  interface Window {
    ospreyHost: OspreyHost;
  }
}

let backend: Backend;
let server: HostServer | undefined;
let context: BrowserContext | undefined;
let profileDir: string | undefined;
let page: Page;
let health: HealthResponse;
let services: string[];
const consoleErrors: string[] = [];

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

/**
 * Chromium logs every 4xx answer as a console error; the ones a step provokes on purpose are taken out
 * (and must be there), any other stays for afterEach to fail on.
 */
function takeResourceErrors(status: number, urlPath: string): number {
  const expected = `status of ${status} `;
  const taken = consoleErrors.filter((e) => e.includes(expected) && e.includes(urlPath));
  consoleErrors.splice(0, consoleErrors.length, ...consoleErrors.filter((e) => !taken.includes(e)));
  return taken.length;
}

/** The calls made to the Grafana API stand-in since `from`, bodies included. */
const callsSince = (from: number) => server!.grafanaApiCalls().slice(from);

beforeAll(async () => {
  for (const file of ['module.js', 'plugin.json', 'datasource/plugin.json']) {
    if (!existsSync(path.join(DIST, file))) {
      throw new Error(`dist/${file} is missing: run \`npm run build\` first`);
    }
  }
  const hostBuild = await buildHost();
  backend = await startBackend(TOKENS);
  sendShopTraffic(backend.url, TOKENS.ingest, 1);
  health = await backend.call<HealthResponse>('GET', '/health', TOKENS.read);
  ({ services } = await backend.call<ServicesResponse>('GET', '/api/v1/services', TOKENS.read));
  server = await startHostServer({
    distDir: DIST,
    hostDir: hostBuild.outDir,
    iconsDir: ICONS,
    appId: APP_ID,
    dataSources: [],
    appSettings: { enabled: true, pinned: true, jsonData: {}, secureJsonData: {} },
  });
  ({ profileDir, context } = await launchChromium({ width: 1100, height: 1000 }));
  page = context.pages()[0] ?? (await context.newPage());
  page.on('console', (message) => {
    if (message.type() === 'error' && !KNOWN_CORE_ASSET_404.test(message.location().url)) {
      consoleErrors.push(`${message.text()} (${message.location().url})`);
    }
  });
  page.on('pageerror', (err) => consoleErrors.push(`page error: ${err.message}`));
  await page.goto(server.url + '/');
  await page.waitForSelector('body[data-host-ready=true]', { state: 'attached', timeout: 30_000 });
  await mkdir(SCREENSHOTS, { recursive: true });
});

afterAll(async () => {
  await context?.close().catch(() => undefined);
  await server?.close().catch(() => undefined);
  await backend?.stop();
  if (profileDir) {
    await rm(profileDir, { recursive: true, force: true });
  }
});

afterEach(() => {
  expect(consoleErrors).toEqual([]);
});

describe('built app plugin in Chromium', () => {
  it('has traffic in the backend before the pages look at it', () => {
    expect(services).toEqual(expect.arrayContaining(['frontend', 'orders']));
    expect(health.status).toBe('ok');
  });

  it('config page saves the URL and token as the app settings, the token only in secureJsonData', async () => {
    await mountConfig();
    const from = server!.grafanaApiCalls().length;
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
    await page.screenshot({ path: path.join(SCREENSHOTS, 'app-config.png'), fullPage: true });
  });

  it('creates the Osprey datasource, then updates it, through the datasource API', async () => {
    const from = server!.grafanaApiCalls().length;
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
    expect(takeResourceErrors(404, '/api/datasources/uid/osprey')).toBe(1);

    const second = server!.grafanaApiCalls().length;
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
    expect(takeResourceErrors(401, `/api/plugin-proxy/${APP_ID}/osprey/api/v1/services`)).toBe(1);

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
    await page.screenshot({ path: path.join(SCREENSHOTS, 'app-getting-started.png'), fullPage: true });
  });
});
