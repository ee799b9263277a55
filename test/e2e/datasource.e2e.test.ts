/**
 * The built datasource (dist/datasource/module.js) in Chromium, loaded the way Grafana loads it,
 * against `osprey serve` fed by the real OpenTelemetry SDK: a trace query's frame as the Traces
 * panel reads it (Grafana's trace view component is in Grafana core, not in the npm packages the
 * host has, so the frame is asserted), and a live XLOG query growing over polls without duplicates.
 */
import { existsSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import path from 'node:path';
import { type BrowserContext, type Page } from 'playwright-core';

import { TRACE_PANEL_FIELDS } from '../../datasource/src/panel-contracts.fixture';
import { launchChromium } from './chromium';
import { startBackend, type Backend } from './backend';
import { buildHost, REPO_ROOT } from './host/build';
import type { OspreyHost } from './host/host';
import { type HostServer, startHostServer } from './server';
import { sendShopTraffic, type ShopTraces } from './shop-traffic';

jest.setTimeout(180_000);

const APP_ID = 'osprey-apm-app';
const DIST = path.join(REPO_ROOT, 'dist');
const DS_MODULE = `/public/plugins/${APP_ID}/datasource/module.js`;
const ICONS = path.join(REPO_ROOT, 'node_modules', '@grafana', 'ui', 'dist', 'public', 'img', 'icons');
const DS_UID = 'osprey-ds-e2e';
const TOKENS = { read: 'ds-e2e-read', ingest: 'ds-e2e-ingest', admin: 'ds-e2e-admin' };
const KNOWN_FONT_404 = /\/public\/fonts\//;

declare global {
  interface Window {
    ospreyHost: OspreyHost;
  }
}

let backend: Backend | undefined;
let server: HostServer | undefined;
let context: BrowserContext | undefined;
let profileDir: string | undefined;
let page: Page;
let traffic: ShopTraces;
const consoleErrors: string[] = [];

function instanceSettings() {
  return {
    id: 1,
    uid: DS_UID,
    type: 'osprey-apm-datasource',
    name: 'Osprey',
    access: 'proxy',
    url: `/api/datasources/proxy/uid/${DS_UID}`,
    jsonData: {},
    readOnly: false,
    meta: { id: 'osprey-apm-datasource', name: 'Osprey', type: 'datasource', info: {}, module: DS_MODULE, baseUrl: '' },
  };
}

beforeAll(async () => {
  for (const module of ['datasource/module.js', 'datasource/plugin.json']) {
    if (!existsSync(path.join(DIST, module))) {
      throw new Error(`dist/${module} is missing: run \`npm run build\` first`);
    }
  }
  const hostBuild = await buildHost();
  backend = await startBackend(TOKENS);
  traffic = sendShopTraffic(backend.url, TOKENS.ingest, 1);
  server = await startHostServer({
    distDir: DIST,
    hostDir: hostBuild.outDir,
    iconsDir: ICONS,
    appId: APP_ID,
    dataSources: [{ uid: DS_UID, jsonData: { url: backend.url }, secureJsonData: { token: TOKENS.read } }],
  });
  ({ profileDir, context } = await launchChromium());
  page = context.pages()[0] ?? (await context.newPage());
  page.on('console', (message) => {
    if (message.type() === 'error' && !KNOWN_FONT_404.test(message.location().url)) {
      consoleErrors.push(`${message.text()} (${message.location().url})`);
    }
  });
  page.on('pageerror', (err) => consoleErrors.push(`page error: ${err.message}`));
  await page.goto(server.url + '/');
  await page.waitForSelector('body[data-host-ready=true]', { state: 'attached', timeout: 30_000 });
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

describe('built datasource in Chromium', () => {
  it('a trace query gives the frame the Traces panel reads', async () => {
    const summary = await page.evaluate(
      ([url, settings, traceId]) =>
        window.ospreyHost.query(url, settings as never, [{ refId: 'T', queryType: 'trace', traceId } as never], 10),
      [DS_MODULE, instanceSettings(), traffic.failed] as const
    );
    expect(summary.error).toBeUndefined();
    expect(summary.frames).toBe(1);
    expect(summary.refId).toBe('T');
    expect(summary.rows).toBe(4);
    expect(summary.fields.map((f) => [f.name, f.type])).toEqual(TRACE_PANEL_FIELDS);
  });

  it('a live XLOG query grows over two polls without duplicates', async () => {
    const packets = page.evaluate(
      ([url, settings]) =>
        window.ospreyHost.stream(
          url,
          settings as never,
          [{ refId: 'A', queryType: 'xlog', live: true } as never],
          10,
          3
        ),
      [DS_MODULE, instanceSettings()] as const
    );
    // After the first poll (at once) and before the third (4 s later).
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const second = sendShopTraffic(backend!.url, TOKENS.ingest, 2);
    const answers = await packets;
    expect(answers.map((p) => [p.state, p.error, p.duplicateRows])).toEqual([
      ['Streaming', undefined, 0],
      ['Streaming', undefined, 0],
      ['Streaming', undefined, 0],
    ]);
    expect(answers[0].rows).toBe(4);
    expect(answers[2].rows).toBe(8);
    expect(answers[0].traceIds).not.toContain(second.ok);
    expect(answers[2].traceIds).toEqual(expect.arrayContaining([second.ok, second.failed, traffic.ok, traffic.failed]));
  });
});
