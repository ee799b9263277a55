/**
 * End to end in Chromium: demo services → OTLP → the Osprey backend → the built datasource plugin
 * (through a data proxy injecting the token from its plugin.json route) → the built XLOG panel,
 * read back from its canvas.
 */
import { Page } from 'playwright-core';

import { DemoStack, startDemo, waitForTraffic } from './demo-stack';
import type { QuerySummary } from './host/summary';
import { dataSourceSettings, DS_MODULE, HostPage, openHostPage, pluginUrl, requireBuilt, stopAll } from './page';
import { ProxiedDataSource } from './server';

jest.setTimeout(240_000);

const PANEL_MODULE = pluginUrl('panels/xlog/module.js');
const DS_UID = 'osprey-e2e';
const READ_TOKEN = 'e2e-read-token-0123456789';
const MIN_ROWS = 20;
const PANEL = { width: 900, height: 420 };

let demo: DemoStack | undefined;
let host: HostPage | undefined;
let page: Page;
let consoleErrors: string[] = [];

function dataSource(token: string, backendUrl: string): ProxiedDataSource {
  return { uid: DS_UID, jsonData: { url: backendUrl }, secureJsonData: { token } };
}

const instanceSettings = () => dataSourceSettings(DS_UID);

beforeAll(async () => {
  requireBuilt(['datasource/module.js', 'datasource/plugin.json', 'panels/xlog/module.js']);
  demo = await startDemo({ readToken: READ_TOKEN, durationSeconds: 180 });
  await waitForTraffic(demo, { services: 2, errors: 1, timeoutMs: 60_000 });
  host = await openHostPage({
    missingAssets: ['interFont', 'streamingIcon', 'spinnerIcon'],
    dataSources: [dataSource(READ_TOKEN, demo.backendUrl)],
    viewport: { width: 1000, height: 560 },
  });
  ({ page, consoleErrors } = host);
});

afterAll(() => stopAll(host, demo));

describe('datasource health check through the data proxy', () => {
  it('succeeds with the token held server-side', async () => {
    const result = await page.evaluate(([url, settings]) => window.ospreyHost.testDatasource(url, settings as never), [
      DS_MODULE,
      instanceSettings(),
    ] as const);
    expect(result.status).toBe('success');
  });

  it('fails with a clear message when the configured token is wrong', async () => {
    host!.server.setDataSource(dataSource('not-the-read-token', demo!.backendUrl));
    try {
      const result = await page.evaluate(
        ([url, settings]) => window.ospreyHost.testDatasource(url, settings as never),
        [DS_MODULE, instanceSettings()] as const
      );
      expect(result.status).toBe('error');
      expect(result.message).toMatch(/401|token/i);
      // Chromium logs the refused request itself; that one is expected here and only here.
      expect(host!.takeResourceErrors(401, `/api/datasources/proxy/uid/${DS_UID}/osprey/`)).toBeGreaterThan(0);
    } finally {
      host!.server.setDataSource(dataSource(READ_TOKEN, demo!.backendUrl));
    }
  });
});

describe('XLOG query and panel', () => {
  let summary: QuerySummary;

  it('returns one frame of the dot columns of transactions from at least two services', async () => {
    summary = await page.evaluate(
      ([url, settings, uid]) =>
        window.ospreyHost.query(
          url,
          settings as never,
          [{ refId: 'A', queryType: 'xlog', datasource: { uid } } as never],
          2
        ),
      [DS_MODULE, instanceSettings(), DS_UID] as const
    );
    expect(summary.error).toBeUndefined();
    expect(summary.frames).toBe(1);
    expect(summary.refId).toBe('A');
    expect(summary.fields.map((f) => [f.name, f.type])).toEqual([
      ['endTime', 'time'],
      ['elapsed', 'number'],
      ['service', 'enum'],
      ['status', 'enum'],
    ]);
    expect(summary.fields.find((f) => f.name === 'elapsed')).toMatchObject({ type: 'number', unit: 'ms' });
    expect(summary.rows).toBeGreaterThanOrEqual(MIN_ROWS);
    expect(summary.services.length).toBeGreaterThanOrEqual(2);
    expect(summary.statusCounts.error).toBeGreaterThan(0);
    expect(summary.statusCounts.ok).toBeGreaterThan(0);
  });

  it('renders every transaction as a dot: blue for ok, red for errors, and nothing fails in the console', async () => {
    const { options } = await host!.renderPanel(PANEL_MODULE, PANEL);
    const canvas = page.locator('[data-testid=osprey-xlog-canvas]');
    await canvas.waitFor({ state: 'visible', timeout: 15_000 });
    // The panel draws in an effect after layout; wait until some dot colour is on the canvas.
    const colors = await page.evaluate(() => window.ospreyHost.colors());
    await page.waitForFunction(
      (rgba) => {
        const el = document.querySelector('[data-testid=osprey-xlog-canvas]') as HTMLCanvasElement | null;
        const data = el?.getContext('2d')?.getImageData(0, 0, el.width, el.height).data;
        if (!data) {
          return false;
        }
        for (let i = 0; i < data.length; i += 4) {
          if (data[i] === rgba[0] && data[i + 1] === rgba[1] && data[i + 2] === rgba[2] && data[i + 3] === rgba[3]) {
            return true;
          }
        }
        return false;
      },
      colors.okRgba,
      { timeout: 15_000 }
    );
    const counts = await canvas.evaluate(
      (el, rgba) => {
        const c = el as HTMLCanvasElement;
        const data = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
        const same = (i: number, want: number[]) =>
          data[i] === want[0] && data[i + 1] === want[1] && data[i + 2] === want[2] && data[i + 3] === want[3];
        let ok = 0;
        let error = 0;
        for (let i = 0; i < data.length; i += 4) {
          ok += same(i, rgba.ok) ? 1 : 0;
          error += same(i, rgba.error) ? 1 : 0;
        }
        return { ok, error, width: c.width, height: c.height, ratio: window.devicePixelRatio };
      },
      { ok: colors.okRgba, error: colors.errorRgba }
    );
    const dotSize = Number((options as { dotSize?: number }).dotSize);
    const dotArea = Math.round(dotSize * counts.ratio) ** 2;
    const okRows = summary.statusCounts.ok;
    const errorRows = summary.statusCounts.error;
    console.log(
      `canvas ${counts.width}x${counts.height} @${counts.ratio}x: ${counts.ok} ok (${colors.ok}) pixels for ${okRows} ok rows, ` +
        `${counts.error} error (${colors.error}) pixels for ${errorRows} error rows, dot ${dotSize}px`
    );
    // Errors are drawn last, so no ok dot hides them: each error dot shows at least one pixel
    // unless more than dotArea of them share one spot; dots may overlap, so each colour covers at
    // most one dot per row of that status.
    expect(dotSize).toBe(3);
    expect(counts.error).toBeGreaterThanOrEqual(Math.max(dotArea, errorRows));
    expect(counts.error).toBeLessThanOrEqual(errorRows * dotArea);
    expect(counts.ok).toBeGreaterThan(0);
    expect(counts.ok).toBeLessThanOrEqual(okRows * dotArea);

    await host!.screenshot('xlog-panel.png');
    expect(consoleErrors).toEqual([]);
  });

  /** Page coordinates of the plot area (the overlay that takes the pointer). */
  async function plotBox() {
    const box = await page.locator('[data-testid=osprey-xlog-overlay]').boundingBox();
    if (!box) {
      throw new Error('the XLOG plot area is not on the page');
    }
    return box;
  }

  async function dragOnPlot(from: { x: number; y: number }, to: { x: number; y: number }, shift = false) {
    if (shift) {
      await page.keyboard.down('Shift');
    }
    await page.mouse.move(from.x, from.y);
    await page.mouse.down();
    await page.mouse.move((from.x + to.x) / 2, (from.y + to.y) / 2, { steps: 4 });
    await page.mouse.move(to.x, to.y, { steps: 4 });
    await page.mouse.up();
    if (shift) {
      await page.keyboard.up('Shift');
    }
  }

  async function pixelsOf(rgba: number[]) {
    return page.locator('[data-testid=osprey-xlog-canvas]').evaluate((el, want) => {
      const c = el as HTMLCanvasElement;
      const data = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
      let n = 0;
      for (let i = 0; i < data.length; i += 4) {
        n +=
          data[i] === want[0] && data[i + 1] === want[1] && data[i + 2] === want[2] && data[i + 3] === want[3] ? 1 : 0;
      }
      return n;
    }, rgba);
  }

  it('drag-selects a box and lists exactly the transactions inside it, each linking to its trace', async () => {
    const plot = await plotBox();
    const data = await page.evaluate(() => window.ospreyHost.panelData());
    const start = { x: plot.x + plot.width * 0.3, y: plot.y + plot.height * 0.05 };
    const end = { x: plot.x + plot.width * 0.97, y: plot.y + plot.height * 0.9 };
    await dragOnPlot(start, end);

    const header = page.locator('[data-testid=osprey-xlog-selection]');
    await header.waitFor({ state: 'visible', timeout: 10_000 });
    const attr = async (name: string) => Number(await header.getAttribute(`data-${name}`));
    const box = {
      count: await attr('count'),
      from: await attr('from'),
      to: await attr('to'),
      low: await attr('low'),
      high: await attr('high'),
    };
    // The box's time edges follow from the pixels alone: the x axis spans the query range linearly.
    const msPerPixel = (data.to - data.from) / plot.width;
    expect(Math.abs(box.from - (data.from + (start.x - plot.x) * msPerPixel))).toBeLessThanOrEqual(msPerPixel);
    expect(Math.abs(box.to - (data.from + (end.x - plot.x) * msPerPixel))).toBeLessThanOrEqual(msPerPixel);
    expect(box.low).toBeGreaterThan(0);
    expect(box.high).toBeGreaterThan(box.low);

    // Counted here from the rows the panel was given, not from anything the panel computed.
    const inside = data.endTime.filter(
      (t, i) => t >= box.from && t <= box.to && data.elapsed[i] >= box.low && data.elapsed[i] <= box.high
    ).length;
    console.log(`box ${JSON.stringify(box)}: ${inside} of ${data.endTime.length} transactions inside`);
    expect(inside).toBeGreaterThan(0);
    expect(box.count).toBe(inside);
    // The dots carry no trace ids: the panel asks the datasource for the box's rows, then lists them.
    await page
      .locator('[data-testid=osprey-xlog-selection]', { hasText: `${inside} transactions` })
      .waitFor({ timeout: 10_000 });
    const rows = page.locator('#panel table tbody tr');
    await expect(rows.count()).resolves.toBe(Math.min(inside, 10));

    const link = page.locator('[data-testid=osprey-xlog-trace-link]').first();
    const traceId = (await link.textContent())!.trim();
    const href = decodeURIComponent((await link.getAttribute('href'))!);
    expect(href).toMatch(/\/explore\?/);
    expect(href).toContain(traceId);
    expect(href).toContain('"queryType":"trace"');

    await host!.screenshot('xlog-selection.png');
    await page.getByRole('button', { name: 'Clear selection' }).click();
    await expect(header.count()).resolves.toBe(0);
  });

  it('shift-drag asks the dashboard for the dragged time range', async () => {
    const plot = await plotBox();
    const data = await page.evaluate(() => window.ospreyHost.panelData());
    const before = (await page.evaluate(() => window.ospreyHost.timeRangeChanges())).length;
    const start = { x: plot.x + plot.width * 0.2, y: plot.y + plot.height * 0.3 };
    const end = { x: plot.x + plot.width * 0.6, y: plot.y + plot.height * 0.5 };
    await dragOnPlot(start, end, true);
    const changes = await page.evaluate(() => window.ospreyHost.timeRangeChanges());
    expect(changes).toHaveLength(before + 1);
    const msPerPixel = (data.to - data.from) / plot.width;
    const { from, to } = changes[changes.length - 1];
    expect(Math.abs(from - (data.from + (start.x - plot.x) * msPerPixel))).toBeLessThanOrEqual(msPerPixel + 1);
    expect(Math.abs(to - (data.from + (end.x - plot.x) * msPerPixel))).toBeLessThanOrEqual(msPerPixel + 1);
    await expect(page.locator('[data-testid=osprey-xlog-selection]').count()).resolves.toBe(0);
  });

  it('live mode: streamed packets add dots and the window follows the clock', async () => {
    const canvas = page.locator('[data-testid=osprey-xlog-canvas]');
    const colors = await page.evaluate(() => window.ospreyHost.colors());
    const dotsBefore = Number(await canvas.getAttribute('data-dots'));
    const errorPixelsBefore = await pixelsOf(colors.errorRgba);
    const now = Date.now();
    // Errors spread over the last 20 s and over elapsed, so each lands on its own spot.
    const rows = Array.from({ length: 40 }, (_v, i) => ({
      endTime: now - 1000 - i * 500,
      elapsed: 20 + i * 40,
      service: 'live-e2e',
      status: 'error',
    }));
    await page.evaluate((r) => window.ospreyHost.streamTransactions(r), rows);
    await expect(page.locator('[data-testid=osprey-xlog]').getAttribute('data-live')).resolves.toBe('true');
    await expect(canvas.getAttribute('data-dots')).resolves.toBe(String(dotsBefore + rows.length));
    await page.waitForFunction(
      ([before, rgba]) => {
        const c = document.querySelector('[data-testid=osprey-xlog-canvas]') as HTMLCanvasElement;
        const data = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
        let n = 0;
        for (let i = 0; i < data.length; i += 4) {
          n +=
            data[i] === rgba[0] && data[i + 1] === rgba[1] && data[i + 2] === rgba[2] && data[i + 3] === rgba[3]
              ? 1
              : 0;
        }
        return n > (before as number);
      },
      [errorPixelsBefore, colors.errorRgba] as const,
      { timeout: 10_000 }
    );
    const end1 = Number(await canvas.getAttribute('data-window-end'));
    await page.waitForTimeout(1500);
    const end2 = Number(await canvas.getAttribute('data-window-end'));
    expect(end1).toBeGreaterThanOrEqual(now - 1000);
    expect(end2 - end1).toBeGreaterThanOrEqual(1000);
    expect(consoleErrors).toEqual([]);
  });

  it('draws in the light theme with its own colours', async () => {
    await page.evaluate(() => window.ospreyHost.setTheme('light'));
    try {
      await host!.renderPanel(PANEL_MODULE, PANEL);
      const colors = await page.evaluate(() => window.ospreyHost.colors());
      await page.waitForFunction(
        (rgba) => {
          const c = document.querySelector('[data-testid=osprey-xlog-canvas]') as HTMLCanvasElement | null;
          const data = c?.getContext('2d')?.getImageData(0, 0, c.width, c.height).data;
          for (let i = 0; data && i < data.length; i += 4) {
            if (data[i] === rgba[0] && data[i + 1] === rgba[1] && data[i + 2] === rgba[2] && data[i + 3] === rgba[3]) {
              return true;
            }
          }
          return false;
        },
        colors.okRgba,
        { timeout: 15_000 }
      );
      expect(await pixelsOf(colors.errorRgba)).toBeGreaterThan(0);
      await host!.screenshot('xlog-panel-light.png');
    } finally {
      await page.evaluate(() => window.ospreyHost.setTheme('dark'));
    }
    expect(consoleErrors).toEqual([]);
  });
});
