/**
 * The dashboard preview as `npm start` serves it: the real entry (demo/dist/start.js) with its backend,
 * its shop's live traffic and its preview server; Chromium on the page. The service overview's XLOG
 * draws the demo's transactions, the variables and the time picker change what the panels ask the
 * backend for (read off the requests the page makes), and the read token is nowhere in the browser.
 */
import { mkdir } from 'node:fs/promises';
import path from 'node:path';

import { bundlePreview, REPO_ROOT } from '@osprey/host';
import type { BrowserContext, Page, Request } from 'playwright-core';

import { freePort } from '../../bench/free-port';
import { launchChromium } from './chromium';
import { type DemoStack, startDemo, waitForTraffic } from './demo-stack';
import { requireBuilt } from './page';
import { browserState, networkTraffic, sightings } from './token-sightings';

jest.setTimeout(240_000);

const READ_TOKEN = 'e2e-preview-read-token-7f3a91c2';
const SCREENSHOTS = path.join(REPO_ROOT, 'test-output', 'e2e');
const PROXY = '/api/datasources/proxy/uid/osprey/osprey';
/** Grafana core's fonts, which the npm packages do not ship: the only console errors allowed. */
const MISSING_FONTS = /\/public\/fonts\//;

let demo: DemoStack | undefined;
let browser: { profileDir: string; context: BrowserContext } | undefined;
let page: Page;
/** From the backend answering /health to the preview answering its page, its bundle and the datasource. */
let previewLagMs = Number.NaN;
const requests: Request[] = [];
const consoleErrors: string[] = [];

/** Polls `url` until it answers 200; the time it first did. */
async function answeredAt(url: string, deadline: number): Promise<number> {
  while (Date.now() < deadline) {
    const ok = await fetch(url).then(
      (r) => r.ok,
      () => false
    );
    if (ok) {
      return Date.now();
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`${url} did not answer`);
}

/** The proxied backend calls to `apiPath` the page has made since `since` (an index into requests). */
function calls(apiPath: string, since = 0): URL[] {
  return requests
    .slice(since)
    .map((r) => new URL(r.url()))
    .filter((u) => u.pathname === `${PROXY}${apiPath}`);
}

async function waitForCall(apiPath: string, since: number, test: (u: URL) => boolean): Promise<URL> {
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    const found = calls(apiPath, since).find(test);
    if (found) {
      return found;
    }
    await page.waitForTimeout(200);
  }
  throw new Error(`no ${apiPath} call matched; made: ${calls(apiPath, since).join('\n')}`);
}

/** Picks `option` in one of @grafana/ui's selects, as a user does: open it, type, Enter. */
async function pick(inputId: string, option: string): Promise<void> {
  await page.locator(`#${inputId}`).click();
  await page.keyboard.type(option);
  await page.keyboard.press('Enter');
}

async function xlogDots(): Promise<number> {
  const canvas = page.locator('[data-testid=osprey-xlog-canvas]');
  await canvas.waitFor({ state: 'visible', timeout: 30_000 });
  await page.waitForFunction(
    () => {
      const el = document.querySelector('[data-testid=osprey-xlog-canvas]');
      const dots = Number(el?.getAttribute('data-dots') ?? 0);
      return dots > 0 && el?.getAttribute('data-drawn-dots') === String(dots);
    },
    undefined,
    { timeout: 30_000 }
  );
  return Number(await canvas.getAttribute('data-dots'));
}

/**
 * The endpoint summary as @grafana/ui's Table drew it, against the backend's answer to the page's own
 * summary request: the dashboard's display names in the header, its sort (count, descending) in the rows,
 * every drawn endpoint one the backend answered. The number of rows drawn.
 */
async function endpointSummaryMatchesTheBackend(): Promise<number> {
  const table = page.locator('[data-panel-type=table]').filter({ hasText: 'Endpoint summary' }).getByRole('table');
  await table.getByRole('cell').first().waitFor({ state: 'visible', timeout: 30_000 });
  const headers = await table.getByRole('columnheader').allTextContents();
  expect(headers.slice(0, 3)).toEqual(['Service', 'Endpoint', 'Count']);
  const drawn = await table
    .getByRole('row')
    .filter({ has: page.getByRole('cell') })
    .evaluateAll((rows) =>
      rows.map((row) => Array.from(row.querySelectorAll('[role=cell]'), (cell) => cell.textContent ?? ''))
    );
  const asked = requests.filter((r) => new URL(r.url()).pathname === `${PROXY}/api/v1/statistics/summary`);
  expect(asked).toHaveLength(1);
  const answer = (await (await asked[0].response())!.json()) as {
    summaries: Array<{ endpoint: string; count: number }>;
  };
  const counts = answer.summaries.map((s) => s.count).sort((a, b) => b - a);
  expect(drawn.map((cells) => Number(cells[2]))).toEqual(counts.slice(0, drawn.length));
  const endpoints = new Set(answer.summaries.map((s) => s.endpoint));
  expect(drawn.filter((cells) => !endpoints.has(cells[1]))).toEqual([]);
  return drawn.length;
}

beforeAll(async () => {
  requireBuilt(['datasource/module.js', 'panels/xlog/module.js', 'dashboards/service-overview.json']);
  // The page as this tree's sources make it, where npm start serves it from.
  await bundlePreview();
  const ports = { backend: await freePort(), preview: await freePort() };
  const deadline = Date.now() + 60_000;
  const listening = answeredAt(`http://127.0.0.1:${ports.backend}/health`, deadline);
  const preview = `http://127.0.0.1:${ports.preview}`;
  const served = Promise.all(
    ['/', '/host/host.js', '/public/plugins/osprey-apm-app/datasource/module.js'].map((p) =>
      answeredAt(preview + p, deadline)
    )
  );
  demo = await startDemo({ readToken: READ_TOKEN, durationSeconds: 180, ports });
  previewLagMs = Math.max(...(await served)) - (await listening);
  await waitForTraffic(demo, { services: 3, errors: 1, timeoutMs: 60_000 });
  await mkdir(SCREENSHOTS, { recursive: true });
  browser = await launchChromium({ width: 1400, height: 1000 });
  page = browser.context.pages()[0] ?? (await browser.context.newPage());
  page.on('request', (r) => requests.push(r));
  page.on('console', (m) => {
    if (m.type() === 'error' && !MISSING_FONTS.test(m.location().url)) {
      consoleErrors.push(`${m.text()} (${m.location().url})`);
    }
  });
  page.on('pageerror', (err) => consoleErrors.push(`page error: ${err.message}`));
  await page.goto(`${preview}/?dashboard=service-overview&from=now-15m&to=now`);
});

afterAll(async () => {
  await browser?.context.close().catch(() => undefined);
  await demo?.stop();
});

describe('npm start', () => {
  it('prints the preview URL, and the preview answers within 10 s of the backend listening', () => {
    expect(demo!.previewUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(demo!.output()).toMatch(/preview\s+http:\/\/127\.0\.0\.1:\d+\/\s+\(.*not Grafana\)/);
    console.log(`preview answered ${previewLagMs} ms after the backend`);
    expect(previewLagMs).toBeLessThan(10_000);
  });
});

describe('the service overview preview', () => {
  it('says it is not Grafana and links to the install section', async () => {
    const notice = page.getByTestId('preview-notice');
    await expect(notice.textContent()).resolves.toMatch(/this is not Grafana/);
    const link = notice.getByRole('link');
    await expect(link.getAttribute('href')).resolves.toBe('/README.md');
    const readme = await fetch(new URL('/README.md', demo!.previewUrl)).then((r) => r.text());
    expect(readme).toContain('### Install');
  });

  it("fills the service variable from the datasource's variable query", async () => {
    const services = await fetch(`${demo!.backendUrl}/api/v1/services`, {
      headers: { Authorization: `Bearer ${READ_TOKEN}` },
    }).then((r) => r.json() as Promise<{ services: string[] }>);
    // All is the value the dashboard starts with; the picker offers the rest.
    await expect(page.getByTestId('preview-var-service').textContent()).resolves.toBe('All');
    await page.locator('#preview-var-service').click();
    const offered = await page.getByRole('option').allTextContents();
    await page.keyboard.press('Escape');
    expect(offered).toEqual([...services.services].sort());
  });

  it("draws the demo's live transactions in its XLOG panel, time series and tables with @grafana/ui, and no chart it cannot draw", async () => {
    const dots = await xlogDots();
    expect(dots).toBeGreaterThanOrEqual(20);
    const xlog = await waitForCall('/api/v1/transactions', 0, () => true);
    expect(xlog.searchParams.get('service')).toBeNull();
    // Throughput by service: uPlot's canvas, and a legend entry per service the RED query answered.
    const throughput = page.locator('[data-panel-type=timeseries]').first();
    await throughput.locator('canvas').first().waitFor({ state: 'visible', timeout: 30_000 });
    await expect(throughput.textContent()).resolves.toMatch(/rate checkout.*rate shop-frontend/s);
    await expect(page.locator('[data-panel-type=timeseries] canvas').count()).resolves.toBeGreaterThanOrEqual(5);
    for (const placeholder of await page.getByTestId('preview-foreign-panel').all()) {
      await expect(placeholder.textContent()).resolves.toMatch(/opens in Grafana.*The query answered \d+ frames?/s);
      await expect(placeholder.locator('canvas, svg[role=img]').count()).resolves.toBe(0);
    }
    // Transformations are Grafana core's: that table stays a placeholder; the others are @grafana/ui's Table.
    const slowest = page.locator('[data-panel-type=table]').filter({ hasText: 'Top slow endpoints' });
    await expect(slowest.getByTestId('preview-foreign-panel').textContent()).resolves.toMatch(
      /answered [1-9]\d* frames?/
    );
    await expect(endpointSummaryMatchesTheBackend()).resolves.toBeGreaterThan(0);
    await page.screenshot({ path: path.join(SCREENSHOTS, 'preview-service-overview.png'), fullPage: true });
  });

  it('asks the backend for the chosen service once the variable changes', async () => {
    const since = requests.length;
    await pick('preview-var-service', 'checkout');
    const xlog = await waitForCall('/api/v1/transactions', since, (u) => u.searchParams.has('service'));
    expect(xlog.searchParams.getAll('service')).toEqual(['checkout']);
    await waitForCall('/api/v1/instances', since, (u) => u.searchParams.get('service') === 'checkout');
    const red = await waitForCall('/api/v1/metrics/red', since, (u) => u.searchParams.has('service'));
    expect(red.searchParams.get('service')).toBe('checkout');
    await page.waitForTimeout(1000);
    expect(calls('/api/v1/transactions', since).filter((u) => u.searchParams.get('service') !== 'checkout')).toEqual(
      []
    );
    await expect(page.locator('[data-panel-type=osprey-xlog-panel]').textContent()).resolves.toContain(
      'XLOG — checkout'
    );
  });

  it('moves the window with the time picker', async () => {
    const before = calls('/api/v1/transactions').pop()!;
    expect(Number(before.searchParams.get('to')) - Number(before.searchParams.get('from'))).toBe(15 * 60_000);
    const since = requests.length;
    const picked = Date.now();
    await pick('preview-time-range', 'Last 5 minutes');
    const after = await waitForCall('/api/v1/transactions', since, () => true);
    const [from, to] = [Number(after.searchParams.get('from')), Number(after.searchParams.get('to'))];
    expect(to - from).toBe(5 * 60_000);
    expect(to).toBeGreaterThanOrEqual(picked - 1000);
    expect(to).toBeLessThanOrEqual(Date.now() + 1000);
    expect(after.searchParams.get('service')).toBe('checkout');
    await xlogDots();
  });

  it('renders in the light theme too', async () => {
    await page.getByTestId('preview-theme').click();
    await page.waitForFunction(() => new URLSearchParams(window.location.search).get('theme') === 'light');
    await xlogDots();
    await page.screenshot({ path: path.join(SCREENSHOTS, 'preview-service-overview-light.png'), fullPage: true });
    expect(consoleErrors).toEqual([]);
  });
});

describe('the token', () => {
  it('is held by the preview server only: not in the page state, its storage, cookies or any request or answer', async () => {
    // The search reaches what it claims to: a probe planted in each place is found.
    const probe = 'probe-0b1e7d';
    await page.evaluate((p) => {
      (window as unknown as { ospreyProbe: unknown }).ospreyProbe = { deep: [{ value: p }] };
      localStorage.setItem('probe', p);
      sessionStorage.setItem('probe', p);
    }, probe);
    const planted = sightings(await browserState(page, browser!.context), probe);
    expect(planted.map((s) => s.where).sort()).toEqual([
      'localStorage',
      'sessionStorage',
      'window.localStorage.probe',
      'window.ospreyProbe.deep.0.value',
      'window.sessionStorage.probe',
    ]);
    await page.evaluate(() => {
      delete (window as unknown as { ospreyProbe?: unknown }).ospreyProbe;
      localStorage.removeItem('probe');
      sessionStorage.removeItem('probe');
    });

    const network = await networkTraffic(requests);
    expect(sightings([...(await browserState(page, browser!.context)), ...network], READ_TOKEN)).toEqual([]);
    // What was searched: the page's backend calls, answered through the proxy, and their bodies.
    const bodies = network.filter((s) => s.where.includes(PROXY) && s.where.endsWith('answer body') && s.text);
    expect(bodies.length).toBeGreaterThan(10);
  });
});
