/**
 * The dashboard preview as `npm start` serves it: the real entry (demo/dist/start.js) with its backend,
 * its shop's live traffic and its preview server; Chromium on the page. The service overview's XLOG
 * draws the demo's transactions, the variables and the time picker change what the panels ask the
 * backend for (read off the requests the page makes), and the read token is nowhere in the browser.
 */
import { spawn } from 'node:child_process';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';

import { bundlePreview, REPO_ROOT } from '@osprey/host';
import type {
  CapacityResponse,
  ChecksResponse,
  ErrorTypesResponse,
  HierarchyNode,
  HierarchyResponse,
  HostSnapshotCompare,
  HostsResponse,
  SlosResponse,
  SqlStatisticsResponse,
  SummaryResponse,
  TransactionProfile,
  TransactionsResponse,
} from '@osprey/model';
import type { BrowserContext, Page } from 'playwright-core';

import { readHostSnapshot } from '../../agent/src/host/read';
import { freePort } from '../../bench/free-port';
import { launchChromium } from './chromium';
import { DEMO_TOKENS, type DemoStack, startDemo, waitForTraffic } from './demo-stack';
import { column, columnInk, panelTitled, readTable } from './drawn-table';
import { requireBuilt } from './page';
import { answeredAt, millis, PreviewPage, PROXY, sortedRows } from './preview-page';
import { drawnFrom } from './proxied-answers';
import { browserState, networkTraffic, sightings } from './token-sightings';

jest.setTimeout(240_000);

const READ_TOKEN = 'e2e-preview-read-token-7f3a91c2';
const SCREENSHOTS = path.join(REPO_ROOT, 'test-output', 'e2e');
/** Grafana core's fonts, which the npm packages do not ship: the only console errors allowed. */
const MISSING_FONTS = /\/public\/fonts\//;

let demo: DemoStack | undefined;
let browser: { profileDir: string; context: BrowserContext } | undefined;
let page: Page;
/** From the backend answering /health to the preview answering its page, its bundle and the datasource. */
let previewLagMs = Number.NaN;
let preview: PreviewPage;
const consoleErrors: string[] = [];

/** Host compare answers: /api/v1/hosts/snapshots/<older>/compare/<newer>. */
const COMPARE_PATH = /^\/api\/v1\/hosts\/snapshots\/[^/]+\/compare\/[^/]+$/;

beforeAll(async () => {
  requireBuilt(['datasource/module.js', 'panels/xlog/module.js', 'dashboards/service-overview.json']);
  // The page as this tree's sources make it, where npm start serves it from.
  await bundlePreview();
  const ports = { backend: await freePort(), preview: await freePort() };
  const deadline = Date.now() + 60_000;
  const listening = answeredAt(`http://127.0.0.1:${ports.backend}/health`, deadline);
  const previewUrl = `http://127.0.0.1:${ports.preview}`;
  const served = Promise.all(
    ['/', '/host/host.js', '/public/plugins/osprey-apm-app/datasource/module.js'].map((p) =>
      answeredAt(previewUrl + p, deadline)
    )
  );
  demo = await startDemo({ readToken: READ_TOKEN, durationSeconds: 360, ports });
  previewLagMs = Math.max(...(await served)) - (await listening);
  await waitForTraffic(demo, { services: 3, errors: 1, timeoutMs: 60_000 });
  await mkdir(SCREENSHOTS, { recursive: true });
  browser = await launchChromium({ width: 1400, height: 1000 });
  page = browser.context.pages()[0] ?? (await browser.context.newPage());
  preview = new PreviewPage(page, SCREENSHOTS);
  page.on('console', (m) => {
    if (m.type() === 'error' && !MISSING_FONTS.test(m.location().url)) {
      consoleErrors.push(`${m.text()} (${m.location().url})`);
    }
  });
  page.on('pageerror', (err) => consoleErrors.push(`page error: ${err.message}`));
  await page.goto(`${previewUrl}/?dashboard=service-overview&from=now-15m&to=now`);
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

  it("draws the demo's live transactions in its XLOG panel, time series with @grafana/ui, and no chart it cannot draw", async () => {
    const dots = await preview.xlogDots();
    expect(dots).toBeGreaterThanOrEqual(20);
    const xlog = await preview.waitForCall('/api/v1/transactions', 0, () => true);
    expect(xlog.searchParams.get('service')).toBeNull();
    // Throughput by service: uPlot's canvas, and a legend entry per service the RED query answered.
    const throughput = page.locator('[data-panel-type=timeseries]').first();
    await throughput.locator('canvas').first().waitFor({ state: 'visible', timeout: 30_000 });
    await expect(throughput.textContent()).resolves.toMatch(/rate checkout.*rate shop-frontend/s);
    // Every time series panel draws its canvas (the five of the RED queries; the tables draw meanwhile).
    await page.waitForFunction(() => document.querySelectorAll('[data-panel-type=timeseries] canvas').length >= 5);
    for (const placeholder of await page.locator('[data-panel-type=bargauge]').all()) {
      await expect(placeholder.textContent()).resolves.toMatch(/opens in Grafana.*The query answered \d+ frames?/s);
      await expect(placeholder.locator('canvas, svg[role=img]').count()).resolves.toBe(0);
    }
    // Its transformations (reduce, sort by Max, limit 10) applied: one row per endpoint series, at most 10.
    const slowest = await readTable(panelTitled(page, 'Top slow endpoints (p99)'));
    expect(slowest.headers.slice(0, 3)).toEqual(['Endpoint', 'Max', 'Mean']);
    expect(slowest.rowCount).toBeLessThanOrEqual(10);
    const max = column(slowest, 'Max').map(millis);
    expect(max).toEqual([...max].sort((a, b) => b - a));
    await preview.screenshot('preview-service-overview.png');
  });

  it('asks the backend for the chosen service once the variable changes', async () => {
    const since = preview.requests.length;
    await preview.pick('preview-var-service', 'checkout');
    const xlog = await preview.waitForCall('/api/v1/transactions', since, (u) => u.searchParams.has('service'));
    expect(xlog.searchParams.getAll('service')).toEqual(['checkout']);
    await preview.waitForCall('/api/v1/instances', since, (u) => u.searchParams.get('service') === 'checkout');
    const red = await preview.waitForCall('/api/v1/metrics/red', since, (u) => u.searchParams.has('service'));
    expect(red.searchParams.get('service')).toBe('checkout');
    await page.waitForTimeout(1000);
    expect(
      preview.calls('/api/v1/transactions', since).filter((u) => u.searchParams.get('service') !== 'checkout')
    ).toEqual([]);
    await expect(page.locator('[data-panel-type=osprey-xlog-panel]').textContent()).resolves.toContain(
      'XLOG — checkout'
    );
  });

  it('moves the window with the time picker', async () => {
    const before = preview.calls('/api/v1/transactions').pop()!;
    expect(Number(before.searchParams.get('to')) - Number(before.searchParams.get('from'))).toBe(15 * 60_000);
    const since = preview.requests.length;
    const picked = Date.now();
    await preview.pick('preview-time-range', 'Last 5 minutes');
    const after = await preview.waitForCall('/api/v1/transactions', since, () => true);
    const [from, to] = [Number(after.searchParams.get('from')), Number(after.searchParams.get('to'))];
    expect(to - from).toBe(5 * 60_000);
    expect(to).toBeGreaterThanOrEqual(picked - 1000);
    expect(to).toBeLessThanOrEqual(Date.now() + 1000);
    expect(after.searchParams.get('service')).toBe('checkout');
    await preview.xlogDots();
  });

  it('renders in the light theme too', async () => {
    await page.getByTestId('preview-theme').click();
    await page.waitForFunction(() => new URLSearchParams(window.location.search).get('theme') === 'light');
    await preview.xlogDots();
    await preview.screenshot('preview-service-overview-light.png');
    expect(consoleErrors).toEqual([]);
  });
});

describe('the tables, drawn by @grafana/ui TableNG from what the backend answered', () => {
  const open = async (query: string) => {
    await page.goto(`${demo!.previewUrl}/?${query}`);
    await page.getByRole('heading', { level: 1 }).waitFor();
  };

  it('service overview: errors by type, one row per type the backend grouped, new ones marked', async () => {
    await open('dashboard=service-overview&from=now-15m&to=now');
    const { table, answer } = await drawnFrom<ErrorTypesResponse>(
      page,
      preview.answers,
      'Errors by type',
      '/api/v1/statistics/errors',
      (a) => a.errorTypes.length > 0
    );
    expect(table.rowCount).toBe(answer.errorTypes.length);
    expect(column(table, 'Type')).toEqual(answer.errorTypes.map((e) => e.errorType));
    expect(column(table, 'Service')).toEqual(answer.errorTypes.map((e) => e.service));
    expect(column(table, 'Count')).toEqual(answer.errorTypes.map((e) => String(e.count)));
    expect(column(table, 'New')).toEqual(answer.errorTypes.map((e) => (e.isNew ? 'new' : '')));
    // Over time: TableNG's sparkline cell (the datasource's time series frame per row), a line in every row.
    expect(column(table, 'Over time')).toEqual(answer.errorTypes.map(() => ''));
    expect(columnInk(table, 'Over time').filter((pixels) => pixels < 20)).toEqual([]);
    // The dashboard hides the raw message and the key.
    expect(table.headers.filter((h) => h === 'message' || h === 'key')).toEqual([]);
  });

  it('service overview: the endpoint summary, one row per endpoint, in the order of its sortBy (Count, largest first)', async () => {
    const { table, answer } = await drawnFrom<SummaryResponse>(
      page,
      preview.answers,
      'Endpoint summary (Apdex T = 500 ms)',
      '/api/v1/statistics/summary'
    );
    expect(table.rowCount).toBe(answer.summaries.length);
    const counts = column(table, 'Count').map(Number);
    expect(counts).toEqual([...counts].sort((a, b) => b - a));
    const drawn = table.rows.map((_, i) => [column(table, 'Service')[i], column(table, 'Endpoint')[i], counts[i]]);
    const sent = answer.summaries.map((r) => [r.service, r.endpoint, r.count]);
    expect(sortedRows(drawn)).toEqual(sortedRows(sent));
  });

  it('service overview: the top SQL statements by total time, as the backend ranked them', async () => {
    const { table, answer } = await drawnFrom<SqlStatisticsResponse>(
      page,
      preview.answers,
      /^Top SQL statements/,
      '/api/v1/statistics/sql',
      (a) => a.statements.length > 0
    );
    expect(answer.sort).toBe('totalTime');
    expect(table.rowCount).toBe(answer.statements.length);
    expect(column(table, 'Statement')).toEqual(answer.statements.map((st) => st.statement));
    expect(column(table, 'Service')).toEqual(answer.statements.map((st) => st.service));
    expect(column(table, 'Calls')).toEqual(answer.statements.map((st) => String(st.count)));
    expect(table.headers).not.toEqual(expect.arrayContaining(['key']));
    await preview.screenshot('preview-service-overview-tables.png');
  });

  it("a statement's link opens the transactions dashboard on its service: the XLOG asks for that service only", async () => {
    const panel = panelTitled(page, /^Top SQL statements/);
    const { answer } = await drawnFrom<SqlStatisticsResponse>(
      page,
      preview.answers,
      /^Top SQL statements/,
      '/api/v1/statistics/sql'
    );
    const [first] = answer.statements;
    const link = panel.locator('[role=row][aria-rowindex="2"] a').first();
    await expect(link.textContent()).resolves.toBe(first.statement);
    expect(await link.getAttribute('href')).toBe(
      `/d/osprey-transactions?var-service=${encodeURIComponent(first.service)}&from=now-15m&to=now`
    );
    const since = preview.requests.length;
    // At its start: a long statement's link runs on under the next cells, which take the click there.
    await link.click({ position: { x: 4, y: 4 } });
    await page.waitForURL((u) => u.searchParams.get('dashboard') === 'transactions');
    expect(new URL(page.url()).searchParams.getAll('var-service')).toEqual([first.service]);
    const xlog = await preview.waitForCall('/api/v1/transactions', since, (u) => u.searchParams.has('service'));
    expect(xlog.searchParams.getAll('service')).toEqual([first.service]);
    expect(await preview.xlogDots()).toBeGreaterThan(0);
    await expect(panelTitled(page, `XLOG — ${first.service}`).count()).resolves.toBe(1);
  });

  it("a slow transaction's trace id opens its profile: one row per step of the backend's profile", async () => {
    await open('dashboard=transactions&var-service=checkout&from=now-15m&to=now');
    const slowest = await drawnFrom<TransactionsResponse>(
      page,
      preview.answers,
      'Slowest transactions',
      '/api/v1/transactions',
      (a) => a.transactions.length > 0,
      // The XLOG above it asks the same path for every transaction of the window.
      (url) => url.searchParams.get('minElapsed') === '100'
    );
    // Its sortBy transformation: slowest first.
    const sent = [...slowest.answer.transactions].sort((a, b) => b.elapsed - a.elapsed);
    expect(slowest.table.rowCount).toBe(sent.length);
    expect(column(slowest.table, 'traceId')).toEqual(sent.map((t) => t.traceId));
    const traceId = sent[0].traceId;
    // The cell has the datasource's links and the dashboard's: the click offers them, as in Grafana.
    await panelTitled(page, 'Slowest transactions').getByText(traceId, { exact: true }).click();
    await page.getByRole('link', { name: 'Show this trace here' }).click();
    await page.waitForURL((u) => u.searchParams.get('var-traceId') === traceId);
    const { table, answer } = await drawnFrom<TransactionProfile>(
      page,
      preview.answers,
      `Profile of ${traceId}`,
      `/api/v1/traces/${traceId}/profile`
    );
    expect(answer.traceId).toBe(traceId);
    expect(table.rowCount).toBe(answer.steps.length);
    expect(column(table, 'kind')).toEqual(answer.steps.map((st) => st.kind));
    expect(column(table, 'step')).toEqual(answer.steps.map((st) => st.name));
    await preview.screenshot('preview-transaction-profile.png');
  });

  it('health: the synthetic check and SLOs npm start defines, the hierarchy and the capacity, as the backend answered', async () => {
    await open('dashboard=health&from=now-15m&to=now');
    const checks = await drawnFrom<ChecksResponse>(page, preview.answers, 'Synthetic checks', '/api/v1/checks', (a) =>
      a.checks.some((c) => c.lastRun)
    );
    expect(checks.table.rowCount).toBe(checks.answer.checks.length);
    expect(column(checks.table, 'check')).toEqual(checks.answer.checks.map((c) => c.definition.name));
    expect(column(checks.table, 'check')).toContain('shop-home');
    expect(column(checks.table, 'State')).toEqual(
      checks.answer.checks.map((c) => (c.lastRun ? (c.lastRun.up ? 'UP' : 'DOWN') : ''))
    );

    const tree = await drawnFrom<HierarchyResponse>(
      page,
      preview.answers,
      'Health hierarchy (worst first)',
      '/api/v1/health/hierarchy'
    );
    const walk = (nodes: HierarchyNode[]): string[] => nodes.flatMap((n) => [n.name, ...walk(n.children)]);
    expect(column(tree.table, 'name')).toEqual(walk(tree.answer.roots));
    expect(tree.table.headers).not.toEqual(expect.arrayContaining(['path']));

    const capacity = await drawnFrom<CapacityResponse>(
      page,
      preview.answers,
      "Capacity (Little's law)",
      '/api/v1/health/capacity'
    );
    expect(capacity.table.rowCount).toBe(capacity.answer.instances.length);
    expect(column(capacity.table, 'instance')).toEqual(capacity.answer.instances.map((r) => r.instance));
    // demo/slos.yaml's SLOs, each with the shop's traffic once a rollup minute has passed.
    const slos = await drawnFrom<SlosResponse>(page, preview.answers, /^SLOs/, '/api/v1/slos', (a) =>
      a.slos.every((s) => s.total > 0)
    );
    const shown = 'SLO, service, target, window, SLI, Budget remaining, Burn rate, Transactions, Bad';
    expect(slos.table.headers.join(', ')).toBe(shown);
    expect(column(slos.table, 'SLO')).toEqual(['checkout-availability', 'charge-latency']);
    expect(column(slos.table, 'Transactions')).toEqual(slos.answer.slos.map((s) => String(s.total)));
    await preview.screenshot('preview-health.png');
  });

  it('host snapshots: two real captures of this machine compared, the processes started between them listed', async () => {
    const host = `preview-e2e-${process.pid}`;
    const ended = spawn('sleep', ['120']);
    const before = readHostSnapshot(host);
    ended.kill('SIGKILL');
    await new Promise((resolve) => ended.once('exit', resolve));
    const started = spawn('sleep', ['120']);
    try {
      await new Promise((resolve) => setTimeout(resolve, 200));
      const after = readHostSnapshot(host);
      for (const snapshot of [before, after]) {
        const response = await fetch(`${demo!.backendUrl}/api/v1/hosts/snapshots`, {
          method: 'POST',
          headers: { authorization: `Bearer ${DEMO_TOKENS.ingest}`, 'content-type': 'application/json' },
          body: JSON.stringify(snapshot),
        });
        expect(response.status).toBe(201);
      }
      await open(`dashboard=host-snapshots&var-host=${host}&from=now-15m&to=now`);
      const hosts = await drawnFrom<HostsResponse>(page, preview.answers, 'Hosts', '/api/v1/hosts');
      expect(column(hosts.table, 'host')).toEqual(hosts.answer.hosts.map((h) => h.host));
      const compareOf = (table: string) =>
        drawnFrom<HostSnapshotCompare>(page, preview.answers, table, COMPARE_PATH, (a) => a.host === host);
      const startedTable = await compareOf('Processes started');
      expect(column(startedTable.table, 'pid')).toEqual(startedTable.answer.started.map((p) => String(p.pid)));
      expect(column(startedTable.table, 'pid')).toContain(String(started.pid));
      const endedTable = await compareOf('Processes ended');
      expect(column(endedTable.table, 'pid')).toEqual(endedTable.answer.ended.map((p) => String(p.pid)));
      expect(column(endedTable.table, 'pid')).toContain(String(ended.pid));
      await preview.screenshot('preview-host-snapshots.png');
    } finally {
      started.kill('SIGKILL');
    }
  });

  it('drew it all without a console error', () => {
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

    const network = await networkTraffic(preview.requests);
    expect(sightings([...(await browserState(page, browser!.context)), ...network], READ_TOKEN)).toEqual([]);
    // What was searched: the page's backend calls, answered through the proxy, and their bodies.
    const bodies = network.filter((s) => s.where.includes(PROXY) && s.where.endsWith('answer body') && s.text);
    expect(bodies.length).toBeGreaterThan(10);
  });
});
