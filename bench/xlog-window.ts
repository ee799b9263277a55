/**
 * The XLOG window end to end: a store of 1,000,000 generated transactions behind `osprey serve`,
 * the built datasource and XLOG panel in Chromium on the e2e host page, through its data proxy.
 * Timed in the page from the query's start to the frames the datasource answers, and on to the frame
 * that paints every dot: the panel mounted just before, as when a dashboard opens, and kept mounted,
 * as on a dashboard's refresh; with the bytes on the wire per transaction and the memory the page
 * holds for the window. The peer, in the same run on the same page: the JSON rows answer (every
 * field, `Accept: application/json`), parsed and pivoted into a frame of arrays as the datasource did
 * before the Arrow window.
 *
 *   npm run bench:xlog-window                 # DuckDB and ClickHouse
 *   BENCH_STORES=duckdb BENCH_WINDOWS=100k npm run bench:xlog-window
 *   BENCH_PROFILE=<dir> …   # also one more Arrow run under Chromium's CPU profiler, saved there
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { ClickHouseStore, DEFAULT_CLICKHOUSE_DATABASE, DuckDbStore, type Store } from '@osprey/backend';
import { generateTransactions, startClickHouseServer } from '@osprey/backend/testing';
import { TRANSACTION_COLUMN_NAMES, type Transaction } from '@osprey/model';

import { dataSourceSettings, DS_MODULE, openHostPage, pluginUrl, requireBuilt, type HostPage } from '../test/e2e/page';
import { freePort } from './free-port';
import { BENCH_TOKEN, startOsprey, startOspreyOnClickHouse, type OspreyProcess } from './osprey-process';

const PANEL_MODULE = pluginUrl('panels/xlog/module.js');
const PANEL = { width: 1200, height: 500 };
const DS_UID = 'osprey-bench';
const TOTAL = 1_000_000;
const SPAN_MS = 15 * 60_000;
/** The 100k window: the last tenth of the stored span. */
const WINDOWS = [
  { name: '100k', share: 0.1 },
  { name: '1M', share: 1 },
];
const RUNS = 5;
const INSERT_CHUNK = 50_000;

interface Figures {
  rows: number;
  /** Query start → the datasource's frames. */
  framesMs: number;
  /** Query start → the panel drawn with every dot. */
  renderMs: number;
  bytes: number;
  /** JS heap plus array buffers in use with the window shown, after a GC, above the empty page. */
  heapBytes: number;
}

type Timed = Omit<Figures, 'heapBytes'>;

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

/** Seeded transactions ending in [from, from + SPAN_MS), stored in end order as they would arrive. */
async function fill(store: Store, from: number): Promise<void> {
  const all: Transaction[] = generateTransactions({
    seed: 16,
    count: TOTAL,
    from,
    spanMs: SPAN_MS,
    services: ['cart', 'pay', 'search', 'stock', 'auth'],
    instancesPerService: 3,
    errorRatio: 0.02,
  }).sort((a, b) => a.endTime - b.endTime);
  for (let i = 0; i < all.length; i += INSERT_CHUNK) {
    await store.insertBatch([], all.slice(i, i + INSERT_CHUNK));
  }
}

/**
 * The page's memory in use after a GC: the JS heap plus the array buffers outside it (where typed
 * arrays keep their values), as Chromium's DevTools protocol reports them.
 */
async function heapInUse(host: HostPage): Promise<number> {
  const cdp = await host.page.context().newCDPSession(host.page);
  await cdp.send('HeapProfiler.collectGarbage');
  const usage = (await cdp.send('Runtime.getHeapUsage')) as { usedSize: number; backingStorageSize?: number };
  await cdp.detach();
  if (usage.backingStorageSize === undefined) {
    throw new Error('this Chromium reports no backingStorageSize: array buffers would go uncounted');
  }
  return usage.usedSize + usage.backingStorageSize;
}

/**
 * The panel before the query answers, showing no data (the previous window released, collected
 * whenever V8 chooses). `remount`: mounted afresh, as when a dashboard opens; otherwise the mounted
 * panel keeps its canvas and raster, as on a dashboard's refresh.
 */
async function emptyPanel(host: HostPage, remount = true): Promise<void> {
  await host.page.evaluate(() => {
    window.ospreyHost.showFrames([], { from: 0, to: 1 });
    performance.clearResourceTimings();
  });
  if (remount) {
    await host.renderPanel(PANEL_MODULE, PANEL);
  } else {
    await host.page.evaluate(() => window.ospreyHost.updatePanel());
  }
}

/**
 * The memory a run leaves held: in use after it, above the empty panel before it, each after a GC.
 * DevTools' GC is V8's low-memory notification, which also drops compiled code, so a run right
 * after one starts cold: this run's times are not counted where warm runs are.
 */
async function held<T>(host: HostPage, run: () => Promise<T>): Promise<{ result: T; heapBytes: number }> {
  await emptyPanel(host);
  const empty = await heapInUse(host);
  const result = await run();
  return { result, heapBytes: (await heapInUse(host)) - empty };
}

/** The datasource's Arrow path: query → frames → the panel painted, timed in the page. */
async function arrowRun(host: HostPage, from: number, to: number, remount = true): Promise<Timed> {
  await emptyPanel(host, remount);
  const timed = await host.page.evaluate(
    ([url, settings, uid, f, t]) =>
      window.ospreyHost.timedXlogQuery(
        url,
        settings as never,
        [{ refId: 'A', queryType: 'xlog', limit: 1_000_000, datasource: { uid } } as never],
        f,
        t
      ),
    [DS_MODULE, dataSourceSettings(DS_UID), DS_UID, from, to] as const
  );
  if (timed.error) {
    throw new Error(timed.error);
  }
  return { rows: timed.rows, framesMs: timed.framesMs, renderMs: timed.renderMs, bytes: await wireBytes(host) };
}

/**
 * The peer: the JSON rows answer through the same proxy, parsed, pivoted into a frame of arrays
 * with every field (what the datasource built before), then the same panel. Its memory is taken
 * around each run: a run takes seconds, against which the cold start after the GC does not show.
 */
async function jsonRun(host: HostPage, from: number, to: number): Promise<Figures> {
  const { result: timing, heapBytes } = await held(host, () =>
    host.page.evaluate(
      async ([uid, f, t, names]) => {
        const started = performance.now();
        const url = `/api/datasources/proxy/uid/${uid}/osprey/api/v1/transactions?from=${f}&to=${t}&limit=1000000`;
        const response = await fetch(url, { headers: { Accept: 'application/json' } });
        const body = (await response.json()) as { transactions: Array<Record<string, unknown>> };
        const rows = body.transactions;
        const fields = names.map((name) => ({
          name,
          type: name === 'endTime' ? 'time' : typeof rows[0]?.[name] === 'number' ? 'number' : 'string',
          config: {},
          values: rows.map((row) => row[name] ?? null),
        }));
        const framesAt = performance.now();
        const paintedAt = await window.ospreyHost.showXlogFrames([{ name: 'transactions', fields } as never], {
          from: f,
          to: t,
        });
        return { started, framesAt, paintedAt, rows: rows.length };
      },
      [DS_UID, from, to, TRANSACTION_COLUMN_NAMES] as const
    )
  );
  return {
    rows: timing.rows,
    framesMs: timing.framesAt - timing.started,
    renderMs: timing.paintedAt - timing.started,
    bytes: await wireBytes(host),
    heapBytes,
  };
}

/**
 * One more Arrow run under the page's CPU profiler, written as a `.cpuprofile` (DevTools opens it),
 * to see where a window's time goes; its own figures are not counted (sampling slows the page).
 */
async function profiledArrowRun(host: HostPage, from: number, to: number, file: string): Promise<void> {
  const cdp = await host.page.context().newCDPSession(host.page);
  await cdp.send('Profiler.enable');
  await cdp.send('Profiler.setSamplingInterval', { interval: 100 });
  await cdp.send('Profiler.start');
  await arrowRun(host, from, to);
  const { profile } = (await cdp.send('Profiler.stop')) as { profile: unknown };
  await cdp.detach();
  writeFileSync(file, JSON.stringify(profile));
  console.log(`  page CPU profile of one more run: ${file}`);
}

/** Body bytes of the last transactions answer the page received. */
function wireBytes(host: HostPage): Promise<number> {
  return host.page.evaluate(() => {
    const entries = performance
      .getEntriesByType('resource')
      .filter((e) => e.name.includes('/api/v1/transactions')) as PerformanceResourceTiming[];
    return entries[entries.length - 1]?.encodedBodySize ?? 0;
  });
}

/** The backend's answer alone, read by Node straight from `osprey serve` (no proxy, no browser). */
async function backendMs(osprey: OspreyProcess, from: number, to: number): Promise<number> {
  const url = `${osprey.url}/api/v1/transactions?from=${from}&to=${to}&limit=1000000&columns=endTime,elapsed,service,status`;
  const times: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const started = performance.now();
    const response = await fetch(url, {
      headers: { Authorization: `Bearer ${BENCH_TOKEN}`, Accept: 'application/vnd.apache.arrow.stream' },
    });
    await response.arrayBuffer();
    times.push(performance.now() - started);
  }
  return median(times);
}

function print(
  store: string,
  window: string,
  arrow: Figures,
  runs: { first: Timed; refresh: Timed },
  json: Figures,
  backend: number
): void {
  const mb = (bytes: number) => `${(bytes / 1e6).toFixed(1)} MB`;
  const ms = (value: number) => `${value.toFixed(0)} ms`;
  const rows = [
    ['rows', String(arrow.rows), String(json.rows)],
    ['backend answer alone', ms(backend), ''],
    ['query → frames', ms(arrow.framesMs), ms(json.framesMs)],
    ['query → rendered panel', ms(arrow.renderMs), ms(json.renderMs)],
    ['  first run of the window', ms(runs.first.renderMs), ''],
    ['  refresh: frames', ms(runs.refresh.framesMs), ''],
    ['  refresh: rendered', ms(runs.refresh.renderMs), ''],
    ['bytes on the wire', mb(arrow.bytes), mb(json.bytes)],
    ['bytes / transaction', (arrow.bytes / arrow.rows).toFixed(1), (json.bytes / json.rows).toFixed(1)],
    ['browser heap held', mb(arrow.heapBytes), mb(json.heapBytes)],
  ];
  console.log(
    `\n${store}, ${window} window: Arrow window (median of ${RUNS}; the panel mounted before each query, ` +
      `or kept mounted on a refresh) vs JSON rows peer`
  );
  for (const [what, a, j] of rows) {
    console.log(`  ${what.padEnd(26)} ${a.padStart(12)} ${j.padStart(12)}`);
  }
  const ratio = (arrowMs: number) => `${(json.renderMs / arrowMs).toFixed(1)}×`.padStart(12);
  console.log(`  ${'JSON / Arrow, rendered'.padEnd(26)} ${ratio(arrow.renderMs)}`);
  console.log(`  ${'  refresh'.padEnd(26)} ${ratio(runs.refresh.renderMs)}`);
}

function medianTimed(runs: Timed[]): Timed {
  return {
    rows: runs[0].rows,
    framesMs: median(runs.map((r) => r.framesMs)),
    renderMs: median(runs.map((r) => r.renderMs)),
    bytes: median(runs.map((r) => r.bytes)),
  };
}

async function measure(store: string, osprey: OspreyProcess, from: number): Promise<void> {
  const host = await openHostPage({
    missingAssets: ['fonts'],
    dataSources: [{ uid: DS_UID, jsonData: { url: osprey.url }, secureJsonData: { token: BENCH_TOKEN } }],
    viewport: { width: 1300, height: 700 },
  });
  try {
    const to = from + SPAN_MS;
    const names = (process.env.BENCH_WINDOWS ?? WINDOWS.map((w) => w.name).join(',')).split(',');
    for (const window of WINDOWS.filter((w) => names.includes(w.name))) {
      const start = to - SPAN_MS * window.share;
      const first = await arrowRun(host, start, to);
      const arrow: Timed[] = [];
      for (let i = 0; i < RUNS; i++) {
        arrow.push(await arrowRun(host, start, to));
      }
      const refresh: Timed[] = [];
      for (let i = 0; i < RUNS; i++) {
        refresh.push(await arrowRun(host, start, to, false));
      }
      // Warm, as the timed runs: before the memory run's GC and the peer's runs, whose plain arrays
      // would leave the panel's code tuned for another shape.
      const profiles = process.env.BENCH_PROFILE;
      if (profiles) {
        mkdirSync(profiles, { recursive: true });
        await profiledArrowRun(host, start, to, path.join(profiles, `xlog-${store}-${window.name}.cpuprofile`));
      }
      const { heapBytes } = await held(host, () => arrowRun(host, start, to));
      // The peer's 1M answer takes tens of seconds a run: one run.
      const jsonRuns = window.share === 1 ? 1 : RUNS;
      const json: Figures[] = [];
      for (let i = 0; i < jsonRuns; i++) {
        json.push(await jsonRun(host, start, to));
      }
      const jsonFigures = { ...medianTimed(json), heapBytes: median(json.map((r) => r.heapBytes)) };
      const backend = await backendMs(osprey, start, to);
      const runs = { first, refresh: medianTimed(refresh) };
      print(store, window.name, { ...medianTimed(arrow), heapBytes }, runs, jsonFigures, backend);
    }
    if (host.consoleErrors.length > 0) {
      throw new Error(`console errors: ${host.consoleErrors.join('\n')}`);
    }
  } finally {
    await host.stop();
  }
}

/**
 * Waits until ClickHouse has no merge running and its part count held still for 2 s: the fill's
 * inserts leave parts that background merges keep rewriting for a while, on the same two cores
 * the page is timed on. A store that has been running holds merged parts for all but its newest rows.
 */
async function mergesQuiet(url: string): Promise<void> {
  const ask = async (sql: string) => (await (await fetch(url, { method: 'POST', body: sql })).text()).trim();
  const started = Date.now();
  let last = '';
  for (;;) {
    const merging = Number(await ask('SELECT count() FROM system.merges'));
    const parts = await ask("SELECT count() FROM system.parts WHERE active AND table = 'transactions'");
    if (merging === 0 && parts === last) {
      console.log(
        `ClickHouse merges quiet after ${((Date.now() - started) / 1000).toFixed(1)} s: ${parts} active parts`
      );
      return;
    }
    last = merging === 0 ? parts : '';
    await new Promise((resolve) => setTimeout(resolve, 2000));
  }
}

async function main(): Promise<void> {
  requireBuilt(['datasource/module.js', 'panels/xlog/module.js']);
  const stores = (process.env.BENCH_STORES ?? 'duckdb,clickhouse').split(',');
  const commit = execFileSync('git', ['rev-parse', '--short', 'HEAD']).toString().trim();
  console.log(
    `xlog-window bench: ${new Date().toISOString()}, commit ${commit}, ${os.cpus().length} cores, load ${os
      .loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}`
  );
  const scratch = mkdtempSync(path.join(os.tmpdir(), 'osprey-xlog-window-'));
  const from = Date.now() - SPAN_MS - 60_000;
  try {
    if (stores.includes('duckdb')) {
      const dir = path.join(scratch, 'duckdb');
      const started = Date.now();
      const store = await DuckDbStore.open(dir, { autoSettle: false });
      await fill(store, from);
      await store.close();
      console.log(`DuckDB filled with ${TOTAL} transactions in ${((Date.now() - started) / 1000).toFixed(1)} s`);
      const osprey = await startOsprey(dir);
      try {
        await measure('DuckDB', osprey, from);
      } finally {
        await osprey.stop();
      }
    }
    if (stores.includes('clickhouse')) {
      const chDir = path.join(scratch, 'clickhouse');
      mkdirSync(chDir);
      const server = await startClickHouseServer(chDir, freePort);
      try {
        const started = Date.now();
        const store = await ClickHouseStore.open(
          { url: server.url, database: DEFAULT_CLICKHOUSE_DATABASE },
          { settleMs: 10_000, autoSettle: false }
        );
        await fill(store, from);
        await store.close();
        console.log(`ClickHouse filled with ${TOTAL} transactions in ${((Date.now() - started) / 1000).toFixed(1)} s`);
        await mergesQuiet(server.url);
        const osprey = await startOspreyOnClickHouse(scratch, server.url);
        try {
          await measure('ClickHouse', osprey, from);
        } finally {
          await osprey.stop();
        }
      } finally {
        await server.stop();
      }
    }
    console.log(
      `\nload after: ${os
        .loadavg()
        .map((l) => l.toFixed(2))
        .join(' ')}`
    );
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
