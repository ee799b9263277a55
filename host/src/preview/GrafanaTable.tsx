/**
 * Grafana's table panel, drawn here by the @grafana/ui component its plugin renders (Table), with the
 * dashboard's field config and the panel options the table panel passes on (header, cell height, the
 * frame shown, the initial sort). A panel with transformations (which Grafana core applies) stays with
 * the placeholder, as for time series: it would not show what Grafana shows.
 */
import { LoadingState, type PanelData } from '@grafana/data';
import { type Panel, type TableCellHeight, type TableSortByFieldState } from '@grafana/schema';
import { Table, useTheme2 } from '@grafana/ui';
import type { ReactElement } from 'react';

import { type CorePanelProps, dashboardFieldConfig, replaceVariables, withFieldConfig } from './dashboard-fields';

/** Whether this preview draws the panel with @grafana/ui's Table. */
export function drawnAsTable(panel: Panel): boolean {
  return panel.type === 'table' && (panel.transformations ?? []).length === 0;
}

interface TableOptions {
  showHeader?: boolean;
  cellHeight?: TableCellHeight;
  frameIndex?: number;
  sortBy?: TableSortByFieldState[];
}

export function GrafanaTable({ panel, data, width, height }: CorePanelProps): ReactElement {
  const theme = useTheme2();
  const fieldConfig = dashboardFieldConfig(panel);
  const series = withFieldConfig(fieldConfig, data.series, theme);
  const options = (panel.options ?? {}) as TableOptions;
  const frame = series[options.frameIndex ?? 0] ?? series[0];
  if (!frame) {
    return <div>{data.state === LoadingState.Loading ? 'Waiting for the query…' : 'No data'}</div>;
  }
  return (
    <Table
      data={frame}
      width={width}
      height={height}
      noHeader={options.showHeader === false}
      cellHeight={options.cellHeight}
      initialSortBy={options.sortBy}
      timeRange={data.timeRange}
      fieldConfig={fieldConfig}
      replaceVariables={replaceVariables}
    />
  );
}
