/**
 * The preview page: a bundled dashboard laid out from its JSON with the built Osprey plugins, its
 * variables filled from the datasource, refreshing like a dashboard. The URL holds the state
 * (dashboard, theme, from/to, refresh, var-<name>) as Grafana's does, so a view can be reloaded or shared.
 */
import { css } from '@emotion/css';
import { createTheme, dateTime, EventBusSrv, type GrafanaTheme2 } from '@grafana/data';
import type { Dashboard, Panel, RowPanel, VariableModel } from '@grafana/schema';
import { Alert, GlobalStyles, ThemeContext, useStyles2 } from '@grafana/ui';
import { type ReactElement, useCallback, useEffect, useMemo, useState } from 'react';

import { loadDataSource, type DataSourceLike, templateSrv } from '../web/runtime';
import {
  type Catalog,
  DATASOURCE_MODULE,
  dashboardWithUid,
  dataSourceSettings,
  loadCatalog,
  loadDashboard,
  uidOfPath,
} from './catalog';
import { Grid } from './Grid';
import { refreshMs, resolveRange, type RawRange } from './time';
import { PreviewNotice, Toolbar } from './Toolbar';
import { applyVariables, keepValue, loadOptions, previewVariables, type PreviewVariable } from './variables';

const params = new URLSearchParams(window.location.search);

function saveToUrl(state: Record<string, string | string[] | undefined>): void {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(state)) {
    for (const v of Array.isArray(value) ? value : value === undefined ? [] : [value]) {
      search.append(key, v);
    }
  }
  window.history.replaceState(null, '', `?${search.toString()}`);
}

/** Fills the options of the Osprey variables from `from` on, in order: a later one may read an earlier one. */
async function fillVariables(
  ds: DataSourceLike,
  variables: PreviewVariable[],
  from: number,
  range: RawRange
): Promise<PreviewVariable[]> {
  const filled = [...variables];
  for (let i = from; i < filled.length; i++) {
    if (filled[i].kind !== 'osprey') {
      continue;
    }
    applyVariables(filled);
    const options = await loadOptions(ds, filled[i], resolveRange(range));
    filled[i] = { ...filled[i], options, value: keepValue(filled[i], options) };
  }
  return filled;
}

function initialVariables(dashboard: Dashboard): PreviewVariable[] {
  return previewVariables((dashboard.templating?.list ?? []) as VariableModel[]).map((v) => {
    const fromUrl = params.getAll(`var-${v.name}`);
    return fromUrl.length === 0 ? v : { ...v, value: v.multi ? fromUrl : fromUrl[0] };
  });
}

export function Preview(): ReactElement {
  const [mode, setMode] = useState<'dark' | 'light'>(params.get('theme') === 'light' ? 'light' : 'dark');
  const theme = useMemo(() => createTheme({ colors: { mode } }), [mode]);
  return (
    <ThemeContext.Provider value={theme}>
      <GlobalStyles />
      <PreviewBody mode={mode} onMode={setMode} />
    </ThemeContext.Provider>
  );
}

function PreviewBody({
  mode,
  onMode,
}: {
  mode: 'dark' | 'light';
  onMode: (m: 'dark' | 'light') => void;
}): ReactElement {
  const styles = useStyles2(getStyles);
  const [failure, setFailure] = useState<string>();
  const [catalog, setCatalog] = useState<Catalog>();
  const [ds, setDs] = useState<DataSourceLike>();
  const [path, setPath] = useState<string>();
  const [dashboard, setDashboard] = useState<Dashboard>();
  const [variables, setVariables] = useState<PreviewVariable[]>([]);
  const [range, setRange] = useState<RawRange>();
  const [refresh, setRefresh] = useState<string>('');
  const [tick, setTick] = useState(0);
  const eventBus = useMemo(() => new EventBusSrv(), []);
  const fail = useCallback((err: unknown) => setFailure(err instanceof Error ? err.message : String(err)), []);

  useEffect(() => {
    Promise.all([loadCatalog(), loadDataSource(DATASOURCE_MODULE, dataSourceSettings())]).then(async ([c, d]) => {
      setCatalog(c);
      setDs(d);
      // A data link's /d/<uid> URL, or the preview's own ?dashboard=<file>.
      const uid = uidOfPath(window.location.pathname);
      const wanted = params.get('dashboard');
      const entry = uid
        ? await dashboardWithUid(c.dashboards, uid)
        : c.dashboards.find((e) => e.path === `dashboards/${wanted}.json`);
      setPath(entry?.path ?? c.dashboards[0]?.path);
    }, fail);
  }, [fail]);

  useEffect(() => {
    const entry = catalog?.dashboards.find((e) => e.path === path);
    if (!entry || !ds) {
      return;
    }
    loadDashboard(entry).then(async (loaded) => {
      const raw = {
        from: params.get('from') ?? loaded.time?.from ?? 'now-1h',
        to: params.get('to') ?? loaded.time?.to ?? 'now',
      };
      const filled = await fillVariables(ds, initialVariables(loaded), 0, raw);
      setRange(raw);
      setRefresh(params.get('refresh') ?? (typeof loaded.refresh === 'string' ? loaded.refresh : ''));
      setVariables(filled);
      setDashboard(loaded);
    }, fail);
  }, [catalog, path, ds, fail]);

  useEffect(() => {
    const every = refreshMs(refresh);
    if (!every) {
      return;
    }
    const timer = setInterval(() => setTick((t) => t + 1), every);
    return () => clearInterval(timer);
  }, [refresh]);

  useEffect(() => {
    if (path && range) {
      saveToUrl({
        dashboard: path.replace(/^dashboards\/|\.json$/g, ''),
        theme: mode,
        from: range.from,
        to: range.to,
        refresh: refresh || undefined,
        ...Object.fromEntries(variables.map((v) => [`var-${v.name}`, v.value])),
      });
    }
  }, [path, range, refresh, mode, variables]);

  const changeVariable = (name: string, value: string | string[]) => {
    const index = variables.findIndex((v) => v.name === name);
    const changed = variables.map((v, i) => (i === index ? { ...v, value } : v));
    setVariables(changed);
    if (ds && range) {
      fillVariables(ds, changed, index + 1, range).then(setVariables, fail);
    }
  };
  const changeRange = (raw: RawRange) => {
    setRange(raw);
    if (ds) {
      fillVariables(ds, variables, 0, raw).then(setVariables, fail);
    }
  };

  // The datasource reads the variables from TemplateSrv when a panel queries, which happens in the
  // panels' effects, after this render.
  applyVariables(variables);
  const resolved = useMemo(() => (range ? resolveRange(range) : undefined), [range, tick]); // eslint-disable-line react-hooks/exhaustive-deps
  if (resolved) {
    // What data links read as ${__url_time_range}.
    templateSrv.updateTimeRange(resolved);
  }
  const runKey = JSON.stringify([path, range, tick, variables.map((v) => v.value)]);
  return (
    <div className={styles.page}>
      <PreviewNotice />
      {failure && (
        <Alert severity="error" title="The preview failed">
          {failure}
        </Alert>
      )}
      {catalog && path && range && (
        <Toolbar
          dashboards={catalog.dashboards}
          dashboard={path}
          onDashboard={(p) => {
            setDashboard(undefined);
            setPath(p);
          }}
          variables={variables}
          onVariable={changeVariable}
          range={range}
          onRange={changeRange}
          refresh={refresh}
          onRefreshInterval={setRefresh}
          onRefresh={() => setTick((t) => t + 1)}
          mode={mode}
          onMode={onMode}
        />
      )}
      {dashboard && resolved && catalog && (
        <>
          <h1 className={styles.title}>{dashboard.title}</h1>
          <Grid
            key={path}
            panels={(dashboard.panels ?? []) as Array<Panel | RowPanel>}
            ds={ds}
            panelModules={catalog.panelModules}
            range={resolved}
            runKey={runKey}
            eventBus={eventBus}
            onChangeTimeRange={({ from, to }) =>
              changeRange({ from: dateTime(from).toISOString(), to: dateTime(to).toISOString() })
            }
          />
        </>
      )}
    </div>
  );
}

const getStyles = (theme: GrafanaTheme2) => ({
  page: css({ padding: theme.spacing(2), minHeight: '100vh', background: theme.colors.background.canvas }),
  title: css({ fontSize: theme.typography.h3.fontSize, margin: theme.spacing(1, 0) }),
});
