/**
 * Grafana's time series panel, drawn here by the @grafana/ui component its plugin is built on
 * (TimeSeries, which runs outside Grafana given uPlot's stylesheet). The frames get the dashboard's
 * field config. A time series panel with transformations is left to the placeholder: they are
 * applied for tables only (GrafanaTable.tsx), the one kind of panel the bundled dashboards transform
 * that the preview tests.
 */
import {
  applyFieldOverrides,
  FieldColorModeId,
  type FieldConfigSource,
  LoadingState,
  type PanelData,
} from '@grafana/data';
import { LegendDisplayMode, type Panel } from '@grafana/schema';
import { TimeSeries, useTheme2 } from '@grafana/ui';
import type { ReactElement } from 'react';
// Grafana's own stylesheet carries uPlot's, which TimeSeries' plot and legend layout rely on.
import 'uplot/dist/uPlot.min.css';

import { templateSrv } from '../web/runtime';

/** Whether this preview draws the panel with @grafana/ui's TimeSeries. */
export function drawnAsTimeSeries(panel: Panel): boolean {
  return panel.type === 'timeseries' && (panel.transformations ?? []).length === 0;
}

export function GrafanaTimeSeries({
  panel,
  data,
  width,
  height,
}: {
  panel: Panel;
  data: PanelData;
  width: number;
  height: number;
}): ReactElement | null {
  const theme = useTheme2();
  const fieldConfig = {
    defaults: panel.fieldConfig?.defaults ?? {},
    overrides: panel.fieldConfig?.overrides ?? [],
  } as FieldConfigSource;
  // The time series panel plugin's default colour scheme (one classic palette colour per series) lives
  // in Grafana core, so the frames carry it here unless the dashboard sets one.
  const coloured = data.series.map((frame) => ({
    ...frame,
    fields: frame.fields.map((f) => ({
      ...f,
      config: { color: { mode: FieldColorModeId.PaletteClassic }, ...f.config },
    })),
  }));
  const series = applyFieldOverrides({
    data: coloured,
    fieldConfig,
    replaceVariables: (v) => templateSrv.replace(v),
    theme,
    timeZone: 'browser',
  });
  if (series.length === 0) {
    return <div>{data.state === LoadingState.Loading ? 'Waiting for the query…' : 'No data'}</div>;
  }
  const options = (panel.options ?? {}) as { legend?: Parameters<typeof TimeSeries>[0]['legend'] };
  return (
    <TimeSeries
      frames={series}
      width={width}
      height={height}
      timeRange={data.timeRange}
      timeZone="browser"
      options={panel.options}
      legend={
        options.legend ?? { displayMode: LegendDisplayMode.List, placement: 'bottom', showLegend: true, calcs: [] }
      }
    />
  );
}
