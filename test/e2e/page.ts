/**
 * The page every browser suite starts from: the host bundle built, the host server serving it with the
 * built plugins, headless Chromium on the host page once the host is ready, and every console error and
 * uncaught page error collected, except the 404s of Grafana core assets the npm packages do not ship.
 */
import { existsSync } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import path from 'node:path';
import type { BrowserContext, ConsoleMessage, Page } from 'playwright-core';

import { launchChromium } from './chromium';
import type { AppSettings } from './grafana-api';
import { buildHost, REPO_ROOT } from './host/build';
import type { OspreyHost } from './host/host';
import { type HostServer, type ProxiedDataSource, startHostServer } from './server';

declare global {
  interface Window {
    ospreyHost: OspreyHost;
  }
}

export const APP_ID = 'osprey-apm-app';
export const DIST = path.join(REPO_ROOT, 'dist');
const SCREENSHOTS = path.join(REPO_ROOT, 'test-output', 'e2e');
// @grafana/ui is hoisted to the root node_modules; its icons are what Grafana serves under public/build.
const ICONS = path.join(REPO_ROOT, 'node_modules', '@grafana', 'ui', 'dist', 'public', 'img', 'icons');

/** The URL Grafana serves a file of the built app under, e.g. `datasource/module.js`. */
export function pluginUrl(file: string): string {
  return `/public/plugins/${APP_ID}/${file}`;
}

export const DS_MODULE = pluginUrl('datasource/module.js');

/**
 * Grafana core serves these, the npm packages lack them: the host answers 404 and Chromium logs each
 * 404 as a console error. A suite names the ones its pages ask for; any other error stays.
 */
const MISSING_CORE_ASSETS = {
  /** Inter, the theme's text font. */
  interFont: /\/public\/fonts\/inter\//,
  /** Roboto Mono, the theme's monospace font (thread stacks). */
  robotoMonoFont: /\/public\/fonts\/roboto\//,
  /** Every font under public/fonts. */
  fonts: /\/public\/fonts\//,
  /** PanelChrome's streaming indicator. */
  streamingIcon: /\/public\/build\/img\/icons\/mono\/circle-mono\.svg$/,
  /** LoadingPlaceholder's spinner. */
  spinnerIcon: /\/icons\/unicons\/spinner\.svg$/,
};

/** Fails early, before a backend or a demo starts, when the plugins a suite loads have not been built. */
export function requireBuilt(files: string[]): void {
  for (const file of files) {
    if (!existsSync(path.join(DIST, file))) {
      throw new Error(
        `dist/${file} is missing: run \`npm run build\` first (the root \`npm test\` builds before jest)`
      );
    }
  }
}

/** The instance settings Grafana hands the built datasource for a datasource the data proxy serves. */
export function dataSourceSettings(uid: string, id = 1) {
  return {
    id,
    uid,
    type: 'osprey-apm-datasource',
    name: 'Osprey',
    access: 'proxy',
    url: `/api/datasources/proxy/uid/${uid}`,
    jsonData: {},
    readOnly: false,
    meta: { id: 'osprey-apm-datasource', name: 'Osprey', type: 'datasource', info: {}, module: DS_MODULE, baseUrl: '' },
  };
}

export interface HostPageOptions {
  /** The console errors a suite expects: the 404s of these Grafana core assets. */
  missingAssets: Array<keyof typeof MISSING_CORE_ASSETS>;
  dataSources?: ProxiedDataSource[];
  appSettings?: AppSettings;
  viewport?: { width: number; height: number };
  /** How long loading the page and starting the host may take (default 30 s). */
  loadTimeoutMs?: number;
}

export interface HostPage {
  page: Page;
  server: HostServer;
  /** Console errors and uncaught page errors so far, in order; suites assert it empty. */
  consoleErrors: string[];
  /**
   * Takes out the console errors Chromium logged for answers of `status` from URLs containing `urlPath`,
   * the ones a step provokes on purpose, and returns how many there were.
   */
  takeResourceErrors(status: number, urlPath: string): number;
  /** Renders a built panel with the last query's data (the host's `renderPanel`); answers the options it used. */
  renderPanel(
    moduleUrl: string,
    size: { width: number; height: number },
    title?: string,
    /** Panel options over the plugin's defaults. */
    options?: object
  ): Promise<{ options: unknown }>;
  /** Saves a screenshot of the panel (or the full page) as test-output/e2e/<file> and prints where. */
  screenshot(file: string, of?: 'panel' | 'page'): Promise<void>;
  /** Closes Chromium and the host server and removes the browser profile; a failed close does not stop the rest. */
  stop(): Promise<void>;
}

export async function openHostPage(options: HostPageOptions): Promise<HostPage> {
  const hostBuild = await buildHost();
  console.log(`host bundle: ${hostBuild.bytes} bytes, built in ${hostBuild.millis} ms`);
  await mkdir(SCREENSHOTS, { recursive: true });
  const server = await startHostServer({
    distDir: DIST,
    hostDir: hostBuild.outDir,
    iconsDir: ICONS,
    appId: APP_ID,
    dataSources: options.dataSources ?? [],
    appSettings: options.appSettings,
  });
  let browser: { profileDir: string; context: BrowserContext } | undefined;
  const stop = async () => {
    await browser?.context.close().catch(() => undefined);
    await server.close().catch(() => undefined);
    if (browser) {
      await rm(browser.profileDir, { recursive: true, force: true });
    }
  };

  const consoleErrors: string[] = [];
  const recordConsole = (message: ConsoleMessage) => {
    const where = message.location().url;
    if (message.type() === 'error' && !options.missingAssets.some((asset) => MISSING_CORE_ASSETS[asset].test(where))) {
      consoleErrors.push(`${message.text()} (${where})`);
    }
  };
  const takeResourceErrors = (status: number, urlPath: string) => {
    const expected = `status of ${status} `;
    const taken = consoleErrors.filter((e) => e.includes(expected) && e.includes(urlPath));
    consoleErrors.splice(0, consoleErrors.length, ...consoleErrors.filter((e) => !taken.includes(e)));
    return taken.length;
  };

  try {
    browser = await launchChromium(options.viewport);
    const page = browser.context.pages()[0] ?? (await browser.context.newPage());
    page.on('console', recordConsole);
    page.on('pageerror', (err) => consoleErrors.push(`page error: ${err.message}`));
    const timeout = options.loadTimeoutMs ?? 30_000;
    await page.goto(server.url + '/', { timeout });
    await page.waitForSelector('body[data-host-ready=true]', { state: 'attached', timeout });
    const renderPanel = (moduleUrl: string, size: { width: number; height: number }, title?: string, chosen = {}) =>
      page.evaluate(([url, s, t, o]) => window.ospreyHost.renderPanel(url, s.width, s.height, t, o), [
        moduleUrl,
        size,
        title,
        chosen,
      ] as const);
    const screenshot = async (file: string, of: 'panel' | 'page' = 'panel') => {
      const where = path.join(SCREENSHOTS, file);
      await (of === 'panel'
        ? page.locator('#panel').screenshot({ path: where })
        : page.screenshot({ path: where, fullPage: true }));
      console.log(`screenshot: ${where}`);
    };
    return { page, server, consoleErrors, takeResourceErrors, renderPanel, screenshot, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}

/** The suite's teardown: stops each part in order (the page before what fed it), skipping what never started. */
export async function stopAll(...parts: Array<{ stop(): Promise<void> } | undefined>): Promise<void> {
  for (const part of parts) {
    await part?.stop();
  }
}
