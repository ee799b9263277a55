/**
 * The e2e host page: the plugin host of host/ (shared modules, loader, services) with a small API on
 * window for the playwright suites: run a built datasource's queries, render a built panel with their
 * answer, mount the app's pages, and read back what happened.
 */
// First: @grafana/runtime reads Grafana's boot data when it loads.
import '../../../host/src/web/boot-data';

import {
  createTheme,
  DataFrame,
  DataFrameDTO,
  DataQueryRequest,
  DataQueryResponse,
  DataSourceInstanceSettings,
  EventBusSrv,
  FieldType,
  getDefaultTimeRange,
  LoadingState,
  PanelData,
  PanelPlugin,
  TimeRange,
  toDataFrame,
  createDataFrame,
} from '@grafana/data';
import { config } from '@grafana/runtime';
import { GlobalStyles, ThemeContext } from '@grafana/ui';
import { cloneDeep } from 'lodash';
import { createRoot, Root } from 'react-dom/client';
import { from as fromPromise, isObservable, lastValueFrom, take, toArray } from 'rxjs';

import { hostedPanel } from '../../../host/src/web/panel';
import { queryRequest as dashboardRequest } from '../../../host/src/web/query';
import {
  appEvents,
  type DataSourceLike,
  loadDataSource as dataSource,
  loadPlugin,
} from '../../../host/src/web/runtime';
import {
  columnText,
  fixedRange,
  lastMinutes,
  type LiveRun,
  type PacketSummary,
  type QuerySummary,
  summarise,
} from './summary';
import { mountAppConfig, mountAppRoot } from './app-pages';

// Dark, as Grafana starts; setTheme switches it, as a user's preference would, for the next render.
let theme = createTheme({ colors: { mode: 'dark' } });

/** A query over `range` as a dashboard panel 1000 px wide asks it, at a fixed 1 s interval (what the suites' RED steps assume). */
function queryRequest(targets: DataQueryRequest['targets'], range: TimeRange): DataQueryRequest {
  return {
    ...dashboardRequest(targets, range, { requestId: 'osprey-e2e', maxDataPoints: 1000 }),
    interval: '1s',
    intervalMs: 1000,
  };
}

let lastData: PanelData | undefined;
let root: Root | undefined;
let updatingInPlace = false;
let lastQuery: Parameters<typeof host.query> | undefined;
let lastRender: Parameters<typeof host.renderPanel> | undefined;
/** Dashboard refreshes done for "variables-changed" events (the test waits on this count). */
let refreshes = 0;
/** What panels asked for through onChangeTimeRange (a dashboard would move its time picker). */
const timeRangeChanges: Array<{ from: number; to: number }> = [];

/**
 * Renders a panel with the last query's data, the way Grafana's PanelRenderer does: the plugin's
 * default options with `chosen` over them, as a saved panel's options are.
 */
async function renderInto(
  moduleUrl: string,
  width: number,
  height: number,
  title = 'XLOG: transactions',
  chosen: object = {}
) {
  const plugin = await loadPlugin<PanelPlugin>(moduleUrl);
  const data = lastData ?? { state: LoadingState.Done, series: [], timeRange: getDefaultTimeRange() };
  const options = { ...cloneDeep(plugin.defaults), ...chosen };
  const panel = hostedPanel({
    id: 1,
    plugin,
    data,
    title,
    width,
    height,
    theme,
    options,
    fieldConfig: plugin.fieldConfigDefaults,
    eventBus: new EventBusSrv(),
    onChangeTimeRange: (range) => {
      timeRangeChanges.push(range);
    },
  });
  const container = document.getElementById('panel');
  if (!container) {
    throw new Error('host page has no #panel element');
  }
  container.style.width = `${width}px`;
  container.style.height = `${height}px`;
  // A new query mounts a fresh panel; a streaming packet updates the mounted one, as in Grafana.
  if (!root || !updatingInPlace) {
    root?.unmount();
    root = createRoot(container);
  }
  root.render(
    <ThemeContext.Provider value={theme}>
      <GlobalStyles />
      {panel}
    </ThemeContext.Provider>
  );
  return { options };
}

/**
 * Runs a request the way Grafana's query runner does and keeps its answer as the panel's data;
 * answers the error message, if any.
 */
async function answerQuery(
  ds: DataSourceLike,
  targets: DataQueryRequest['targets'],
  range: TimeRange
): Promise<string | undefined> {
  const request = queryRequest(targets, range);
  const result = ds.query(request);
  let response: DataQueryResponse;
  try {
    response = isObservable(result) ? await lastValueFrom(result) : await result;
  } catch (err) {
    // Grafana's query runner turns a failed query into an error on the panel data.
    const message = err instanceof Error ? err.message : String(err);
    lastData = { state: LoadingState.Error, series: [], timeRange: range, request, error: { message } };
    return message;
  }
  const series = response.data as DataFrame[];
  lastData = { state: response.error ? LoadingState.Error : LoadingState.Done, series, timeRange: range, request };
  return response.error?.message;
}

async function runQuery(ds: DataSourceLike, targets: DataQueryRequest['targets'], range: TimeRange) {
  const error = await answerQuery(ds, targets, range);
  return summarise(lastData?.series ?? [], error);
}

/**
 * When the mounted XLOG canvas has drawn `dots` dots, the task after the next animation frame:
 * the panel draws in its commit's layout effect, so that frame is the one that paints the dots.
 */
function xlogPainted(dots: number): Promise<number> {
  return new Promise((resolve) => {
    const check = () => {
      const drawn = document.querySelector('[data-testid=osprey-xlog-canvas]')?.getAttribute('data-drawn-dots');
      if (drawn === String(dots)) {
        setTimeout(() => resolve(performance.now()), 0);
      } else {
        requestAnimationFrame(check);
      }
    };
    requestAnimationFrame(check);
  });
}

const host = {
  async testDatasource(moduleUrl: string, settings: DataSourceInstanceSettings) {
    const ds = await dataSource(moduleUrl, settings);
    return ds.testDatasource();
  },

  async query(
    moduleUrl: string,
    settings: DataSourceInstanceSettings,
    targets: DataQueryRequest['targets'],
    minutes: number
  ): Promise<QuerySummary> {
    lastQuery = [moduleUrl, settings, targets, minutes];
    return runQuery(await dataSource(moduleUrl, settings), targets, lastMinutes(minutes));
  },

  /** The same over a fixed range (epoch ms), for runs that must see exactly the data they stored. */
  async queryRange(
    moduleUrl: string,
    settings: DataSourceInstanceSettings,
    targets: DataQueryRequest['targets'],
    from: number,
    to: number
  ): Promise<QuerySummary> {
    return runQuery(await dataSource(moduleUrl, settings), targets, fixedRange(from, to));
  },

  /**
   * The first `packets` answers of a query that keeps answering (live XLOG), as Grafana's query
   * runner receives them; the subscription ends after the last one, as when a panel goes away.
   */
  async stream(
    moduleUrl: string,
    settings: DataSourceInstanceSettings,
    targets: DataQueryRequest['targets'],
    minutes: number,
    packets: number
  ): Promise<PacketSummary[]> {
    const ds = await dataSource(moduleUrl, settings);
    const range = lastMinutes(minutes);
    const result = ds.query(queryRequest(targets, range));
    const answers = await lastValueFrom(
      (isObservable(result) ? result : fromPromise(result)).pipe(take(packets), toArray())
    );
    return answers.map((response) => {
      const series = response.data as DataFrame[];
      const spans = columnText(series, 'spanId');
      return {
        ...summarise(series, response.error?.message),
        state: response.state,
        duplicateRows: spans.length - new Set(spans).size,
      };
    });
  },

  /**
   * A live query feeding a rendered panel for `durationMs`, as a dashboard panel in Grafana gets it:
   * every packet replaces the panel's data and re-renders the mounted panel. Records each packet's
   * rows and the bytes of the window answers since the one before, and the gaps between animation
   * frames from the first packet's render on (how smooth the mounted panel stays as rows arrive).
   */
  async live(
    moduleUrl: string,
    settings: DataSourceInstanceSettings,
    targets: DataQueryRequest['targets'],
    minutes: number,
    panelModule: string,
    size: { width: number; height: number },
    durationMs: number
  ): Promise<LiveRun> {
    const ds = await dataSource(moduleUrl, settings);
    const range = lastMinutes(minutes);
    const request = queryRequest(targets, range);
    const result = ds.query(request);
    const packets: LiveRun['packets'] = [];
    const gaps: number[] = [];
    let running = true;
    let last = 0;
    const tick = (now: number) => {
      if (last > 0) {
        gaps.push(now - last);
      }
      last = now;
      if (running) {
        requestAnimationFrame(tick);
      }
    };
    let seen = 0;
    let rendering = Promise.resolve();
    const subscription = (isObservable(result) ? result : fromPromise(result)).subscribe((response) => {
      const series = response.data as DataFrame[];
      const entries = performance.getEntriesByType('resource') as PerformanceResourceTiming[];
      const answers = entries.filter((e) => e.name.includes('/api/v1/transactions')).slice(seen);
      seen += answers.length;
      packets.push({
        rows: series.reduce((sum, f) => sum + f.length, 0),
        bytes: answers.reduce((sum, e) => sum + e.encodedBodySize, 0),
        error: response.error?.message,
      });
      lastData = { state: response.state ?? LoadingState.Streaming, series, timeRange: range, request };
      rendering = rendering.then(async () => {
        const mounted = updatingInPlace || packets.length > 1;
        updatingInPlace = mounted;
        try {
          await host.renderPanel(panelModule, size.width, size.height);
        } finally {
          updatingInPlace = false;
        }
        if (!mounted) {
          requestAnimationFrame(tick);
        }
      });
    });
    await new Promise((resolve) => setTimeout(resolve, durationMs));
    subscription.unsubscribe();
    running = false;
    await rendering;
    const dots = Number(document.querySelector('[data-testid=osprey-xlog-canvas]')?.getAttribute('data-dots') ?? 0);
    return { packets, frameGapsMs: gaps, dots, from: range.from.valueOf() };
  },

  /** Renders the panel with the last query's data, the way Grafana's PanelRenderer does. */
  async renderPanel(moduleUrl: string, width: number, height: number, title = 'XLOG: transactions', options = {}) {
    lastRender = [moduleUrl, width, height, title, options];
    return renderInto(moduleUrl, width, height, title, options);
  },

  /**
   * The mounted panel gets the last query's data, as a dashboard panel does when its query answers
   * (it was mounted, loading, before); renders fresh when nothing is mounted.
   */
  async updatePanel() {
    if (!lastRender) {
      throw new Error('render the panel once before updating it');
    }
    updatingInPlace = true;
    try {
      await renderInto(...lastRender);
    } finally {
      updatingInPlace = false;
    }
  },

  timeRangeChanges() {
    return [...timeRangeChanges];
  },

  /** The query's range and the transaction columns the panel was given, to count dots independently. */
  panelData() {
    const series = lastData?.series ?? [];
    const column = (name: string) =>
      series.flatMap((frame) => Array.from(frame.fields.find((f) => f.name === name)?.values ?? [], Number));
    return {
      from: lastData?.timeRange.from.valueOf() ?? 0,
      to: lastData?.timeRange.to.valueOf() ?? 0,
      endTime: column('endTime'),
      elapsed: column('elapsed'),
    };
  },

  /**
   * A streaming query's next packet: appends a frame of transactions to the panel's series with
   * LoadingState.Streaming and renders again, as Grafana's query runner does for a live query.
   */
  async streamTransactions(rows: Array<{ endTime: number; elapsed: number; service: string; status: string }>) {
    if (!lastData || !lastRender) {
      throw new Error('query and render the panel before streaming into it');
    }
    const frame = createDataFrame({
      refId: 'A',
      name: 'transactions',
      fields: [
        { name: 'endTime', type: FieldType.time, values: rows.map((r) => r.endTime) },
        {
          name: 'elapsed',
          type: FieldType.number,
          values: rows.map((r) => r.elapsed),
          config: { unit: 'ms' },
        },
        { name: 'service', type: FieldType.string, values: rows.map((r) => r.service) },
        { name: 'status', type: FieldType.string, values: rows.map((r) => r.status) },
      ],
    });
    lastData = { ...lastData, state: LoadingState.Streaming, series: [...lastData.series, frame] };
    updatingInPlace = true;
    try {
      await host.renderPanel(...lastRender);
    } finally {
      updatingInPlace = false;
    }
  },

  /**
   * Panel data given directly instead of by a query (the trace-map e2e, the XLOG bench's JSON peer):
   * the frames as a query would have returned them, over the last `minutes` or a fixed range (epoch
   * ms); renderPanel then draws them.
   */
  showFrames(frames: DataFrameDTO[], window: number | { from: number; to: number } = 60) {
    const range = typeof window === 'number' ? lastMinutes(window) : fixedRange(window.from, window.to);
    lastQuery = undefined;
    lastData = { state: LoadingState.Done, series: frames.map((f) => toDataFrame(f)), timeRange: range };
    return summarise(lastData.series);
  },

  /**
   * An XLOG query answered into the mounted panel, timed in the page as its user sees it: from the
   * query's start to the datasource's frames, and to the frame that paints every dot. Benches read
   * these, with no round trip to the test process inside the timed span.
   */
  async timedXlogQuery(
    moduleUrl: string,
    settings: DataSourceInstanceSettings,
    targets: DataQueryRequest['targets'],
    from: number,
    to: number
  ) {
    const ds = await dataSource(moduleUrl, settings);
    const started = performance.now();
    const error = await answerQuery(ds, targets, fixedRange(from, to));
    const framesAt = performance.now();
    const series = lastData?.series ?? [];
    await host.updatePanel();
    const paintedAt = await xlogPainted(series.reduce((sum, frame) => sum + frame.length, 0));
    return { ...summarise(series, error), framesMs: framesAt - started, renderMs: paintedAt - started };
  },

  /** Frames built in the page (a bench's peer path) into the mounted XLOG panel: when it paints them. */
  async showXlogFrames(frames: DataFrameDTO[], window: { from: number; to: number }): Promise<number> {
    lastQuery = undefined;
    const series = frames.map((f) => toDataFrame(f));
    lastData = { state: LoadingState.Done, series, timeRange: fixedRange(window.from, window.to) };
    await host.updatePanel();
    return xlogPainted(series.reduce((sum, frame) => sum + frame.length, 0));
  },

  /** The signed-in user's role, as Grafana's boot data carries it; pages read it when they render. */
  setUser(orgRole: 'Admin' | 'Editor' | 'Viewer', isGrafanaAdmin = false) {
    Object.assign(config.bootData.user, { orgRole, isGrafanaAdmin });
  },

  /**
   * An app plugin's configuration page as Grafana's plugin page shows it: the module's AppPlugin gets
   * its meta from GET /api/plugins/<id>/settings, then the config page (first tab) renders with it.
   */
  mountAppConfig(moduleUrl: string, pluginId: string) {
    return mountAppConfig(moduleUrl, pluginId, theme);
  },

  /** An app plugin's root page, as Grafana renders it at /a/<id>[/<subpath>]. */
  mountAppRoot(moduleUrl: string, pluginId: string, subpath?: string) {
    return mountAppRoot(moduleUrl, pluginId, theme, subpath);
  },

  setTheme(mode: 'dark' | 'light') {
    theme = createTheme({ colors: { mode } });
    return { background: theme.colors.background.primary, text: theme.colors.text.primary };
  },

  /** How many "variables-changed" refreshes the host has run (query again, render again). */
  refreshes() {
    return refreshes;
  },

  /** A colour of the current theme by its name (`green`, `dark-red`, …), as panels resolve them. */
  themeColor(name: string) {
    return theme.visualization.getColorByName(name);
  },

  /** The colours the panel is specified to use, as the RGBA bytes a canvas stores for them. */
  colors() {
    const probe = document.createElement('canvas').getContext('2d', { willReadFrequently: true });
    if (!probe) {
      throw new Error('no 2d context');
    }
    const rgba = (css: string) => {
      probe.clearRect(0, 0, 1, 1);
      probe.fillStyle = css;
      probe.fillRect(0, 0, 1, 1);
      return Array.from(probe.getImageData(0, 0, 1, 1).data);
    };
    const ok = theme.visualization.getColorByName('blue');
    const error = theme.visualization.getColorByName('red');
    return { ok, error, okRgba: rgba(ok), errorRgba: rgba(error), background: theme.colors.background.primary };
  },
};

appEvents.getStream({ type: 'variables-changed' } as never).subscribe(async () => {
  if (lastQuery && lastRender) {
    await host.query(...lastQuery);
    await host.renderPanel(...lastRender);
    refreshes++;
  }
});

(window as unknown as { ospreyHost: typeof host }).ospreyHost = host;
document.body.dataset.hostReady = 'true';

export type OspreyHost = typeof host;
