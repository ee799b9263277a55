/**
 * End to end in Chromium: real JDK 17 thread dumps uploaded to the real backend → the built datasource
 * plugin (through the data proxy holding the read token) → the built thread-dump panel: deadlock
 * banner, lock → owner, compare mode, and "Request thread dump" answered by this test acting as the
 * agent (claim, upload, result over the backend's HTTP API).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Page } from 'playwright-core';

import type { JvmRequest, JvmRequestsResponse, ThreadDumpCreated, ThreadDumpResponse } from '@osprey/model';

import { Backend, startBackend } from './backend';
import { REPO_ROOT } from './host/build';
import type { QuerySummary } from './host/summary';
import { dataSourceSettings, DS_MODULE, HostPage, openHostPage, pluginUrl, requireBuilt, stopAll } from './page';

jest.setTimeout(180_000);

const PANEL_MODULE = pluginUrl('panels/threaddump/module.js');
const FIXTURES = path.join(REPO_ROOT, 'test', 'fixtures', 'jvm', 'jdk17');
const DS_UID = 'osprey-e2e-jvm';
const TOKENS = { read: 'e2e-jvm-read-0123456789', ingest: 'e2e-jvm-ingest-0123456789', admin: 'e2e-jvm-admin-0123' };
const SERVICE = 'shop';
const INSTANCE = 'shop-1';
const PANEL = { width: 1100, height: 640 };
const DS_REF = { uid: DS_UID, type: 'osprey-apm-datasource' };

let backend: Backend | undefined;
let host: HostPage | undefined;
let page: Page;
let consoleErrors: string[] = [];
const uploaded: string[] = [];
/** Minutes of the dashboard range: a day, or back to the oldest upload's capture time. */
let queryMinutes = 24 * 60;

const instanceSettings = () => dataSourceSettings(DS_UID, 2);

async function upload(file: string): Promise<ThreadDumpCreated> {
  const body = readFileSync(path.join(FIXTURES, file), 'utf8');
  const query = `service=${SERVICE}&instance=${INSTANCE}`;
  const created = await backend!.call<ThreadDumpCreated>(
    'POST',
    `/api/v1/jvm/threaddumps?${query}`,
    TOKENS.ingest,
    body,
    'text/plain'
  );
  uploaded.push(created.id);
  const stored = await backend!.call<ThreadDumpResponse>('GET', `/api/v1/jvm/threaddumps/${created.id}`, TOKENS.read);
  // The fixtures keep the capture time of their header: the dashboard range must reach back to it.
  queryMinutes = Math.max(queryMinutes, Math.ceil((Date.now() - stored.takenAt) / 60_000) + 60);
  return created;
}

function runQuery(target: Record<string, unknown>, minutes = queryMinutes): Promise<QuerySummary> {
  return page.evaluate(([url, settings, t, m]) => window.ospreyHost.query(url, settings as never, [t as never], m), [
    DS_MODULE,
    instanceSettings(),
    { refId: 'A', datasource: DS_REF, ...target },
    minutes,
  ] as const);
}

async function renderPanel(title: string) {
  await host!.renderPanel(PANEL_MODULE, PANEL, title);
  await page.locator('[data-testid=osprey-td-panel]').waitFor({ state: 'visible', timeout: 15_000 });
}

beforeAll(async () => {
  requireBuilt(['datasource/module.js', 'datasource/plugin.json', 'panels/threaddump/module.js']);
  backend = await startBackend(TOKENS);
  // Two dumps of one JDK 17 JVM (ShopWorkload), jstack -l then jcmd Thread.print: the latter is the latest.
  await upload('jstack-l.txt');
  await upload('jcmd-thread-print.txt');
  host = await openHostPage({
    missingAssets: ['interFont', 'robotoMonoFont'],
    dataSources: [{ uid: DS_UID, jsonData: { url: backend.url }, secureJsonData: { token: TOKENS.read } }],
    viewport: { width: 1200, height: 760 },
  });
  ({ page, consoleErrors } = host);
});

afterAll(() => stopAll(host, backend));

describe('thread-dump list through the data proxy', () => {
  it('lists both uploads, newest first', async () => {
    const summary = await runQuery({ queryType: 'threadDumps', service: SERVICE, instance: INSTANCE });
    expect(summary.error).toBeUndefined();
    expect(summary.rows).toBe(2);
    expect(summary.fields.map((f) => f.name).slice(0, 4)).toEqual(['takenAt', 'id', 'service', 'instance']);
  });
});

describe('one dump in the panel', () => {
  it('returns one row per thread of the latest dump', async () => {
    const summary = await runQuery({ queryType: 'threadDump', service: SERVICE, instance: INSTANCE });
    expect(summary.error).toBeUndefined();
    expect(summary.frames).toBe(1);
    expect(summary.rows).toBeGreaterThan(200);
    expect(summary.fields.map((f) => f.name).slice(0, 3)).toEqual(['name', 'threadId', 'state']);
  });

  it('shows the deadlock banner with the cycle cart-worker → payment-worker → shipping-worker', async () => {
    await renderPanel('Thread dump: shop/shop-1');
    await expect(page.locator('[data-testid=osprey-td-dump-id]').getAttribute('data-dump-id')).resolves.toBe(
      uploaded[1]
    );
    const cycles = await page.locator('[data-testid=osprey-td-deadlock-cycle]').allTextContents();
    expect(cycles).toHaveLength(1);
    const names = cycles[0].split(' → ');
    expect(names).toHaveLength(4);
    expect(names[3]).toBe(names[0]);
    // The cycle may start at any of its threads; rotated to cart-worker it is this order.
    const start = names.indexOf('cart-worker');
    const rotated = [...names.slice(start, 3), ...names.slice(0, start)];
    expect(rotated).toEqual(['cart-worker', 'payment-worker', 'shipping-worker']);
  });

  it('clicking a BLOCKED thread’s lock scrolls to and highlights its owner row', async () => {
    const blocked = page.locator('[data-testid=osprey-td-row][data-thread="cart-worker"]');
    await expect(blocked.locator('td').nth(2).textContent()).resolves.toBe('BLOCKED');
    const lock = blocked.locator('[data-testid=osprey-td-lock]');
    await expect(lock.getAttribute('data-owner')).resolves.toBe('payment-worker');
    expect(await page.locator('[data-highlighted=true]').count()).toBe(0);
    await lock.click();
    const owner = page.locator('[data-testid=osprey-td-row][data-highlighted=true]');
    await owner.waitFor({ state: 'visible', timeout: 5_000 });
    expect(await owner.count()).toBe(1);
    await expect(owner.getAttribute('data-thread')).resolves.toBe('payment-worker');
    // Scrolled into the panel's scroll box: the owner row lies inside its visible area.
    await page.waitForFunction(
      () => {
        const row = document.querySelector('[data-highlighted=true]') as HTMLElement | null;
        const box = row?.closest('table')?.parentElement;
        if (!row || !box) {
          return false;
        }
        const r = row.getBoundingClientRect();
        const b = box.getBoundingClientRect();
        return r.top >= b.top && r.bottom <= b.bottom;
      },
      undefined,
      { timeout: 5_000 }
    );
    await host!.screenshot('threaddump-panel.png');
  });

  it('filters by state and searches by frame', async () => {
    const blockedChip = page.locator('[data-testid=osprey-td-state-BLOCKED]');
    const count = Number(await blockedChip.locator('b').textContent());
    await blockedChip.click();
    expect(await page.locator('[data-testid=osprey-td-row]').count()).toBe(count);
    await blockedChip.click();
    await page
      .locator('[data-testid=osprey-td-search] input, input[placeholder="Search name or frame"]')
      .first()
      .fill('cart-worker');
    expect(await page.locator('[data-testid=osprey-td-row]').count()).toBe(1);
  });
});

describe('light theme', () => {
  afterAll(async () => {
    await page.evaluate(() => window.ospreyHost.setTheme('dark'));
  });

  it('draws the panel from the light theme, owner highlight included', async () => {
    const light = await page.evaluate(() => window.ospreyHost.setTheme('light'));
    await renderPanel('Thread dump: shop/shop-1 (light)');
    await page
      .locator('[data-testid=osprey-td-row][data-thread="shipping-worker"] [data-testid=osprey-td-lock]')
      .click();
    const owner = page.locator('[data-testid=osprey-td-row][data-highlighted=true]');
    await expect(owner.getAttribute('data-thread')).resolves.toBe('cart-worker');
    // Text is the light theme's dark text on its light background, read back from the rendered page.
    const colors = await page.evaluate(() => {
      const name = document.querySelector('[data-testid=osprey-td-row] td:nth-child(2)') as HTMLElement;
      // The nearest painted background behind the panel (the panel chrome's).
      let el: HTMLElement | null = name;
      let background = 'rgba(0, 0, 0, 0)';
      while (el && /rgba\(0, 0, 0, 0\)|transparent/.test(background)) {
        background = getComputedStyle(el).backgroundColor;
        el = el.parentElement;
      }
      return { text: getComputedStyle(name).color, background };
    });
    const luminance = (rgb: string) => {
      const [r, g, b] = rgb.match(/\d+/g)!.map(Number);
      return 0.2126 * r + 0.7152 * g + 0.0722 * b;
    };
    console.log(
      `light theme: text ${colors.text} on ${colors.background} (theme ${light.text} on ${light.background})`
    );
    expect(luminance(colors.background)).toBeGreaterThan(200);
    expect(luminance(colors.text)).toBeLessThan(100);
    await host!.screenshot('threaddump-panel-light.png');
  });
});

describe('compare mode', () => {
  it('diffs the latest two dumps and shows a CPU delta', async () => {
    const summary = await runQuery({ queryType: 'threadDumpDiff', service: SERVICE, instance: INSTANCE });
    expect(summary.error).toBeUndefined();
    expect(summary.fields.map((f) => f.name)).toContain('cpuDeltaMs');
    await renderPanel('Thread dump diff: shop/shop-1');
    const header = page.locator('[data-testid=osprey-td-compare]');
    await header.waitFor({ state: 'visible', timeout: 10_000 });
    await expect(header.textContent()).resolves.toContain(`${uploaded[0]} → ${uploaded[1]}`);
    const busy = page.locator('[data-testid=osprey-td-diff-row][data-thread="report-generator-0"]');
    const delta = await busy.locator('[data-testid=osprey-td-cpu-delta]').textContent();
    console.log(`report-generator-0 CPU delta: ${delta}`);
    expect(delta).toBe('+351.04 ms');
    await host!.screenshot('threaddump-compare.png');
  });
});

describe('heap histograms through the datasource', () => {
  async function uploadHistogram(file: string): Promise<string> {
    const body = readFileSync(path.join(REPO_ROOT, 'test', 'fixtures', 'jvm', file), 'utf8');
    const query = `service=${SERVICE}&instance=${INSTANCE}`;
    const created = await backend!.call<{ id: string }>(
      'POST',
      `/api/v1/jvm/heaphistograms?${query}`,
      TOKENS.ingest,
      body,
      'text/plain'
    );
    return created.id;
  }

  it('reads the latest histogram (378 classes) and the growth between the latest two', async () => {
    await uploadHistogram('jdk17/class_histogram.txt');
    await uploadHistogram('jdk25/class_histogram.txt');
    const one = await runQuery({ queryType: 'heapHistogram', service: SERVICE, instance: INSTANCE });
    expect(one.error).toBeUndefined();
    expect(one.rows).toBe(378);
    expect(one.fields.map((f) => [f.name, f.unit])).toEqual([
      ['rank', undefined],
      ['class', undefined],
      ['instances', undefined],
      ['bytes', 'bytes'],
      ['module', undefined],
    ]);
    const diff = await runQuery({ queryType: 'heapHistogramDiff', service: SERVICE, instance: INSTANCE });
    expect(diff.error).toBeUndefined();
    expect(diff.rows).toBeGreaterThan(0);
    expect(diff.fields.map((f) => f.name).slice(0, 3)).toEqual(['class', 'bytesDelta', 'instancesDelta']);
  });
});

describe('Request thread dump', () => {
  /** Plays the agent over HTTP: waits for the pending request, claims it, uploads a dump, reports it. */
  async function fulfilAsAgent(): Promise<{ request: JvmRequest; dumpId: string }> {
    const deadline = Date.now() + 10_000;
    const query = `service=${SERVICE}&instance=${INSTANCE}&status=pending`;
    for (;;) {
      const { requests } = await backend!.call<JvmRequestsResponse>(
        'GET',
        `/api/v1/jvm/requests?${query}`,
        TOKENS.ingest
      );
      if (requests.length > 0) {
        const request = requests[0];
        await backend!.call('POST', `/api/v1/jvm/requests/${request.id}/claim`, TOKENS.ingest);
        const { id } = await upload('jstack-l.txt');
        const done = await backend!.call<JvmRequest>(
          'POST',
          `/api/v1/jvm/requests/${request.id}/result`,
          TOKENS.ingest,
          JSON.stringify({ resultId: id }),
          'application/json'
        );
        return { request: done, dumpId: id };
      }
      if (Date.now() > deadline) {
        throw new Error('the panel’s request never reached the backend');
      }
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }

  it('asks the backend, waits for the agent, then shows the new dump', async () => {
    await runQuery({ queryType: 'threadDump', service: SERVICE, instance: INSTANCE });
    await renderPanel('Thread dump: shop/shop-1');
    const before = await page.evaluate(() => window.ospreyHost.refreshes());
    const started = Date.now();
    await page.locator('[data-testid=osprey-td-request]').click();
    const { request, dumpId } = await fulfilAsAgent();
    expect(request).toMatchObject({ status: 'done', kind: 'threaddump', service: SERVICE, instance: INSTANCE });
    await page.waitForFunction((n) => window.ospreyHost.refreshes() > n, before, { timeout: 15_000 });
    await page
      .locator(`[data-testid=osprey-td-dump-id][data-dump-id="${dumpId}"]`)
      .waitFor({ state: 'visible', timeout: 10_000 });
    console.log(`on-demand dump ${dumpId} shown ${Date.now() - started} ms after the click`);
    expect(await page.locator('[data-testid=osprey-td-request-error]').count()).toBe(0);
    expect(consoleErrors).toEqual([]);
  });
});
