/**
 * End to end in Chromium: the built trace-map panel (dist/panels/tracemap/module.js, loaded by the host's
 * AMD loader as Grafana loads it) colours services by Apdex from the built datasource's service-map
 * query against `osprey serve` fed transactions of known latencies; and draws a generated
 * 300-service topology given as Node Graph frames: no two node boxes overlap on the page, the failing
 * service is drawn in the theme's error colour, wheel zoom keeps the node under the pointer, hover
 * dims non-neighbours, and a click follows the node's link. Screenshots in the dark and the light theme.
 */
import { Page } from 'playwright-core';

import { APDEX_BANDS, type ApdexRating } from '../../panels/tracemap/src/health';
import { overlappingPairs } from '../../panels/tracemap/src/layout';
import { generateTopology, topologyFrames } from '../../panels/tracemap/src/testTopology';

import { type Backend, startBackend } from './backend';
import { dataSourceSettings, DS_MODULE, HostPage, openHostPage, pluginUrl, requireBuilt, stopAll } from './page';

jest.setTimeout(120_000);

const PANEL_MODULE = pluginUrl('panels/tracemap/module.js');
const PANEL = { width: 1100, height: 640 };
const FAILING = 'payments.svc-041';
const SERVICES = 300;

const DS_UID = 'osprey-tracemap-e2e';
const TOKENS = { read: 'tm-e2e-read', ingest: 'tm-e2e-ingest', admin: 'tm-e2e-admin' };
/** Apdex T of the query: satisfied ≤ 200 ms, tolerating ≤ 800 ms, frustrated above. */
const APDEX_T = 200;
const ZONE_MS = { satisfied: 50, tolerating: 400, frustrated: 2000 };

/**
 * Twenty transactions per service, split between the zones so that the Apdex, (satisfied +
 * tolerating / 2) / 20, lands in the band the service is named after (worked out by hand).
 */
const APDEX_WORKLOAD: Array<{ service: string; zones: [number, number, number]; apdex: number; rating: ApdexRating }> =
  [
    { service: 'excellent-svc', zones: [20, 0, 0], apdex: 1, rating: 'excellent' },
    { service: 'good-svc', zones: [16, 4, 0], apdex: 0.9, rating: 'good' },
    { service: 'fair-svc', zones: [13, 4, 3], apdex: 0.75, rating: 'fair' },
    { service: 'poor-svc', zones: [10, 4, 6], apdex: 0.6, rating: 'poor' },
    { service: 'unacceptable-svc', zones: [4, 4, 12], apdex: 0.3, rating: 'unacceptable' },
  ];

let backend: Backend | undefined;
let host: HostPage | undefined;
let page: Page;
let consoleErrors: string[] = [];
const topology = generateTopology({ services: SERVICES, failing: [FAILING] });

async function renderMap(title: string): Promise<number> {
  const started = Date.now();
  await page.evaluate((frames) => window.ospreyHost.showFrames(frames), topologyFrames(topology));
  await host!.renderPanel(PANEL_MODULE, PANEL, title);
  await page.locator('[data-testid=osprey-tm-panel]').waitFor({ state: 'visible', timeout: 30_000 });
  return Date.now() - started;
}

/** Every node's drawn shape box on the page, converted back to layout units by the current zoom. */
function drawnBoxes() {
  return page.evaluate(() => {
    const svg = document.querySelector('[data-testid=osprey-tm-svg]') as SVGSVGElement;
    const scale = Number(svg.dataset.scale);
    return [...document.querySelectorAll('[data-testid=osprey-tm-node]')].map((node) => {
      const r = node.querySelector('[data-testid=osprey-tm-body]')!.getBoundingClientRect();
      return {
        id: node.getAttribute('data-id')!,
        kind: node.getAttribute('data-kind')!,
        x: r.x / scale,
        y: r.y / scale,
        width: r.width / scale,
        height: r.height / scale,
      };
    });
  });
}

const nodeSelector = (id: string) => `[data-testid=osprey-tm-node][data-id="${id}"]`;

/**
 * Wheel-zooms at the node's centre until its box is at least `pixels` wide. Returns how far (px) the
 * node ended up from where zooming about the pointer puts it: the pointer's layout point stays put,
 * so the node's offset from the pointer grows by the zoom factor and nothing else.
 */
async function zoomOnto(id: string, pixels: number): Promise<number> {
  const body = page.locator(`${nodeSelector(id)} [data-testid=osprey-tm-body]`);
  const start = (await body.boundingBox())!;
  // The browser takes whole pixels for the pointer; the expectation uses the position it really got.
  const mx = Math.round(start.x + start.width / 2);
  const my = Math.round(start.y + start.height / 2);
  await page.mouse.move(mx, my);
  for (let i = 0; i < 40 && (await body.boundingBox())!.width < pixels; i++) {
    await page.mouse.wheel(0, -300);
  }
  const end = (await body.boundingBox())!;
  expect(end.width).toBeGreaterThanOrEqual(pixels);
  const k = end.width / start.width;
  const expectedX = mx + (start.x + start.width / 2 - mx) * k;
  const expectedY = my + (start.y + start.height / 2 - my) * k;
  return Math.hypot(end.x + end.width / 2 - expectedX, end.y + end.height / 2 - expectedY);
}

/** A CSS colour as the page resolves it (rgb(r, g, b)). */
function resolved(color: string): Promise<string> {
  return page.evaluate((c) => {
    const probe = document.createElement('div');
    probe.style.color = c;
    document.body.appendChild(probe);
    const rgb = getComputedStyle(probe).color;
    probe.remove();
    return rgb;
  }, color);
}

async function failingStroke(): Promise<string> {
  return page
    .locator(`${nodeSelector(FAILING)} [data-testid=osprey-tm-shape]`)
    .evaluate((el) => getComputedStyle(el).stroke);
}

/** The workload as native transactions ending in the last minute, each service's zones in turn. */
function apdexTransactions(now: number) {
  let n = 0;
  return APDEX_WORKLOAD.flatMap(({ service, zones }) =>
    (['satisfied', 'tolerating', 'frustrated'] as const).flatMap((zone, z) =>
      Array.from({ length: zones[z] }, () => {
        n++;
        return {
          endTime: now - n * 100,
          elapsed: ZONE_MS[zone],
          service,
          instance: `${service}-1`,
          endpoint: 'GET /',
          status: 'ok',
          traceId: `c${n.toString(16).padStart(31, '0')}`,
          spanId: `d${n.toString(16).padStart(15, '0')}`,
          sqlCount: 0,
          sqlTime: 0,
          apiCallCount: 0,
          apiCallTime: 0,
          kind: 'web',
        };
      })
    )
  );
}

beforeAll(async () => {
  requireBuilt([
    'datasource/module.js',
    'datasource/plugin.json',
    'panels/tracemap/module.js',
    'panels/tracemap/plugin.json',
  ]);
  backend = await startBackend(TOKENS);
  const rows = apdexTransactions(Date.now());
  await backend.call('POST', '/api/v1/transactions', TOKENS.ingest, JSON.stringify(rows), 'application/json');
  host = await openHostPage({
    missingAssets: ['interFont'],
    viewport: { width: 1200, height: 760 },
    loadTimeoutMs: 90_000,
    dataSources: [{ uid: DS_UID, jsonData: { url: backend.url }, secureJsonData: { token: TOKENS.read } }],
  });
  ({ page, consoleErrors } = host);
});

afterAll(() => stopAll(host, backend));

describe('colour by Apdex, from the live backend through the built datasource', () => {
  it('draws each service in its Apdex band’s colour: the workload’s known latencies at T = 200 ms', async () => {
    const summary = await page.evaluate(
      ([url, settings, t]) =>
        window.ospreyHost.query(
          url,
          settings as never,
          [{ refId: 'A', queryType: 'serviceMap', apdexT: t } as never],
          10
        ),
      [DS_MODULE, dataSourceSettings(DS_UID), APDEX_T] as const
    );
    expect(summary.error).toBeUndefined();
    await host!.renderPanel(PANEL_MODULE, PANEL, 'Trace map: Apdex', { colorBy: 'apdex' });
    await page.locator('[data-testid=osprey-tm-panel]').waitFor({ state: 'visible', timeout: 30_000 });
    for (const { service, apdex, rating } of APDEX_WORKLOAD) {
      const node = page.locator(nodeSelector(service));
      const band = APDEX_BANDS.find((b) => b.rating === rating)!;
      const [drawn, expected] = await Promise.all([
        node.locator('[data-testid=osprey-tm-shape]').evaluate((el) => getComputedStyle(el).stroke),
        page.evaluate((name) => window.ospreyHost.themeColor(name), band.color).then(resolved),
      ]);
      console.log(`${service}: Apdex ${apdex} → ${rating}, stroke ${drawn} (theme ${band.color} ${expected})`);
      await expect(node.getAttribute('data-apdex')).resolves.toBe(rating);
      await expect(node.textContent()).resolves.toContain(`Apdex ${apdex.toFixed(2)}`);
      expect(drawn).toBe(expected);
    }
    await expect(page.locator('[data-testid=osprey-tm-legend-item]').allTextContents()).resolves.toEqual(
      APDEX_BANDS.map((b, i) => (i < APDEX_BANDS.length - 1 ? `≥ ${b.min} ${b.rating}` : `< 0.5 ${b.rating}`))
    );
    await host!.screenshot('tracemap-apdex.png');
    expect(consoleErrors).toEqual([]);
  });
});

describe('a generated 300-service topology', () => {
  it('renders every service, leaves grouped, with no overlapping node boxes on the page', async () => {
    const millis = await renderMap('Trace map: 300 services');
    const boxes = await drawnBoxes();
    const services = boxes.filter((b) => b.kind === 'service');
    console.log(
      `rendered ${topology.nodes.length} nodes (${services.length} services) as ${boxes.length} boxes in ${millis} ms`
    );
    expect(services.map((b) => b.id).sort()).toEqual(
      topology.nodes
        .filter((n) => n.type === 'service')
        .map((n) => n.id)
        .sort()
    );
    // Leaf grouping made fewer boxes than nodes, yet every box is a real, sized shape.
    expect(boxes.length).toBeLessThan(topology.nodes.length);
    for (const b of boxes) {
      expect(b.width).toBeGreaterThan(100);
      expect(b.height).toBeGreaterThan(30);
    }
    expect(overlappingPairs(boxes)).toEqual([]);
    await expect(page.locator('[data-testid=osprey-tm-status]').textContent()).resolves.toContain(
      `${SERVICES} services`
    );
  });

  it('draws the failing service in the theme’s error colour', async () => {
    const { error } = await page.evaluate(() => window.ospreyHost.colors());
    await expect(page.locator(nodeSelector(FAILING)).getAttribute('data-health')).resolves.toBe('crit');
    const stroke = await failingStroke();
    console.log(`failing service stroke ${stroke} (theme error ${error})`);
    expect(stroke).toBe(await resolved(error));
    // A healthy neighbour is not red.
    const healthy = await page
      .locator('[data-testid=osprey-tm-node][data-health=ok] [data-testid=osprey-tm-shape]')
      .first()
      .evaluate((el) => getComputedStyle(el).stroke);
    expect(healthy).not.toBe(stroke);
  });

  it('wheel-zooms onto the failing service under the pointer; hover dims all but its neighbours', async () => {
    const drift = await zoomOnto(FAILING, 160);
    console.log(`zoomed onto ${FAILING}: ${drift.toFixed(2)} px from where zooming about the pointer puts it`);
    expect(drift).toBeLessThan(3);
    await page.locator(nodeSelector(FAILING)).hover();
    const dimmed = await page.locator('[data-testid=osprey-tm-node][data-dimmed=true]').count();
    const lit = await page.locator('[data-testid=osprey-tm-node][data-dimmed=false]').count();
    const neighbours = new Set(
      topology.edges.flatMap((e) => (e.source === FAILING ? [e.target] : e.target === FAILING ? [e.source] : []))
    );
    console.log(`hover: ${lit} lit, ${dimmed} dimmed (${neighbours.size} neighbours before grouping)`);
    expect(lit).toBeGreaterThan(1);
    expect(lit).toBeLessThanOrEqual(neighbours.size + 1);
    expect(dimmed).toBeGreaterThan(100);
    await expect(page.locator('[data-testid=osprey-tm-edge-label]').count()).resolves.toBeGreaterThan(0);
    await host!.screenshot('tracemap-panel.png');
  });

  it('draws in the light theme too, failing service in its error colour', async () => {
    await page.evaluate(() => window.ospreyHost.setTheme('light'));
    await renderMap('Trace map: 300 services (light)');
    const { error } = await page.evaluate(() => window.ospreyHost.colors());
    expect(await failingStroke()).toBe(await resolved(error));
    await zoomOnto(FAILING, 160);
    await host!.screenshot('tracemap-panel-light.png');
    await page.evaluate(() => window.ospreyHost.setTheme('dark'));
    expect(consoleErrors).toEqual([]);
  });

  it('a drag pans the map without following a link; a click on a node follows its link', async () => {
    await renderMap('Trace map: 300 services');
    await zoomOnto(FAILING, 160);
    const body = page.locator(`${nodeSelector(FAILING)} [data-testid=osprey-tm-body]`);
    const before = (await body.boundingBox())!;
    const x = Math.round(before.x + before.width / 2);
    const y = Math.round(before.y + before.height / 2);
    // Pressed on the node itself: a pan, not a click.
    await page.mouse.move(x, y);
    await page.mouse.down();
    await page.mouse.move(x - 60, y - 40, { steps: 6 });
    await page.mouse.up();
    const after = (await body.boundingBox())!;
    console.log(`drag (-60, -40) px moved the node by (${after.x - before.x}, ${after.y - before.y}) px`);
    expect(Math.abs(after.x - before.x + 60)).toBeLessThan(1);
    expect(Math.abs(after.y - before.y + 40)).toBeLessThan(1);
    expect(new URL(page.url()).pathname).toBe('/');
    // The dashboard Grafana would open; the host has none, so the test answers for it.
    await page.route('**/d/osprey-service**', (route) =>
      route.fulfill({ status: 200, contentType: 'text/html', body: '<title>service dashboard</title>' })
    );
    await Promise.all([
      page.waitForURL(/\/d\/osprey-service\?/, { timeout: 10_000 }),
      page.locator(nodeSelector(FAILING)).click(),
    ]);
    const url = new URL(page.url());
    expect(url.pathname).toBe('/d/osprey-service');
    expect(url.searchParams.get('var-service')).toBe(FAILING);
  });
});
