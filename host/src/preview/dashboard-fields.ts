/** The frames of a panel with the dashboard's field config applied, as Grafana's panel query runner gives them. */
import {
  applyFieldOverrides,
  type DataFrame,
  type FieldConfigSource,
  type GrafanaTheme2,
  type PanelData,
} from '@grafana/data';
import { type Panel } from '@grafana/schema';

import { templateSrv } from '../web/runtime';

/** What a Grafana core panel drawn here gets: its dashboard JSON, its query's data and its size. */
export interface CorePanelProps {
  panel: Panel;
  data: PanelData;
  width: number;
  height: number;
}

export function dashboardFieldConfig(panel: Panel): FieldConfigSource {
  return {
    defaults: panel.fieldConfig?.defaults ?? {},
    overrides: panel.fieldConfig?.overrides ?? [],
  } as FieldConfigSource;
}

export function withFieldConfig(panel: Panel, frames: DataFrame[], theme: GrafanaTheme2): DataFrame[] {
  return applyFieldOverrides({
    data: frames,
    fieldConfig: dashboardFieldConfig(panel),
    replaceVariables: (v) => templateSrv.replace(v),
    theme,
    timeZone: 'browser',
  });
}
